/**
 * Prune throughput under the service's rate limit: 500 deletions with the sandbox throttling
 * DeleteBackup at 10 requests/s, run the way the CLI runs it (adaptive retry, 8 attempts,
 * default concurrency). Beside it, the seed script's way — one DeleteBackup, then a 1-second
 * sleep — on a sample of deletes (run at the same time, on its own sandbox), its rate
 * extrapolated to the 500.
 *
 *   node scripts/run-ts.mjs bench/prune-throughput.ts [--candidates 500] [--rps 10] [--sample 20]
 */
import { parseArgs } from 'node:util';
import { DeleteBackupCommand, DescribeBackupsCommand } from '@aws-sdk/client-cloudhsm-v2';
import { DateTime } from 'luxon';
import { AwsClients } from '../lib/aws/clients.js';
import { parsePruneConfig } from '../lib/config/prune.js';
import { runPrune } from '../lib/prune/run.js';
import { type FleetFile, startSandbox } from '../sandbox/index.js';
import { BENCH_NOW, type BenchRow, clusterRegion, fixed, printRows, runAlone, seconds } from './common.js';

export interface PruneThroughputOptions {
  candidates?: number;
  rps?: number;
  /** Deletes the seed-script loop makes before its rate is extrapolated. */
  sample?: number;
}

const REGION = 'us-east-1';
const PROTECTED = 10;

/** One cluster whose backups are all older than 90 days: `candidates` deletable, 10 guarded, the newest kept. */
function throughputFleet(candidates: number): FleetFile {
  return {
    account: '111122223333',
    now: BENCH_NOW,
    regions: {
      [REGION]: clusterRegion(REGION, 0, {
        backups: candidates + PROTECTED + 1,
        newestDaysAgo: 95,
        protectedCount: PROTECTED,
      }),
    },
  };
}

/** The seed script's loop: list the cluster's backups oldest first, then delete one, sleep 1 s, repeat. */
async function seedScriptRate(candidates: number, rps: number, sample: number) {
  const sandbox = await startSandbox({
    fleet: throughputFleet(candidates),
    faults: { rules: [{ operation: 'DeleteBackup', throttleRps: rps }] },
  });
  // boto3's default (legacy) retry mode: 5 attempts.
  const clients = new AwsClients({ endpoint: sandbox.url, maxAttempts: 5, retryMode: 'standard' });
  try {
    const client = clients.cloudHsm(REGION);
    const started = performance.now();
    const page = await client.send(new DescribeBackupsCommand({ MaxResults: 50, SortAscending: true }));
    const ids = (page.Backups ?? []).map((b) => b.BackupId!).slice(0, sample);
    let failed = 0;
    for (const id of ids) {
      await client.send(new DeleteBackupCommand({ BackupId: id })).catch(() => failed++);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    const elapsedMs = performance.now() - started;
    return { deletes: ids.length - failed, elapsedMs, perSecond: (ids.length - failed) / (elapsedMs / 1000) };
  } finally {
    clients.destroy();
    await sandbox.close();
  }
}

/** Calls by operation in a sandbox's request log. */
function callsOf(requests: { operation: string }[]): Record<string, number> {
  const calls: Record<string, number> = {};
  for (const request of requests) calls[request.operation] = (calls[request.operation] ?? 0) + 1;
  return calls;
}

const total = (calls: Record<string, number>) => Object.values(calls).reduce((a, b) => a + b, 0);
const callList = (calls: Record<string, number>) =>
  Object.entries(calls)
    .map(([operation, n]) => `${operation} ${n}`)
    .join(', ');

/**
 * The fewest calls a prune can make: every listing page of 50, and per deletion one
 * TagResource (the deletion record, lib/prune/record.ts) and one DeleteBackup.
 */
function minimumCalls(listed: number, deletions: number): number {
  return Math.ceil(listed / 50) + 2 * deletions;
}

/** The same without the deletion record: what a prune that keeps no record could get down to. */
function minimumWithoutRecord(listed: number, deletions: number): number {
  return Math.ceil(listed / 50) + deletions;
}

/** A prune of the same fleet without throttling: calls made against the minimum. */
async function pruneEconomy(candidates: number): Promise<BenchRow> {
  const sandbox = await startSandbox({ fleet: throughputFleet(candidates) });
  const clients = new AwsClients({ endpoint: sandbox.url });
  try {
    const config = parsePruneConfig({
      regions: REGION,
      olderThan: '90d',
      maxDeletions: String(candidates),
      execute: 'true',
    });
    const run = await runPrune({ clients }, config, DateTime.fromISO(BENCH_NOW, { zone: 'utc' }));
    const calls = callsOf(sandbox.requests());
    const minimum = minimumCalls(run.plan.counts.considered, run.plan.counts.delete);
    const bare = minimumWithoutRecord(run.plan.counts.considered, run.plan.counts.delete);
    return {
      area: 'API economy',
      measure: `prune: calls ÷ minimum (${run.plan.counts.delete} deletions, no throttling)`,
      value: `${fixed(total(calls) / minimum)}×`,
      target: '≤ 1.1×',
      met: total(calls) / minimum <= 1.1 && run.exitCode === 0,
      note:
        `${total(calls)} calls vs ${minimum} (${Math.ceil(run.plan.counts.considered / 50)} listing pages + ` +
        `${run.plan.counts.delete} deletion-record tags + ${run.plan.counts.delete} deletes); the rest re-read ` +
        `each batch of up to 5 planned backups (and the kept newest) right before deleting it: ${callList(calls)}. ` +
        `Against listing + deletes alone (no record) it is ${fixed(total(calls) / bare)}×: the record costs one ` +
        'TagResource per deletion',
    };
  } finally {
    clients.destroy();
    await sandbox.close();
  }
}

/** Prunes `candidates` backups under a DeleteBackup limit of `rps`; returns the table rows. */
export async function benchPruneThroughput(options: PruneThroughputOptions = {}): Promise<BenchRow[]> {
  const candidates = options.candidates ?? 500;
  const rps = options.rps ?? 10;
  const sample = options.sample ?? 20;
  const sandbox = await startSandbox({
    fleet: throughputFleet(candidates),
    faults: { rules: [{ operation: 'DeleteBackup', throttleRps: rps }] },
  });
  const clients = new AwsClients({ endpoint: sandbox.url });
  const seedLoop = seedScriptRate(candidates, rps, sample);
  try {
    const config = parsePruneConfig({
      regions: REGION,
      olderThan: '90d',
      maxDeletions: String(candidates),
      execute: 'true',
    });
    let planned = 0;
    const started = performance.now();
    const run = await runPrune(
      {
        clients,
        onPlan: () => {
          planned = performance.now();
        },
      },
      config,
      DateTime.fromISO(BENCH_NOW, { zone: 'utc' }),
    );
    const finished = performance.now();
    const seed = await seedLoop;

    const deleted = run.result?.counts.succeeded ?? 0;
    const failed = run.result?.counts.failed ?? 0;
    const deleteMs = finished - planned;
    const perSecond = deleted / (deleteMs / 1000);
    const deleteCalls = sandbox.requests().filter((r) => r.operation === 'DeleteBackup');
    const throttled = deleteCalls.filter((r) => r.errorCode === 'ThrottlingException').length;
    const seedTotalMs = (candidates / seed.perSecond) * 1000;
    const calls = callsOf(sandbox.requests());
    const minimum = minimumCalls(run.plan.counts.considered, run.plan.counts.delete);
    const economy = await pruneEconomy(candidates);
    return [
      {
        area: 'Prune throughput',
        measure: `deletes/s ÷ the ${rps} req/s DeleteBackup limit (${deleted} deleted)`,
        value: fixed(perSecond / rps),
        target: '≥ 0.9',
        met: perSecond / rps >= 0.9 && failed === 0 && deleted === candidates,
        note:
          `${deleted} of ${run.plan.counts.delete} planned deleted, ${failed} failed, in ${seconds(deleteMs)} ` +
          `after planning (${fixed(perSecond, 1)}/s; ${seconds(finished - started)} with the listing); ` +
          `${deleteCalls.length} DeleteBackup calls, ${throttled} throttled. The sandbox's bucket starts full ` +
          `(one second's worth), so a perfect client scores ${fixed(candidates / (candidates - rps), 2)}.`,
      },
      {
        area: 'Prune throughput',
        measure: 'failed deletions under the limit',
        value: String(failed),
        target: '0',
        met: failed === 0,
        note: `exit code ${run.exitCode}`,
      },
      {
        area: 'Prune throughput',
        measure: 'speed-up over the seed script (delete, sleep 1 s)',
        value: `${fixed(perSecond / seed.perSecond, 1)}×`,
        target: 'report',
        note:
          `seed loop measured on ${seed.deletes} deletes (${fixed(seed.perSecond, 2)}/s, run alongside on its own ` +
          `sandbox), extrapolated: ${candidates} deletes in ${seconds(seedTotalMs)} vs ${seconds(deleteMs)}`,
      },
      economy,
      {
        area: 'API economy',
        measure: `prune: calls ÷ minimum (same fleet, throttled at ${rps} req/s)`,
        value: `${fixed(total(calls) / minimum)}×`,
        target: 'report',
        note: `${total(calls)} calls vs ${minimum}; the extra are throttled attempts: ${callList(calls)}`,
      },
    ];
  } finally {
    clients.destroy();
    await sandbox.close();
    await seedLoop.catch(() => undefined);
  }
}

if (runAlone('prune-throughput.ts')) {
  const { values } = parseArgs({
    options: {
      candidates: { type: 'string', default: '500' },
      rps: { type: 'string', default: '10' },
      sample: { type: 'string', default: '20' },
    },
  });
  printRows(
    await benchPruneThroughput({
      candidates: Number(values.candidates),
      rps: Number(values.rps),
      sample: Number(values.sample),
    }),
  );
}
