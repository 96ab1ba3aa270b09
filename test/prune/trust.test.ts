/**
 * The prune holes an operator found (issue "Trust before scale" §2): a blank or unknown
 * cluster id, a custom hold tag replacing the default, and a dry run whose printed command
 * raised --max-deletions. CLI in-process against the demo sandbox.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PRUNE_FLAG_NAMES, parsePruneConfig } from '../../lib/config/prune.js';
import { DEMO_NOW } from '../../sandbox/index.js';
import { runCli } from '../helpers/cli.js';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';

let s: TestSandbox;
beforeEach(async () => {
  s = await startTestSandbox({ fleet: 'demo' });
});
afterEach(async () => {
  await s.close();
});

const prune = (...args: string[]) =>
  runCli(['prune', '--region', 'us-west-2', '--endpoint', s.sandbox.url, '--now', DEMO_NOW, ...args]);
const mutating = () => s.sandbox.requests().filter((r) => r.mutating);
const pending = () =>
  s.sandbox.backups('us-west-2').filter((b) => b.BackupState === 'PENDING_DELETION').length;

describe('--cluster-id must name a cluster', () => {
  it.each([[''], ['   ']])('a blank --cluster-id %j is bad input, not "every cluster"', async (blank) => {
    // Prepare
    const before = pending();
    // Act
    const run = await prune(
      '--cluster-id',
      blank,
      '--older-than',
      '1d',
      '--max-deletions',
      '1000',
      '--execute',
    );
    // Assess
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--cluster-id is empty/);
    expect(s.sandbox.requests()).toEqual([]);
    expect(pending()).toBe(before);
  });

  it('a blank CLUSTER_ID in the Lambda environment is refused too', () => {
    expect(() =>
      parsePruneConfig({ regions: 'us-east-1', olderThan: '9d', clusterId: ' ' }, PRUNE_FLAG_NAMES),
    ).toThrow(/--cluster-id is empty/);
  });

  it.each([[[] as string[]], [['--execute']]])(
    'a cluster id with no backup in the regions exits 2 and says so %j',
    async (extra) => {
      // Act
      const run = await prune('--cluster-id', 'cluster-doesnotexist', '--older-than', '90d', ...extra);
      // Assess
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/no backup of cluster-doesnotexist .*in us-west-2/);
      expect(mutating()).toEqual([]);
    },
  );
});

describe('a custom hold tag adds to the default one', () => {
  it('keeps backups carrying cloudhsm-ops:hold when --hold-tag names another key', async () => {
    // Act
    const run = await prune(
      '--older-than',
      '90d',
      '--hold-tag',
      'legal-hold',
      '--max-deletions',
      '1000',
      '--json',
    );
    // Assess
    const plan = JSON.parse(run.stdout).plan;
    const held = plan.entries.filter((e: { held: boolean }) => e.held);
    expect(held.length).toBeGreaterThanOrEqual(2);
    expect(held.every((e: { decision: string }) => e.decision === 'keep')).toBe(true);
    expect(plan.holdTags).toEqual(['cloudhsm-ops:hold', 'legal-hold']);
  });

  it('is repeatable, and the Lambda reads a comma list', () => {
    const config = parsePruneConfig({
      regions: 'us-east-1',
      olderThan: '9d',
      holdTag: 'legal-hold, audit:keep',
    });
    expect(config.holdTags).toEqual(['cloudhsm-ops:hold', 'legal-hold', 'audit:keep']);
  });
});

describe("the dry run's apply command keeps the user's --max-deletions", () => {
  it('prints the limit as given and says what the user must decide when the plan is over it', async () => {
    // Act
    const run = await prune('--older-than', '90d', '--max-deletions', '5');
    // Assess
    expect(run.code).toBe(0);
    const apply = run.stdout.split('\n').find((line) => line.trim().startsWith('cloudhsm-ops prune'))!;
    expect(apply).toContain('--max-deletions 5 ');
    expect(run.stdout + run.stderr).toMatch(/plan deletes \d+ backups, more than --max-deletions 5/);
    expect(run.stdout).toMatch(/an --execute run refuses it before the first delete/);
    expect(run.stdout).toMatch(/Decide: narrow the cutoff .*, or raise --max-deletions yourself/);
    expect(run.stdout).not.toMatch(/--max-deletions (?!5\b)\d+/);
  });

  it('--json carries the same command', async () => {
    const run = await prune('--older-than', '90d', '--json');
    const document = JSON.parse(run.stdout);
    expect(document.plan.overLimit).toBe(false);
    const over = JSON.parse((await prune('--older-than', '90d', '--max-deletions', '3', '--json')).stdout);
    expect(over.plan.overLimit).toBe(true);
    expect(over.applyCommand).toContain('--max-deletions 3 ');
  });
});
