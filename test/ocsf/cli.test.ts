import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHECKS } from '../../lib/checks/index.js';
import { runCli } from '../support/cli.js';
import { startTestSandbox, type TestSandbox } from '../support/sandbox.js';

const NOW = '2026-11-29T12:00:00Z';

describe('cloudhsm-ops audit --format ocsf', () => {
  let test: TestSandbox;
  let dir: string;
  beforeAll(async () => {
    test = await startTestSandbox({ fleet: 'demo' });
    dir = mkdtempSync(join(tmpdir(), 'ocsf-'));
  });
  afterAll(async () => {
    await test.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const base = () => ['audit', '--endpoint', test.sandbox.url, '--region', 'eu-west-1', '--now', NOW];

  it('writes only OCSF JSON Lines on stdout, one Compliance Finding per finding', async () => {
    const run = await runCli([...base(), '--format', 'ocsf']);
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(2 * CHECKS.length);
    const events = lines.map((line) => JSON.parse(line));
    expect(events.every((e) => e.class_uid === 2003 && e.cloud.account.uid === '111122223333')).toBe(true);
    expect(run.stderr).toMatch(/Audited 2 clusters/);
  }, 60_000);

  it('writes them to --output FILE and keeps the table on stdout', async () => {
    const file = join(dir, 'findings.jsonl');
    const run = await runCli([...base(), '--format', 'ocsf', '--output', file]);
    expect(run.code).toBe(0);
    const events = readFileSync(file, 'utf8')
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(events).toHaveLength(2 * CHECKS.length);
    expect(run.stdout).toContain('cluster-degradedeuro');
    expect(run.stdout).toContain(`Wrote ${2 * CHECKS.length} OCSF Compliance Finding event(s) to ${file}`);
  }, 60_000);

  it.each([
    [['--format', 'xml'], /--format "xml" is not valid \(expected table or ocsf\)/],
    [['--output', 'x.jsonl'], /--output needs --format ocsf/],
    [['--format', 'ocsf', '--json'], /--format ocsf and --json/],
  ])('refuses %j with exit 2 and no AWS call', async (args, message) => {
    const before = test.sandbox.requests().length;
    const run = await runCli([...base(), ...args]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(test.sandbox.requests().length).toBe(before);
  });
});
