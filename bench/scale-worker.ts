/**
 * The measured side of the scale benchmark, run in a fresh Node process (as a Lambda would
 * be): lists every backup of one region from the sandbox at `--endpoint`, then plans a prune
 * over them, sampling RSS and heap throughout. Prints one JSON line with the figures.
 *
 *   node <bundle of this file> --endpoint http://127.0.0.1:PORT [--region us-east-1]
 */
import { parseArgs } from 'node:util';
import { DateTime } from 'luxon';
import { AwsClients } from '../lib/aws/clients.js';
import { parsePruneConfig } from '../lib/config/prune.js';
import { planPrune } from '../lib/prune/plan.js';
import { gatherBackups } from '../lib/prune/run.js';
import { BENCH_NOW, sampleMemory } from './common.js';

const { values } = parseArgs({
  options: {
    endpoint: { type: 'string' },
    region: { type: 'string', default: 'us-east-1' },
  },
});
if (!values.endpoint) throw new Error('--endpoint is required');

const gc = (globalThis as { gc?: () => void }).gc;
gc?.();
const baseline = process.memoryUsage();
const clients = new AwsClients({ endpoint: values.endpoint });
const config = parsePruneConfig({ regions: values.region, olderThan: '90d', maxDeletions: '100000' });

const gatherMemory = sampleMemory();
let started = performance.now();
const inventories = await gatherBackups(clients, config.regions);
const gatherMs = performance.now() - started;
const gatherPeak = gatherMemory.stop();

const planMemory = sampleMemory(5);
started = performance.now();
const plan = planPrune(inventories, config, DateTime.fromISO(BENCH_NOW, { zone: 'utc' }));
const planMs = performance.now() - started;
const planPeak = planMemory.stop();

gc?.();
const retained = process.memoryUsage();
clients.destroy();
process.stdout.write(
  `${JSON.stringify({
    backups: inventories.reduce((n, i) => n + i.backups.length, 0),
    deletions: plan.counts.delete,
    overLimit: plan.overLimit,
    gatherMs,
    planMs,
    baseline: { rss: baseline.rss, heapUsed: baseline.heapUsed },
    gatherPeak,
    planPeak,
    retained: { rss: retained.rss, heapUsed: retained.heapUsed },
  })}\n`,
);
