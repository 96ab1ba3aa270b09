/**
 * The README's example command lines, executed: every `cloudhsm-ops ...` line of its shell
 * blocks runs against a fresh demo sandbox (the endpoint and the demo's instant added, since the
 * README writes them for AWS), and every `aws ...` line runs through the AWS CLI with no
 * credentials on the machine but those the line itself sets. An example that stops working, or
 * a flag that is renamed, fails here.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_NOW } from '../../sandbox/fleets/demo.js';
import { runCli } from '../support/cli.js';
import { startTestSandbox, type TestSandbox } from '../support/sandbox.js';

const README = fileURLToPath(new URL('../../README.md', import.meta.url));

/** Commands that start something long-running; the sandbox and demo have tests of their own. */
const LONG_RUNNING = new Set(['sandbox', 'demo']);

/** The README's example URL for a sandbox started by hand. */
const EXAMPLE_ENDPOINT = 'http://127.0.0.1:4566';

/** Every command line of the README's `sh` blocks, comments and pipes cut off. */
function exampleLines(markdown: string): string[] {
  const lines: string[] = [];
  for (const block of markdown.matchAll(/```sh\n([\s\S]*?)```/g)) {
    for (const raw of block[1]!.split('\n')) {
      const line = raw
        .replace(/\s+#.*$/, '')
        .split(' | ')[0]!
        .trim();
      if (line && !line.startsWith('#')) lines.push(line);
    }
  }
  return lines;
}

/** Splits a shell line into words, honouring double and single quotes (no escapes needed here). */
function words(line: string): string[] {
  return [...line.matchAll(/"([^"]*)"|'([^']*)'|(<[^>]*>)|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3] ?? m[4]!);
}

const all = exampleLines(readFileSync(README, 'utf8'));
const cliLines = all
  .map((line) => words(line.replace(/^npx /, '')))
  .filter((w) => w[0] === 'cloudhsm-ops' && !LONG_RUNNING.has(w[1]!));
const awsLines = all.filter((line) => /^(\w+=\S+ )*aws /.test(line));

function hasAwsCli(): boolean {
  try {
    execFileSync('aws', ['--version'], { stdio: 'ignore', timeout: 20_000 });
    return true;
  } catch {
    return false;
  }
}

/** What the README writes where a prune run's id goes. */
const RUN_ID_PLACEHOLDER = '<the run id prune printed>';

/** Runs the README's own prune example for real and returns the run id it printed. */
async function prunedRunId(common: string[]): Promise<string> {
  const prune = cliLines.find((w) => w[1] === 'prune' && w.includes('--execute'))!;
  const run = await runCli([...prune.slice(1), ...common, '--json']);
  expect(run.code).toBe(0);
  return String((JSON.parse(run.stdout) as { runId: string }).runId);
}

let current: TestSandbox | undefined;
afterEach(async () => {
  await current?.close();
  current = undefined;
});

/** A demo sandbox whose clock starts at the demo's instant and ticks, with copies READY at once. */
async function demoSandbox(): Promise<TestSandbox> {
  current = await startTestSandbox({ fleet: 'demo', clock: 'real', copyDelaySeconds: 0 });
  return current;
}

describe("the README's example command lines", () => {
  it('are found (the parser still reads the README)', () => {
    expect(cliLines.length).toBeGreaterThanOrEqual(6);
    expect(awsLines.length).toBeGreaterThanOrEqual(1);
  });

  it.each(cliLines.map((w) => [w.join(' '), w] as const))('%s', async (_, line) => {
    // Prepare
    const { sandbox } = await demoSandbox();
    const common = ['--endpoint', sandbox.url, '--now', DEMO_NOW];
    const runId = line.includes(RUN_ID_PLACEHOLDER) ? await prunedRunId(common) : '';
    const args = line
      .slice(1)
      .map((word) => (word === EXAMPLE_ENDPOINT ? sandbox.url : word === RUN_ID_PLACEHOLDER ? runId : word));
    if (!args.includes('--endpoint')) args.push('--endpoint', sandbox.url);
    if (!args.includes('--now')) args.push('--now', DEMO_NOW);

    // Act
    const run = await runCli(args);

    // Assess: the line is valid input and does its job; --fail-on trips on the demo fleet by design.
    const expected = args.includes('--fail-on') ? 1 : 0;
    expect({ code: run.code, stderr: run.stderr }).toMatchObject({ code: expected });
  });

  it.skipIf(!hasAwsCli()).each(awsLines)('%s', async (line) => {
    // Prepare: no credentials anywhere but what the line itself sets.
    const { sandbox } = await demoSandbox();
    const home = mkdtempSync(join(tmpdir(), 'readme-aws-'));
    const env = Object.fromEntries(
      Object.entries(process.env).filter(
        ([key]) => !key.startsWith('AWS_') && key !== 'CLOUDHSM_OPS_ENDPOINT',
      ),
    );
    try {
      // Act (asynchronously: the sandbox answers from this process)
      const { stdout: output } = await promisify(execFile)(
        'bash',
        ['-c', line.replaceAll(EXAMPLE_ENDPOINT, sandbox.url)],
        {
          env: { ...env, HOME: home, AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null' },
          encoding: 'utf8',
          timeout: 60_000,
        },
      );

      // Assess
      expect(Object.keys(JSON.parse(output))).toContain('Backups');
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
