import { describe, expect, it } from 'vitest';
import { hsmType } from '../../lib/checks/hsm-type.js';
import { cluster, healthyFacts } from '../support/facts.js';

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

describe('hsm-type remediation', () => {
  it('warns before the migration command: KMS key stores, limited-write mode and the rollback window', () => {
    const { remediation } = hsmType.evaluate(healthyFacts({ cluster: cluster({ hsmType: 'hsm1.medium' }) }));
    expect(remediation.text).toMatch(/AWS KMS.*custom key store.*hsm2m\.medium/);
    expect(remediation.text).toContain('limited-write mode');
    expect(remediation.text).toContain('roll back within 24 hours');
    expect(remediation.text.indexOf('Warning')).toBeLessThan(remediation.text.indexOf('modify-cluster'));
    expect(remediation.url).toBe(
      'https://docs.aws.amazon.com/cloudhsm/latest/userguide/hsm1-to-hsm2-migration.html',
    );
  });
});
