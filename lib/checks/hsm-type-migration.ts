import { DateTime } from 'luxon';
import { DOCS, formatDuration, isGone, notApplicable } from './common.js';
import type { Check, CheckResult } from './types.js';

const EXPECTED = 'no HSM-type migration in progress and no rollback window open';

/** `2026-11-30T11:00:00Z (in 23h)`: a deadline and how far off it is. */
function describeDeadline(deadline: Date, nowMs: number): string {
  const iso = DateTime.fromJSDate(deadline, { zone: 'utc' }).toISO({ suppressMilliseconds: true });
  return `${iso} (in ${formatDuration(deadline.getTime() - nowMs)})`;
}

/**
 * An HSM-type migration ("Migrating from hsm1.medium to hsm2m.medium", `hsm1-to-hsm2-migration.html`):
 * while it runs (MODIFY_IN_PROGRESS) or rolls back (ROLLBACK_IN_PROGRESS), the whole cluster is in
 * limited-write mode, MEDIUM like the end-of-support finding that leads to it. Afterwards the
 * cluster is ACTIVE on the new type but can still be rolled back until HsmTypeRollbackExpiration
 * (AWS: up to 24 hours after the start); that deadline is a decision to make in time (test the
 * applications, keep or roll back), so it is reported as INFORMATIONAL until it passes.
 */
export const hsmTypeMigration: Check = {
  id: 'hsm-type-migration',
  title: 'No HSM-type migration in progress or awaiting its rollback deadline',
  severity: 'MEDIUM',
  evaluate({ cluster, now }) {
    const nowMs = now.toMillis();
    const deadline = cluster.hsmTypeRollbackExpiration;
    const open = deadline !== undefined && deadline.getTime() > nowMs;
    const until = open ? describeDeadline(deadline, nowMs) : undefined;
    const rollback = until
      ? ` To roll back, run aws cloudhsmv2 modify-cluster --cluster-id ${cluster.id} --hsm-type <the previous HSM type> ` +
        `before ${until.split(' ')[0]}; after that the migration is final.`
      : '';
    const remediation = {
      text:
        'While a cluster changes HSM type it is in limited-write mode (no new keys or users; AWS lists what is ' +
        'refused) and AWS rolls it back on its own when errors rise. Test your applications on the new type ' +
        '(AWS KMS CloudHSM key stores do not support hsm2m.medium clusters).' +
        rollback,
      url: DOCS.migrateHsm2,
    };
    if (isGone(cluster)) return notApplicable(`the cluster is ${cluster.state}`, EXPECTED, remediation);
    const type = cluster.hsmType ?? 'HSM type unknown';
    const window = until ? `; it can be rolled back until ${until}` : '';
    const failed = (observed: string, extra: Partial<CheckResult> = {}): CheckResult => ({
      status: 'FAILED',
      observed,
      expected: EXPECTED,
      remediation,
      ...extra,
    });
    if (cluster.state === 'MODIFY_IN_PROGRESS') {
      return failed(
        `MODIFY_IN_PROGRESS: the cluster is migrating to another HSM type (it reports ${type}) and is in ` +
          `limited-write mode${window}`,
      );
    }
    if (cluster.state === 'ROLLBACK_IN_PROGRESS') {
      return failed(
        `ROLLBACK_IN_PROGRESS: the cluster is rolling back to its previous HSM type (it reports ${type}) and is ` +
          `in limited-write mode${window}`,
      );
    }
    if (until) return failed(`migrated to ${type}${window}`, { severity: 'INFORMATIONAL' });
    const ended = deadline
      ? `; the rollback window ended ${DateTime.fromJSDate(deadline, { zone: 'utc' }).toISO({ suppressMilliseconds: true })}`
      : '';
    return {
      status: 'PASSED',
      observed: `no HSM-type migration in progress (${type})${ended}`,
      expected: EXPECTED,
      remediation,
    };
  },
};
