import { describe, expect, it } from 'vitest';
import { retentionPolicy } from '../../lib/checks/retention-policy.js';
import { cluster, healthyFacts } from '../support/facts.js';

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
    expect(result.status).toBe('NOT_APPLICABLE');
  });
});

describe('retention-policy for clusters created before 2020-11-18', () => {
  it('accepts 90 days + the cluster age AWS gave it, and says what the cluster has', () => {
    // Prepare: created 2019-11-18, one year before managed retention began: 90 + 366 days
    const facts = healthyFacts({
      cluster: cluster({ createdAt: new Date('2019-11-18T00:00:00Z'), retentionDays: 456 }),
    });
    // Act
    const result = retentionPolicy.evaluate(facts);
    // Assess
    expect(result.status).toBe('PASSED');
    expect(result.observed).toBe(
      'backups expire after 456 days: the policy AWS gave clusters created before 2020-11-18 ' +
        '(90 days + the cluster age then, 366 days); a new value must be 7-379 days',
    );
    expect(result.expected).toContain('before 2020-11-18');
  });

  it('fails a value outside 7-379 days on a cluster created later, naming both', () => {
    const facts = healthyFacts({
      cluster: cluster({ createdAt: new Date('2021-03-01T00:00:00Z'), retentionDays: 455 }),
    });
    const result = retentionPolicy.evaluate(facts);
    expect(result.status).toBe('FAILED');
    expect(result.observed).toBe(
      'backups expire after 455 days, outside 7-379 days; only clusters created before 2020-11-18 ' +
        '(this one: 2021-03-01) may have more',
    );
  });
});
