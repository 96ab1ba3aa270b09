import { DateTime } from 'luxon';
import type { BackupInfo, ClusterInfo, HsmInfo } from '../inventory/types.js';
import type { CheckResult, Remediation } from './types.js';

/** AWS documentation pages the remediations link to. */
export const DOCS = {
  addRemoveHsm: 'https://docs.aws.amazon.com/cloudhsm/latest/userguide/add-remove-hsm.html',
  highAvailability:
    'https://docs.aws.amazon.com/cloudhsm/latest/userguide/cluster-high-availability-load-balancing.html',
  createCluster: 'https://docs.aws.amazon.com/cloudhsm/latest/userguide/create-cluster.html',
  securityGroup: 'https://docs.aws.amazon.com/cloudhsm/latest/userguide/configure-sg.html',
  troubleshooting: 'https://docs.aws.amazon.com/cloudhsm/latest/userguide/troubleshooting.html',
  backups: 'https://docs.aws.amazon.com/cloudhsm/latest/userguide/backups.html',
  copyBackup: 'https://docs.aws.amazon.com/cloudhsm/latest/userguide/copy-backup-to-region.html',
  retention: 'https://docs.aws.amazon.com/cloudhsm/latest/userguide/manage-backup-retention.html',
  deleteRestore: 'https://docs.aws.amazon.com/cloudhsm/latest/userguide/delete-restore-backup.html',
  hsmTypes: 'https://docs.aws.amazon.com/cloudhsm/latest/userguide/hsm-types.html',
  initialize: 'https://docs.aws.amazon.com/cloudhsm/latest/userguide/initialize-cluster.html',
  bestPractices: 'https://docs.aws.amazon.com/cloudhsm/latest/userguide/bp-cluster-management.html',
  manageBackups: 'https://docs.aws.amazon.com/cloudhsm/latest/userguide/manage-backups.html',
  migrateHsm2: 'https://docs.aws.amazon.com/cloudhsm/latest/userguide/hsm1-to-hsm2-migration.html',
  /** AWS KMS Developer Guide: "Troubleshooting a custom key store". */
  kmsFixKeyStore:
    'https://docs.aws.amazon.com/kms/latest/developerguide/fix-keystore.html#fix-keystore-failed',
  /** AWS KMS Developer Guide: "Connecting and disconnecting an AWS CloudHSM key store". */
  kmsConnectKeyStore: 'https://docs.aws.amazon.com/kms/latest/developerguide/connect-keystore.html',
  /** AWS KMS Developer Guide: "Create an AWS CloudHSM key store" (its prerequisites: two active HSMs in two zones). */
  kmsCreateKeyStore: 'https://docs.aws.amazon.com/kms/latest/developerguide/create-keystore.html',
  clusterModes: 'https://docs.aws.amazon.com/cloudhsm/latest/userguide/cluster-hsm-types.html',
} as const;

/** States in which a cluster serves (or is meant to serve) requests, so HSM and backup checks apply. */
export const IN_SERVICE_STATES: ReadonlySet<string> = new Set([
  'ACTIVE',
  'DEGRADED',
  'UPDATE_IN_PROGRESS',
  'MODIFY_IN_PROGRESS',
  'ROLLBACK_IN_PROGRESS',
]);

/** States of a cluster on its way out: configuration checks no longer apply. */
export const GONE_STATES: ReadonlySet<string> = new Set(['DELETE_IN_PROGRESS', 'DELETED']);

export const isInService = (cluster: ClusterInfo) => IN_SERVICE_STATES.has(cluster.state);
export const isGone = (cluster: ClusterInfo) => GONE_STATES.has(cluster.state);

/** HSMs that exist or are being created; ones being deleted no longer count. */
export function liveHsms(cluster: ClusterInfo): HsmInfo[] {
  return cluster.hsms.filter((hsm) => hsm.state !== 'DELETE_IN_PROGRESS' && hsm.state !== 'DELETED');
}

/** HSMs that serve requests: only ACTIVE ones (not CREATE_IN_PROGRESS, DEGRADED or being deleted). */
export function servingHsms(cluster: ClusterInfo): HsmInfo[] {
  return cluster.hsms.filter((hsm) => hsm.state === 'ACTIVE');
}

/** Live HSMs that do not serve (being created, DEGRADED, ...), as `1 CREATE_IN_PROGRESS (hsm-…)`. */
export function describeNotServing(cluster: ClusterInfo): string | undefined {
  const others = liveHsms(cluster).filter((hsm) => hsm.state !== 'ACTIVE');
  if (others.length === 0) return undefined;
  const byState = new Map<string, string[]>();
  for (const hsm of others) {
    const state = hsm.state ?? 'state unknown';
    byState.set(state, [...(byState.get(state) ?? []), hsm.id]);
  }
  return [...byState].map(([state, ids]) => `${ids.length} ${state} (${ids.join(', ')})`).join(', ');
}

/**
 * A parked cluster: in service (usually ACTIVE) but with no HSM at all, the way AWS suggests
 * saving cost on a cluster used now and then (delete the HSMs; a new HSM restores the latest
 * backup). Nothing serves, and CloudHSM takes no daily backup, so checks of HSMs and backup
 * age do not apply to it; `hsm-count` reports it once.
 */
export function isParked(cluster: ClusterInfo): boolean {
  return isInService(cluster) && liveHsms(cluster).length === 0;
}

/**
 * The result for a check that does not apply to this cluster (or cannot judge it): status
 * NOT_APPLICABLE, never PASSED, so nothing keyed on one check sees green where nothing was
 * judged; and not absent, so a consumer holding an earlier FAILED finding for the same id
 * learns the check no longer applies. The observed text says why.
 */
export function notApplicable(reason: string, expected: string, remediation: Remediation): CheckResult {
  // The one place that decides how "not applicable" is represented.
  return { status: 'NOT_APPLICABLE', observed: `${NOT_APPLICABLE_PREFIX}${reason}`, expected, remediation };
}

/** How a not-applicable result's observed text starts. */
export const NOT_APPLICABLE_PREFIX = 'not applicable: ';

/** True for a result {@link notApplicable} made. */
export function isNotApplicable(result: Pick<CheckResult, 'status' | 'observed'>): boolean {
  return result.status === 'NOT_APPLICABLE';
}

/** The newest backup in READY state, or undefined. */
export function newestReady(backups: readonly BackupInfo[]): BackupInfo | undefined {
  let newest: BackupInfo | undefined;
  for (const backup of backups) {
    if (backup.state !== 'READY') continue;
    if (!newest || backup.createdAt.getTime() > newest.createdAt.getTime()) newest = backup;
  }
  return newest;
}

/** A duration in words a person reads at a glance: `45m`, `26h 30m`, `3d 4h`. */
export function formatDuration(millis: number): string {
  const negative = millis < 0;
  const minutes = Math.floor(Math.abs(millis) / 60_000);
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const mins = minutes % 60;
  let text: string;
  if (minutes < 60) text = `${mins}m`;
  else if (minutes < 48 * 60) text = mins ? `${days * 24 + hours}h ${mins}m` : `${days * 24 + hours}h`;
  else text = hours ? `${days}d ${hours}h` : `${days}d`;
  return negative ? `-${text}` : text;
}

/** `2026-11-28T03:00:00Z (33h ago)`. */
export function describeTime(time: Date, now: DateTime): string {
  const iso = DateTime.fromJSDate(time, { zone: 'utc' }).toISO({ suppressMilliseconds: true });
  return `${iso} (${formatDuration(now.toMillis() - time.getTime())} ago)`;
}

/** `a`, `a and b`, `a, b and c`. */
export function listOf(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** `1 HSM`, `2 HSMs`. */
export function plural(count: number, noun: string, nouns = `${noun}s`): string {
  return `${count} ${count === 1 ? noun : nouns}`;
}

/** The DR regions that apply to a cluster: every configured one except its own region. */
export function drRegionsFor(cluster: ClusterInfo, drRegions: readonly string[]): string[] {
  return drRegions.filter((region) => region !== cluster.region);
}
