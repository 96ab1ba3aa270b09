/**
 * `npm run bench`: every benchmark in one process, one table of ratios measured in this run,
 * and bench/README.md rewritten with the results and how to reproduce them.
 *
 *   npm run bench                       # everything (about 2–3 minutes), rewrites bench/README.md
 *   npm run bench -- --only prune,scale # a subset; README.md is left alone
 */
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import Table from 'cli-table3';
import { benchAuditFanout } from './audit-fanout.js';
import type { BenchRow } from './common.js';
import { benchCopyFanout } from './copy-fanout.js';
import { benchOrgFanout } from './org-fanout.js';
import { benchPrunePrint } from './prune-print.js';
import { benchPruneScale } from './prune-scale.js';
import { benchPruneThroughput } from './prune-throughput.js';
import { benchReportRender } from './report-render.js';
import { benchSandboxThroughput } from './sandbox-throughput.js';

const HERE = fileURLToPath(import.meta.url);
const ROOT = HERE.includes('/node_modules/')
  ? HERE.split('/node_modules/')[0]!
  : resolve(dirname(HERE), '..');

/** The cold-start measure belongs to the deployment work; it is run only when present and passing. */
interface ColdStart {
  status: 'ok' | 'not available';
  output: string;
  detail: string;
}

function coldStart(): ColdStart {
  const script = resolve(ROOT, 'bench/cold-start.ts');
  if (!existsSync(script)) {
    return { status: 'not available', output: '', detail: 'bench/cold-start.ts does not exist yet' };
  }
  const run = spawnSync(process.execPath, [resolve(ROOT, 'scripts/run-ts.mjs'), script], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 180_000,
  });
  if (run.status !== 0) {
    const why = run.error ? run.error.message : `exit ${run.status ?? run.signal}`;
    return {
      status: 'not available',
      output: `${run.stdout ?? ''}${run.stderr ?? ''}`.trim(),
      detail: `bench/cold-start.ts failed (${why})`,
    };
  }
  return { status: 'ok', output: (run.stdout ?? '').trim(), detail: 'its output follows the table' };
}

const SUITES = {
  prune: () => benchPruneThroughput(),
  copy: () => benchCopyFanout(),
  audit: () => benchAuditFanout(),
  scale: () => benchPruneScale(),
  print: () => benchPrunePrint(),
  report: () => benchReportRender(),
  sandbox: () => benchSandboxThroughput({ seconds: 2 }),
  org: () => benchOrgFanout(),
} as const;
type Suite = keyof typeof SUITES;

/** Rows in the issue's order: throughput, economy, fan-out, scale, cold start, then context. */
const AREA_ORDER = [
  'Prune throughput',
  'API economy',
  'Region fan-out',
  'Scale',
  'Printing',
  'Fleet report',
  'Organization',
  'Cold start',
  'Sandbox (context)',
];

function mark(row: BenchRow): string {
  return row.met === undefined ? '' : row.met ? 'yes' : 'NO';
}

function consoleTable(rows: BenchRow[]): string {
  const table = new Table({
    head: ['#', 'area', 'measure', 'value', 'target', 'met'],
    style: { head: [], border: [], compact: true },
    colWidths: [4, 19, 62, 10, 24, 5],
    wordWrap: true,
  });
  rows.forEach((row, i) => {
    table.push([String(i + 1), row.area, row.measure, row.value, row.target, mark(row)]);
  });
  return table.toString();
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function markdownTable(rows: BenchRow[]): string {
  const lines = [
    '| # | area | measure | value | target | met | how / raw figures |',
    '|---|---|---|---|---|---|---|',
  ];
  rows.forEach((row, i) => {
    lines.push(
      `| ${i + 1} | ${cell(row.area)} | ${cell(row.measure)} | ${cell(row.value)} | ${cell(row.target)} | ` +
        `${mark(row)} | ${cell(row.note)} |`,
    );
  });
  return lines.join('\n');
}

function readme(rows: BenchRow[], cold: ColdStart, totalMs: number): string {
  const cpu = cpus();
  const machine =
    `${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 1024 ** 3).toFixed(1)} GB RAM, ` +
    `node ${process.version}, ${process.platform}`;
  return `# Benchmarks

Measured by \`npm run bench\` (bench/index.ts), which rewrote this file on
${new Date().toISOString()} after ${(totalMs / 1000).toFixed(0)} s on ${machine}.
Machines are noisy: compare the **ratios**, not the absolute times. Every figure below comes
from one run of the real SDK clients over HTTP against the sandbox (sandbox/), on loopback.

## Results

${markdownTable(rows)}

## Cold start

${
  cold.status === 'ok'
    ? `From \`bench/cold-start.ts\` (run as a child process by bench/index.ts):\n\n\`\`\`\n${cold.output}\n\`\`\``
    : `Not available: ${cold.detail}.`
}

## What each measure is

- **Prune throughput** (bench/prune-throughput.ts): one cluster with 511 backups older than
  90 days (10 NeverExpires or held, the newest kept by keep-last 1), so the plan deletes 500.
  The sandbox throttles DeleteBackup at 10 requests/s (a token bucket holding one second's
  worth, so a perfect client scores slightly above 1). \`runPrune\` runs as the CLI runs it:
  adaptive retry, 8 attempts, concurrency 6. Deletes/s is counted from the moment the plan
  is made to the end of the run (the re-reads and the deletion records included). The seed
  script's way (DeleteBackup, then \`time.sleep(1)\`) runs at the same time on its own
  sandbox for 20 deletes only; its rate is extrapolated to 500.
- **API economy**: calls from the sandbox's request log against the fewest possible.
  Prune: one DescribeBackups page per 50 backups listed plus, per deletion, one TagResource
  (the deletion record \`restore --run-id\` reads, lib/prune/record.ts) and one DeleteBackup;
  the extra calls re-read each batch of up to 5 planned backups (and the kept newest of their
  lineage) right before deleting it, and again when that re-read is over 2 s old. The note
  also gives the ratio against listing + deletes alone: the record costs one call per deletion.
  Copy: one listing per source region, one \`sourceBackupIds\` lookup per DR region (25
  sources a call), one CopyBackupToRegion per copy; the claim protocol that keeps
  overlapping runs from copying twice costs a claim and a release tag call per source
  backup (staked from the listing's tags), a confirm read per source region, and a verify
  lookup per DR region (lib/copy/README.md). Claim and release alone floor the ratio at
  1 + 2 × sources ÷ minimum (1.76× for this fleet), so ≤ 1.6× is out of reach while each
  source backup is claimed and released: dropping either would give up the proof that two
  overlapping runs never both copy. Audit: per region one
  DescribeClusters page per 25 clusters, one DescribeBackups page per 50 backups and one
  call per EC2 describe; one STS call; one PutEvents per 10 events.
- **Region fan-out** (bench/copy-fanout.ts, bench/audit-fanout.ts): 100 ms added to every
  request. The same work per region (copy: 2 recent backups per source region to 2 DR
  regions; audit: one cluster with 120 backups per region) in 8 regions against 1 region.
  1× means the regions run side by side; 8× would be one after another.
- **Scale** (bench/prune-scale.ts): the sandbox serves a generated region of 100,000
  backups from a child process; the gather (2,000 DescribeBackups pages) and the plan run in
  another fresh child process, bundled and minified like a Lambda package, with RSS and heap
  sampled every few ms. A second run with V8's old space capped at 200 MB shows it completes
  inside a 256 MB function.
- **Fleet report** (bench/report-render.ts): the checks, the report's data and the HTML page
  for 100,000 backups (100 clusters in 4 regions, daily originals, the newest 27% copied to a DR
  region), built in memory (the gather is the Scale rows' measure); the page's size raw and
  gzipped, with the default 35-day timelines, 400-day ones, and 400 days where no two days alike
  follow each other (the largest page: alike days in a row are drawn as one shape).
- **Organization** (bench/org-fanout.ts): a hub and 200 member accounts, each with one cluster
  (10 backups) in each of 3 regions, 50 ms added to every request; the audit runs through the
  organization runner as \`audit --organization\` does (--max-units 8), against the same audit of
  1 account × 3 regions. The wall-time ratio is bounded by units ÷ --max-units (600 ÷ 8 = 75
  rounds against 1). AssumeRole calls are counted in the sandbox's request log. Then 5% of the
  accounts lack the role and every account is throttled at 10 req/s per operation and region:
  every other unit must complete, and the failed units must be exactly those accounts'.
- **Cold start**: from bench/cold-start.ts (the deployment work), when it exists and passes.
- **Sandbox (context)** (bench/sandbox-throughput.ts): what this machine's sandbox serves,
  the ceiling every other figure runs under.

## Reproduce

\`\`\`sh
npm run bench                                   # everything; rewrites this file
npm run bench -- --only prune,audit             # a subset (prune, copy, audit, scale, print, report, sandbox, org); prints only
node scripts/run-ts.mjs bench/prune-throughput.ts --candidates 500 --rps 10 --sample 20
node scripts/run-ts.mjs bench/copy-fanout.ts --per-region 2 --latency 100 --concurrency 8 --settle 2000
node scripts/run-ts.mjs bench/audit-fanout.ts --latency 100 --backups 120
node scripts/run-ts.mjs bench/prune-scale.ts --backups 100000
node scripts/run-ts.mjs bench/sandbox-throughput.ts --backups 100000 --seconds 3
node scripts/run-ts.mjs bench/report-render.ts --backups 100000
node scripts/run-ts.mjs bench/org-fanout.ts --accounts 200 --latency 50 --max-units 8
\`\`\`

Each script runs alone as well as from bench/index.ts, and prints the same rows.
`;
}

const { values } = parseArgs({ options: { only: { type: 'string' } } });
const chosen = values.only
  ? (values.only.split(',').map((s) => s.trim()) as Suite[])
  : (Object.keys(SUITES) as Suite[]);
for (const name of chosen) {
  if (!(name in SUITES)) {
    console.error(`unknown suite "${name}"; choose from ${Object.keys(SUITES).join(', ')}`);
    process.exit(2);
  }
}

const started = performance.now();
const rows: BenchRow[] = [];
for (const name of chosen) {
  const suiteStarted = performance.now();
  process.stderr.write(`bench: ${name} ...`);
  rows.push(...(await SUITES[name]()));
  process.stderr.write(` ${((performance.now() - suiteStarted) / 1000).toFixed(1)} s\n`);
}
const cold: ColdStart = values.only
  ? { status: 'not available', output: '', detail: 'not run' }
  : coldStart();
rows.push({
  area: 'Cold start',
  measure: 'per-function bundle size and init time (bench/cold-start.ts)',
  value: cold.status === 'ok' ? 'below' : 'n/a',
  target: 'report',
  note: cold.status === 'ok' ? cold.detail : `not available: ${cold.detail}`,
});
rows.sort((a, b) => AREA_ORDER.indexOf(a.area) - AREA_ORDER.indexOf(b.area));
const totalMs = performance.now() - started;

console.log(consoleTable(rows));
console.log('\nHow each figure was measured:');
rows.forEach((row, i) => {
  console.log(`${String(i + 1).padStart(2)}. ${row.note}`);
});
if (cold.status === 'ok') console.log(`\nCold start (bench/cold-start.ts):\n${cold.output}`);
else console.log(`\nCold start: not available (${cold.detail})`);
console.log(`\n${(totalMs / 1000).toFixed(0)} s in all.`);

if (!values.only) {
  const file = resolve(ROOT, 'bench/README.md');
  writeFileSync(file, readme(rows, cold, totalMs));
  // The project's formatter owns Markdown too (tables aligned); `npm run lint` must stay clean.
  const formatted = spawnSync(resolve(ROOT, 'node_modules/.bin/biome'), ['format', '--write', file], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  console.log(
    formatted.status === 0
      ? 'Wrote bench/README.md.'
      : `Wrote bench/README.md, but formatting it failed: ${formatted.stderr || formatted.error?.message}`,
  );
}
