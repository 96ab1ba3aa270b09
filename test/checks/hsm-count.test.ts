import { describe, expect, it } from 'vitest';
import { hsmCount } from '../../lib/checks/hsm-count.js';
import { cluster, healthyFacts } from './facts.js';

describe('hsm-count', () => {
  it('passes an ACTIVE cluster with two HSMs', () => {
    const result = hsmCount.evaluate(healthyFacts());
    expect(result.status).toBe('PASSED');
    expect(result.observed).toBe('2 HSMs (hsm-aaaaaaaaaaa, hsm-bbbbbbbbbbb)');
  });

  it('fails a single HSM as HIGH, naming it', () => {
    // Prepare
    const facts = healthyFacts({
      cluster: cluster({ hsms: [{ id: 'hsm-aaaaaaaaaaa', zone: 'us-east-1a', state: 'ACTIVE' }] }),
    });
    // Act
    const result = hsmCount.evaluate(facts);
    // Assess
    expect(result.status).toBe('FAILED');
    expect(result.severity ?? hsmCount.severity).toBe('HIGH');
    expect(result.observed).toContain('1 HSM (hsm-aaaaaaaaaaa)');
  });

  it('reports 0 HSMs apart from 1: CRITICAL, with its own observation', () => {
    const result = hsmCount.evaluate(healthyFacts({ cluster: cluster({ hsms: [] }) }));
    expect(result.status).toBe('FAILED');
    expect(result.severity).toBe('CRITICAL');
    expect(result.observed).toMatch(/^no HSMs/);
  });

  it('does not count an HSM that is being deleted', () => {
    const facts = healthyFacts({
      cluster: cluster({
        hsms: [
          { id: 'hsm-aaaaaaaaaaa', zone: 'us-east-1a', state: 'ACTIVE' },
          { id: 'hsm-bbbbbbbbbbb', zone: 'us-east-1b', state: 'DELETE_IN_PROGRESS' },
        ],
      }),
    });
    expect(hsmCount.evaluate(facts).status).toBe('FAILED');
  });

  it('applies to a DEGRADED cluster too, but not to one still being set up', () => {
    expect(
      hsmCount.evaluate(healthyFacts({ cluster: cluster({ state: 'DEGRADED', hsms: [] }) })).status,
    ).toBe('FAILED');
    const uninitialized = hsmCount.evaluate(
      healthyFacts({ cluster: cluster({ state: 'UNINITIALIZED', hsms: [] }) }),
    );
    expect(uninitialized.status).toBe('PASSED');
    expect(uninitialized.observed).toBe('not applicable: the cluster is UNINITIALIZED');
  });
});
