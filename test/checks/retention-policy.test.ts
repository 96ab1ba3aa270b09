import { describe, expect, it } from 'vitest';
import { retentionPolicy } from '../../lib/checks/retention-policy.js';
import { cluster, healthyFacts } from './facts.js';

describe('retention-policy', () => {
  it('passes a cluster with a managed retention policy', () => {
    const result = retentionPolicy.evaluate(healthyFacts());
    expect(result.status).toBe('PASSED');
    expect(result.observed).toBe('backups expire after 90 days');
  });

  it('fails a cluster without one and gives the command that sets it', () => {
    const result = retentionPolicy.evaluate(healthyFacts({ cluster: cluster({ retentionDays: undefined }) }));
    expect(result.status).toBe('FAILED');
    expect(result.observed).toBe('no BackupRetentionPolicy');
    expect(result.remediation.text).toContain(
      'modify-cluster --cluster-id cluster-abcdefghijk --backup-retention-policy Type=DAYS,Value=90',
    );
  });

  it('is not applicable to a cluster being deleted', () => {
    const result = retentionPolicy.evaluate(
      healthyFacts({ cluster: cluster({ retentionDays: undefined, state: 'DELETE_IN_PROGRESS' }) }),
    );
    expect(result.status).toBe('PASSED');
  });
});
