/**
 * Scale: a prune plan over one region holding 100,000 backups. The sandbox runs in a child
 * process (so its records do not count against the client), and the gather + plan run in
 * another fresh child process, as a Lambda would: listing 2,000 pages of 50, then planning,
 * with peak RSS and heap sampled for each phase. A second worker run is capped at a
 * 256 MB Lambda's budget (V8 old space limited to 200 MB) to show it completes there.
 *
 *   node scripts/run-ts.mjs bench/prune-scale.ts [--backups 100000]
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { type BenchRow, fixed, mib, printRows, runAlone, seconds } from './common.js';

/** The project root, whether this runs from bench/ or bundled under node_modules/.cache/. */
const HERE = fileURLToPath(import.meta.url);
const ROOT = HERE.includes('/node_modules/')
  ? HERE.split('/node_modules/')[0]!
  : resolve(dirname(HERE), '..');
const LAMBDA_MB = 256;

interface WorkerReport {
  backups: number;
  deletions: number;
  gatherMs: number;
  planMs: number;
  baseline: { rss: number; heapUsed: number };
  gatherPeak: { rss: number; heapUsed: number };
  planPeak: { rss: number; heapUsed: number };
  retained: { rss: number; heapUsed: number };
}

/**
 * Bundles a bench script so a child can run it with plain `node`: dependencies external for
 * the sandbox, or bundled and minified like the Lambda packages for the measured worker.
 */
async function bundle(entry: string, name: string, asLambda = false): Promise<string> {
  const outdir = resolve(ROOT, 'node_modules/.cache/run-ts');
  mkdirSync(outdir, { recursive: true });
  const outfile = resolve(outdir, `${name}-${process.pid}.mjs`);
  await build({
    entryPoints: [resolve(ROOT, entry)],
    outfile,
    bundle: true,
    ...(asLambda ? { minify: true, mainFields: ['module', 'main'] } : { packages: 'external' as const }),
    format: 'esm',
    platform: 'node',
    target: 'node20',
    logLevel: 'warning',
  });
  return outfile;
}

/** Starts the generated-fleet sandbox in a child process; resolves with its URL. */
function startServer(script: string, backups: number): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [script, '--backups', String(backups)], {
    stdio: ['pipe', 'pipe', 'ignore'],
  });
  return new Promise((resolveUrl, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      const match = /^listening on (\S+)/.exec(line);
      if (match) resolveUrl({ url: match[1]!, child });
    });
    child.once('exit', (code) => reject(new Error(`the sandbox process exited (${code}) before listening`)));
  });
}

/** Runs the worker in a fresh process; resolves with its report. */
function runWorker(script: string, url: string, nodeFlags: string[]): Promise<WorkerReport> {
  return new Promise((resolveReport, reject) => {
    const child = spawn(process.execPath, [...nodeFlags, script, '--endpoint', url], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.once('exit', (code) => {
      if (code === 0) resolveReport(JSON.parse(stdout.trim().split('\n').at(-1)!) as WorkerReport);
      else reject(new Error(`the scale worker exited with ${code}: ${stderr.trim().slice(-2000)}`));
    });
  });
}

async function pagesServed(url: string): Promise<number> {
  const response = await fetch(`${url}/_sandbox/requests`, { signal: AbortSignal.timeout(30_000) });
  const log = (await response.json()) as { operation: string }[];
  return log.filter((r) => r.operation === 'DescribeBackups').length;
}

/** Gathers and plans a prune over `backups` backups in one region; returns the rows. */
export async function benchPruneScale(options: { backups?: number } = {}): Promise<BenchRow[]> {
  const backups = options.backups ?? 100_000;
  const serverScript = await bundle('bench/serve-generated.ts', 'serve-generated');
  const workerScript = await bundle('bench/scale-worker.ts', 'scale-worker', true);
  const server = await startServer(serverScript, backups);
  try {
    const report = await runWorker(workerScript, server.url, ['--expose-gc']);
    const pages = await pagesServed(server.url);
    const capped = await runWorker(workerScript, server.url, [
      '--expose-gc',
      '--max-old-space-size=200',
    ]).then(
      (r) => ({ ok: true as const, report: r }),
      (error: Error) => ({ ok: false as const, error }),
    );
    const peakRss = Math.max(report.gatherPeak.rss, report.planPeak.rss);
    const peakHeap = Math.max(report.gatherPeak.heapUsed, report.planPeak.heapUsed);
    const share = peakRss / (LAMBDA_MB * 1024 * 1024);
    return [
      {
        area: 'Scale',
        measure: `peak RSS ÷ a ${LAMBDA_MB} MB Lambda (gather + plan, ${report.backups} backups)`,
        value: fixed(share),
        target: '≤ 0.8 (≥ 20% free)',
        met: share <= 0.8 && capped.ok && report.backups === backups,
        note:
          `peak RSS ${mib(peakRss)}, ${mib(LAMBDA_MB * 1024 * 1024 - peakRss)} free (gather ${mib(report.gatherPeak.rss)}, plan ${mib(report.planPeak.rss)}; ` +
          `${mib(report.baseline.rss)} at start), peak heap ${mib(peakHeap)}, heap held after GC ` +
          `${mib(report.retained.heapUsed)} (backups + plan of ${report.deletions} deletions). Capped at ` +
          `--max-old-space-size=200: ${capped.ok ? `completed, peak RSS ${mib(Math.max(capped.report.gatherPeak.rss, capped.report.planPeak.rss))}` : `FAILED (${capped.error.message.slice(0, 200)})`}`,
      },
      {
        area: 'Scale',
        measure: `gather: ${pages} DescribeBackups pages`,
        value: seconds(report.gatherMs),
        target: 'report',
        note: `${fixed(pages / (report.gatherMs / 1000), 0)} pages/s, SDK client and sandbox in separate processes`,
      },
      {
        area: 'Scale',
        measure: `plan: ${report.backups} backups → ${report.deletions} deletions`,
        value: seconds(report.planMs),
        target: 'report',
        note: `pure planner; plan time ÷ gather time ${fixed(report.planMs / report.gatherMs, 3)}`,
      },
    ];
  } finally {
    server.child.stdin?.end();
    server.child.kill('SIGTERM');
    rmSync(serverScript, { force: true });
    rmSync(workerScript, { force: true });
  }
}

if (runAlone('prune-scale.ts')) {
  const { values } = parseArgs({ options: { backups: { type: 'string', default: '100000' } } });
  printRows(await benchPruneScale({ backups: Number(values.backups) }));
}
