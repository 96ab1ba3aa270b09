import { DateTime } from 'luxon';
import { DOCS, isGone, notApplicable } from './common.js';
import type { Check } from './types.js';

/** Managed backup retention began on this day; clusters created before it got 90 days + their age. */
export const MANAGED_RETENTION_START = Date.UTC(2020, 10, 18);
/** The values modify-cluster accepts. */
export const RETENTION_RANGE = { min: 7, max: 379 } as const;

const EXPECTED =
  `a managed BackupRetentionPolicy (Type DAYS, ${RETENTION_RANGE.min}-${RETENTION_RANGE.max} days; clusters ` +
  'created before 2020-11-18 may keep the 90 days + cluster age AWS gave them)';

const DAY_MS = 86_400_000;
const isoDay = (date: Date) => DateTime.fromJSDate(date, { zone: 'utc' }).toISODate();

/**
 * Without a managed retention policy the cluster's own backups are never expired by CloudHSM.
 * A policy is 7-379 days, except that AWS gave clusters created before 2020-11-18 a policy of
 * 90 days plus the cluster's age then (a cluster created 2019-11-18 has 455 or 456 days): that
 * value is theirs to keep, and is reported as what it is, not as out of range.
 */
export const retentionPolicy: Check = {
  id: 'retention-policy',
  title: 'Cluster has a managed backup retention policy',
  severity: 'MEDIUM',
  evaluate({ cluster }) {
    const remediation = {
      text:
        `Set a retention policy: aws cloudhsmv2 modify-cluster --cluster-id ${cluster.id} ` +
        '--backup-retention-policy Type=DAYS,Value=90 (choose 7-379 days to fit your recovery needs).',
      url: DOCS.retention,
    };
    if (isGone(cluster)) return notApplicable(`the cluster is ${cluster.state}`, EXPECTED, remediation);
    const days = cluster.retentionDays;
    if (days === undefined) {
      return { status: 'FAILED', observed: 'no BackupRetentionPolicy', expected: EXPECTED, remediation };
    }
    const has = `backups expire after ${days} days`;
    if (days >= RETENTION_RANGE.min && days <= RETENTION_RANGE.max) {
      return { status: 'PASSED', observed: has, expected: EXPECTED, remediation };
    }
    const created = cluster.createdAt?.getTime();
    if (days > RETENTION_RANGE.max && created !== undefined && created < MANAGED_RETENTION_START) {
      const ageThen = Math.round((MANAGED_RETENTION_START - created) / DAY_MS);
      // One day of slack: AWS's own example counts a year as 365 days.
      if (days <= 90 + ageThen + 1) {
        return {
          status: 'PASSED',
          observed:
            `${has}: the policy AWS gave clusters created before 2020-11-18 (90 days + the cluster age then, ` +
            `${ageThen} days); a new value must be ${RETENTION_RANGE.min}-${RETENTION_RANGE.max} days`,
          expected: EXPECTED,
          remediation,
        };
      }
    }
    const when = cluster.createdAt ? `this one: ${isoDay(cluster.createdAt)}` : 'creation time unknown';
    return {
      status: 'FAILED',
      observed:
        `${has}, outside ${RETENTION_RANGE.min}-${RETENTION_RANGE.max} days; only clusters created before ` +
        `2020-11-18 (${when}) may have more`,
      expected: EXPECTED,
      remediation,
    };
  },
};
