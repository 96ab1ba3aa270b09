import { describe, expect, it } from 'vitest';
import { azSpread } from '../../lib/checks/az-spread.js';
import { cluster, healthyFacts, subnetsFor } from './facts.js';

describe('az-spread', () => {
  it('passes HSMs in two zones', () => {
    const result = azSpread.evaluate(healthyFacts());
    expect(result.status).toBe('PASSED');
    expect(result.observed).toBe('2 HSMs in 2 zones: us-east-1a, us-east-1b');
  });

  it('fails three HSMs all in one zone and suggests the zones the cluster can still use', () => {
    // Prepare
    const hsms = ['hsm-aaaaaaaaaaa', 'hsm-bbbbbbbbbbb', 'hsm-ccccccccccc'].map((id) => ({
      id,
      zone: 'us-east-1a',
      state: 'ACTIVE',
    }));
    // Act
    const result = azSpread.evaluate(healthyFacts({ cluster: cluster({ hsms }) }));
    // Assess
    expect(result.status).toBe('FAILED');
    expect(result.observed).toBe('3 HSMs in one zone: us-east-1a');
    expect(result.remediation.text).toContain('us-east-1b, us-east-1c');
  });

  it('finds an HSM zone through its subnet when the HSM does not report one', () => {
    const [a] = subnetsFor(['us-east-1a']);
    const hsms = [
      { id: 'hsm-aaaaaaaaaaa', subnetId: a!.id, state: 'ACTIVE' },
      { id: 'hsm-bbbbbbbbbbb', zone: 'us-east-1a', state: 'ACTIVE' },
    ];
    expect(azSpread.evaluate(healthyFacts({ cluster: cluster({ hsms }) })).status).toBe('FAILED');
  });

  it('leaves clusters with fewer than two HSMs to hsm-count', () => {
    const result = azSpread.evaluate(
      healthyFacts({ cluster: cluster({ hsms: [{ id: 'hsm-aaaaaaaaaaa', zone: 'us-east-1a' }] }) }),
    );
    expect(result.status).toBe('PASSED');
    expect(result.observed).toMatch(/^not applicable: .*see hsm-count/);
  });
});
