/**
 * Audit fan-out: 8 regions, each with one cluster and 120 backups (3 pages), against the
 * sandbox with 100 ms added to every request, against the same work in one region; with and
 * without publishing the findings. Also counts the calls against the minimum (pages of 25
 * clusters and 50 backups, one call per EC2 describe, one STS call, 10 events per PutEvents).
 *
 *   node scripts/run-ts.mjs bench/audit-fanout.ts [--latency 100] [--backups 120]
 */
import { parseArgs } from 'node:util';
import { DateTime } from 'luxon';
import { runAudit } from '../lib/audit/run.js';
import { AwsClients } from '../lib/aws/clients.js';
import { parseAuditConfig } from '../lib/config/audit.js';
import { PUBLISH_CONCURRENCY } from '../lib/events/publisher.js';
import { type FleetFile, startSandbox } from '../sandbox/index.js';
import { BENCH_NOW, type BenchRow, clusterRegion, fixed, printRows, runAlone, seconds } from './common.js';
import { FANOUT_SOURCES } from './copy-fanout.js';

export interface AuditFanoutOptions {
  latencyMs?: number;
  /** Backups per region (default 120: three DescribeBackups pages). */
  backups?: number;
}

interface AuditMeasure {
  wallMs: number;
  calls: Record<string, number>;
  total: number;
  findings: number;
  events: number;
  errors: number;
}

function fleet(regions: string[], backups: number): FleetFile {
  return {
    account: '111122223333',
    now: BENCH_NOW,
    regions: Object.fromEntries(regions.map((region, i) => [region, clusterRegion(region, i, { backups })])),
  };
}

async function measureAudit(
  regions: string[],
  backups: number,
  latencyMs: number,
  publish: boolean,
): Promise<AuditMeasure> {
  const sandbox = await startSandbox({
    fleet: fleet(regions, backups),
    faults: { rules: [{ latencyMs }] },
  });
  const clients = new AwsClients({ endpoint: sandbox.url });
  try {
    const config = parseAuditConfig({ regions: regions.join(','), publish: String(publish) });
    const started = performance.now();
    const report = await runAudit({ clients }, config, DateTime.fromISO(BENCH_NOW, { zone: 'utc' }));
    const wallMs = performance.now() - started;
    const calls: Record<string, number> = {};
    for (const request of sandbox.requests()) calls[request.operation] = (calls[request.operation] ?? 0) + 1;
    return {
      wallMs,
      calls,
      total: Object.values(calls).reduce((a, b) => a + b, 0),
      findings: report.findings.length,
      events: sandbox.events().length,
      errors: report.errors.length + (report.events?.failed.length ?? 0),
    };
  } finally {
    clients.destroy();
    await sandbox.close();
  }
}

/** Audit over 8 regions vs 1, with latency; and its API economy. */
export async function benchAuditFanout(options: AuditFanoutOptions = {}): Promise<BenchRow[]> {
  const latencyMs = options.latencyMs ?? 100;
  const backups = options.backups ?? 120;
  const regions = FANOUT_SOURCES;
  const one = await measureAudit(regions.slice(0, 1), backups, latencyMs, false);
  const eight = await measureAudit(regions, backups, latencyMs, false);
  const onePublish = await measureAudit(regions.slice(0, 1), backups, latencyMs, true);
  const eightPublish = await measureAudit(regions, backups, latencyMs, true);

  const perRegion = 1 + Math.ceil(backups / 50) + 3;
  const minimum = regions.length * perRegion + 1 + Math.ceil(eightPublish.events / 10);
  const ratio = eight.wallMs / one.wallMs;
  const ratioPublish = eightPublish.wallMs / onePublish.wallMs;
  const callList = Object.entries(eightPublish.calls)
    .map(([operation, n]) => `${operation} ${n}`)
    .join(', ');
  return [
    {
      area: 'Region fan-out',
      measure: `audit: ${regions.length} regions ÷ 1 (wall time, ${latencyMs} ms/call)`,
      value: `${fixed(ratio)}×`,
      target: '≈ 1× (≤ 1.5×), not 8×',
      met: ratio <= 1.5 && eight.errors === 0,
      note: `${seconds(eight.wallMs)} for ${eight.findings} findings vs ${seconds(one.wallMs)} for ${one.findings}`,
    },
    {
      area: 'Region fan-out',
      measure: `audit --publish: ${regions.length} regions ÷ 1 (wall time)`,
      value: `${fixed(ratioPublish)}×`,
      target: '≈ 1× (≤ 1.5×), not 8×',
      met: ratioPublish <= 1.5 && eightPublish.errors === 0,
      note:
        `${seconds(eightPublish.wallMs)} vs ${seconds(onePublish.wallMs)}; ${eightPublish.events} events in ` +
        `${eightPublish.calls.PutEvents ?? 0} PutEvents calls, up to ${PUBLISH_CONCURRENCY} in flight`,
    },
    {
      area: 'API economy',
      measure: `audit --publish: calls ÷ minimum (${regions.length} regions)`,
      value: `${fixed(eightPublish.total / minimum)}×`,
      target: '1×',
      met: eightPublish.total === minimum,
      note:
        `${eightPublish.total} calls vs ${minimum} (per region 1 DescribeClusters + ${Math.ceil(backups / 50)} ` +
        `DescribeBackups + 3 EC2; 1 STS; ${Math.ceil(eightPublish.events / 10)} PutEvents): ${callList}`,
    },
  ];
}

if (runAlone('audit-fanout.ts')) {
  const { values } = parseArgs({
    options: { latency: { type: 'string', default: '100' }, backups: { type: 'string', default: '120' } },
  });
  printRows(await benchAuditFanout({ latencyMs: Number(values.latency), backups: Number(values.backups) }));
}
