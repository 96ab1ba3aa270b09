/**
 * The fleet report of a large fleet: the checks, the report's data and the HTML page for
 * 100,000 backups (100 clusters in 4 regions, two years of daily originals each, the last
 * 270 days of each copied to a DR region), timed, and the page's size, raw and gzipped (what
 * a mail attachment costs). The gather of that many backups is the Scale rows' measure.
 *
 *   node scripts/run-ts.mjs bench/report-render.ts --backups 100000
 */
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { DateTime } from 'luxon';
import { checkConfigOf, evaluateClusters } from '../lib/audit/run.js';
import { parseAuditConfig } from '../lib/config/audit.js';
import type { BackupInfo, ClusterInfo, RegionInventory } from '../lib/inventory/types.js';
import { renderHtml } from '../lib/report/html.js';
import { buildFleetReport } from '../lib/report/model.js';
import { BENCH_NOW, type BenchRow, fixed, idOf, printRows, runAlone } from './common.js';

const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2', 'ca-central-1'];
const DR_REGION = 'us-west-2';
const CLUSTERS = 100;
const DAY_MS = 86_400_000;

/** `backups` backups over 100 clusters: about 73% originals (daily, newest first), the rest DR copies. */
function fleet(
  backups: number,
  uneven = false,
): { inventories: RegionInventory[]; drBackups: Map<string, BackupInfo[]> } {
  const now = Date.parse(BENCH_NOW);
  const perCluster = Math.floor(backups / CLUSTERS);
  const copied = Math.floor(perCluster * 0.27);
  const inventories = REGIONS.map((region) => ({
    region,
    clusters: [] as ClusterInfo[],
    backups: [] as BackupInfo[],
    zones: ['a', 'b', 'c'].map((z) => ({
      name: `${region}${z}`,
      state: 'available',
      type: 'availability-zone',
    })),
    subnets: ['a', 'b', 'c'].map((z, i) => ({ id: `subnet-${region}-${i}`, zone: `${region}${z}` })),
    securityGroups: [],
  }));
  const copies: BackupInfo[] = [];
  let n = 0;
  for (let c = 0; c < CLUSTERS; c++) {
    const inventory = inventories[c % REGIONS.length]!;
    const id = idOf('cluster', c);
    inventory.clusters.push({
      id,
      region: inventory.region,
      state: 'ACTIVE',
      hsmType: 'hsm2m.medium',
      subnetMapping: Object.fromEntries(inventory.subnets.map((s) => [s.zone, s.id])),
      hsms: [0, 1].map((h) => ({
        id: idOf('hsm', c * 2 + h),
        zone: inventory.subnets[h]!.zone,
        state: 'ACTIVE',
      })),
      retentionDays: 730,
      tags: {},
    });
    for (let day = 0; day < perCluster - copied; day++) {
      const createdAt = new Date(now - (day + 0.4) * DAY_MS);
      const source = idOf('backup', n++);
      // Uneven: every other backup PENDING_DELETION, so no two days in a row look alike (no runs to merge).
      const state = uneven && day % 2 === 1 ? 'PENDING_DELETION' : 'READY';
      inventory.backups.push({
        id: source,
        region: inventory.region,
        clusterId: id,
        state,
        createdAt,
        neverExpires: false,
        tags: {},
      });
      if (day < copied) {
        copies.push({
          id: idOf('backup', n++),
          region: DR_REGION,
          state: 'READY',
          createdAt: new Date(createdAt.getTime() + 3_600_000),
          neverExpires: false,
          tags: {},
          sourceBackupId: source,
          sourceRegion: inventory.region,
          sourceClusterId: id,
        });
      }
    }
  }
  return { inventories, drBackups: new Map([[DR_REGION, copies]]) };
}

/** Checks, report data and page for the fleet: the milliseconds of each and the page. */
function render(backups: number, days: number, uneven = false) {
  const { inventories, drBackups } = fleet(backups, uneven);
  const now = DateTime.fromISO(BENCH_NOW, { zone: 'utc' });
  const config = parseAuditConfig({ regions: REGIONS.join(','), drRegions: DR_REGION });
  const t0 = performance.now();
  const { findings } = evaluateClusters(inventories, drBackups, checkConfigOf(config), {
    account: '111122223333',
    runId: 'bench',
    now,
  });
  const t1 = performance.now();
  const report = buildFleetReport({
    account: '111122223333',
    inventories,
    drBackups,
    drRegions: [DR_REGION],
    findings,
    errors: [],
    now,
    command: 'cloudhsm-ops report',
    days,
    copyRetentionDays: 90,
    pruneOlderThanDays: 90,
  });
  const t2 = performance.now();
  const page = renderHtml(report);
  const t3 = performance.now();
  const total =
    inventories.reduce((sum, i) => sum + i.backups.length, 0) + (drBackups.get(DR_REGION)?.length ?? 0);
  return {
    checks: t1 - t0,
    model: t2 - t1,
    html: t3 - t2,
    all: t3 - t0,
    page,
    total,
    findings: findings.length,
  };
}

const kib = (bytes: number) => `${Math.round(bytes / 1024)} KiB`;

/** Rows for the fleet report: time for 100,000 backups, linearity, and the page's size. */
export function benchReportRender(backups = 100_000): BenchRow[] {
  render(backups / 10, 35); // warm the JIT
  const big = render(backups, 35);
  const quarter = render(backups / 4, 35);
  const year = render(backups, 400);
  const worst = render(backups, 400, true);
  const area = 'Fleet report';
  const gz = gzipSync(big.page).length;
  const gzYear = gzipSync(year.page).length;
  const gzWorst = gzipSync(worst.page).length;
  return [
    {
      area,
      measure: `report of ${big.total} backups, 100 clusters: checks + data + HTML`,
      value: `${fixed(big.all / 1000)} s`,
      target: '< 60 s',
      met: big.all < 60_000,
      note:
        `checks ${fixed(big.checks, 0)} ms (${big.findings} findings), report data ${fixed(big.model, 0)} ms, ` +
        `HTML ${fixed(big.html, 0)} ms; the gather of that many backups is row "gather: 2000 DescribeBackups pages"`,
    },
    {
      area,
      measure: `the same: time for ${big.total} backups ÷ time for ${quarter.total}`,
      value: `${fixed(big.all / quarter.all, 1)}×`,
      target: '≤ 8× (linear: 4×)',
      met: big.all / quarter.all <= 8,
      note: `${fixed(big.all, 0)} ms vs ${fixed(quarter.all, 0)} ms (one run each, after a warm-up)`,
    },
    {
      area,
      measure: `page size, ${big.total} backups, 35-day timelines (the default)`,
      value: kib(big.page.length),
      target: '< 10 MB (mailable)',
      met: big.page.length < 10 * 1024 * 1024,
      note: `${kib(gz)} gzipped; one mark per day per lineage per region, and alike days in a row as one shape, so size follows clusters × days, not backups (${kib(quarter.page.length)} for ${quarter.total} backups)`,
    },
    {
      area,
      measure: `page size, ${year.total} backups, 400-day timelines (--days 400, the most)`,
      value: kib(year.page.length),
      target: '< 10 MB (mailable)',
      met: year.page.length < 10 * 1024 * 1024,
      note: `${kib(gzYear)} gzipped; rendered in ${fixed(year.all, 0)} ms`,
    },
    {
      area,
      measure: 'the same, no two days alike (every other backup PENDING_DELETION)',
      value: kib(worst.page.length),
      target: '< 10 MB (mailable)',
      met: worst.page.length < 10 * 1024 * 1024,
      note: `${kib(gzWorst)} gzipped; rendered in ${fixed(worst.all, 0)} ms; days alike in a row are one shape, so this is the largest page per lineage`,
    },
  ];
}

if (runAlone('report-render.ts')) {
  const { values } = parseArgs({ options: { backups: { type: 'string', default: '100000' } } });
  printRows(benchReportRender(Number(values.backups)));
}
