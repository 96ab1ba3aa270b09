/**
 * Copy and the runs around it: a run killed after claiming, copies an earlier run started,
 * copies and sources deleted while a run works, and what the feed says about each run.
 * Everything runs against the sandbox on its virtual clock.
 */
import { DeleteBackupCommand } from '@aws-sdk/client-cloudhsm-v2';
import { DateTime } from 'luxon';
import { afterEach, describe, expect, it } from 'vitest';
import type { AwsClients } from '../../lib/aws/clients.js';
import { parseCopyConfig } from '../../lib/config/copy.js';
import { type CopyDeps, copyRunFailed, runCopy } from '../../lib/copy/execute.js';
import type { Sandbox } from '../../sandbox/index.js';
import { runCli } from '../support/cli.js';
import { copyFleet, NOW as FLEET_NOW } from '../support/fleet.js';
import { startTestSandbox, type TestSandbox } from '../support/sandbox.js';

const NOW = DateTime.fromISO(FLEET_NOW, { zone: 'utc' });
const SOURCE = 'us-east-1';
const DRS = ['us-west-2', 'eu-west-1'];
const CLAIM = 'cloudhsm-ops:copy-claim';
const MINUTE = 60_000;

let current: TestSandbox | undefined;
afterEach(async () => {
  await current?.close();
  current = undefined;
});

async function start(recent = 2, copyDelaySeconds = 60): Promise<TestSandbox> {
  current = await startTestSandbox({
    fleet: copyFleet({ sourceRegions: [SOURCE], drRegions: DRS, recentPerRegion: recent }),
    copyDelaySeconds,
  });
  return current;
}

function deps(sandbox: Sandbox, clients: AwsClients, extra: Partial<CopyDeps> = {}): CopyDeps {
  return {
    clients,
    now: () => sandbox.clock.now(),
    sleep: async (ms) => sandbox.clock.advance(ms),
    // One run at a time: claim timing (real time) need not pass, and must not make tests flaky.
    monotonic: () => 0,
    settle: async () => {},
    tuning: { claimSettleMs: 50 },
    ...extra,
  };
}

const config = (extra: Record<string, string> = {}) =>
  parseCopyConfig({ regions: SOURCE, drRegions: DRS.join(','), ...extra });

function sourceIds(sandbox: Sandbox): string[] {
  return sandbox
    .backups(SOURCE)
    .map((b) => String(b.BackupId))
    .sort();
}

function tagsOf(backup: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    ((backup.TagList ?? []) as { Key: string; Value: string }[]).map((t) => [t.Key, t.Value]),
  );
}

/** The claim tags left on the source backups. */
function claims(sandbox: Sandbox): string[] {
  return sandbox
    .backups(SOURCE)
    .map((b) => tagsOf(b)[CLAIM])
    .filter((v): v is string => v !== undefined);
}

/** Live (not deleted) copies in a DR region. */
function liveCopies(sandbox: Sandbox, region: string): Record<string, unknown>[] {
  return sandbox
    .backups(region)
    .filter((b) => b.SourceBackup && b.BackupState !== 'DELETED' && b.BackupState !== 'PENDING_DELETION');
}

/**
 * A run that writes its claims and dies before copying: its settle wait never ends, so it
 * never copies, never releases and never returns, just like a killed process.
 */
async function killedAfterClaiming(sandbox: Sandbox, clients: AwsClients): Promise<void> {
  let claimed!: () => void;
  const staked = new Promise<void>((resolve) => {
    claimed = resolve;
  });
  void runCopy(
    deps(sandbox, clients, {
      runId: 'run-killed',
      settle: () => {
        claimed();
        return new Promise(() => {});
      },
    }),
    config(),
    NOW,
  );
  await staked;
}

describe('a copy run killed between claiming and copying', () => {
  it('the next run reports every claimed backup as deferred, with holder and expiry, and fails', async () => {
    // Prepare
    const { sandbox, clients } = await start();
    await killedAfterClaiming(sandbox, clients);
    expect(claims(sandbox)).toHaveLength(2);

    // Act
    const result = await runCopy(deps(sandbox, clients), config(), NOW);

    // Assess
    expect(result.counts).toMatchObject({ copied: 0, failed: 0, deferred: 4 });
    expect(copyRunFailed(result)).toBe(true);
    for (const line of result.deferred) {
      expect(line).toMatchObject({ reason: 'claimed-by-another-run', holderRunId: 'run-killed' });
      expect(Date.parse(line.claimUntil!)).toBeGreaterThan(sandbox.clock.now().getTime());
    }
    expect(result.deferred.map((l) => `${l.sourceBackupId}>${l.destinationRegion}`).sort()).toEqual(
      sourceIds(sandbox)
        .flatMap((id) => DRS.map((r) => `${id}>${r}`))
        .sort(),
    );
  });

  it('blocks the Lambda’s retries for minutes, not more: the second retry (3 min later) copies everything', async () => {
    // Prepare
    const { sandbox, clients } = await start();
    await killedAfterClaiming(sandbox, clients);

    // Act: Lambda retries a failed asynchronous invocation after 1 min, then 2 min later.
    sandbox.clock.advance(MINUTE);
    const firstRetry = await runCopy(deps(sandbox, clients), config(), NOW);
    sandbox.clock.advance(2 * MINUTE);
    const secondRetry = await runCopy(deps(sandbox, clients), config(), NOW);

    // Assess
    expect(firstRetry.counts.deferred).toBe(4);
    expect(secondRetry.counts).toMatchObject({ copied: 4, deferred: 0, failed: 0 });
    expect(copyRunFailed(secondRetry)).toBe(false);
    expect(claims(sandbox)).toEqual([]);
  });

  it('the CLI prints the deferred lines and exits 1, in the table and in --json', async () => {
    // Prepare
    const { sandbox, clients } = await start();
    await killedAfterClaiming(sandbox, clients);
    const cli = (args: string[]) =>
      runCli([
        'copy',
        '--endpoint',
        sandbox.url,
        '--now',
        FLEET_NOW,
        '--region',
        SOURCE,
        '--dr-region',
        DRS.join(','),
        ...args,
      ]);

    // Act
    const table = await cli([]);
    const json = await cli(['--json']);

    // Assess
    expect(table.code).toBe(1);
    expect(table.stdout).toMatch(/deferred/);
    expect(table.stdout).toMatch(/run-killed/);
    expect(table.stdout).toMatch(/copied 0, already present 0, deferred 4/);
    expect(json.code).toBe(1);
    const document = JSON.parse(json.stdout);
    expect(document.counts).toMatchObject({ copied: 0, deferred: 4 });
    expect(document.deferred[0]).toMatchObject({ holderRunId: 'run-killed' });
    expect(document.deferred[0].claimUntil).toMatch(/^2026-11-29T12:0\dZ?/);
    // The exit decision is in the document too (found by an operator pass: it was missing).
    expect(document).toMatchObject({ exitCode: 1, failures: [expect.stringMatching(/deferred/)] });
  });
});

describe('claims of a finished run', () => {
  it('removes its own claims even when it could not confirm them, and defers those backups', async () => {
    // Prepare: every read-to-write gap looks longer than the settle wait.
    const { sandbox, clients } = await start();
    let ticks = 0;

    // Act
    const result = await runCopy(
      deps(sandbox, clients, { monotonic: () => (ticks += 1_000) }),
      config(),
      NOW,
    );

    // Assess
    expect(result.counts).toMatchObject({ copied: 0, deferred: 4 });
    expect(result.deferred.every((l) => l.reason === 'claim-not-confirmed')).toBe(true);
    expect(copyRunFailed(result)).toBe(true);
    expect(claims(sandbox)).toEqual([]);
  });

  it('removes its own claims when the run breaks off with an error after claiming', async () => {
    // Prepare
    const { sandbox, clients } = await start();
    const settle = async () => {
      throw new Error('interrupted');
    };

    // Act
    const outcome = await runCopy(deps(sandbox, clients, { settle }), config(), NOW).catch((e: Error) => e);

    // Assess
    expect(outcome).toMatchObject({ message: 'interrupted' });
    expect(claims(sandbox)).toEqual([]);
  });

  it('removes its own claims after copying', async () => {
    // Prepare
    const { sandbox, clients } = await start();

    // Act
    const result = await runCopy(deps(sandbox, clients), config(), NOW);

    // Assess
    expect(result.counts).toMatchObject({ copied: 4, deferred: 0 });
    expect(claims(sandbox)).toEqual([]);
  });
});

describe('copy --wait and copies an earlier run made', () => {
  it('waits for copies an earlier run left CREATE_IN_PROGRESS', async () => {
    // Prepare
    const { sandbox, clients } = await start();
    const earlier = await runCopy(deps(sandbox, clients), config(), NOW);
    const before = sandbox.clock.now().getTime();

    // Act
    const result = await runCopy(deps(sandbox, clients), config({ wait: 'true' }), NOW);

    // Assess
    expect(earlier.copied.every((l) => l.state === 'CREATE_IN_PROGRESS')).toBe(true);
    expect(result.counts).toMatchObject({ copied: 0, alreadyPresent: 4, notReady: 0 });
    expect(result.alreadyPresent.every((l) => l.state === 'READY')).toBe(true);
    expect(sandbox.clock.now().getTime() - before).toBeGreaterThanOrEqual(MINUTE - 1_000);
  });

  it('names them as not READY when the wait times out', async () => {
    // Prepare
    const { sandbox, clients } = await start(2, 3_600);
    await runCopy(deps(sandbox, clients), config(), NOW);

    // Act
    const result = await runCopy(deps(sandbox, clients), config({ wait: 'true', waitTimeout: '5m' }), NOW);

    // Assess
    expect(result.counts).toMatchObject({ copied: 0, notReady: 4 });
    expect(copyRunFailed(result)).toBe(true);
  });
});

describe('copies and sources deleted while a run works', () => {
  it('a copy deleted by hand during --wait is final: no more polling, no Backup Copied event', async () => {
    // Prepare
    const { sandbox, clients } = await start(1);
    let deleted: string | undefined;
    const sleep = async (ms: number) => {
      sandbox.clock.advance(ms);
      const ready = sandbox.backups('us-west-2').find((b) => b.BackupState === 'READY');
      if (!deleted && ready) {
        deleted = String(ready.BackupId);
        await clients.cloudHsm('us-west-2').send(new DeleteBackupCommand({ BackupId: deleted }));
      }
    };
    const started = sandbox.clock.now().getTime();

    // Act
    const result = await runCopy(
      deps(sandbox, clients, { sleep, account: async () => '111122223333' }),
      config({ wait: 'true', publish: 'true' }),
      NOW,
    );

    // Assess
    expect(deleted).toBeDefined();
    expect(sandbox.clock.now().getTime() - started).toBeLessThan(5 * MINUTE);
    expect(result.counts).toMatchObject({ copied: 1, notReady: 0, failed: 1 });
    expect(result.failed[0]).toMatchObject({
      reason: 'copy-deleted',
      destinationRegion: 'us-west-2',
      destinationBackupId: deleted,
      state: 'PENDING_DELETION',
    });
    const copied = sandbox.events().filter((e) => e.detailType === 'CloudHSM Backup Copied');
    expect(copied.map((e) => (e.detail as { destinationRegion: string }).destinationRegion)).toEqual([
      'eu-west-1',
    ]);
  });

  it('a source deleted since planning is skipped, not a failure', async () => {
    // Prepare: the source is deleted while the run waits for its claims to settle.
    const { sandbox, clients } = await start(1);
    const [source] = sourceIds(sandbox);
    const settle = async () => {
      await clients.cloudHsm(SOURCE).send(new DeleteBackupCommand({ BackupId: source }));
    };

    // Act
    const result = await runCopy(deps(sandbox, clients, { settle }), config(), NOW);

    // Assess
    expect(result.counts).toMatchObject({ copied: 0, failed: 0, deferred: 0, skipped: 2 });
    expect(result.skipped.every((l) => l.reason === 'source-deleted')).toBe(true);
    expect(result.skipped[0]!.detail).toMatch(/source deleted since planning/);
    expect(copyRunFailed(result)).toBe(false);
    expect(DRS.flatMap((r) => liveCopies(sandbox, r))).toEqual([]);
  });
});

describe('what copy publishes', () => {
  const publishing = (extra: Record<string, string> = {}) => config({ publish: 'true', ...extra });

  it('gives each copy of one source its own de-duplication key, with the copy’s id', async () => {
    // Prepare
    const { sandbox, clients } = await start(1);

    // Act
    const result = await runCopy(deps(sandbox, clients), publishing(), NOW);

    // Assess
    const copied = sandbox.events().filter((e) => e.detailType === 'CloudHSM Backup Copied');
    const details = copied.map((e) => e.detail as Record<string, string>);
    expect(details).toHaveLength(2);
    expect(details[0]!.sourceBackupId).toBe(details[1]!.sourceBackupId);
    expect(new Set(details.map((d) => d.dedupKey)).size).toBe(2);
    for (const detail of details) {
      expect(detail.dedupKey).toBe(`${detail.sourceBackupId}:${detail.destinationRegion}:${result.runId}`);
      expect(detail.destinationBackupId).toMatch(/^backup-/);
    }
  });

  it('ends every run with exactly one Run Summary: copies, then the summary', async () => {
    // Prepare
    const { sandbox, clients } = await start(1);

    // Act
    const result = await runCopy(deps(sandbox, clients), publishing(), NOW);

    // Assess
    const events = sandbox.events();
    expect(events.map((e) => e.detailType)).toEqual([
      'CloudHSM Backup Copied',
      'CloudHSM Backup Copied',
      'CloudHSM Run Summary',
    ]);
    expect(events.at(-1)!.detail).toMatchObject({
      job: 'copy',
      runId: result.runId,
      dryRun: false,
      regions: [SOURCE],
      counts: { copied: 2, alreadyPresent: 0, deferred: 0, skipped: 0, failed: 0, notReady: 0 },
      exitCode: 0,
      exitStatus: 'succeeded',
    });
    expect(result.events).toMatchObject({ published: 3, failed: [] });
  });

  it('publishes a Run Summary for a dry run and for a run with nothing to do', async () => {
    // Prepare
    const { sandbox, clients } = await start(1);
    await runCopy(deps(sandbox, clients), config(), NOW);
    sandbox.clearRequests();

    // Act
    const dry = await runCopy(deps(sandbox, clients), publishing({ dryRun: 'true' }), NOW);
    const nothing = await runCopy(deps(sandbox, clients), publishing(), NOW);

    // Assess
    const summaries = sandbox.events().map((e) => e.detail as Record<string, unknown>);
    expect(sandbox.events().every((e) => e.detailType === 'CloudHSM Run Summary')).toBe(true);
    expect(summaries).toHaveLength(2);
    expect(summaries[0]).toMatchObject({ runId: dry.runId, dryRun: true, exitCode: 0 });
    expect(summaries[1]).toMatchObject({
      runId: nothing.runId,
      dryRun: false,
      counts: { copied: 0, alreadyPresent: 2 },
      exitCode: 0,
    });
    expect(sandbox.requests().filter((r) => r.mutating && r.operation !== 'PutEvents')).toEqual([]);
  });

  it('a run that deferred backups says so in its Run Summary, with exit status failed', async () => {
    // Prepare
    const { sandbox, clients } = await start(1);
    await killedAfterClaiming(sandbox, clients);

    // Act
    await runCopy(deps(sandbox, clients), publishing(), NOW);

    // Assess
    const summaries = sandbox.events().filter((e) => e.detailType === 'CloudHSM Run Summary');
    expect(summaries).toHaveLength(1);
    expect(summaries[0]!.detail).toMatchObject({
      counts: { copied: 0, deferred: 2 },
      exitCode: 1,
      exitStatus: 'failed',
    });
  });
});
