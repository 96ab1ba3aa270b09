/** Lookups and checks the CloudHSM v2 operations share. */
import { PATTERNS } from '../../lib/config/common.js';
import { ApiError } from '../errors.js';
import type { BackupRecord, ClusterRecord, RegionState } from '../state.js';
import { type Input, InputReader } from './input.js';

export const INVALID = 'CloudHsmInvalidRequestException';
export const NOT_FOUND = 'CloudHsmResourceNotFoundException';

/** AWS's id patterns (docs/aws-api.md §1.2), anchored. */
export const CLUSTER_ID = PATTERNS.clusterId;
export const BACKUP_ID = PATTERNS.backupId;
export const HSM_ID = PATTERNS.hsmId;
const BACKUP_ARN = /^arn:aws(-us-gov)?:cloudhsm:[a-z0-9-]+:\d{12}:backup\/(backup-[2-7a-zA-Z]{11,16})$/;

/** A reader that reports CloudHsmInvalidRequestException. */
export const reader = (input: Input) => new InputReader(input, INVALID);

/** The backup with this id in the region, or CloudHsmResourceNotFoundException. */
export function findBackup(region: RegionState, id: string): BackupRecord {
  const backup = region.backups.get(id);
  if (!backup) throw new ApiError(NOT_FOUND, `Backup ${id} not found in ${region.name}`);
  return backup;
}

/** The cluster with this id in the region, or CloudHsmResourceNotFoundException. */
export function findCluster(region: RegionState, id: string): ClusterRecord {
  const cluster = region.clusters.get(id);
  if (!cluster) throw new ApiError(NOT_FOUND, `Cluster ${id} not found in ${region.name}`);
  return cluster;
}

/** A BackupId parameter given as an id or as a backup ARN. */
export function backupIdParameter(value: string): string {
  if (BACKUP_ID.test(value)) return value;
  const arn = BACKUP_ARN.exec(value);
  if (arn) return arn[2]!;
  throw new ApiError(INVALID, `Invalid backup id: ${value}`);
}

/** States in which a cluster accepts no changes: deleted or going, or changing HSM type. */
const BUSY_STATES = ['DELETED', 'DELETE_IN_PROGRESS', 'MODIFY_IN_PROGRESS', 'ROLLBACK_IN_PROGRESS'];

/** A cluster that has been deleted (or is going), or is migrating, accepts no changes. */
export function checkClusterUsable(cluster: ClusterRecord): void {
  if (BUSY_STATES.includes(cluster.state)) {
    throw new ApiError(INVALID, `Cluster ${cluster.id} is in state ${cluster.state}`);
  }
}

/** A BackupRetentionPolicy parameter → days (Type DAYS, Value "7".."379"). */
export function retentionDays(policy: Input): number {
  const r = reader(policy);
  const type = r.requiredString('Type');
  const value = r.requiredString('Value');
  if (type !== 'DAYS') throw new ApiError(INVALID, `BackupRetentionPolicy Type must be DAYS, got ${type}`);
  const days = /^\d{1,3}$/.test(value) ? Number(value) : Number.NaN;
  if (!(days >= 7 && days <= 379)) {
    throw new ApiError(
      INVALID,
      `BackupRetentionPolicy Value must be a number of days from 7 to 379, got "${value}"`,
    );
  }
  return days;
}
