/**
 * The sandbox fleets tests share (chaos, interrupted runs, copy, the sandbox's own tests,
 * conformance), all at NOW, and the facts the fault-tolerance tests check against the chaos
 * fleet, computed from the sandbox's raw records (not from lib/) so a planner bug cannot hide
 * itself.
 */
import type { FaultConfig, FleetFile, Sandbox } from '../../sandbox/index.js';

export const NOW = '2026-11-29T12:00:00Z';
export const SOURCES = ['us-east-1', 'eu-west-1'];
export const DR = 'us-west-2';
export const HOLD_TAG = 'cloudhsm-ops:hold';
const HOUR = 3_600_000;
export const DAY_MS = 24 * HOUR;
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz';

/** A valid id (`prefix-` + 11 letters), distinct for each `n`. */
export function idOf(prefix: 'backup' | 'cluster' | 'hsm', n: number): string {
  let text = '';
  let rest = n;
  for (let i = 0; i < 11; i++) {
    text += ALPHABET[rest % 26];
    rest = Math.floor(rest / 26);
  }
  return `${prefix}-${text}`;
}

type FleetRegion = FleetFile['regions'][string];

/**
 * A region with no cluster and no backup yet: one subnet per zone letter in one VPC, and a
 * security group admitting the HSM ports from private addresses. Ids follow `index`.
 */
export function emptyRegion(name: string, index: number, zones: readonly string[]): FleetRegion {
  return {
    zones: zones.map((zone) => `${name}${zone}`),
    subnets: zones.map((zone, i) => ({
      id: `subnet-${(0x1000 + index * 16 + i).toString(16)}`,
      zone: `${name}${zone}`,
      vpc: `vpc-${(0x100 + index).toString(16)}`,
    })),
    securityGroups: [
      {
        id: `sg-${(0x2000 + index).toString(16)}`,
        ingress: [{ protocol: 'tcp', from: 2223, to: 2225, cidr: '10.0.0.0/16' }],
      },
    ],
    clusters: [],
    backups: [],
  };
}
type FleetBackup = NonNullable<FleetRegion['backups']>[number];

interface ClusterSpec {
  region: string;
  n: number;
  /** Backups one every 8 days, from `newestDays` back. */
  backups: number;
  newestDays: number;
  /** Also three backups in the last 48 h (copy candidates). */
  recent: boolean;
}

/**
 * Five clusters in two source regions and a DR region holding copies. Every lineage has old
 * backups past a 300-day cutoff, among them a NeverExpires one, a held one, one already
 * PENDING_DELETION; one cluster has nothing newer than the cutoff (keep-last must keep its
 * newest), and so does one lineage of copies in the DR region.
 */
export function chaosFleet(): FleetFile {
  const nowMs = Date.parse(NOW);
  const specs: ClusterSpec[] = [
    { region: 'us-east-1', n: 1, backups: 50, newestDays: 3, recent: true },
    { region: 'us-east-1', n: 2, backups: 45, newestDays: 5, recent: true },
    { region: 'us-east-1', n: 3, backups: 40, newestDays: 7, recent: false },
    { region: 'eu-west-1', n: 4, backups: 48, newestDays: 4, recent: true },
    { region: 'eu-west-1', n: 5, backups: 12, newestDays: 310, recent: false },
  ];
  const regions: FleetFile['regions'] = {};
  const region = (name: string, index: number): FleetRegion => {
    regions[name] ??= emptyRegion(name, index, ['a', 'b', 'c']);
    return regions[name]!;
  };
  let next = 1000;
  const originals: Array<FleetBackup & { region: string; cluster: string; ageDays: number }> = [];
  for (const spec of specs) {
    const home = region(spec.region, SOURCES.indexOf(spec.region));
    const cluster = idOf('cluster', spec.n);
    home.clusters!.push({
      id: cluster,
      state: 'ACTIVE',
      hsmType: 'hsm2m.medium',
      subnets: home.subnets!.map((s) => s.id),
      securityGroup: home.securityGroups![0]!.id,
      backupRetentionDays: 90,
      createdAt: new Date(nowMs - 900 * DAY_MS).toISOString(),
      hsms: [
        { id: idOf('hsm', spec.n * 10), zone: home.zones![0] as string },
        { id: idOf('hsm', spec.n * 10 + 1), zone: home.zones![1] as string },
      ],
    });
    const add = (ageDays: number, extra: Partial<FleetBackup> = {}) => {
      const backup = {
        id: idOf('backup', next++),
        cluster,
        createdAt: new Date(nowMs - ageDays * DAY_MS - HOUR).toISOString(),
        ...extra,
      };
      home.backups!.push(backup);
      originals.push({ ...backup, region: spec.region, ageDays });
    };
    if (spec.recent) for (const hours of [2, 10, 30]) add(hours / 24);
    for (let i = 0; i < spec.backups; i++) {
      const ageDays = spec.newestDays + i * 8;
      const oldest = spec.backups - 1 - i;
      if (oldest === 0) add(ageDays, { neverExpires: true });
      else if (oldest === 1) add(ageDays, { tags: { [HOLD_TAG]: 'legal' } });
      else if (oldest === 2)
        add(ageDays, { state: 'PENDING_DELETION', deleteAt: new Date(nowMs + 2 * DAY_MS).toISOString() });
      else add(ageDays, { tags: { env: 'prod' } });
    }
  }
  // Copies in the DR region of every 4th READY original older than a week.
  const dr = region(DR, 2);
  originals
    .filter((b, i) => i % 4 === 0 && b.ageDays > 7 && (b.state ?? 'READY') === 'READY' && !b.neverExpires)
    .forEach((source) => {
      dr.backups!.push({
        id: idOf('backup', next++),
        createdAt: source.createdAt,
        sourceRegion: source.region,
        sourceBackup: source.id,
        sourceCluster: source.cluster,
        copiedAt: new Date(Date.parse(source.createdAt) + HOUR).toISOString(),
      });
    });
  return { account: '111122223333', now: NOW, regions };
}

/**
 * Everything at once, seeded: throttling per operation and region (CloudHSM only, or every
 * service), 20% internal failures, 5% lost responses (applied, then answered 500) and 10 ms
 * added to every call.
 */
export function chaosFaults(
  seed: number,
  throttleRps = 10,
  throttled: 'cloudhsm' | 'all' = 'cloudhsm',
): FaultConfig {
  return {
    seed,
    rules: [
      throttled === 'all' ? { throttleRps } : { service: 'cloudhsm', throttleRps },
      { internalFailureRate: 0.2, lostResponseRate: 0.05, latencyMs: 10 },
    ],
  };
}

/** One raw backup record as the sandbox returns it. */
export type RawBackup = Record<string, unknown>;

/** Backup id → state, over every region. */
export function states(sandbox: Sandbox): Map<string, string> {
  const map = new Map<string, string>();
  for (const region of sandbox.regions()) {
    for (const backup of sandbox.backups(region))
      map.set(String(backup.BackupId), String(backup.BackupState));
  }
  return map;
}

/** Ids whose state differs between two snapshots, with the change. */
export function changes(before: Map<string, string>, after: Map<string, string>): Map<string, string> {
  const changed = new Map<string, string>();
  for (const [id, state] of after) {
    const was = before.get(id);
    if (was !== state) changed.set(id, `${was ?? 'absent'}→${state}`);
  }
  return changed;
}

const lineage = (b: RawBackup) => String(b.SourceCluster ?? b.ClusterId);
const isHeld = (b: RawBackup) => ((b.TagList ?? []) as { Key: string }[]).some((tag) => tag.Key === HOLD_TAG);

/**
 * The backups a prune of `regions` with `--older-than <days>d --keep-last 1` may delete, and
 * those it must never touch, worked out from the raw records.
 */
export function pruneExpectation(
  sandbox: Sandbox,
  regions: string[],
  olderThanDays: number,
): { deletable: Set<string>; guarded: Set<string> } {
  const cutoff = Date.parse(NOW) / 1000 - olderThanDays * 86_400;
  const deletable = new Set<string>();
  const guarded = new Set<string>();
  for (const region of regions) {
    const backups = sandbox.backups(region);
    const newest = new Map<string, RawBackup>();
    for (const b of backups) {
      if (b.BackupState !== 'READY') continue;
      const current = newest.get(lineage(b));
      if (!current || Number(b.CreateTimestamp) > Number(current.CreateTimestamp)) newest.set(lineage(b), b);
    }
    const kept = new Set([...newest.values()].map((b) => String(b.BackupId)));
    for (const b of backups) {
      const id = String(b.BackupId);
      if (b.NeverExpires === true || isHeld(b) || kept.has(id)) guarded.add(id);
      else if (b.BackupState === 'READY' && Number(b.CreateTimestamp) <= cutoff) deletable.add(id);
    }
  }
  return { deletable, guarded };
}

/** READY originals created within `hours` of NOW in the source regions: what copy must copy. */
export function copyCandidates(sandbox: Sandbox, hours = 48): string[] {
  const windowStart = Date.parse(NOW) / 1000 - hours * 3600;
  return SOURCES.flatMap((region) =>
    sandbox
      .backups(region)
      .filter((b) => b.BackupState === 'READY' && !b.SourceBackup && Number(b.CreateTimestamp) >= windowStart)
      .map((b) => String(b.BackupId)),
  ).sort();
}

/** Source backup id → live copies (READY or CREATE_IN_PROGRESS) in `region`. */
export function liveCopies(sandbox: Sandbox, region: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const b of sandbox.backups(region)) {
    if (!b.SourceBackup || (b.BackupState !== 'READY' && b.BackupState !== 'CREATE_IN_PROGRESS')) continue;
    const source = String(b.SourceBackup);
    counts.set(source, (counts.get(source) ?? 0) + 1);
  }
  return counts;
}

// Copy fleets: source regions with recent backups, empty DR regions.

function copyRegion(
  name: string,
  index: number,
  backups: NonNullable<FleetFile['regions'][string]['backups']>,
  cluster?: string,
) {
  const subnet = `subnet-0a${String(index).padStart(2, '0')}11aa`;
  const group = `sg-0a${String(index).padStart(2, '0')}11aa`;
  return {
    zones: [`${name}a`],
    subnets: [{ id: subnet, zone: `${name}a`, vpc: `vpc-0a${index}` }],
    securityGroups: [{ id: group, ingress: [] }],
    clusters: cluster
      ? [{ id: cluster, subnets: [subnet], securityGroup: group, tags: { env: 'prod' }, hsms: [] }]
      : [],
    backups,
  };
}

export interface CopyFleetOptions {
  sourceRegions: string[];
  drRegions: string[];
  /** READY backups within the last 48 h, per source region. */
  recentPerRegion: number;
  /** Also add, per source region, one old backup, one CREATE_IN_PROGRESS and one incoming copy. */
  extras?: boolean;
}

/** Source regions with one cluster each and recent backups; DR regions start empty. */
export function copyFleet(options: CopyFleetOptions): FleetFile {
  const nowMs = Date.parse(NOW);
  const regions: FleetFile['regions'] = {};
  let n = 1000;
  options.sourceRegions.forEach((name, index) => {
    const cluster = idOf('cluster', index + 1);
    const backups: NonNullable<FleetFile['regions'][string]['backups']> = [];
    for (let i = 0; i < options.recentPerRegion; i++) {
      backups.push({
        id: idOf('backup', n++),
        cluster,
        createdAt: new Date(nowMs - (i * 8 + 1) * HOUR).toISOString(),
        tags: { env: 'prod', team: 'payments' },
      });
    }
    if (options.extras) {
      backups.push(
        { id: idOf('backup', n++), cluster, createdAt: new Date(nowMs - 100 * HOUR).toISOString() },
        {
          id: idOf('backup', n++),
          cluster,
          createdAt: new Date(nowMs - HOUR / 2).toISOString(),
          state: 'CREATE_IN_PROGRESS',
        },
        {
          id: idOf('backup', n++),
          cluster,
          createdAt: new Date(nowMs - 2 * HOUR).toISOString(),
          sourceRegion: 'ap-south-1',
          sourceBackup: 'backup-zzzzzzzzzzz',
          sourceCluster: 'cluster-zzzzzzzzzzz',
          copiedAt: new Date(nowMs - HOUR).toISOString(),
        },
      );
    }
    regions[name] = copyRegion(name, index, backups, cluster);
  });
  options.drRegions.forEach((name, index) => {
    regions[name] = copyRegion(name, 50 + index, []);
  });
  return { account: '111122223333', now: NOW, regions };
}

// Small fleets for the sandbox's own tests and the conformance runs (base-32 ids).

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** A readable id in AWS's pattern: `seqId('backup', 3)` → `backup-aaaaaaaaaad`. */
export function seqId(prefix: 'backup' | 'cluster' | 'hsm', n: number): string {
  let digits = '';
  let rest = n;
  for (let i = 0; i < 11; i++) {
    digits = BASE32[rest % 32] + digits;
    rest = Math.floor(rest / 32);
  }
  return `${prefix}-${digits}`;
}

export const NOW_MS = Date.parse(NOW);
export const CLUSTER_A = 'cluster-primaryaaaaa';
export const CLUSTER_B = 'cluster-primarybbbbb';
export const SUBNETS = ['subnet-0a000000000000001', 'subnet-0a000000000000002', 'subnet-0a000000000000003'];
export const SG = 'sg-0a000000000000001';

export const daysAgo = (days: number) => new Date(NOW_MS - days * DAY_MS).toISOString();

/**
 * us-east-1: two clusters; A has `backupsA` daily READY backups (newest 1 day old, except
 * backup 0, which is NeverExpires, and backup 1, tagged), B has two; plus one PENDING_DELETION
 * and one CREATE_IN_PROGRESS backup. us-west-2: zones and two DR copies of A's backups.
 */
export function smallFleet(backupsA = 60): FleetFile {
  const a = Array.from({ length: backupsA }, (_, i) => ({
    id: seqId('backup', i),
    cluster: CLUSTER_A,
    createdAt: daysAgo(i + 1),
    ...(i === 0 ? { neverExpires: true } : {}),
    ...(i === 1 ? { tags: { env: 'prod', 'cloudhsm-ops:hold': 'yes' } } : {}),
  }));
  return {
    account: '111122223333',
    now: NOW,
    regions: {
      'us-east-1': {
        zones: ['us-east-1a', 'us-east-1b', { name: 'us-east-1c', id: 'use1-az6', state: 'impaired' }],
        subnets: SUBNETS.map((id, i) => ({ id, zone: `us-east-1${'abc'[i]}`, vpc: 'vpc-0a00000000000001' })),
        securityGroups: [
          {
            id: SG,
            ingress: [
              { protocol: 'tcp', from: 2223, to: 2225, cidr: '10.0.0.0/16' },
              { protocol: '-1', ipv6Cidr: '::/0' },
            ],
          },
        ],
        clusters: [
          {
            id: CLUSTER_A,
            subnets: SUBNETS,
            securityGroup: SG,
            backupRetentionDays: 90,
            tags: { env: 'prod' },
            hsms: [
              { id: seqId('hsm', 1), zone: 'us-east-1a' },
              { id: seqId('hsm', 2), zone: 'us-east-1b' },
            ],
          },
          { id: CLUSTER_B, subnets: SUBNETS.slice(0, 2), securityGroup: SG, state: 'DEGRADED' },
        ],
        backups: [
          ...a,
          { id: seqId('backup', 1000), cluster: CLUSTER_B, createdAt: daysAgo(3) },
          {
            id: seqId('backup', 1001),
            cluster: CLUSTER_B,
            createdAt: daysAgo(200),
            state: 'PENDING_DELETION',
          },
          {
            id: seqId('backup', 1002),
            cluster: CLUSTER_B,
            createdAt: daysAgo(0.1),
            state: 'CREATE_IN_PROGRESS',
          },
        ],
      },
      'us-west-2': {
        zones: ['us-west-2a', 'us-west-2b'],
        backups: [2, 120].map((d, i) => ({
          id: seqId('backup', 2000 + i),
          createdAt: daysAgo(d),
          sourceRegion: 'us-east-1',
          sourceBackup: seqId('backup', d - 1),
          sourceCluster: CLUSTER_A,
          copiedAt: daysAgo(d - 0.05),
        })),
      },
    },
  };
}

/** A region with `count` clusters (for DescribeClusters paging). */
export function manyClustersFleet(count: number): FleetFile {
  return {
    account: '111122223333',
    now: NOW,
    regions: {
      'eu-west-1': {
        zones: ['eu-west-1a'],
        subnets: [{ id: 'subnet-0e000000000000001', zone: 'eu-west-1a', vpc: 'vpc-0e00000000000001' }],
        securityGroups: [{ id: 'sg-0e000000000000001', ingress: [] }],
        clusters: Array.from({ length: count }, (_, i) => ({
          id: seqId('cluster', i),
          subnets: ['subnet-0e000000000000001'],
          securityGroup: 'sg-0e000000000000001',
          createdAt: daysAgo(count - i),
        })),
      },
    },
  };
}
