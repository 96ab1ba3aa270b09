/**
 * Cold-start budget of each scheduled function: bundle size (built with exactly the esbuild
 * options serverless.yml gives serverless-esbuild, read back with `osls print`), and module
 * initialisation time and memory measured by loading the bundle in a fresh Node process,
 * several times (median). Also what the bundle is made of, so the cost can be explained.
 *
 *   node scripts/run-ts.mjs bench/cold-start.ts [--runs 9]
 *
 * Aims: prune and copy under 500 KB and initialising in under 100 ms; audit as small as it
 * can be (it needs the EC2 client on top).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { type BuildOptions, build, type Metafile } from 'esbuild';

const run = promisify(execFile);
// scripts/run-ts.mjs runs a bundled copy from node_modules/.cache; argv[1] is this file's real path.
const ROOT = resolve(dirname(process.argv[1]!), '..');
const JOBS = ['prune', 'copy', 'audit', 'dispatch', 'worker'] as const;
/** Functions held to the size and init aims (audit, and the worker, which carries every job, are not). */
const AIMED: ReadonlySet<string> = new Set(['prune', 'copy', 'dispatch']);
const BUDGET = { bytes: 500 * 1024, initMs: 100 };

/** What each function needs at init: a valid environment (config is parsed at module load). */
const ENV: Record<string, string> = {
  AWS_REGION: 'us-east-1',
  REGIONS: 'us-east-1',
  DR_REGIONS: 'us-west-2',
  COPY_RETENTION_DAYS: '90',
  EVENT_BUS_NAME: 'cloudhsm-ops',
  POWERTOOLS_LOG_LEVEL: 'WARN',
  POWERTOOLS_METRICS_NAMESPACE: 'CloudHSMOps',
  // The dispatch's own (organization mode); the other functions never read it.
  QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/111111111111/cloudhsm-ops-prod-units',
  EXTERNAL_ID: 'ext-id-1',
};

function arg(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  const value = at >= 0 ? Number(process.argv[at + 1]) : fallback;
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a whole number >= 1`);
  return value;
}

/** serverless.yml's `custom.esbuild`, resolved by osls itself (offline, no credentials). */
async function esbuildOptions(): Promise<Record<string, unknown>> {
  const { stdout } = await run('npx', ['osls', 'print', '--format', 'json'], {
    cwd: ROOT,
    maxBuffer: 1 << 24,
  });
  const config = JSON.parse(stdout) as { custom: { esbuild: Record<string, unknown> } };
  return config.custom.esbuild;
}

/** The plugin's own keys turned into esbuild's, as serverless-esbuild does. */
function toBuildOptions(options: Record<string, unknown>, job: string, outdir: string): BuildOptions {
  const { exclude, outputFileExtension, ...esbuild } = options as {
    exclude?: string[];
    outputFileExtension?: string;
  } & BuildOptions;
  return {
    ...esbuild,
    external: [...(esbuild.external ?? []), ...(exclude ?? [])],
    outExtension: { '.js': outputFileExtension ?? '.js' },
    entryPoints: [join(ROOT, `functions/${job}.ts`)],
    outdir,
    metafile: true,
    logLevel: 'warning',
  };
}

/** Output bytes per package (or first-party folder), largest first. */
function composition(metafile: Metafile): [string, number][] {
  const output = Object.values(metafile.outputs)[0]!;
  const sizes = new Map<string, number>();
  for (const [file, { bytesInOutput }] of Object.entries(output.inputs)) {
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file)?.[1] ?? file.split('/').slice(0, 2).join('/');
    sizes.set(pkg, (sizes.get(pkg) ?? 0) + bytesInOutput);
  }
  return [...sizes].sort((a, b) => b[1] - a[1]);
}

/** One fresh Node process: import the bundle, report import time and RSS. */
async function loadOnce(bundle: string): Promise<{ initMs: number; rssMb: number; baseRssMb: number }> {
  const script = `
    const baseRss = process.memoryUsage().rss;
    const started = performance.now();
    const module = await import(${JSON.stringify(bundle)});
    const initMs = performance.now() - started;
    if (typeof module.handler !== 'function') throw new Error('no handler exported');
    console.log(JSON.stringify({ initMs, rssMb: process.memoryUsage().rss / 1048576, baseRssMb: baseRss / 1048576 }));`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
    env: { PATH: process.env.PATH, ...ENV },
  });
  return JSON.parse(stdout.trim().split('\n').at(-1)!);
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};
const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;

async function main(): Promise<void> {
  const runs = arg('--runs', 9);
  const options = await esbuildOptions();
  const outdir = mkdtempSync(join(tmpdir(), 'cloudhsm-ops-cold-start-'));
  try {
    console.log(`node ${process.version}, ${runs} fresh processes per function, medians\n`);
    const rows: string[] = [];
    for (const job of JOBS) {
      const result = await build(toBuildOptions(options, job, outdir));
      const [path, output] = Object.entries(result.metafile!.outputs)[0]!;
      const bundle = resolve(ROOT, path);
      const bytes = output.bytes;
      const gzip = gzipSync(readFileSync(bundle)).length;
      const samples = [];
      for (let i = 0; i < runs; i++) samples.push(await loadOnce(bundle));
      const initMs = median(samples.map((s) => s.initMs));
      const rssMb = median(samples.map((s) => s.rssMb));
      const baseRssMb = median(samples.map((s) => s.baseRssMb));
      const aimed = AIMED.has(job);
      const verdict = aimed
        ? `${bytes <= BUDGET.bytes ? 'size ok' : 'SIZE OVER 500 KB'}, ${initMs <= BUDGET.initMs ? 'init ok' : 'INIT OVER 100 ms'}`
        : 'no fixed aim';
      rows.push(
        `${job.padEnd(8)} ${kb(bytes).padStart(8)} (gzip ${kb(gzip).padStart(6)})  init ${initMs.toFixed(0).padStart(4)} ms` +
          `  RSS ${rssMb.toFixed(0)} MB (+${(rssMb - baseRssMb).toFixed(0)} over an empty process)  ${verdict}`,
      );
      console.log(`${job}: largest parts of the bundle`);
      for (const [pkg, size] of composition(result.metafile!).slice(0, 8)) {
        console.log(`  ${kb(size).padStart(8)}  ${pkg}`);
      }
    }
    console.log('\nfunction   bundle          gzip         init          memory');
    for (const row of rows) console.log(row);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

await main();
