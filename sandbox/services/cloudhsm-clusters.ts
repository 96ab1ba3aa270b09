/** CloudHSM v2 cluster and HSM operations: describe, modify, and create/delete for building scenarios. */
import { ApiError } from '../errors.js';
import { decodeToken, encodeToken, fingerprint } from '../paging.js';
import type { ClusterRecord, HsmRecord, RegionState, SecurityGroupRecord } from '../state.js';
import { parseFilters } from './cloudhsm-backups.js';
import {
  backupIdParameter,
  CLUSTER_ID,
  checkClusterUsable,
  findBackup,
  findCluster,
  HSM_ID,
  INVALID,
  NOT_FOUND,
  reader,
  retentionDays,
} from './cloudhsm-common.js';
import { clusterShape, clusterStateMessage, hsmShape } from './cloudhsm-shapes.js';
import { tagsFromList } from './cloudhsm-tags.js';
import type { CallContext, Handler } from './context.js';

const HSM_TYPES = ['hsm1.medium', 'hsm2m.medium'];
/** Types AWS no longer creates clusters of (docs/aws-api.md §2.6); clusters may still migrate back. */
const END_OF_SUPPORT = ['hsm1.medium'];
const MAX_HSMS_PER_CLUSTER = 28;
/** How long the sandbox takes to migrate (or roll back) a cluster's HSM type: MODIFY_IN_PROGRESS. */
export const MIGRATION_MS = 3600_000;
/** How long after ModifyCluster HsmType the cluster may go back (HsmTypeRollbackExpiration). */
export const ROLLBACK_WINDOW_MS = 7 * 86_400_000;
/** How long InitializeCluster takes: INITIALIZE_IN_PROGRESS, then INITIALIZED. */
const INITIALIZE_MS = 300_000;

interface ClusterToken {
  f: string;
  t: number;
  i: string;
}

const describeClusters: Handler = ({ state, region }, input) => {
  const r = reader(input);
  const maxResults = r.integer('MaxResults', 1, 25) ?? 25;
  const nextToken = r.string('NextToken');
  const filters = parseFilters(input, ['clusterIds', 'vpcIds', 'states']);
  const print = fingerprint([region, [...filters].map(([k, v]) => [k, [...v].sort()])]);
  const list = state.view(region).orderedClusters;
  let index = 0;
  if (nextToken) {
    const token = decodeToken<ClusterToken>(nextToken, print, INVALID);
    index = list.findIndex((c) => c.createdMs > token.t || (c.createdMs === token.t && c.id > token.i));
    if (index < 0) index = list.length;
  }
  const ids = filters.get('clusterIds');
  const vpcs = filters.get('vpcIds');
  const states = filters.get('states');
  const page: ClusterRecord[] = [];
  for (; index < list.length; index++) {
    const cluster = list[index]!;
    if (ids && !ids.has(cluster.id)) continue;
    if (vpcs && !vpcs.has(cluster.vpcId ?? '')) continue;
    if (states && !states.has(cluster.state)) continue;
    if (page.length === maxResults) {
      const last = page[page.length - 1]!;
      return {
        Clusters: page.map(clusterShape),
        NextToken: encodeToken({ f: print, t: last.createdMs, i: last.id }),
      };
    }
    page.push(cluster);
  }
  return { Clusters: page.map(clusterShape) };
};

/** Sets the cluster's and its HSMs' type. */
function setHsmType(cluster: ClusterRecord, hsmType: string): void {
  cluster.hsmType = hsmType;
  for (const hsm of cluster.hsms) hsm.hsmType = hsmType;
}

/**
 * ModifyCluster HsmType: a migration (MODIFY_IN_PROGRESS for {@link MIGRATION_MS}, then ACTIVE on
 * the new type, with a rollback window), or, inside that window, a rollback to the previous type
 * (ROLLBACK_IN_PROGRESS, then ACTIVE on the old type, no window). Anything else is refused.
 */
function changeHsmType(state: CallContext['state'], cluster: ClusterRecord, hsmType: string): void {
  if (!HSM_TYPES.includes(hsmType))
    throw new ApiError(INVALID, `HsmType must be one of ${HSM_TYPES.join(', ')}`);
  if (hsmType === cluster.hsmType) {
    throw new ApiError(INVALID, `Cluster ${cluster.id} is already of HSM type ${hsmType}`);
  }
  if (cluster.state !== 'ACTIVE') {
    throw new ApiError(
      INVALID,
      `Cluster ${cluster.id} is in state ${cluster.state}; only an ACTIVE cluster changes HSM type`,
    );
  }
  const now = state.clock.nowMs();
  const rollback = hsmType === cluster.previousHsmType;
  if (rollback && (cluster.rollbackExpiresMs ?? 0) <= now) {
    throw new ApiError(INVALID, `The rollback window to ${hsmType} for cluster ${cluster.id} has expired`);
  }
  if (!rollback && END_OF_SUPPORT.includes(hsmType)) {
    throw new ApiError(
      INVALID,
      `HSM type ${hsmType} has reached end of support; a cluster can only roll back to it`,
    );
  }
  const from = cluster.hsmType;
  cluster.state = rollback ? 'ROLLBACK_IN_PROGRESS' : 'MODIFY_IN_PROGRESS';
  cluster.previousHsmType = rollback ? undefined : from;
  cluster.rollbackExpiresMs = rollback ? undefined : now + ROLLBACK_WINDOW_MS;
  state.schedule(now + MIGRATION_MS, () => {
    if (cluster.state !== 'MODIFY_IN_PROGRESS' && cluster.state !== 'ROLLBACK_IN_PROGRESS') return;
    setHsmType(cluster, hsmType);
    cluster.state = 'ACTIVE';
  });
}

const modifyCluster: Handler = ({ state, region }, input) => {
  const r = reader(input);
  const cluster = findCluster(state.view(region), r.requiredString('ClusterId', { pattern: CLUSTER_ID }));
  const policy = r.object('BackupRetentionPolicy');
  const hsmType = r.string('HsmType');
  if (!policy && hsmType === undefined) {
    throw new ApiError(INVALID, 'Give BackupRetentionPolicy or HsmType');
  }
  checkClusterUsable(cluster);
  const days = policy ? retentionDays(policy) : undefined;
  if (hsmType !== undefined) changeHsmType(state, cluster, hsmType);
  if (days !== undefined) cluster.retentionDays = days;
  return { Cluster: clusterShape(cluster) };
};

const initializeCluster: Handler = ({ state, region }, input) => {
  const r = reader(input);
  const cluster = findCluster(state.view(region), r.requiredString('ClusterId', { pattern: CLUSTER_ID }));
  if (cluster.state !== 'UNINITIALIZED') {
    throw new ApiError(
      INVALID,
      `Cluster ${cluster.id} is in state ${cluster.state}; only an UNINITIALIZED cluster can be initialized`,
    );
  }
  cluster.state = 'INITIALIZE_IN_PROGRESS';
  state.schedule(state.clock.nowMs() + INITIALIZE_MS, () => {
    if (cluster.state === 'INITIALIZE_IN_PROGRESS') cluster.state = 'INITIALIZED';
  });
  return { State: cluster.state, StateMessage: clusterStateMessage(cluster.state) };
};

function clusterSubnets(region: RegionState, subnetIds: string[]): Record<string, string> {
  const mapping: Record<string, string> = {};
  const vpcs = new Set<string>();
  for (const id of subnetIds) {
    const subnet = region.subnets.get(id);
    if (!subnet) throw new ApiError(INVALID, `Subnet ${id} does not exist in ${region.name}`);
    if (mapping[subnet.zone]) {
      throw new ApiError(INVALID, `Subnets ${mapping[subnet.zone]} and ${id} are both in ${subnet.zone}`);
    }
    mapping[subnet.zone] = id;
    vpcs.add(subnet.vpc);
  }
  if (vpcs.size > 1) throw new ApiError(INVALID, 'All subnets must be in the same VPC');
  return mapping;
}

/** The group CloudHSM creates for a new cluster: 2223-2225 open only to itself. */
function clusterSecurityGroup(id: string, clusterId: string, vpc: string | undefined): SecurityGroupRecord {
  return {
    id,
    name: `cloudhsm-cluster-${clusterId}-sg`,
    description: `Security group for CloudHSM cluster ${clusterId}`,
    vpc,
    ingress: [{ protocol: 'tcp', from: 2223, to: 2225, cidrs: [], ipv6Cidrs: [], groups: [id] }],
    egress: [{ protocol: 'tcp', from: 2223, to: 2225, cidrs: [], ipv6Cidrs: [], groups: [id] }],
    tags: new Map(),
  };
}

const createCluster: Handler = ({ state, region: regionName }, input) => {
  const r = reader(input);
  const region = state.region(regionName);
  const hsmType = r.requiredString('HsmType');
  if (!HSM_TYPES.includes(hsmType))
    throw new ApiError(INVALID, `HsmType must be one of ${HSM_TYPES.join(', ')}`);
  if (END_OF_SUPPORT.includes(hsmType)) {
    throw new ApiError(
      INVALID,
      `HSM type ${hsmType} has reached end of support; create clusters of type hsm2m.medium`,
    );
  }
  const subnetIds = r.stringList('SubnetIds', { min: 1, max: 10 });
  if (!subnetIds) throw new ApiError(INVALID, 'SubnetIds is required');
  const mapping = clusterSubnets(region, subnetIds);
  const policy = r.object('BackupRetentionPolicy');
  const days = policy ? retentionDays(policy) : 90;
  const sourceId = r.string('SourceBackupId');
  const source = sourceId ? findBackup(region, backupIdParameter(sourceId)) : undefined;
  if (source && source.state !== 'READY') {
    throw new ApiError(
      INVALID,
      `Backup ${source.id} is in state ${source.state}; a cluster needs a READY backup`,
    );
  }
  const mode = r.string('Mode') ?? 'FIPS';
  if (!['FIPS', 'NON_FIPS'].includes(mode)) throw new ApiError(INVALID, 'Mode must be FIPS or NON_FIPS');
  const tags = tagsFromList(r.objectList('TagList', { min: 1, max: 50 }) ?? []);

  const id = state.ids.next('cluster');
  const vpc = region.subnets.get(subnetIds[0]!)?.vpc;
  const group = clusterSecurityGroup(state.ids.next('sg'), id, vpc);
  region.securityGroups.set(group.id, group);
  const cluster: ClusterRecord = {
    id,
    region: regionName,
    // Creation is instant here: a new cluster waits to be initialized, one from a backup already is.
    state: source ? 'INITIALIZED' : 'UNINITIALIZED',
    hsmType,
    mode,
    subnetMapping: mapping,
    vpcId: vpc,
    securityGroup: group.id,
    retentionDays: days,
    createdMs: state.clock.nowMs(),
    sourceBackupId: source?.id,
    tags,
    hsms: [],
  };
  region.addCluster(cluster);
  return { Cluster: clusterShape(cluster) };
};

function freeAddress(region: RegionState, subnetId: string): string {
  const subnet = region.subnets.get(subnetId);
  const base = (subnet?.cidr ?? '10.0.0.0/24').split('/')[0]!.split('.').slice(0, 3).join('.');
  const taken = new Set<string>();
  for (const cluster of region.clusters.values()) for (const hsm of cluster.hsms) taken.add(hsm.eniIp);
  for (let host = 10; host < 255; host++) {
    const address = `${base}.${host}`;
    if (!taken.has(address)) return address;
  }
  throw new ApiError(INVALID, `No free address left in subnet ${subnetId}`);
}

const createHsm: Handler = ({ state, region: regionName }, input) => {
  const r = reader(input);
  const region = state.view(regionName);
  const cluster = findCluster(region, r.requiredString('ClusterId', { pattern: CLUSTER_ID }));
  const zone = r.requiredString('AvailabilityZone');
  const address = r.string('IpAddress', { pattern: /^\d{1,3}(\.\d{1,3}){3}$/ });
  checkClusterUsable(cluster);
  const subnetId = cluster.subnetMapping[zone];
  if (!subnetId) {
    throw new ApiError(INVALID, `Cluster ${cluster.id} has no subnet in Availability Zone ${zone}`);
  }
  if (cluster.hsms.length >= MAX_HSMS_PER_CLUSTER) {
    throw new ApiError(INVALID, `Cluster ${cluster.id} already has ${MAX_HSMS_PER_CLUSTER} HSMs`);
  }
  if (address && [...region.clusters.values()].some((c) => c.hsms.some((h) => h.eniIp === address))) {
    throw new ApiError(INVALID, `IP address ${address} is already in use`);
  }
  const hsm: HsmRecord = {
    id: state.ids.next('hsm'),
    clusterId: cluster.id,
    zone,
    subnetId,
    eniId: state.ids.next('eni'),
    eniIp: address ?? freeAddress(region, subnetId),
    state: 'ACTIVE',
    hsmType: cluster.hsmType,
  };
  cluster.hsms.push(hsm);
  if (cluster.state === 'INITIALIZED') cluster.state = 'ACTIVE';
  return { Hsm: hsmShape(hsm) };
};

const deleteHsm: Handler = ({ state, region }, input) => {
  const r = reader(input);
  const cluster = findCluster(state.view(region), r.requiredString('ClusterId', { pattern: CLUSTER_ID }));
  const hsmId = r.string('HsmId', { pattern: HSM_ID });
  const eniId = r.string('EniId');
  const eniIp = r.string('EniIp');
  if ([hsmId, eniId, eniIp].filter((v) => v !== undefined).length !== 1) {
    throw new ApiError(INVALID, 'Give exactly one of HsmId, EniId and EniIp');
  }
  const index = cluster.hsms.findIndex((h) => h.id === hsmId || h.eniId === eniId || h.eniIp === eniIp);
  if (index < 0) {
    throw new ApiError(NOT_FOUND, `HSM ${hsmId ?? eniId ?? eniIp} not found in cluster ${cluster.id}`);
  }
  const [hsm] = cluster.hsms.splice(index, 1);
  return { HsmId: hsm!.id };
};

const deleteCluster: Handler = ({ state, region }, input) => {
  const cluster = findCluster(
    state.view(region),
    reader(input).requiredString('ClusterId', { pattern: CLUSTER_ID }),
  );
  checkClusterUsable(cluster);
  if (cluster.hsms.length > 0) {
    throw new ApiError(
      INVALID,
      `Cluster ${cluster.id} still has ${cluster.hsms.length} HSM(s); delete them first`,
    );
  }
  cluster.state = 'DELETED';
  return { Cluster: clusterShape(cluster) };
};

/** Cluster and HSM operations by name. */
export const clusterHandlers: Record<string, Handler> = {
  DescribeClusters: describeClusters,
  ModifyCluster: modifyCluster,
  InitializeCluster: initializeCluster,
  CreateCluster: createCluster,
  CreateHsm: createHsm,
  DeleteHsm: deleteHsm,
  DeleteCluster: deleteCluster,
};
