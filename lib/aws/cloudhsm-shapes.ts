/**
 * CloudHSM's answers in the snapshot's shape (lib/inventory/types.ts): the one place an SDK
 * `Backup`, `Cluster` or tag list becomes cloudhsm-ops data. lib/aws/cloudhsm.ts makes the calls.
 */
import type { BackupInfo, BackupState, ClusterInfo } from '../inventory/types.js';
import type { BackupRead, ClusterRead } from './dropped-members.js';

/** One tag as CloudHSM's TagResource and CopyBackupToRegion take it. */
export interface Tag {
  Key: string;
  Value: string;
}

/** A tag list as CloudHSM returns it (ListTags, DescribeBackups, DescribeClusters) as a key → value map. */
export function tagsToRecord(
  list: readonly { Key?: string; Value?: string }[] | undefined,
): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const tag of list ?? []) if (tag.Key !== undefined) tags[tag.Key] = tag.Value ?? '';
  return tags;
}

/**
 * CloudHSM v2 launched in 2017: an earlier CreateTimestamp means the answer was misread (this
 * SDK turns an ISO-string timestamp into a 1970 date), and a misread age must not look "old".
 */
const EARLIEST_PLAUSIBLE_BACKUP = Date.UTC(2017, 0, 1);

function stateOf(backup: BackupRead): BackupState {
  const created = backup.CreateTimestamp?.getTime();
  if (!backup.BackupState || created === undefined || !(created >= EARLIEST_PLAUSIBLE_BACKUP))
    return 'UNKNOWN';
  return backup.BackupState as BackupState;
}

/** Only the keys whose value is defined, so answers without the dropped members read as before. */
function definedOnly<T extends object>(fields: T): Partial<T> {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Converts an SDK Backup into the snapshot's shape; an entry missing its state or date is UNKNOWN. */
export function toBackupInfo(backup: BackupRead, region: string): BackupInfo {
  return {
    id: backup.BackupId!,
    region,
    clusterId: backup.ClusterId,
    state: stateOf(backup),
    createdAt: backup.CreateTimestamp ?? new Date(0),
    neverExpires: backup.NeverExpires === true,
    tags: tagsToRecord(backup.TagList),
    deleteAt: backup.DeleteTimestamp,
    copiedAt: backup.CopyTimestamp,
    sourceRegion: backup.SourceRegion,
    sourceBackupId: backup.SourceBackup,
    sourceClusterId: backup.SourceCluster,
    ...definedOnly({ arn: backup.BackupArn, hsmType: backup.HsmType, mode: backup.Mode }),
  };
}

/** Converts an SDK Cluster into the snapshot's shape. */
export function toClusterInfo(cluster: ClusterRead, region: string): ClusterInfo {
  const retention = cluster.BackupRetentionPolicy;
  const retentionDays = retention?.Value !== undefined ? Number(retention.Value) : undefined;
  return {
    id: cluster.ClusterId!,
    region,
    state: cluster.State ?? 'UNKNOWN',
    hsmType: cluster.HsmType,
    vpcId: cluster.VpcId,
    securityGroupId: cluster.SecurityGroup,
    subnetMapping: { ...(cluster.SubnetMapping ?? {}) },
    hsms: (cluster.Hsms ?? []).map((hsm) => ({
      id: hsm.HsmId ?? '',
      zone: hsm.AvailabilityZone,
      subnetId: hsm.SubnetId,
      state: hsm.State,
      eniIp: hsm.EniIp,
    })),
    retentionDays: Number.isFinite(retentionDays) ? retentionDays : undefined,
    tags: tagsToRecord(cluster.TagList),
    createdAt: cluster.CreateTimestamp,
    sourceBackupId: cluster.SourceBackupId,
    ...definedOnly({
      mode: cluster.Mode,
      networkType: cluster.NetworkType,
      hsmTypeRollbackExpiration: cluster.HsmTypeRollbackExpiration,
    }),
  };
}
