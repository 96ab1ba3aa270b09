/**
 * `cloudhsm-ops prune` and `restore` end to end: main() in-process against the sandbox.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_NOW } from '../../sandbox/index.js';
import { runCli } from '../support/cli.js';
import { startTestSandbox, type TestSandbox } from '../support/sandbox.js';

let s: TestSandbox;
beforeAll(async () => {
  s = await startTestSandbox({ fleet: 'demo' });
});
afterAll(async () => {
  await s.close();
});
beforeEach(() => {
  s.sandbox.clearRequests();
});

const prune = (...args: string[]) =>
  runCli(['prune', '--region', 'us-west-2', '--endpoint', s.sandbox.url, '--now', DEMO_NOW, ...args]);
const mutating = () => s.sandbox.requests().filter((r) => r.mutating);
const state = (id: string) => s.sandbox.backups('us-west-2').find((b) => b.BackupId === id)?.BackupState;

/** Splits a printed command line into arguments (the quoting it uses is plain single quotes). */
function words(command: string): string[] {
  return [...command.matchAll(/'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2]!);
}

describe('prune CLI', () => {
  it.each([
    [
      ['--timestamp', '02/30/2026'],
      /--timestamp "02\/30\/2026" is not a real date and time \(February 2026 has 28 days\)/,
    ],
    [['--timestamp', '13/01/26'], /there is no month 13/],
    [
      ['--timestamp', '09/01/26', '--deleteall', '--cluster-id', 'cluster-paymentsprod'],
      /cannot be used together/,
    ],
    [['--older-than', '90d', '--keep-last', '0'], /--keep-last 0 would leave a lineage with no backup/],
    [['--timestamp', '09/01/26', '--timezone', 'Mars/Base'], /--timezone "Mars\/Base" is not a timezone/],
    [
      ['--older-than', '90d', '--cluster-id', 'cluster-paymentsprod', '--clusterID', 'cluster-drstandbywest'],
      /disagree/,
    ],
    [['--older-than', '90d', '--event-bus', 'ops'], /--event-bus needs --publish/],
    [['--older-than', '90d', '--no-such-flag'], /unknown option/],
  ])('exits 2 on bad input %j, calling nothing', async (args, message) => {
    // Act
    const run = await prune(...args);
    // Assess
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(s.sandbox.requests()).toEqual([]);
  });

  it('dry-runs by default: prints the table, the cutoff and the exact command to apply it', async () => {
    // Act
    const run = await prune('--timestamp', '09/01/2026 10:00', '--timezone', '-0200');
    // Assess
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Cutoff: 2026-09-01T12:00:00Z = 2026-09-01T10:00:00-02:00 (UTC-2)');
    expect(run.stdout).toMatch(/backup +region +lineage +created \(UTC\) +age +state +decision +reason/);
    expect(run.stdout).toContain('NeverExpires');
    expect(run.stdout).toContain('hold tag cloudhsm-ops:hold');
    expect(run.stdout).toContain('Nothing was deleted. To apply this plan, run:');
    expect(run.stdout).toContain(
      `cloudhsm-ops prune --region us-west-2 --timestamp '09/01/2026 10:00' --timezone -0200 --endpoint ${s.sandbox.url} --now ${DEMO_NOW} --execute`,
    );
    expect(mutating()).toEqual([]);
  });

  it('prints one JSON document with --json', async () => {
    const run = await prune('--older-than', '90d', '--json');
    const document = JSON.parse(run.stdout);
    expect(run.code).toBe(0);
    expect(document).toMatchObject({
      mode: 'dry-run',
      exitCode: 0,
      plan: { cutoff: { utc: '2026-08-31T12:00:00Z' } },
    });
    expect(document.applyCommand).toMatch(/--timestamp 2026-08-31T12:00:00Z .*--execute$/);
    expect(document.plan.entries.length).toBe(document.plan.counts.considered);
  });

  it('lets --dryrun win over --execute', async () => {
    const run = await prune('--older-than', '90d', '--execute', '--dryrun');
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('--dry-run wins over --execute');
    expect(mutating()).toEqual([]);
  });

  it('exits 1 before the first delete when the plan is over --max-deletions, saying how to proceed', async () => {
    const run = await prune('--older-than', '90d', '--max-deletions', '5', '--execute');
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /more than --max-deletions 5; nothing was deleted\. .*raise --max-deletions to \d+/,
    );
    expect(mutating()).toEqual([]);
  });

  it('executes, prints each deleted id and the restore command, and that command undoes the run', async () => {
    // Act
    const run = await prune('--cluster-id', 'cluster-paymentsprod', '--older-than', '200d', '--execute');
    // Assess
    expect(run.code).toBe(0);
    const deleted = [...run.stdout.matchAll(/^deleted (backup-\S+)/gm)].map((m) => m[1]!);
    expect(deleted.length).toBeGreaterThan(0);
    expect(deleted.every((id) => state(id) === 'PENDING_DELETION')).toBe(true);
    // The run id is said before the first delete (a run killed midway can still be undone) and at the end.
    const runId = /^run id (\S+)$/m.exec(run.stdout)![1]!;
    expect(run.stderr).toContain(
      `prune run ${runId}: deleting up to ${deleted.length} backup(s); restore --run-id ${runId} undoes it`,
    );
    const undo = run.stdout.split('\n').find((line) => line.trim().startsWith('cloudhsm-ops restore'))!;
    expect(
      words(undo.trim())
        .filter((w) => w.startsWith('backup-'))
        .sort(),
    ).toEqual([...deleted].sort());

    // Act: run the printed command.
    const restored = await runCli(words(undo.trim()).slice(1));
    // Assess
    expect(restored.code).toBe(0);
    expect(restored.stdout).toContain(`${deleted.length} restored, 0 failed, 0 not attempted`);
    expect(deleted.every((id) => state(id) === 'READY')).toBe(true);
  });

  it('accepts the script spellings --clusterID and --dryrun', async () => {
    const run = await prune(
      '--clusterID',
      'cluster-drstandbywest',
      '--older-than',
      '1d',
      '--dryrun',
      '--json',
    );
    expect(JSON.parse(run.stdout).plan.clusterId).toBe('cluster-drstandbywest');
  });

  it('shows examples in --help', async () => {
    const run = await runCli(['prune', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Examples:');
    expect(run.stdout).toContain('--timezone America/New_York');
  });
});

describe('restore CLI', () => {
  it('reports a backup that is not pending deletion without attempting it (exit 0)', async () => {
    const ready = String(s.sandbox.backups('us-west-2').find((b) => b.BackupState === 'READY')!.BackupId);
    const run = await runCli([
      'restore',
      '--region',
      'us-west-2',
      '--backup-id',
      ready,
      '--endpoint',
      s.sandbox.url,
    ]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`not attempted ${ready}: state is READY`);
    expect(mutating()).toEqual([]);
  });

  it('exits 1 for a backup that does not exist, 2 for bad input', async () => {
    const missing = await runCli([
      'restore',
      '--region',
      'us-west-2',
      '--backup-id',
      'backup-zzzzzzzzzzz',
      '--endpoint',
      s.sandbox.url,
    ]);
    expect(missing.code).toBe(1);
    expect(missing.stdout).toContain('FAILED backup-zzzzzzzzzzz: not found in us-west-2');
    const bad = await runCli(['restore', '--region', 'us-west-2', '--endpoint', s.sandbox.url]);
    expect(bad.code).toBe(2);
  });
});
