/**
 * Copy fan-out: 8 source regions × 2 DR regions against the sandbox with 100 ms added to
 * every request, against the same work from one source region (same backups per region,
 * same DR regions), and the 8 regions again one call at a time (concurrency 1) to show
 * what no fan-out costs. Also counts the API calls of the 8-region run against the minimum
 * (pages of 50 for DescribeBackups, one existence lookup per DR region and 25 sources, one
 * CopyBackupToRegion per copy).
 *
 *   node scripts/run-ts.mjs bench/copy-fanout.ts [--per-region 2] [--latency 100] [--concurrency 8] [--settle 2000]
 */
import { parseArgs } from 'node:util';
import { DateTime } from 'luxon';
import { AwsClients } from '../lib/aws/clients.js';
import { parseCopyConfig } from '../lib/config/copy.js';
import { type CopyResult, runCopy } from '../lib/copy/execute.js';
import { startSandbox } from '../sandbox/index.js';
import { copyFleet, NOW as FLEET_NOW } from '../test/support/fleet.js';
import { type BenchRow, fixed, printRows, runAlone, seconds } from './common.js';

export const FANOUT_SOURCES = [
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'eu-central-1',
  'eu-north-1',
  'ap-south-1',
  'ap-northeast-1',
  'sa-east-1',
];
const DRS = ['us-west-2', 'eu-west-1'];
const NOW = DateTime.fromISO(FLEET_NOW, { zone: 'utc' });

export interface CopyFanoutOptions {
  /** Recent READY backups per source region (default 2). */
  perRegion?: number;
  /** Added to every request, in ms (default 100). */
  latencyMs?: number;
  /** Copy concurrency (default 8, the CLI's default). */
  concurrency?: number;
  /** The claim settle wait, real time (default 2000, the production value). */
  settleMs?: number;
}

/** One copy run's wall time and calls. */
export interface CopyMeasure {
  wallMs: number;
  calls: Record<string, number>;
  total: number;
  result: CopyResult;
}

/** Runs copy twice (copying, then finding everything present) from `sources` on a fresh sandbox. */
export async function measureCopy(
  sources: string[],
  options: Required<CopyFanoutOptions>,
): Promise<[CopyMeasure, CopyMeasure]> {
  const sandbox = await startSandbox({
    fleet: copyFleet({ sourceRegions: sources, drRegions: DRS, recentPerRegion: options.perRegion }),
    faults: { rules: [{ latencyMs: options.latencyMs }] },
  });
  const clients = new AwsClients({ endpoint: sandbox.url });
  const config = parseCopyConfig({
    regions: sources.join(','),
    drRegions: DRS.join(','),
    concurrency: String(options.concurrency),
  });
  const deps = {
    clients,
    now: () => sandbox.clock.now(),
    sleep: async (ms: number) => sandbox.clock.advance(ms),
    tuning: { claimSettleMs: options.settleMs },
  };
  const runs: CopyMeasure[] = [];
  try {
    for (let pass = 0; pass < 2; pass++) {
      sandbox.clearRequests();
      const started = performance.now();
      const result = await runCopy(deps, config, NOW);
      const wallMs = performance.now() - started;
      const calls: Record<string, number> = {};
      for (const request of sandbox.requests())
        calls[request.operation] = (calls[request.operation] ?? 0) + 1;
      const total = Object.values(calls).reduce((a, b) => a + b, 0);
      runs.push({ wallMs, calls, total, result });
    }
  } finally {
    clients.destroy();
    await sandbox.close();
  }
  return runs as [CopyMeasure, CopyMeasure];
}

/** The fewest calls a copy run can make: listings, one lookup per DR region per 25 sources, one call per copy. */
function minimumCalls(sourceRegions: number, candidates: number, copies: number): number {
  return sourceRegions + DRS.length * Math.ceil(candidates / 25) + copies;
}

const callList = (calls: Record<string, number>) =>
  Object.entries(calls)
    .map(([operation, n]) => `${operation} ${n}`)
    .join(', ');

/** Copy over 8 regions vs 1 region, with latency; and its API economy. */
export async function benchCopyFanout(options: CopyFanoutOptions = {}): Promise<BenchRow[]> {
  const settings: Required<CopyFanoutOptions> = {
    perRegion: options.perRegion ?? 2,
    latencyMs: options.latencyMs ?? 100,
    concurrency: options.concurrency ?? 8,
    settleMs: options.settleMs ?? 2000,
  };
  const [one] = await measureCopy(FANOUT_SOURCES.slice(0, 1), settings);
  const [eight, eightAgain] = await measureCopy(FANOUT_SOURCES, settings);
  const [serial] = await measureCopy(FANOUT_SOURCES, { ...settings, concurrency: 1 });

  const copies = FANOUT_SOURCES.length * settings.perRegion * DRS.length;
  const candidates = FANOUT_SOURCES.length * settings.perRegion;
  const minimum = minimumCalls(FANOUT_SOURCES.length, candidates, copies);
  const minimumAgain = minimumCalls(FANOUT_SOURCES.length, candidates, 0);
  const ratio = eight.wallMs / one.wallMs;
  const withoutSettle = (eight.wallMs - settings.settleMs) / (one.wallMs - settings.settleMs);
  const failed = eight.result.counts.failed + one.result.counts.failed;
  const tags =
    (eight.calls.ListTags ?? 0) + (eight.calls.TagResource ?? 0) + (eight.calls.UntagResource ?? 0);
  return [
    {
      area: 'Region fan-out',
      measure: `copy: ${FANOUT_SOURCES.length} source regions ÷ 1 (wall time, ${settings.latencyMs} ms/call)`,
      value: `${fixed(ratio)}×`,
      target: '≈ 1× (≤ 1.5×), not 8×',
      met: ratio <= 1.5 && failed === 0 && eight.result.counts.copied === copies,
      note:
        `${seconds(eight.wallMs)} for ${eight.result.counts.copied} copies vs ${seconds(one.wallMs)} for ` +
        `${one.result.counts.copied}, each including one ${settings.settleMs} ms claim settle wait ` +
        `(${fixed(withoutSettle)}× without it); concurrency ${settings.concurrency} is shared by all regions. ` +
        `One call at a time the 8 regions take ${seconds(serial.wallMs)} (${fixed(serial.wallMs / one.wallMs, 1)}×)`,
    },
    {
      area: 'API economy',
      measure: `copy: calls ÷ minimum (${copies} copies, ${FANOUT_SOURCES.length} regions → ${DRS.length})`,
      value: `${fixed(eight.total / minimum)}×`,
      target: 'report',
      note:
        `${eight.total} calls vs ${minimum} (${FANOUT_SOURCES.length} listings + ${DRS.length} lookups + ` +
        `${copies} copies); extras: claim + release per source backup (${tags} tag calls; floor ` +
        `${fixed((minimum + 2 * candidates) / minimum)}×), a confirm read per source region, a verify ` +
        `lookup per DR region. Calls: ${callList(eight.calls)}`,
    },
    {
      area: 'API economy',
      measure: 'copy, nothing to do: calls ÷ minimum',
      value: `${fixed(eightAgain.total / minimumAgain)}×`,
      target: '1×',
      met: eightAgain.total === minimumAgain,
      note: `${eightAgain.total} calls vs ${minimumAgain}: ${callList(eightAgain.calls)}`,
    },
  ];
}

if (runAlone('copy-fanout.ts')) {
  const { values } = parseArgs({
    options: {
      'per-region': { type: 'string', default: '2' },
      latency: { type: 'string', default: '100' },
      concurrency: { type: 'string', default: '8' },
      settle: { type: 'string', default: '2000' },
    },
  });
  printRows(
    await benchCopyFanout({
      perRegion: Number(values['per-region']),
      latencyMs: Number(values.latency),
      concurrency: Number(values.concurrency),
      settleMs: Number(values.settle),
    }),
  );
}
