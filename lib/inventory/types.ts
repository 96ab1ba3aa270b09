/**
 * The fleet snapshot every planner and check works from. Plain data, no SDK types,
 * so the decide step is pure and property tests can generate it freely.
 */
import type { KeyStoreInfo } from './key-stores.js';

/**
 * AWS's backup states, plus `UNKNOWN` for a listing entry that cannot be trusted (no state,
 * or no plausible CreateTimestamp): never deleted, never copied, never counted as a backup.
 */
export type BackupState = 'CREATE_IN_PROGRESS' | 'READY' | 'DELETED' | 'PENDING_DELETION' | 'UNKNOWN';

export interface BackupInfo {
  id: string;
  /** The region the backup is stored in (where it was listed). */
  region: string;
  clusterId?: string;
  state: BackupState;
  createdAt: Date;
  neverExpires: boolean;
  tags: Record<string, string>;
  /** Set while PENDING_DELETION: when the service deletes it for good. */
  deleteAt?: Date;
  /** Set on copies made by CopyBackupToRegion. */
  copiedAt?: Date;
  sourceRegion?: string;
  sourceBackupId?: string;
  sourceClusterId?: string;
  /** The backup's ARN, HSM type and mode (FIPS / NON_FIPS): the pinned SDK drops them (lib/aws/dropped-members.ts). */
  arn?: string;
  hsmType?: string;
  mode?: string;
}

export interface HsmInfo {
  id: string;
  zone?: string;
  subnetId?: string;
  state?: string;
  eniIp?: string;
}

export interface ClusterInfo {
  id: string;
  region: string;
  state: string;
  hsmType?: string;
  vpcId?: string;
  securityGroupId?: string;
  /** Availability Zone name → subnet id. */
  subnetMapping: Record<string, string>;
  hsms: HsmInfo[];
  /** Managed retention in days, absent when the cluster has no policy. */
  retentionDays?: number;
  tags: Record<string, string>;
  createdAt?: Date;
  sourceBackupId?: string;
  /** FIPS or NON_FIPS, and IPV4 or DUALSTACK: the pinned SDK drops them (lib/aws/dropped-members.ts). */
  mode?: string;
  networkType?: string;
  /** While an HSM-type migration can be rolled back: until when. */
  hsmTypeRollbackExpiration?: Date;
}

export interface ZoneInfo {
  name: string;
  id?: string;
  state: string;
  type: string;
}

export interface SubnetInfo {
  id: string;
  zone: string;
  vpcId?: string;
}

export interface IngressRule {
  protocol: string;
  fromPort?: number;
  toPort?: number;
  cidrs: string[];
  ipv6Cidrs: string[];
  groupIds: string[];
}

export interface SecurityGroupInfo {
  id: string;
  name?: string;
  vpcId?: string;
  ingress: IngressRule[];
}

/** Everything gathered from one region. Network facts are present only when asked for. */
export interface RegionInventory {
  region: string;
  clusters: ClusterInfo[];
  backups: BackupInfo[];
  zones?: ZoneInfo[];
  subnets?: SubnetInfo[];
  securityGroups?: SecurityGroupInfo[];
  /** The region's CloudHSM key stores (KMS); absent when not gathered or KMS could not be read. */
  keyStores?: KeyStoreInfo[];
}

/**
 * The lineage a backup belongs to: the cluster it was taken from. A copy keeps its
 * source cluster's lineage, so copies in a DR region are grouped (and pruned) by it.
 */
export function lineageOf(backup: BackupInfo): string {
  return backup.sourceClusterId ?? backup.clusterId ?? `unknown:${backup.id}`;
}

/** True for backups made by CopyBackupToRegion. */
export function isCopy(backup: BackupInfo): boolean {
  return backup.sourceBackupId !== undefined || backup.sourceRegion !== undefined;
}
