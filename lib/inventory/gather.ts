import {
  DescribeAvailabilityZonesCommand,
  type EC2Client,
  paginateDescribeSecurityGroups,
  paginateDescribeSubnets,
} from '@aws-sdk/client-ec2';
import type { AwsClients } from '../aws/clients.js';
import { listBackups, listClusters } from '../aws/cloudhsm.js';
import type { IngressRule, RegionInventory, SecurityGroupInfo, SubnetInfo, ZoneInfo } from './types.js';

/** Largest page the EC2 describe calls allow, so a listing costs as few calls as possible. */
const EC2_PAGE_SIZE = 1000;

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
    { client, pageSize: EC2_PAGE_SIZE },
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
    { client, pageSize: EC2_PAGE_SIZE },
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
