import { isCopy } from '../inventory/types.js';
import {
  DOCS,
  describeTime,
  formatDuration,
  isInService,
  isParked,
  newestReady,
  notApplicable,
} from './common.js';
import type { Check } from './types.js';

/** CloudHSM backs up every cluster at least once a day. */
export const BACKUP_INTERVAL_HOURS = 24;

/**
 * The newest READY backup of an in-service cluster is at most 24 h plus the configured
 * grace old. Exactly at the limit still passes; a second later fails. A cluster younger
 * than the limit without a backup yet passes. A parked cluster (no HSMs) gets no daily backup,
 * so the check does not apply to it (hsm-count reports the parking).
 */
export const backupFreshness: Check = {
  id: 'backup-freshness',
  title: 'Cluster has a recent backup',
  severity: 'HIGH',
  evaluate({ cluster, backups, config, now }) {
    const limitHours = BACKUP_INTERVAL_HOURS + config.freshnessGraceHours;
    const limitMs = limitHours * 3_600_000;
    const expected = `a READY backup no older than ${formatDuration(limitMs)} (24h + ${config.freshnessGraceHours}h grace)`;
    const remediation = {
      text:
        'CloudHSM takes backups itself (at least daily, and when HSMs are added or removed). A missing or late ' +
        'backup points to a cluster problem: check the cluster state and contact AWS Support.',
      url: DOCS.backups,
    };
    if (!isInService(cluster)) return notApplicable(`the cluster is ${cluster.state}`, expected, remediation);
    if (isParked(cluster)) {
      return notApplicable(
        'the cluster is parked (no HSMs): CloudHSM takes no daily backup without an HSM; see hsm-count',
        expected,
        remediation,
      );
    }
    const own = backups.filter((b) => b.clusterId === cluster.id && !isCopy(b));
    const newest = newestReady(own);
    if (!newest) {
      const age = cluster.createdAt ? now.toMillis() - cluster.createdAt.getTime() : undefined;
      if (age !== undefined && age <= limitMs) {
        return {
          status: 'PASSED',
          observed: `no READY backup yet; the cluster was created ${formatDuration(age)} ago`,
          expected,
          remediation,
        };
      }
      const pending = own.filter((b) => b.state === 'CREATE_IN_PROGRESS').length;
      return {
        status: 'FAILED',
        observed: `no READY backup${pending ? ` (${pending} in progress)` : ''}`,
        expected,
        remediation,
      };
    }
    const age = now.toMillis() - newest.createdAt.getTime();
    const newer = own.filter((b) => b.state === 'CREATE_IN_PROGRESS' && b.createdAt > newest.createdAt);
    const progress = newer.length
      ? `; ${newer.length} newer backup(s) still CREATE_IN_PROGRESS, oldest since ${describeTime(
          newer.reduce((a, b) => (a.createdAt <= b.createdAt ? a : b)).createdAt,
          now,
        )}`
      : '';
    return {
      status: age > limitMs ? 'FAILED' : 'PASSED',
      observed: `newest READY backup ${newest.id} created ${describeTime(newest.createdAt, now)}${progress}`,
      expected,
      remediation,
    };
  },
};
