/**
 * Shared pieces of the benchmarks: the row every measure reports, valid AWS-style ids, the
 * "run alone" check, and a memory sampler.
 */
import { basename } from 'node:path';
import type { FleetFile } from '../sandbox/index.js';
import { idOf } from '../test/support/fleet.js';

/** One line of the bench table: a measured ratio (or figure) beside its target. */
export interface BenchRow {
  /** The heading this row answers (prune throughput, API economy, ...). */
  area: string;
  measure: string;
  /** The figure as printed (`0.97`, `1.12×`, `84 MB`). */
  value: string;
  /** What good looks like (`≥ 0.9`, `≈ 1×`), or `report` when there is no target. */
  target: string;
  /** True or false when the target is a threshold; undefined when there is none. */
  met?: boolean;
  /** How it was measured, and the raw numbers behind the ratio. */
  note: string;
}

/** True when `file` (e.g. `prune-throughput.ts`) is the script node was started with. */
export function runAlone(file: string): boolean {
  return basename(process.argv[1] ?? '') === file;
}

/** A number with `digits` decimals. */
export function fixed(value: number, digits = 2): string {
  return Number.isFinite(value) ? value.toFixed(digits) : String(value);
}

/** Seconds with two decimals from milliseconds. */
export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

/** Mebibytes from bytes. */
export function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(0)} MB`;
}

/** Ids made from numbers: the test fleets' own (one definition). */
export { idOf };

export const BENCH_NOW = '2026-11-29T12:00:00Z';
const DAY_MS = 86_400_000;

type FleetRegion = FleetFile['regions'][string];

/**
 * One region with one ACTIVE cluster (two HSMs in two zones) and `backups` backups, one a
 * day going back from `newestDaysAgo`; the first `protectedCount` of the oldest are
 * NeverExpires or held, so a prune has guardrails to respect.
 */
export function clusterRegion(
  region: string,
  index: number,
  options: { backups: number; newestDaysAgo?: number; protectedCount?: number; idBase?: number },
): FleetRegion {
  const nowMs = Date.parse(BENCH_NOW);
  const cluster = idOf('cluster', 500 + index);
  const subnets = ['a', 'b', 'c'].map((zone, i) => ({
    id: `subnet-${(0x1000 + index * 16 + i).toString(16)}`,
    zone: `${region}${zone}`,
    vpc: `vpc-${(0x100 + index).toString(16)}`,
  }));
  const group = `sg-${(0x2000 + index).toString(16)}`;
  const backups: NonNullable<FleetRegion['backups']> = [];
  const base = options.idBase ?? index * 1_000_000;
  const newest = options.newestDaysAgo ?? 0.5;
  for (let i = 0; i < options.backups; i++) {
    const old = options.backups - 1 - i;
    const guarded = old < (options.protectedCount ?? 0);
    backups.push({
      id: idOf('backup', base + i),
      cluster,
      createdAt: new Date(nowMs - (newest + i) * DAY_MS).toISOString(),
      ...(guarded && old % 2 === 0 ? { neverExpires: true } : {}),
      ...(guarded && old % 2 === 1 ? { tags: { 'cloudhsm-ops:hold': 'legal' } } : {}),
    });
  }
  return {
    zones: subnets.map((s) => s.zone),
    subnets,
    securityGroups: [
      { id: group, ingress: [{ protocol: 'tcp', from: 2223, to: 2225, cidr: '10.0.0.0/16' }] },
    ],
    clusters: [
      {
        id: cluster,
        state: 'ACTIVE',
        hsmType: 'hsm2m.medium',
        subnets: subnets.map((s) => s.id),
        securityGroup: group,
        backupRetentionDays: 90,
        hsms: [
          { id: idOf('hsm', 700 + index * 2), zone: subnets[0]!.zone },
          { id: idOf('hsm', 701 + index * 2), zone: subnets[1]!.zone },
        ],
      },
    ],
    backups,
  };
}

/** Samples RSS and heap every `everyMs` until stopped; returns the peaks. */
export function sampleMemory(everyMs = 20): { stop(): { rss: number; heapUsed: number } } {
  let rss = 0;
  let heapUsed = 0;
  const take = () => {
    const usage = process.memoryUsage();
    rss = Math.max(rss, usage.rss);
    heapUsed = Math.max(heapUsed, usage.heapUsed);
  };
  take();
  const timer = setInterval(take, everyMs);
  return {
    stop() {
      clearInterval(timer);
      take();
      return { rss, heapUsed };
    },
  };
}

/** Prints rows as a plain aligned table (for scripts run alone). */
export function printRows(rows: BenchRow[]): void {
  for (const row of rows) {
    const mark = row.met === undefined ? ' ' : row.met ? '✓' : '✗';
    console.log(`${mark} ${row.measure.padEnd(58)} ${row.value.padStart(10)}  (target ${row.target})`);
    console.log(`    ${row.note}`);
  }
}
