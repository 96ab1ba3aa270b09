import {
  type Backup,
  type CloudHSMV2Client,
  type Cluster,
  paginateDescribeBackups,
  paginateDescribeClusters,
} from '@aws-sdk/client-cloudhsm-v2';
import {
  DescribeAvailabilityZonesCommand,
  type EC2Client,
  paginateDescribeSecurityGroups,
  paginateDescribeSubnets,
} from '@aws-sdk/client-ec2';
import type { AwsClients } from '../aws/clients.js';
import type {
  BackupInfo,
  BackupState,
  ClusterInfo,
  IngressRule,
  RegionInventory,
  SecurityGroupInfo,
  SubnetInfo,
  ZoneInfo,
} from './types.js';

/** DescribeBackups filters, as the API takes them (`clusterIds`, `states`, `sourceBackupIds`, ...). */
export type BackupFilters = Record<string, string[]>;

/** Largest page each describe call allows, so a listing costs as few calls as possible. */
export const PAGE_SIZE = { clusters: 25, backups: 50, ec2: 1000 } as const;

function tagsOf(list: { Key?: string; Value?: string }[] | undefined): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const tag of list ?? []) if (tag.Key !== undefined) tags[tag.Key] = tag.Value ?? '';
  return tags;
}

/**
 * CloudHSM v2 launched in 2017: an earlier CreateTimestamp means the answer was misread (this
 * SDK turns an ISO-string timestamp into a 1970 date), and a misread age must not look "old".
 */
const EARLIEST_PLAUSIBLE_BACKUP = Date.UTC(2017, 0, 1);

function stateOf(backup: Backup): BackupState {
  const created = backup.CreateTimestamp?.getTime();
  if (!backup.BackupState || created === undefined || !(created >= EARLIEST_PLAUSIBLE_BACKUP))
    return 'UNKNOWN';
  return backup.BackupState as BackupState;
}

/** Converts an SDK Backup into the snapshot's shape; an entry missing its state or date is UNKNOWN. */
export function toBackupInfo(backup: Backup, region: string): BackupInfo {
  return {
    id: backup.BackupId!,
    region,
    clusterId: backup.ClusterId,
    state: stateOf(backup),
    createdAt: backup.CreateTimestamp ?? new Date(0),
    neverExpires: backup.NeverExpires === true,
    tags: tagsOf(backup.TagList),
    deleteAt: backup.DeleteTimestamp,
    copiedAt: backup.CopyTimestamp,
    sourceRegion: backup.SourceRegion,
    sourceBackupId: backup.SourceBackup,
    sourceClusterId: backup.SourceCluster,
  };
}

/** Converts an SDK Cluster into the snapshot's shape. */
export function toClusterInfo(cluster: Cluster, region: string): ClusterInfo {
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
    tags: tagsOf(cluster.TagList),
    createdAt: cluster.CreateTimestamp,
    sourceBackupId: cluster.SourceBackupId,
  };
}

/** Every backup matching `filters` in the client's region, all pages, oldest first. */
export async function listBackups(
  client: CloudHSMV2Client,
  region: string,
  filters?: BackupFilters,
): Promise<BackupInfo[]> {
  const backups: BackupInfo[] = [];
  const pages = paginateDescribeBackups(
    { client, pageSize: PAGE_SIZE.backups },
    { Filters: filters, SortAscending: true },
  );
  for await (const page of pages) {
    for (const backup of page.Backups ?? []) backups.push(toBackupInfo(backup, region));
  }
  return backups;
}

/** Every cluster matching `filters` in the client's region, all pages. */
export async function listClusters(
  client: CloudHSMV2Client,
  region: string,
  filters?: Record<string, string[]>,
): Promise<ClusterInfo[]> {
  const clusters: ClusterInfo[] = [];
  const pages = paginateDescribeClusters({ client, pageSize: PAGE_SIZE.clusters }, { Filters: filters });
  for await (const page of pages) {
    for (const cluster of page.Clusters ?? []) clusters.push(toClusterInfo(cluster, region));
  }
  return clusters;
}

/** The region's Availability Zones (not Local or Wavelength Zones), with their state. */
export async function listZones(client: EC2Client): Promise<ZoneInfo[]> {
  const result = await client.send(
    new DescribeAvailabilityZonesCommand({ Filters: [{ Name: 'zone-type', Values: ['availability-zone'] }] }),
  );
  return (result.AvailabilityZones ?? [])
    .map((zone) => ({
      name: zone.ZoneName ?? '',
      id: zone.ZoneId,
      state: zone.State ?? 'unknown',
      type: zone.ZoneType ?? 'availability-zone',
    }))
    .filter((zone) => zone.name !== '' && zone.type === 'availability-zone');
}

/** The named subnets (all pages). */
export async function listSubnets(client: EC2Client, subnetIds: string[]): Promise<SubnetInfo[]> {
  if (subnetIds.length === 0) return [];
  const subnets: SubnetInfo[] = [];
  const pages = paginateDescribeSubnets(
    { client, pageSize: PAGE_SIZE.ec2 },
    { Filters: [{ Name: 'subnet-id', Values: subnetIds }] },
  );
  for await (const page of pages) {
    for (const subnet of page.Subnets ?? []) {
      subnets.push({ id: subnet.SubnetId ?? '', zone: subnet.AvailabilityZone ?? '', vpcId: subnet.VpcId });
    }
  }
  return subnets;
}

/** The named security groups with their inbound rules (all pages). */
export async function listSecurityGroups(
  client: EC2Client,
  groupIds: string[],
): Promise<SecurityGroupInfo[]> {
  if (groupIds.length === 0) return [];
  const groups: SecurityGroupInfo[] = [];
  const pages = paginateDescribeSecurityGroups(
    { client, pageSize: PAGE_SIZE.ec2 },
    { Filters: [{ Name: 'group-id', Values: groupIds }] },
  );
  for await (const page of pages) {
    for (const group of page.SecurityGroups ?? []) {
      groups.push({
        id: group.GroupId ?? '',
        name: group.GroupName,
        vpcId: group.VpcId,
        ingress: (group.IpPermissions ?? []).map(
          (rule): IngressRule => ({
            protocol: rule.IpProtocol ?? '-1',
            fromPort: rule.FromPort,
            toPort: rule.ToPort,
            cidrs: (rule.IpRanges ?? []).map((range) => range.CidrIp ?? '').filter(Boolean),
            ipv6Cidrs: (rule.Ipv6Ranges ?? []).map((range) => range.CidrIpv6 ?? '').filter(Boolean),
            groupIds: (rule.UserIdGroupPairs ?? []).map((pair) => pair.GroupId ?? '').filter(Boolean),
          }),
        ),
      });
    }
  }
  return groups;
}

/**
 * One region's backups only (no clusters, no network): what prune needs, and what the audit
 * needs from a DR region, whose copies are all it looks at.
 */
export async function gatherBackupsOnly(
  clients: Pick<AwsClients, 'cloudHsm'>,
  region: string,
): Promise<RegionInventory> {
  return { region, clusters: [], backups: await listBackups(clients.cloudHsm(region), region) };
}

export interface GatherOptions {
  /** Also gather zones, subnets and security groups (the audit needs them; copy and prune do not). */
  network?: boolean;
  /** Only these clusters' backups (DescribeBackups `clusterIds` filter). */
  clusterIds?: string[];
}

/** One region's snapshot: clusters and backups, plus network facts when asked. */
export async function gatherRegion(
  clients: AwsClients,
  region: string,
  options: GatherOptions = {},
): Promise<RegionInventory> {
  const hsm = clients.cloudHsm(region);
  const backupFilters = options.clusterIds?.length ? { clusterIds: options.clusterIds } : undefined;
  const [clusters, backups] = await Promise.all([
    listClusters(hsm, region),
    listBackups(hsm, region, backupFilters),
  ]);
  if (!options.network) return { region, clusters, backups };

  const ec2 = clients.ec2(region);
  const subnetIds = [...new Set(clusters.flatMap((c) => Object.values(c.subnetMapping)))];
  const groupIds = [...new Set(clusters.map((c) => c.securityGroupId).filter((id): id is string => !!id))];
  const [zones, subnets, securityGroups] = await Promise.all([
    listZones(ec2),
    listSubnets(ec2, subnetIds),
    listSecurityGroups(ec2, groupIds),
  ]);
  return { region, clusters, backups, zones, subnets, securityGroups };
}
