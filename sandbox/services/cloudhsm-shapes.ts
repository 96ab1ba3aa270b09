/** CloudHSM v2 response shapes, built from state records (timestamps as epoch seconds). */
import type { BackupRecord, ClusterRecord, HsmRecord } from '../state.js';

type Wire = Record<string, unknown>;

/** Epoch seconds, as JSON 1.1 sends timestamps (fractional when there are milliseconds). */
export const epochSeconds = (ms: number): number => ms / 1000;

/** `[{Key, Value}]` from a tag map. */
export function tagList(tags: Map<string, string>): Array<{ Key: string; Value: string }> {
  return [...tags].map(([Key, Value]) => ({ Key, Value }));
}

function defined(shape: Wire): Wire {
  for (const key of Object.keys(shape)) if (shape[key] === undefined) delete shape[key];
  return shape;
}

/** A Backup as DescribeBackups returns it. */
export function backupShape(backup: BackupRecord, account: string): Wire {
  return defined({
    BackupId: backup.id,
    BackupArn: `arn:aws:cloudhsm:${backup.region}:${account}:backup/${backup.id}`,
    BackupState: backup.state,
    ClusterId: backup.clusterId,
    CreateTimestamp: epochSeconds(backup.createdMs),
    CopyTimestamp: backup.copiedMs === undefined ? undefined : epochSeconds(backup.copiedMs),
    DeleteTimestamp: backup.deleteMs === undefined ? undefined : epochSeconds(backup.deleteMs),
    NeverExpires: backup.neverExpires,
    SourceRegion: backup.sourceRegion,
    SourceBackup: backup.sourceBackup,
    SourceCluster: backup.sourceCluster,
    HsmType: backup.hsmType,
    Mode: backup.mode,
    TagList: backup.tags.size > 0 ? tagList(backup.tags) : undefined,
  });
}

/** An Hsm as DescribeClusters and CreateHsm return it. */
export function hsmShape(hsm: HsmRecord): Wire {
  return defined({
    HsmId: hsm.id,
    AvailabilityZone: hsm.zone,
    ClusterId: hsm.clusterId,
    SubnetId: hsm.subnetId,
    EniId: hsm.eniId,
    EniIp: hsm.eniIp,
    HsmType: hsm.hsmType,
    State: hsm.state,
    StateMessage: hsm.state === 'ACTIVE' ? 'HSM created.' : undefined,
  });
}

/** The sandbox's StateMessage for each cluster state (AWS's wording is not documented). */
const STATE_MESSAGES: Record<string, string> = {
  CREATE_IN_PROGRESS: 'The cluster is being created.',
  UNINITIALIZED: 'The cluster has been created and is waiting to be initialized.',
  INITIALIZE_IN_PROGRESS: 'The cluster is being initialized.',
  INITIALIZED: 'The cluster has been initialized; create an HSM to use it.',
  ACTIVE: 'The cluster is ready for use.',
  UPDATE_IN_PROGRESS: 'The cluster is being updated.',
  MODIFY_IN_PROGRESS: 'The cluster is migrating to a new HSM type; it is in limited-write mode.',
  ROLLBACK_IN_PROGRESS: 'The cluster is rolling back to its previous HSM type; it is in limited-write mode.',
  DELETE_IN_PROGRESS: 'The cluster is being deleted.',
  DELETED: 'The cluster has been deleted.',
  DEGRADED: 'The cluster is degraded.',
};

/** The StateMessage of a cluster in this state. */
export const clusterStateMessage = (state: string): string | undefined => STATE_MESSAGES[state];

/** A Cluster as DescribeClusters returns it. */
export function clusterShape(cluster: ClusterRecord): Wire {
  return defined({
    ClusterId: cluster.id,
    BackupPolicy: 'DEFAULT',
    BackupRetentionPolicy:
      cluster.retentionDays === undefined
        ? undefined
        : { Type: 'DAYS', Value: String(cluster.retentionDays) },
    CreateTimestamp: epochSeconds(cluster.createdMs),
    Hsms: cluster.hsms.map(hsmShape),
    HsmType: cluster.hsmType,
    SecurityGroup: cluster.securityGroup,
    SourceBackupId: cluster.sourceBackupId,
    State: cluster.state,
    StateMessage: clusterStateMessage(cluster.state),
    HsmTypeRollbackExpiration:
      cluster.rollbackExpiresMs === undefined ? undefined : epochSeconds(cluster.rollbackExpiresMs),
    SubnetMapping: { ...cluster.subnetMapping },
    VpcId: cluster.vpcId,
    NetworkType: 'IPV4',
    Mode: cluster.mode,
    Certificates: {},
    TagList: cluster.tags.size > 0 ? tagList(cluster.tags) : undefined,
  });
}
