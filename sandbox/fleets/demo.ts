/**
 * The built-in demo fleet: three regions where every best-practice check fails somewhere
 * and a few clusters pass them all, with a few hundred daily backups and stale DR copies.
 *
 * us-east-1 (primary)
 *   cluster-paymentsprod   healthy: 3 HSMs in 3 AZs, private SG, 90-day retention, copied to DR
 *   cluster-singlehsmapp   1 HSM (CRITICAL); its newest backup has no DR copy (none at all, not
 *                          one in progress: the break must not heal itself while the demo runs)
 *   cluster-sameazledger   2 HSMs in the same AZ; SG opens 2223-2225 to 0.0.0.0/0 instead of to
 *                          itself; 3 duplicate DR copies of 2 backups made by another script
 *   cluster-partialsubnet  subnets miss us-east-1c; SG opens 2223-2225 to ::/0; no retention policy
 *   cluster-nohsmsarchive  parked: 0 HSMs since its last backup 10 days ago, which has no DR copy
 * eu-west-1
 *   cluster-degradedeuro   DEGRADED, one of its two HSMs DEGRADED (so one serves)
 *   cluster-openportseu    hsm1.medium; SG allows every protocol (-1) from 0.0.0.0/0
 * us-west-2 (DR)
 *   cluster-drstandbywest  healthy standby; holds copies of us-east-1 backups, many older than 90 days
 */
import type { FleetFile } from '../fleet.js';
import { IdFactory, randomInt, seededRandom } from '../random.js';

/** The demo's "now". */
export const DEMO_NOW = '2026-11-29T12:00:00Z';
/** The demo's account. */
export const DEMO_ACCOUNT = '111122223333';
/** The tag that protects a backup from pruning. */
const HOLD_TAG = 'cloudhsm-ops:hold';

const DAY_MS = 86_400_000;
const NOW_MS = Date.parse(DEMO_NOW);

type Region = NonNullable<FleetFile['regions'][string]>;
type Backup = NonNullable<Region['backups']>[number];

/** 03:00 UTC `daysAgo` days before now, plus a per-cluster minute offset. */
function backupTime(daysAgo: number, minute: number): string {
  const day = Math.floor(NOW_MS / DAY_MS) * DAY_MS - daysAgo * DAY_MS;
  return new Date(day + 3 * 3_600_000 + minute * 60_000).toISOString();
}

class DemoBuilder {
  readonly ids = new IdFactory(seededRandom(2026));
  readonly random = seededRandom(1129);
  readonly regions: Record<string, Region> = {};

  network(region: string, vpcs: number): { subnets: string[][]; vpcIds: string[] } {
    const zones = ['a', 'b', 'c'].map((l) => `${region}${l}`);
    const spec: Region = { zones, subnets: [], securityGroups: [], clusters: [], backups: [] };
    this.regions[region] = spec;
    const subnets: string[][] = [];
    const vpcIds: string[] = [];
    for (let v = 0; v < vpcs; v++) {
      const vpc = this.ids.next('vpc');
      vpcIds.push(vpc);
      subnets.push(
        zones.map((zone, z) => {
          const id = this.ids.next('subnet');
          spec.subnets!.push({ id, zone, vpc, cidr: `10.${v}.${z}.0/24` });
          return id;
        }),
      );
    }
    return { subnets, vpcIds };
  }

  group(
    region: string,
    vpc: string,
    ingress: NonNullable<Region['securityGroups']>[number]['ingress'],
  ): string {
    const id = this.ids.next('sg');
    const rules = (ingress ?? []).map((r) => (r.group === 'self' ? { ...r, group: id } : r));
    this.regions[region]!.securityGroups!.push({ id, vpc, ingress: rules });
    return id;
  }

  hsms(region: string, zones: string[]) {
    return zones.map((z) => ({
      id: this.ids.next('hsm'),
      zone: `${region}${z}`,
      state: 'ACTIVE' as 'ACTIVE' | 'DEGRADED',
    }));
  }

  /** One backup per listed day, taken at 03:mm UTC. */
  daily(region: string, cluster: string, daysAgo: number[], minute: number): Backup[] {
    const made = daysAgo.map((d) => ({
      id: this.ids.next('backup'),
      cluster,
      createdAt: backupTime(d, minute),
    }));
    this.regions[region]!.backups!.push(...made);
    return made;
  }

  /** DR copies of `sources`, each made about an hour after its source. */
  copies(from: string, to: string, cluster: string, sources: Backup[]): Backup[] {
    const made = sources.map((source) => ({
      id: this.ids.next('backup'),
      cluster,
      createdAt: source.createdAt,
      sourceRegion: from,
      sourceBackup: source.id,
      sourceCluster: cluster,
      copiedAt: new Date(
        Date.parse(source.createdAt) + randomInt(this.random, 40, 90) * 60_000,
      ).toISOString(),
    }));
    this.regions[to]!.backups!.push(...made);
    return made;
  }
}

const range = (from: number, to: number, step = 1) =>
  Array.from({ length: Math.floor((to - from) / step) + 1 }, (_, i) => from + i * step);

const PRIVATE_2223 = (cidr: string) => [
  { protocol: 'tcp', from: 2223, to: 2225, group: 'self' },
  { protocol: 'tcp', from: 2223, to: 2225, cidr },
];

function primary(b: DemoBuilder): Record<string, Backup[]> {
  const r = 'us-east-1';
  const { subnets, vpcIds } = b.network(r, 2);
  const [prod, dev] = [subnets[0]!, subnets[1]!];
  const privateSg = b.group(r, vpcIds[0]!, PRIVATE_2223('10.0.0.0/16'));
  const ledgerSg = b.group(r, vpcIds[0]!, [{ protocol: 'tcp', from: 2223, to: 2225, cidr: '0.0.0.0/0' }]);
  const partialSg = b.group(r, vpcIds[1]!, [
    { protocol: 'tcp', from: 2223, to: 2225, group: 'self' },
    { protocol: 'tcp', from: 2223, to: 2225, ipv6Cidr: '::/0' },
  ]);
  const archiveSg = b.group(r, vpcIds[0]!, PRIVATE_2223('10.0.0.0/16'));
  const created = new Date(NOW_MS - 700 * DAY_MS).toISOString();
  b.regions[r]!.clusters = [
    {
      id: 'cluster-paymentsprod',
      subnets: prod,
      securityGroup: privateSg,
      backupRetentionDays: 90,
      createdAt: created,
      tags: { env: 'prod', team: 'payments' },
      hsms: b.hsms(r, ['a', 'b', 'c']),
    },
    {
      id: 'cluster-singlehsmapp',
      subnets: prod,
      securityGroup: privateSg,
      backupRetentionDays: 30,
      createdAt: created,
      tags: { env: 'prod', team: 'identity' },
      hsms: b.hsms(r, ['a']),
    },
    {
      id: 'cluster-sameazledger',
      subnets: prod,
      securityGroup: ledgerSg,
      backupRetentionDays: 14,
      createdAt: created,
      tags: { env: 'prod', team: 'ledger' },
      hsms: b.hsms(r, ['b', 'b']),
    },
    {
      id: 'cluster-partialsubnet',
      subnets: dev.slice(0, 2),
      securityGroup: partialSg,
      createdAt: created,
      tags: { env: 'dev' },
      hsms: b.hsms(r, ['a', 'b']),
    },
    {
      id: 'cluster-nohsmsarchive',
      subnets: prod,
      securityGroup: archiveSg,
      backupRetentionDays: 60,
      createdAt: created,
      tags: { env: 'archive' },
      hsms: [],
    },
  ];
  const payments = b.daily(r, 'cluster-paymentsprod', range(0, 89), 2);
  // An extra backup (an HSM was added this morning) still being made: the newest READY one is today's.
  b.daily(r, 'cluster-paymentsprod', [0], 95)[0]!.state = 'CREATE_IN_PROGRESS';
  const annual = b.daily(r, 'cluster-paymentsprod', [400], 2)[0]!;
  annual.neverExpires = true;
  annual.tags = { purpose: 'annual-audit' };
  const single = b.daily(r, 'cluster-singlehsmapp', range(0, 29), 7);
  const ledger = b.daily(r, 'cluster-sameazledger', range(0, 13), 11);
  ledger[5]!.tags = { [HOLD_TAG]: 'incident-4711' };
  const partial = b.daily(r, 'cluster-partialsubnet', [...range(0, 19), 200], 17);
  partial[20]!.state = 'PENDING_DELETION';
  partial[20]!.deleteAt = new Date(NOW_MS + 3 * DAY_MS).toISOString();
  const archive = b.daily(r, 'cluster-nohsmsarchive', range(10, 40, 3), 23);
  // KMS custom key stores: a healthy one, one FAILED (kmsuser locked out), and one whose cluster
  // has its two HSMs in one zone, so KMS cannot create keys in it.
  b.regions[r]!.customKeyStores = [
    {
      id: 'cks-0a1b2c3d4e5f60001',
      name: 'payments-keys',
      clusterId: 'cluster-paymentsprod',
      state: 'CONNECTED',
    },
    {
      id: 'cks-0a1b2c3d4e5f60002',
      name: 'partner-keys',
      clusterId: 'cluster-partialsubnet',
      state: 'FAILED',
      errorCode: 'USER_LOCKED_OUT',
    },
    {
      id: 'cks-0a1b2c3d4e5f60003',
      name: 'ledger-keys',
      clusterId: 'cluster-sameazledger',
      state: 'CONNECTED',
    },
  ];
  return { payments, single, ledger, partial, archive };
}

function europe(b: DemoBuilder): void {
  const r = 'eu-west-1';
  const { subnets, vpcIds } = b.network(r, 1);
  const privateSg = b.group(r, vpcIds[0]!, PRIVATE_2223('10.0.0.0/16'));
  const openSg = b.group(r, vpcIds[0]!, [
    { protocol: 'tcp', from: 2223, to: 2225, group: 'self' },
    { protocol: '-1', cidr: '0.0.0.0/0' },
  ]);
  const created = new Date(NOW_MS - 500 * DAY_MS).toISOString();
  const degraded = b.hsms(r, ['a', 'b']);
  degraded[1]!.state = 'DEGRADED';
  b.regions[r]!.clusters = [
    {
      id: 'cluster-degradedeuro',
      state: 'DEGRADED',
      subnets: subnets[0]!,
      securityGroup: privateSg,
      backupRetentionDays: 30,
      createdAt: created,
      tags: { env: 'prod', team: 'eu-payments' },
      hsms: degraded,
    },
    {
      id: 'cluster-openportseu',
      hsmType: 'hsm1.medium',
      subnets: subnets[0]!,
      securityGroup: openSg,
      backupRetentionDays: 7,
      createdAt: created,
      tags: { env: 'staging' },
      hsms: b.hsms(r, ['a', 'c']),
    },
  ];
  b.daily(r, 'cluster-degradedeuro', range(0, 29), 5);
  b.daily(r, 'cluster-openportseu', range(0, 6), 9);
}

function disasterRecovery(b: DemoBuilder, primaryBackups: Record<string, Backup[]>): void {
  const r = 'us-west-2';
  const { subnets, vpcIds } = b.network(r, 1);
  const privateSg = b.group(r, vpcIds[0]!, PRIVATE_2223('10.1.0.0/16'));
  b.regions[r]!.clusters = [
    {
      id: 'cluster-drstandbywest',
      subnets: subnets[0]!,
      securityGroup: privateSg,
      backupRetentionDays: 14,
      createdAt: new Date(NOW_MS - 400 * DAY_MS).toISOString(),
      tags: { env: 'dr' },
      hsms: b.hsms(r, ['a', 'b']),
    },
  ];
  b.daily(r, 'cluster-drstandbywest', range(0, 13), 13);
  const { payments, single, ledger, partial } = primaryBackups;
  // The bot has copied payments daily lately; older copies (every third day back to 240 days)
  // outlived the source's 90-day retention and are stale.
  b.copies('us-east-1', r, 'cluster-paymentsprod', payments!.slice(0, 15));
  b.copies(
    'us-east-1',
    r,
    'cluster-paymentsprod',
    payments!.slice(15).filter((_, i) => i % 3 === 0),
  );
  const stale = range(92, 240, 3).map((d) => ({ id: b.ids.next('backup'), createdAt: backupTime(d, 2) }));
  const staleCopies = b.copies('us-east-1', r, 'cluster-paymentsprod', stale);
  staleCopies[0]!.neverExpires = true;
  staleCopies[1]!.tags = { [HOLD_TAG]: 'legal' };
  staleCopies[2]!.tags = { [HOLD_TAG]: 'legal' };
  staleCopies[3]!.state = 'PENDING_DELETION';
  staleCopies[3]!.deleteAt = new Date(NOW_MS + 5 * DAY_MS).toISOString();
  // singlehsmapp: copied until yesterday; today's backup has no copy at all (not one in
  // progress: the sandbox turns those READY after its copy delay, which would heal the break
  // a minute into the demo).
  b.copies('us-east-1', r, 'cluster-singlehsmapp', single!.slice(1, 10));
  b.copies(
    'us-east-1',
    r,
    'cluster-sameazledger',
    ledger!.slice(0, 14).filter((_, i) => i % 7 === 0),
  );
  b.copies(
    'us-east-1',
    r,
    'cluster-partialsubnet',
    partial!.filter((_, i) => i % 5 === 0 && i < 20),
  );
  // Another team's script also copied the ledger's backups: today's twice more, last week's once
  // more, hours after the bot's copies (duplicate-dr-copies; made last so the ids above stay put).
  for (const [source, extra] of [
    [ledger![0]!, 2],
    [ledger![7]!, 1],
  ] as const) {
    for (let n = 1; n <= extra; n++) {
      const [copy] = b.copies('us-east-1', r, 'cluster-sameazledger', [source]);
      copy!.copiedAt = new Date(Date.parse(source.createdAt) + (3 + n) * 3_600_000).toISOString();
    }
  }
}

/** Builds the demo fleet (deterministic: the same ids every time). */
export function demoFleet(): FleetFile {
  const b = new DemoBuilder();
  const primaryBackups = primary(b);
  europe(b);
  disasterRecovery(b, primaryBackups);
  return { account: DEMO_ACCOUNT, now: DEMO_NOW, regions: b.regions };
}
