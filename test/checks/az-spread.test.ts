import { describe, expect, it } from 'vitest';
import { azSpread } from '../../lib/checks/az-spread.js';
import type { HsmInfo } from '../../lib/inventory/types.js';
import { cluster, healthyFacts, subnetsFor } from '../support/facts.js';

const hsm = (letter: string, zone: string, state = 'ACTIVE'): HsmInfo => ({
  id: `hsm-${letter.repeat(11)}`,
  zone,
  state,
});

describe('az-spread', () => {
  it('passes two HSMs in two zones', () => {
    const result = azSpread.evaluate(healthyFacts());
    expect(result.status).toBe('PASSED');
    expect(result.observed).toBe('2 ACTIVE HSMs in 2 zones: us-east-1a, us-east-1b');
  });

  it('fails three HSMs all in one zone as HIGH and suggests the zones the cluster can still use', () => {
    // Prepare
    const hsms = ['a', 'b', 'c'].map((l) => hsm(l, 'us-east-1a'));
    // Act
    const result = azSpread.evaluate(healthyFacts({ cluster: cluster({ hsms }) }));
    // Assess
    expect(result.status).toBe('FAILED');
    expect(result.severity ?? azSpread.severity).toBe('HIGH');
    expect(result.observed).toBe('3 ACTIVE HSMs in one zone: us-east-1a');
    expect(result.remediation.text).toContain('us-east-1b, us-east-1c');
  });

  it('fails three HSMs in two zones as MEDIUM when the cluster has subnets in three', () => {
    // Prepare
    const hsms = [hsm('a', 'us-east-1a'), hsm('b', 'us-east-1a'), hsm('c', 'us-east-1b')];
    // Act
    const result = azSpread.evaluate(healthyFacts({ cluster: cluster({ hsms }) }));
    // Assess
    expect(result.status).toBe('FAILED');
    expect(result.severity).toBe('MEDIUM');
    expect(result.observed).toBe(
      '3 ACTIVE HSMs in 2 zones: us-east-1a (2), us-east-1b; the cluster has subnets in 3 zones',
    );
    expect(result.remediation.text).toContain('us-east-1c');
  });

  it('passes three HSMs in two zones when the cluster has subnets in only two', () => {
    const [a, b] = subnetsFor(['us-east-1a', 'us-east-1b']);
    const hsms = [hsm('a', 'us-east-1a'), hsm('b', 'us-east-1a'), hsm('c', 'us-east-1b')];
    const facts = healthyFacts({
      cluster: cluster({ hsms, subnetMapping: { 'us-east-1a': a!.id, 'us-east-1b': b!.id } }),
    });
    expect(azSpread.evaluate(facts).status).toBe('PASSED');
  });

  it('counts only ACTIVE HSMs: one being created does not spread the cluster', () => {
    const hsms = [
      hsm('a', 'us-east-1a'),
      hsm('b', 'us-east-1a'),
      hsm('c', 'us-east-1b', 'CREATE_IN_PROGRESS'),
    ];
    const result = azSpread.evaluate(healthyFacts({ cluster: cluster({ hsms }) }));
    expect(result.status).toBe('FAILED');
    expect(result.severity ?? azSpread.severity).toBe('HIGH');
  });

  it('finds an HSM zone through its subnet when the HSM does not report one', () => {
    const [a] = subnetsFor(['us-east-1a']);
    const hsms = [
      { id: 'hsm-aaaaaaaaaaa', subnetId: a!.id, state: 'ACTIVE' },
      { id: 'hsm-bbbbbbbbbbb', zone: 'us-east-1a', state: 'ACTIVE' },
    ];
    expect(azSpread.evaluate(healthyFacts({ cluster: cluster({ hsms }) })).status).toBe('FAILED');
  });

  it('leaves clusters with fewer than two ACTIVE HSMs to hsm-count', () => {
    const result = azSpread.evaluate(healthyFacts({ cluster: cluster({ hsms: [hsm('a', 'us-east-1a')] }) }));
    expect(result.status).toBe('NOT_APPLICABLE');
    expect(result.observed).toMatch(/^not applicable: .*see hsm-count/);
  });
});
