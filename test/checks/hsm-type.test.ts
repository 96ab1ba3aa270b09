import { describe, expect, it } from 'vitest';
import { hsmType } from '../../lib/checks/hsm-type.js';
import { cluster, healthyFacts } from './facts.js';

describe('hsm-type', () => {
  it('passes hsm2m.medium', () => {
    expect(hsmType.evaluate(healthyFacts()).status).toBe('PASSED');
  });

  it('fails hsm1.medium, which has reached end of support', () => {
    const result = hsmType.evaluate(healthyFacts({ cluster: cluster({ hsmType: 'hsm1.medium' }) }));
    expect(result.status).toBe('FAILED');
    expect(result.observed).toBe('hsm1.medium (end of support)');
    expect(result.remediation.text).toContain('--hsm-type hsm2m.medium');
  });

  it('is not applicable when the type is unknown', () => {
    expect(hsmType.evaluate(healthyFacts({ cluster: cluster({ hsmType: undefined }) })).observed).toMatch(
      /^not applicable/,
    );
  });
});
