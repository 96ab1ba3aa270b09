import { describe, expect, it } from 'vitest';
import { hsmTypeMigration } from '../../lib/checks/hsm-type-migration.js';
import { cluster, healthyFacts, hoursAgo } from '../support/facts.js';

const MIGRATION_URL = 'https://docs.aws.amazon.com/cloudhsm/latest/userguide/hsm1-to-hsm2-migration.html';
const inHours = (hours: number) => hoursAgo(-hours);

describe('hsm-type-migration', () => {
  it('passes an ACTIVE cluster with no rollback window', () => {
    const result = hsmTypeMigration.evaluate(healthyFacts());
    expect(result.status).toBe('PASSED');
    expect(result.observed).toBe('no HSM-type migration in progress (hsm2m.medium)');
    expect(result.remediation.url).toBe(MIGRATION_URL);
  });

  it('fails a migrating cluster (limited-write mode), naming the rollback deadline', () => {
    const result = hsmTypeMigration.evaluate(
      healthyFacts({
        cluster: cluster({
          state: 'MODIFY_IN_PROGRESS',
          hsmType: 'hsm1.medium',
          hsmTypeRollbackExpiration: inHours(23),
        }),
      }),
    );
    expect(result.status).toBe('FAILED');
    expect(result.severity ?? hsmTypeMigration.severity).toBe('MEDIUM');
    expect(result.observed).toBe(
      'MODIFY_IN_PROGRESS: the cluster is migrating to another HSM type (it reports hsm1.medium) and is in ' +
        'limited-write mode; it can be rolled back until 2026-11-30T11:00:00Z (in 23h)',
    );
    expect(result.remediation.text).toContain(
      'aws cloudhsmv2 modify-cluster --cluster-id cluster-abcdefghijk --hsm-type <the previous HSM type> before 2026-11-30T11:00:00Z',
    );
    expect(result.remediation.url).toBe(MIGRATION_URL);
  });

  it('fails a rollback in progress', () => {
    const result = hsmTypeMigration.evaluate(
      healthyFacts({ cluster: cluster({ state: 'ROLLBACK_IN_PROGRESS', hsmType: 'hsm2m.medium' }) }),
    );
    expect(result.status).toBe('FAILED');
    expect(result.observed).toBe(
      'ROLLBACK_IN_PROGRESS: the cluster is rolling back to its previous HSM type (it reports hsm2m.medium) ' +
        'and is in limited-write mode',
    );
  });

  it('reports a finished migration whose rollback window is still open as INFORMATIONAL, with the deadline', () => {
    const result = hsmTypeMigration.evaluate(
      healthyFacts({ cluster: cluster({ hsmTypeRollbackExpiration: inHours(5.5) }) }),
    );
    expect(result.status).toBe('FAILED');
    expect(result.severity).toBe('INFORMATIONAL');
    expect(result.observed).toBe(
      'migrated to hsm2m.medium; it can be rolled back until 2026-11-29T17:30:00Z (in 5h 30m)',
    );
    expect(result.remediation.text).toMatch(/before 2026-11-29T17:30:00Z/);
  });

  it('passes once the rollback window has ended (exactly at the deadline included)', () => {
    for (const end of [hoursAgo(1), hoursAgo(0)]) {
      const result = hsmTypeMigration.evaluate(
        healthyFacts({ cluster: cluster({ hsmTypeRollbackExpiration: end }) }),
      );
      expect(result.status).toBe('PASSED');
      expect(result.observed).toMatch(
        /^no HSM-type migration in progress \(hsm2m\.medium\); the rollback window ended/,
      );
    }
  });

  it('is not applicable to a cluster being deleted', () => {
    const result = hsmTypeMigration.evaluate(
      healthyFacts({ cluster: cluster({ state: 'DELETE_IN_PROGRESS' }) }),
    );
    expect(result.status).toBe('NOT_APPLICABLE');
  });
});
