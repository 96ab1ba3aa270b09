/**
 * Copy fan-out: 8 source regions × 2 DR regions against the sandbox with 100 ms added to
 * every request, run with the default concurrency and then one call after another
 * (concurrency 1). Prints wall time, the calls each run made by operation, and API calls
 * per copied backup against the minimum (one CopyBackupToRegion per copy, one listing per
 * source region, one existence lookup per DR region).
 *
 *   node scripts/run-ts.mjs bench/copy-fanout.ts [--per-region 2] [--latency 100] [--concurrency 8] [--settle 2000]
 */
import { parseArgs } from 'node:util';
import { DateTime } from 'luxon';
import { AwsClients } from '../lib/aws/clients.js';
import { parseCopyConfig } from '../lib/config/copy.js';
import { type CopyResult, runCopy } from '../lib/copy/execute.js';
import { startSandbox } from '../sandbox/index.js';
import { copyFleet, FLEET_NOW } from '../test/copy/fleet.js';

const { values } = parseArgs({
  options: {
    'per-region': { type: 'string', default: '2' },
    latency: { type: 'string', default: '100' },
    concurrency: { type: 'string', default: '8' },
    settle: { type: 'string', default: '2000' },
  },
});
const PER_REGION = Number(values['per-region']);
const LATENCY_MS = Number(values.latency);
const CONCURRENCY = values.concurrency!;
const SETTLE_MS = Number(values.settle);
const SOURCES = [
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

interface Measured {
  label: string;
  wallMs: number;
  calls: Record<string, number>;
  total: number;
  result: CopyResult;
}

async function measure(label: string, concurrency: string): Promise<Measured[]> {
  const sandbox = await startSandbox({
    fleet: copyFleet({ sourceRegions: SOURCES, drRegions: DRS, recentPerRegion: PER_REGION }),
    faults: { rules: [{ latencyMs: LATENCY_MS }] },
  });
  const clients = new AwsClients({ endpoint: sandbox.url });
  const config = parseCopyConfig({ regions: SOURCES.join(','), drRegions: DRS.join(','), concurrency });
  const deps = {
    clients,
    now: () => sandbox.clock.now(),
    sleep: async (ms: number) => sandbox.clock.advance(ms),
    tuning: { claimSettleMs: SETTLE_MS },
  };
  const runs: Measured[] = [];
  try {
    for (const pass of ['first run', 'second run']) {
      sandbox.clearRequests();
      const started = performance.now();
      const result = await runCopy(deps, config, NOW);
      const wallMs = performance.now() - started;
      const calls: Record<string, number> = {};
      for (const request of sandbox.requests())
        calls[request.operation] = (calls[request.operation] ?? 0) + 1;
      const total = Object.values(calls).reduce((a, b) => a + b, 0);
      runs.push({ label: `${label}, ${pass}`, wallMs, calls, total, result });
    }
  } finally {
    clients.destroy();
    await sandbox.close();
  }
  return runs;
}

const parallel = await measure(`concurrency ${CONCURRENCY}`, CONCURRENCY);
const serial = await measure('concurrency 1', '1');

const copies = SOURCES.length * PER_REGION * DRS.length;
const minimum = copies + SOURCES.length + DRS.length;
console.log(
  `${SOURCES.length} source regions × ${DRS.length} DR regions, ${PER_REGION} recent backups per source region ` +
    `(${copies} copies), ${LATENCY_MS} ms added to every request, claim settle ${SETTLE_MS} ms\n`,
);
for (const run of [...parallel, ...serial]) {
  const { counts } = run.result;
  console.log(
    `${run.label.padEnd(26)} ${(run.wallMs / 1000).toFixed(2).padStart(6)} s  ` +
      `copied ${counts.copied}, present ${counts.alreadyPresent}, failed ${counts.failed}; ` +
      `${run.total} calls ${JSON.stringify(run.calls)}`,
  );
}
const first = parallel[0]!;
const firstSerial = serial[0]!;
console.log(
  `\ncalls per copied backup: ${(first.total / copies).toFixed(2)} (minimum ${(minimum / copies).toFixed(2)}: ` +
    `${copies} copies + ${SOURCES.length} source listings + ${DRS.length} DR lookups)`,
);
console.log(
  `wall time, first run: ${(first.wallMs / 1000).toFixed(2)} s at concurrency ${CONCURRENCY} vs ` +
    `${(firstSerial.wallMs / 1000).toFixed(2)} s one call after another: ` +
    `${(firstSerial.wallMs / first.wallMs).toFixed(1)}× faster ` +
    `(${((first.wallMs - SETTLE_MS) / 1000).toFixed(2)} s vs ${((firstSerial.wallMs - SETTLE_MS) / 1000).toFixed(2)} s ` +
    'without the one claim settle wait)',
);
console.log(
  `wall time, second run (nothing to copy): ${(parallel[1]!.wallMs / 1000).toFixed(2)} s vs ` +
    `${(serial[1]!.wallMs / 1000).toFixed(2)} s`,
);
