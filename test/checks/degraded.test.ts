import { describe, expect, it } from 'vitest';
import { degraded } from '../../lib/checks/degraded.js';
import { cluster, healthyFacts } from '../support/facts.js';

describe('degraded', () => {
  it('passes an ACTIVE cluster with ACTIVE HSMs', () => {
    expect(degraded.evaluate(healthyFacts()).status).toBe('PASSED');
  });

  it('fails a DEGRADED cluster', () => {
    const result = degraded.evaluate(healthyFacts({ cluster: cluster({ state: 'DEGRADED' }) }));
    expect(result.status).toBe('FAILED');
    expect(result.observed).toBe('cluster is DEGRADED');
  });

  it('fails an ACTIVE cluster with a DEGRADED HSM, naming it and its zone', () => {
    const hsms = [
      { id: 'hsm-aaaaaaaaaaa', zone: 'us-east-1a', state: 'ACTIVE' },
      { id: 'hsm-bbbbbbbbbbb', zone: 'us-east-1b', state: 'DEGRADED' },
    ];
    const result = degraded.evaluate(healthyFacts({ cluster: cluster({ hsms }) }));
    expect(result.status).toBe('FAILED');
    expect(result.observed).toBe('DEGRADED HSM: hsm-bbbbbbbbbbb (us-east-1b)');
  });
});
