/**
 * The prune handler against the sandbox (demo fleet: us-west-2 holds DR copies older than
 * 90 days): a scheduled event in, backups deleted and events out, the deadline honoured.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { PruneSummary } from '../../functions/prune.js';
import {
  lambdaContext,
  loadHandler,
  metricTotal,
  scheduledEvent,
  useHandlerSandbox,
} from '../support/lambda.js';

const DR = 'us-west-2';
const lambda = useHandlerSandbox({
  env: {
    REGIONS: DR,
    COPY_RETENTION_DAYS: '90',
    MAX_DELETIONS: '1000',
    EVENT_BUS_NAME: 'cloudhsm-ops',
  },
});
let pendingAtStart: Set<string>;

beforeEach(() => {
  pendingAtStart = pendingIds();
});

const pendingIds = () =>
  new Set(
    lambda.sandbox
      .backups(DR)
      .filter((b) => b.BackupState === 'PENDING_DELETION')
      .map((b) => String(b.BackupId)),
  );
/** Backups this test's invocations put in PENDING_DELETION (the demo fleet starts with some). */
const pending = () => new Set([...pendingIds()].filter((id) => !pendingAtStart.has(id)));

const invoke = async (
  module: Awaited<ReturnType<typeof loadHandler>>,
  remaining?: number | (() => number),
): Promise<PruneSummary & { runId: string }> =>
  (await module.handler(scheduledEvent(lambda.sandbox.clock.now()), lambdaContext(remaining))) as never;

describe('prune handler', () => {
  it('by default plans only: no mutating call, a Prune Plan event, the plan in the summary', async () => {
    // Prepare
    const prune = await loadHandler('prune', lambda.env());
    // Act
    const summary = await invoke(prune);
    // Assess
    expect(summary.mode).toBe('dry-run');
    expect(summary.planned).toBeGreaterThan(5);
    expect(summary.deleted).toEqual([]);
    expect(lambda.sandbox.requests().filter((r) => r.mutating && r.operation !== 'PutEvents')).toEqual([]);
    const events = lambda.sandbox.events();
    expect(events.map((e) => e.detailType)).toContain('CloudHSM Prune Plan');
    expect(events.every((e) => e.busName === 'cloudhsm-ops' && e.source === 'cloudhsm-ops')).toBe(true);
    expect(pending().size).toBe(0);
  });

  it('with PRUNE_EXECUTE=true deletes the plan, publishes one event per deletion and counts them', async () => {
    // Prepare
    const prune = await loadHandler('prune', lambda.env({ PRUNE_EXECUTE: 'true' }));
    // Act
    const summary = await invoke(prune);
    // Assess
    expect(summary.mode).toBe('execute');
    expect(summary.deleted).toHaveLength(summary.planned);
    expect(pending()).toEqual(new Set(summary.deleted.map((d) => d.backupId)));
    expect(summary.leftForNextRun).toEqual([]);
    expect(summary.restoreCommands.join(' ')).toContain('cloudhsm-ops restore');
    const deletedEvents = lambda.sandbox.events().filter((e) => e.detailType === 'CloudHSM Backup Deleted');
    expect(deletedEvents).toHaveLength(summary.planned);
    expect(metricTotal(lambda.out, 'BackupsDeleted')).toBe(summary.planned);
    expect(metricTotal(lambda.out, 'Failures')).toBe(0);
    const perItem = lambda.out.logs().filter((l) => l.message === 'backup deleted');
    expect(perItem).toHaveLength(summary.planned);
    expect(perItem[0]).toMatchObject({ runId: summary.runId, job: 'prune', dryRun: false, region: DR });
    expect(perItem[0]?.backupId).toMatch(/^backup-/);
  });

  it('stops before the deadline, reports what it left, and the next invocation finishes', async () => {
    // Prepare: 30 s above the 60 s margin, one second less at each look (before each record
    // written and each delete sent): the run stops part-way.
    const prune = await loadHandler('prune', lambda.env({ PRUNE_EXECUTE: 'true' }));
    let remaining = 90_000;
    // Act
    const first = await invoke(prune, () => (remaining -= 1_000));
    // Assess
    const done = first.deleted.length;
    expect(done).toBeGreaterThan(0);
    expect(done).toBeLessThan(first.planned);
    expect(first.leftForNextRun).toHaveLength(first.planned - done);
    expect(first.failed).toEqual([]);
    expect(pending().size).toBe(done);
    expect(metricTotal(lambda.out, 'BackupsLeftForNextRun')).toBe(first.planned - done);
    expect(lambda.out.logs().some((l) => l.level === 'WARN' && String(l.message).includes('deadline'))).toBe(
      true,
    );

    // Act: the next scheduled run, with time to spare.
    const second = await invoke(prune);
    // Assess
    expect(second.planned).toBe(first.planned - done);
    expect(second.deleted.map((d) => d.backupId).sort()).toEqual(
      first.leftForNextRun.map((d) => d.backupId).sort(),
    );
    expect(pending().size).toBe(first.planned);
  });

  it('refuses a plan over MAX_DELETIONS and fails the invocation', async () => {
    // Prepare
    const prune = await loadHandler('prune', lambda.env({ PRUNE_EXECUTE: 'true', MAX_DELETIONS: '2' }));
    // Act
    const outcome = invoke(prune);
    // Assess
    await expect(outcome).rejects.toThrow(/prune run .* failed: the plan deletes \d+ backups, more than/);
    // The library speaks in settings; the handler names its variables, never the CLI's flags.
    await expect(outcome).rejects.toThrow(
      /more than MAX_DELETIONS 2; .*raise MAX_DELETIONS to \d+ .*an earlier TIMESTAMP, a larger OLDER_THAN, or one CLUSTER_ID/,
    );
    expect(pending().size).toBe(0);
    expect(metricTotal(lambda.out, 'Failures')).toBe(1);
  });

  it('DRY_RUN=true wins over PRUNE_EXECUTE=true: nothing is deleted, and the log says why', async () => {
    // Prepare
    const prune = await loadHandler('prune', lambda.env({ PRUNE_EXECUTE: 'true', DRY_RUN: 'true' }));
    // Act
    const summary = await invoke(prune);
    // Assess
    expect(summary.mode).toBe('dry-run');
    expect(summary.deleted).toEqual([]);
    expect(pending().size).toBe(0);
    expect(lambda.sandbox.requests().filter((r) => r.operation === 'DeleteBackup')).toEqual([]);
    expect(
      lambda.out
        .logs()
        .some(
          (l) => l.level === 'WARN' && /DRY_RUN=true wins over PRUNE_EXECUTE=true/.test(String(l.message)),
        ),
    ).toBe(true);
  });

  it('a lookalike variable (CLUSTER_IDS) fails the cold start, naming the one meant, before any call', async () => {
    // Act
    const loading = loadHandler(
      'prune',
      lambda.env({ PRUNE_EXECUTE: 'true', CLUSTER_IDS: 'cluster-paymentsprod' }),
    );
    // Assess
    await expect(loading).rejects.toThrow(
      /CLUSTER_IDS is not a variable this function reads: did you mean CLUSTER_ID\?/,
    );
    expect(lambda.sandbox.requests()).toEqual([]);
    expect(pending().size).toBe(0);
  });
});
