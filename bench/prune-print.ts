/**
 * Printing a large prune plan for people: the default view (a summary per lineage and its
 * first rows), every row (`--all`), and the `--json` document, on the same 20,000-entry plan.
 * Ratios to the JSON serialisation, measured in one run.
 *
 *   node scripts/run-ts.mjs bench/prune-print.ts
 */
import Table from 'cli-table3';
import { DateTime } from 'luxon';
import { parsePruneConfig } from '../lib/config/prune.js';
import type { BackupInfo } from '../lib/inventory/types.js';
import { type PrunePlan, planPrune } from '../lib/prune/plan.js';
import { planLines } from '../lib/prune/report.js';
import { BENCH_NOW, type BenchRow, fixed, idOf, printRows, runAlone } from './common.js';

const LINEAGES = 20;

/** Milliseconds `work` takes, best of three (the machines are noisy). */
function best(work: () => unknown): number {
  let fastest = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 5; i++) {
    const started = performance.now();
    work();
    fastest = Math.min(fastest, performance.now() - started);
  }
  return fastest;
}

/** A plan of `entries` READY backups over 20 lineages, all older than the 90-day cutoff. */
function bigPlan(entries: number) {
  const now = DateTime.fromISO(BENCH_NOW, { zone: 'utc' });
  const backups: BackupInfo[] = Array.from({ length: entries }, (_, i) => ({
    id: idOf('backup', i),
    region: 'us-east-1',
    clusterId: idOf('cluster', i % LINEAGES),
    state: 'READY',
    createdAt: now.minus({ days: 100, minutes: i }).toJSDate(),
    neverExpires: false,
    tags: {},
  }));
  const config = parsePruneConfig({ regions: 'us-east-1', olderThan: '90d', maxDeletions: '100000' });
  return planPrune({ region: 'us-east-1', clusters: [], backups }, config, now);
}

const PLAIN = { paint: (_: unknown, text: string) => text, include: () => true };

/** The table the CLI printed before, with cli-table3: the baseline. */
function cliTable3(plan: PrunePlan): string {
  const table = new Table({
    head: ['backup', 'region', 'lineage', 'created (UTC)', 'age', 'state', 'decision', 'reason'],
  });
  for (const e of plan.entries) {
    table.push([
      e.backupId,
      e.region,
      e.lineage,
      e.createdAt,
      `${e.ageDays}d`,
      e.state,
      e.decision,
      e.detail,
    ]);
  }
  return table.toString();
}

/** Rows for printing large prune plans: default view, every row, linearity, and the old table. */
export function benchPrunePrint(entries = 20_000): BenchRow[] {
  const small = Math.round(entries / 4);
  const plan = bigPlan(entries);
  const smallPlan = bigPlan(small);
  let summaryLines = 0;
  const json = best(() => JSON.stringify(plan, null, 2));
  const summary = best(() => {
    summaryLines = planLines(plan, { ...PLAIN, all: false }).length;
  });
  const all = best(() => planLines(plan, { ...PLAIN, all: true }).join('\n'));
  const allSmall = best(() => planLines(smallPlan, { ...PLAIN, all: true }).join('\n'));
  const oldSmall = best(() => cliTable3(smallPlan));
  const area = 'Printing';
  return [
    {
      area,
      measure: `prune plan of ${entries} backups, default view: time ÷ its --json`,
      value: `${fixed(summary / json)}×`,
      target: 'report',
      note: `${summaryLines} lines in ${fixed(summary, 1)} ms; JSON.stringify of the plan ${fixed(json, 1)} ms (best of 5)`,
    },
    {
      area,
      measure: `prune plan --all: time for ${entries} rows ÷ time for ${small}`,
      value: `${fixed(all / allSmall, 1)}×`,
      target: '≤ 8× (linear: 4×)',
      met: all / allSmall <= 8,
      note: `${fixed(all, 1)} ms for ${entries} rows, ${fixed(allSmall, 1)} ms for ${small} (best of 5)`,
    },
    {
      area,
      measure: `prune plan --all, ${small} rows: the old cli-table3 table ÷ now`,
      value: `${fixed(oldSmall / allSmall, 0)}×`,
      target: 'report',
      note: `cli-table3 ${fixed(oldSmall, 0)} ms vs ${fixed(allSmall, 1)} ms; cli-table3 grows faster than linearly (20,000 rows took about 53 s of CPU)`,
    },
  ];
}

if (runAlone('prune-print.ts')) printRows(benchPrunePrint());
