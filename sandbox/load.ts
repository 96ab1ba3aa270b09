/** Builds the sandbox's world (one state per account) from a validated fleet. */
import type { SandboxClock } from './clock.js';
import { type Fleet, type FleetRegion, type FleetRule, type FleetZone, zoneName } from './fleet.js';
import { hashString, IdFactory, seededRandom } from './random.js';
import {
  type BackupRecord,
  type ClusterRecord,
  PENDING_DELETION_MS,
  type RegionState,
  type RuleRecord,
  SandboxState,
  type StateOptions,
} from './state.js';
import { SandboxWorld } from './world.js';

const DIRECTIONS: Record<string, string> = {
  east: 'e',
  west: 'w',
  north: 'n',
  south: 's',
  central: 'c',
  northeast: 'ne',
  northwest: 'nw',
  southeast: 'se',
  southwest: 'sw',
};

/** AWS's short region code used in zone ids: us-east-1 → use1, ap-southeast-2 → apse2. */
export function regionCode(region: string): string {
  const [area = '', direction = '', number = ''] = region.split('-').filter((p) => p !== 'gov');
  return `${area}${DIRECTIONS[direction] ?? direction.slice(0, 1)}${number}`;
}

function toRule(rule: FleetRule): RuleRecord {
  const protocol = rule.protocol === 'all' ? '-1' : rule.protocol;
  const ports = protocol === '-1' ? {} : { from: rule.from, to: rule.to };
  return {
    protocol,
    ...ports,
    cidrs: rule.cidr ? [rule.cidr] : [],
    ipv6Cidrs: rule.ipv6Cidr ? [rule.ipv6Cidr] : [],
    groups: rule.group ? [rule.group] : [],
    description: rule.description,
  };
}

const ALL_OUTBOUND: RuleRecord = { protocol: '-1', cidrs: ['0.0.0.0/0'], ipv6Cidrs: [], groups: [] };

function loadZone(region: string, zone: FleetZone, index: number) {
  const spec = typeof zone === 'string' ? { name: zone } : zone;
  return {
    name: zoneName(zone),
    id: spec.id ?? `${regionCode(region)}-az${index + 1}`,
    state: spec.state ?? 'available',
    type: spec.type ?? 'availability-zone',
  };
}

function loadNetwork(target: RegionState, spec: FleetRegion): void {
  spec.zones.forEach((zone, i) => {
    target.zones.push(loadZone(target.name, zone, i));
  });
  const zoneIds = new Map(target.zones.map((z) => [z.name, z.id]));
  spec.subnets.forEach((subnet, i) => {
    target.subnets.set(subnet.id, {
      id: subnet.id,
      zone: subnet.zone,
      zoneId: zoneIds.get(subnet.zone) ?? '',
      vpc: subnet.vpc,
      cidr: subnet.cidr ?? `10.0.${i % 256}.0/24`,
      state: subnet.state ?? 'available',
      tags: new Map(Object.entries(subnet.tags ?? {})),
    });
  });
  const groupOwners = new Map(spec.clusters.map((c) => [c.securityGroup, c]));
  for (const group of spec.securityGroups) {
    const owner = groupOwners.get(group.id);
    const ownerVpc = owner ? target.subnets.get(owner.subnets[0] ?? '')?.vpc : undefined;
    target.securityGroups.set(group.id, {
      id: group.id,
      name: group.name ?? (owner ? `cloudhsm-cluster-${owner.id}-sg` : `group-${group.id}`),
      description:
        group.description ?? (owner ? `CloudHSM cluster ${owner.id} security group` : 'security group'),
      vpc: group.vpc ?? ownerVpc ?? target.subnets.values().next().value?.vpc,
      ingress: group.ingress.map(toRule),
      egress: group.egress ? group.egress.map(toRule) : [ALL_OUTBOUND],
      tags: new Map(Object.entries(group.tags ?? {})),
    });
  }
}

/** The last octet for an HSM's ENI address: deterministic per subnet, from .10 upward. */
function eniAddress(cidr: string, used: number): string {
  const base = cidr.split('/')[0]!.split('.').slice(0, 3).join('.');
  return `${base}.${10 + used}`;
}

function loadClusters(state: SandboxState, target: RegionState, spec: FleetRegion, nowMs: number): void {
  const usedPerSubnet = new Map<string, number>();
  for (const cluster of spec.clusters) {
    const subnetMapping: Record<string, string> = {};
    for (const id of cluster.subnets) {
      const subnet = target.subnets.get(id)!;
      subnetMapping[subnet.zone] = id;
    }
    const record: ClusterRecord = {
      id: cluster.id,
      region: target.name,
      state: cluster.state,
      hsmType: cluster.hsmType,
      mode: cluster.mode,
      subnetMapping,
      vpcId: target.subnets.get(cluster.subnets[0]!)?.vpc,
      securityGroup: cluster.securityGroup,
      retentionDays: cluster.backupRetentionDays,
      createdMs: cluster.createdAt ? Date.parse(cluster.createdAt) : nowMs - 365 * 86_400_000,
      sourceBackupId: cluster.sourceBackupId,
      tags: new Map(Object.entries(cluster.tags)),
      hsms: [],
    };
    for (const hsm of cluster.hsms) {
      const subnetId = hsm.subnet ?? subnetMapping[hsm.zone];
      const subnet = subnetId ? target.subnets.get(subnetId) : undefined;
      const used = usedPerSubnet.get(subnetId ?? '') ?? 0;
      usedPerSubnet.set(subnetId ?? '', used + 1);
      record.hsms.push({
        id: hsm.id,
        clusterId: cluster.id,
        zone: hsm.zone,
        subnetId,
        eniId: state.ids.next('eni'),
        eniIp: hsm.ip ?? eniAddress(subnet?.cidr ?? '10.0.0.0/24', used),
        state: hsm.state,
        hsmType: cluster.hsmType,
      });
    }
    target.addCluster(record);
  }
}

/** HSM type and mode of every cluster in the fleet, by id: a DR copy's cluster is in another region. */
type ClusterKinds = Map<string, { hsmType: string; mode?: string }>;

function loadBackups(
  state: SandboxState,
  target: RegionState,
  spec: FleetRegion,
  nowMs: number,
  kinds: ClusterKinds,
): void {
  const records: BackupRecord[] = [];
  for (const backup of spec.backups) {
    const cluster = kinds.get(backup.cluster ?? backup.sourceCluster ?? '');
    const record: BackupRecord = {
      id: backup.id,
      region: target.name,
      clusterId: backup.cluster ?? backup.sourceCluster,
      state: backup.state,
      createdMs: Date.parse(backup.createdAt),
      neverExpires: backup.neverExpires,
      hsmType: backup.hsmType ?? cluster?.hsmType,
      mode: backup.mode ?? cluster?.mode,
      tags: new Map(Object.entries(backup.tags)),
    };
    if (backup.sourceBackup) {
      record.sourceRegion = backup.sourceRegion;
      record.sourceBackup = backup.sourceBackup;
      record.sourceCluster = backup.sourceCluster;
      record.copiedMs = backup.copiedAt ? Date.parse(backup.copiedAt) : record.createdMs;
    }
    if (backup.state === 'PENDING_DELETION') {
      state.scheduleDeletion(
        record,
        backup.deleteAt ? Date.parse(backup.deleteAt) : nowMs + PENDING_DELETION_MS,
      );
    } else if (backup.state === 'CREATE_IN_PROGRESS') {
      state.scheduleReady(record, nowMs);
    }
    records.push(record);
  }
  target.addBackups(records);
}

function loadKeyStores(target: RegionState, spec: FleetRegion, nowMs: number): void {
  for (const store of spec.customKeyStores) {
    target.keyStores.push({
      id: store.id,
      name: store.name,
      clusterId: store.clusterId,
      state: store.state,
      ...(store.errorCode ? { errorCode: store.errorCode } : {}),
      createdMs: store.createdAt ? Date.parse(store.createdAt) : nowMs - 180 * 86_400_000,
    });
  }
  target.keyStores.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Loads one account's regions into its state. */
function loadAccount(state: SandboxState, regions: Record<string, FleetRegion>): void {
  for (const [name, spec] of Object.entries(regions)) {
    for (const c of spec.clusters) {
      state.ids.reserve(c.id);
      for (const h of c.hsms) state.ids.reserve(h.id);
    }
    for (const b of spec.backups) state.ids.reserve(b.id);
    for (const s of spec.subnets) state.ids.reserve(s.id);
    for (const g of spec.securityGroups) state.ids.reserve(g.id);
    const target = state.region(name);
    loadNetwork(target, spec);
  }
  const nowMs = state.clock.nowMs();
  const kinds: ClusterKinds = new Map(
    Object.values(regions).flatMap((spec) =>
      spec.clusters.map((c) => [c.id, { hsmType: c.hsmType, mode: c.mode }] as const),
    ),
  );
  for (const [name, spec] of Object.entries(regions)) {
    const target = state.region(name);
    loadClusters(state, target, spec, nowMs);
    loadBackups(state, target, spec, nowMs, kinds);
    loadKeyStores(target, spec, nowMs);
  }
}

/**
 * Builds the {@link SandboxWorld}: one state per account of the fleet (the single account of a
 * single-account fleet), sharing the clock and the id minting.
 */
export function buildWorld(
  fleet: Fleet,
  clock: SandboxClock,
  options: StateOptions,
  seed: number,
): SandboxWorld {
  const random = seededRandom(seed);
  const ids = new IdFactory(random);
  const accounts = fleet.accounts ?? { [fleet.account]: undefined };
  const states = new Map<string, SandboxState>();
  for (const [id, account] of Object.entries(accounts)) {
    const state = new SandboxState(id, clock, options, random, ids);
    loadAccount(state, account?.regions ?? fleet.regions);
    states.set(id, state);
  }
  return new SandboxWorld(fleet, states, clock, seededRandom(hashString('sts', seed)));
}
