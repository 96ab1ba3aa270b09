/**
 * Seeded fleet generators for benchmarks and load tests: up to 100,000 backups across source
 * regions plus DR copies, or an organization of many accounts × regions; produced already
 * validated so they load in a blink.
 */
import type { Fleet, FleetAccount, FleetBackup, FleetCluster, FleetRegion } from './fleet.js';
import { IdFactory, pick, randomInt, seededRandom } from './random.js';

/** What to generate. */
export interface GenerateOptions {
  /** Backups in all, copies included (1 to 100,000). */
  backups: number;
  seed?: number;
  /** Regions with clusters of their own (default us-east-1, eu-west-1). */
  regions?: string[];
  /** The region that holds copies of the others' backups (default us-west-2). */
  drRegion?: string;
  /** Clusters per source region (default 4). */
  clustersPerRegion?: number;
  /** Share of the backups that are DR copies (default 0.3). */
  copyShare?: number;
  /** How far back backups go, in days (default 400). */
  days?: number;
  /** The fleet's "now" (default 2026-11-29T12:00:00Z). */
  now?: string;
  account?: string;
}

export const MAX_GENERATED_BACKUPS = 100_000;
const DAY_MS = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();

function network(region: string, ids: IdFactory): FleetRegion {
  const vpc = ids.next('vpc');
  const zones = ['a', 'b', 'c'].map((letter) => `${region}${letter}`);
  const subnets = zones.map((zone, i) => ({ id: ids.next('subnet'), zone, vpc, cidr: `10.0.${i}.0/24` }));
  const group = ids.next('sg');
  return {
    zones,
    subnets,
    securityGroups: [{ id: group, vpc, ingress: [{ protocol: 'tcp', from: 2223, to: 2225, group }] }],
    clusters: [],
    backups: [],
    customKeyStores: [],
  };
}

function cluster(spec: FleetRegion, ids: IdFactory, nowMs: number): FleetCluster {
  return {
    id: ids.next('cluster'),
    state: 'ACTIVE',
    hsmType: 'hsm2m.medium',
    mode: 'FIPS',
    subnets: spec.subnets.map((s) => s.id),
    securityGroup: spec.securityGroups[0]!.id,
    backupRetentionDays: 90,
    createdAt: iso(nowMs - 800 * DAY_MS),
    tags: { env: 'bench' },
    hsms: spec.subnets
      .slice(0, 2)
      .map((s) => ({ id: ids.next('hsm'), zone: s.zone, state: 'ACTIVE' as const })),
  };
}

/**
 * Builds a fleet from `options`. The result is a validated {@link Fleet} (defaults filled),
 * so the sandbox can load it without re-checking 100,000 entries.
 */
export function generateFleet(options: GenerateOptions): Fleet {
  const total = options.backups;
  if (!Number.isInteger(total) || total < 1 || total > MAX_GENERATED_BACKUPS) {
    throw new RangeError(`backups must be a whole number from 1 to ${MAX_GENERATED_BACKUPS}, got ${total}`);
  }
  const random = seededRandom(options.seed ?? 1);
  const ids = new IdFactory(random);
  const now = options.now ?? '2026-11-29T12:00:00Z';
  const nowMs = Date.parse(now);
  const sources = options.regions ?? ['us-east-1', 'eu-west-1'];
  const dr = options.drRegion ?? 'us-west-2';
  const days = options.days ?? 400;
  const regions: Record<string, FleetRegion> = {};
  for (const region of [...sources, dr]) regions[region] = network(region, ids);
  const clusters = sources.flatMap((region) =>
    Array.from({ length: options.clustersPerRegion ?? 4 }, () => {
      const spec = regions[region]!;
      const made = cluster(spec, ids, nowMs);
      spec.clusters.push(made);
      return { region, id: made.id };
    }),
  );

  const copies = Math.floor(total * (options.copyShare ?? 0.3));
  const originals: Array<FleetBackup & { region: string }> = [];
  for (let i = 0; i < total - copies; i++) {
    const owner = pick(random, clusters);
    const roll = random();
    const backup: FleetBackup & { region: string } = {
      region: owner.region,
      id: ids.next('backup'),
      cluster: owner.id,
      createdAt: iso(nowMs - Math.floor(random() * days * DAY_MS)),
      state: roll < 0.01 ? 'PENDING_DELETION' : 'READY',
      neverExpires: roll > 0.995,
      tags: roll > 0.99 && roll <= 0.995 ? { 'cloudhsm-ops:hold': 'audit' } : {},
    };
    originals.push(backup);
  }
  for (const { region, ...backup } of originals) regions[region]!.backups.push(backup);
  for (let i = 0; i < copies && originals.length > 0; i++) {
    const source = originals[randomInt(random, 0, originals.length - 1)]!;
    regions[dr]!.backups.push({
      id: ids.next('backup'),
      cluster: source.cluster,
      createdAt: source.createdAt,
      state: 'READY',
      neverExpires: false,
      tags: {},
      sourceRegion: source.region,
      sourceBackup: source.id,
      sourceCluster: source.cluster,
      copiedAt: iso(Date.parse(source.createdAt) + 3_600_000),
    });
  }
  return { account: options.account ?? '111122223333', now, regions };
}

/** What {@link generateOrganization} builds. */
export interface GenerateOrganizationOptions {
  /** Member accounts (1 to 5,000), besides the management account. */
  accounts: number;
  /** Regions every member has (default us-east-1, eu-west-1, us-west-2). */
  regions?: string[];
  /** Clusters per member and region (default 1). */
  clustersPerRegion?: number;
  /** Daily READY backups per cluster, the newest one day old (default 5). */
  backupsPerCluster?: number;
  /** Share of members (0–1) without the role, chosen from the seed (default 0). */
  withoutRoleShare?: number;
  /** OUs under the root; members are spread over them and the root (default 2). */
  ous?: number;
  /** The role members have (default cloudhsm-ops-member). */
  roleName?: string;
  seed?: number;
  /** The fleet's "now" (default 2026-11-29T12:00:00Z). */
  now?: string;
  /** Default 111111111111. */
  managementAccount?: string;
}

export const MAX_GENERATED_ACCOUNTS = 5_000;

/** The members that lack the role: exactly round(share × n) of them, picked by a seeded shuffle. */
function withoutRole(count: number, share: number, random: () => number): Set<number> {
  const order = Array.from({ length: count }, (_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = randomInt(random, 0, i);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return new Set(order.slice(0, Math.round(count * share)));
}

/**
 * One region of a generated account: a VPC with three subnets, `clusters` healthy clusters, each
 * with `backups` daily READY backups (the newest one day before `nowMs`).
 */
export function generatedRegion(
  region: string,
  ids: IdFactory,
  sizes: { clusters: number; backups: number },
  nowMs: number,
): FleetRegion {
  const spec = network(region, ids);
  for (let c = 0; c < sizes.clusters; c++) {
    const made = cluster(spec, ids, nowMs);
    spec.clusters.push(made);
    for (let b = 0; b < sizes.backups; b++) {
      spec.backups.push({
        id: ids.next('backup'),
        cluster: made.id,
        createdAt: iso(nowMs - (b + 1) * DAY_MS),
        state: 'READY',
        neverExpires: false,
        tags: {},
      });
    }
  }
  return spec;
}

/**
 * Builds an organization fleet: a management account (the hub, no regions) and `accounts`
 * members, each with the same regions of clusters and daily backups, spread over `ous` OUs and
 * the root; a seeded share of the members lacks the role. Returned validated (defaults filled).
 */
export function generateOrganization(options: GenerateOrganizationOptions): Fleet {
  const count = options.accounts;
  if (!Number.isInteger(count) || count < 1 || count > MAX_GENERATED_ACCOUNTS) {
    throw new RangeError(`accounts must be a whole number from 1 to ${MAX_GENERATED_ACCOUNTS}, got ${count}`);
  }
  const share = options.withoutRoleShare ?? 0;
  if (!(share >= 0 && share <= 1)) throw new RangeError(`withoutRoleShare must be from 0 to 1, got ${share}`);
  const random = seededRandom(options.seed ?? 1);
  const ids = new IdFactory(random);
  const now = options.now ?? '2026-11-29T12:00:00Z';
  const nowMs = Date.parse(now);
  const management = options.managementAccount ?? '111111111111';
  const role = options.roleName ?? 'cloudhsm-ops-member';
  const root = 'r-sb01';
  const ous = Array.from({ length: options.ous ?? 2 }, (_, i) => ({
    id: `ou-sb01-${String(i + 1).padStart(8, '0')}`,
    name: `ou-${i + 1}`,
    parent: root,
  }));
  const lacking = withoutRole(count, share, random);
  const sizes = { clusters: options.clustersPerRegion ?? 1, backups: options.backupsPerCluster ?? 5 };
  const accounts: Record<string, FleetAccount> = {
    [management]: { name: 'management', status: 'ACTIVE', roles: [], regions: {} },
  };
  for (let i = 0; i < count; i++) {
    const regions: Record<string, FleetRegion> = {};
    for (const region of options.regions ?? ['us-east-1', 'eu-west-1', 'us-west-2']) {
      regions[region] = generatedRegion(region, ids, sizes, nowMs);
    }
    const ou = ous[i % (ous.length + 1)];
    accounts[String(200_000_000_001 + i)] = {
      name: `member-${String(i + 1).padStart(4, '0')}`,
      ...(ou ? { ou: ou.id } : {}),
      status: 'ACTIVE',
      roles: lacking.has(i) ? [] : [role],
      regions,
    };
  }
  return {
    account: management,
    now,
    regions: {},
    organization: { id: `o-sb${management}`, root, managementAccount: management, ous },
    accounts,
  };
}
