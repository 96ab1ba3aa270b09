import {
  CloudHsmAccessDeniedException,
  CloudHsmInvalidRequestException,
  CloudHsmServiceException,
  CloudHsmTagException,
  DeleteBackupCommand,
  TagResourceCommand,
} from '@aws-sdk/client-cloudhsm-v2';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PRUNE_FLAG_NAMES } from '../../lib/config/prune.js';
import type { BackupInfo } from '../../lib/inventory/types.js';
import { executePrune, RECHECK_BATCH } from '../../lib/prune/execute.js';
import { deletions, planPrune } from '../../lib/prune/plan.js';
import { backup, config, inventory, NOW } from '../support/backups.js';
import { FakeCloudHsm } from '../support/fake-cloudhsm.js';

let hsm: FakeCloudHsm;
beforeEach(() => {
  hsm = new FakeCloudHsm();
});
afterEach(() => {
  hsm.restoreMocks();
});

/** N old READY backups plus one new one (kept by the cutoff), stored in the fake and planned. */
function planned(count: number, settings: Record<string, string> = {}, extra: BackupInfo[] = []) {
  const old = Array.from({ length: count }, (_, i) => backup(100 + i));
  const all = [...old, backup(1), ...extra];
  hsm.add(...all);
  const plan = planPrune(inventory(all), config({ olderThan: '30d', maxDeletions: '500', ...settings }), NOW);
  return { old, plan };
}

describe('executePrune', () => {
  it('deletes exactly the planned backups, re-reading each batch (and the kept newest) right before', async () => {
    // Prepare
    const { old, plan } = planned(120);
    const kept = plan.entries.find((e) => e.decision === 'keep')!.backupId;
    // Act
    const result = await executePrune(hsm.clients(), plan, { runId: 'run-1' });
    // Assess
    const deleted = hsm.calls(DeleteBackupCommand).map((input) => input.BackupId);
    expect([...deleted].sort()).toEqual(old.map((b) => b.id).sort());
    const rereads = hsm.describeInputs.map((input) => input.Filters?.backupIds ?? []);
    expect(rereads).toHaveLength(120 / RECHECK_BATCH);
    for (const ids of rereads) expect(ids).toEqual([...ids.slice(0, RECHECK_BATCH), kept]);
    expect(rereads.flatMap((ids) => ids.slice(0, RECHECK_BATCH)).sort()).toEqual(old.map((b) => b.id).sort());
    // Every delete is preceded by this run's record on the backup.
    const tagged = hsm.calls(TagResourceCommand);
    expect(tagged.map((i) => i.ResourceId).sort()).toEqual([...deleted].sort());
    // The record's value is the instant it was written: the plan's time plus the run's elapsed time.
    const written = (b: BackupInfo) => Date.parse(hsm.tags(b.id)['cloudhsm-ops:deleted-by:run-1'] ?? '');
    expect(
      old.every((b) => written(b) >= Date.parse(plan.now) && written(b) < Date.parse(plan.now) + 60_000),
    ).toBe(true);
    expect(result.counts).toEqual({ succeeded: 120, failed: 0, skipped: 0 });
    expect(result.succeeded[0]).toMatchObject({
      status: 'succeeded',
      reason: 'deleted',
      deleteTimestamp: '2026-12-06T12:00:00.000Z',
      restoreCommand: `cloudhsm-ops restore --region us-east-1 --backup-id ${result.succeeded[0]!.backupId}`,
    });
    expect(result.restoreCommands).toHaveLength(1);
    expect(result.restoreCommands[0]!.split('--backup-id').length - 1).toBe(120);
    expect(old.every((b) => hsm.state(b.id) === 'PENDING_DELETION')).toBe(true);
  });

  it('skips planned backups that changed since planning, and deletes the rest', async () => {
    // Prepare
    const { old, plan } = planned(5);
    const [nowPending, nowPinned, nowHeld, nowGone] = old;
    hsm.backups.get(nowPending!.id)!.BackupState = 'PENDING_DELETION';
    hsm.backups.get(nowPinned!.id)!.NeverExpires = true;
    hsm.backups.get(nowHeld!.id)!.TagList = [{ Key: 'cloudhsm-ops:hold', Value: 'audit' }];
    hsm.backups.delete(nowGone!.id);
    // Act
    const result = await executePrune(hsm.clients(), plan);
    // Assess
    expect(hsm.calls(DeleteBackupCommand).map((i) => i.BackupId)).toEqual([old[4]!.id]);
    expect(new Map(result.skipped.map((o) => [o.backupId, o.detail]))).toEqual(
      new Map([
        [nowPending!.id, 'changed since planning: state is now PENDING_DELETION'],
        [nowPinned!.id, 'changed since planning: NeverExpires is now set'],
        [nowHeld!.id, 'changed since planning: now carries the hold tag cloudhsm-ops:hold'],
        [nowGone!.id, 'changed since planning: no longer listed'],
      ]),
    );
    expect(result.counts).toEqual({ succeeded: 1, failed: 0, skipped: 4 });
  });

  it('counts "already gone" and a lost response (already PENDING_DELETION) as done', async () => {
    // Prepare
    const { old, plan } = planned(3);
    const [vanishes, lostResponse, fine] = old;
    let lost = false;
    hsm.beforeDelete = async ({ BackupId }) => {
      if (BackupId === vanishes!.id) hsm.backups.delete(BackupId);
      // The first attempt was applied but its response lost; this is the SDK's retry arriving.
      if (BackupId === lostResponse!.id && !lost) {
        lost = true;
        hsm.retried.add(BackupId);
        hsm.backups.get(BackupId)!.BackupState = 'PENDING_DELETION';
        hsm.backups.get(BackupId)!.DeleteTimestamp = new Date('2026-12-06T12:00:00Z');
      }
    };
    // Act
    const result = await executePrune(hsm.clients(), plan);
    // Assess
    expect(result.failed).toEqual([]);
    const byId = new Map(result.succeeded.map((o) => [o.backupId, o]));
    expect(byId.get(vanishes!.id)).toMatchObject({ reason: 'already-gone' });
    expect(byId.get(lostResponse!.id)).toMatchObject({
      reason: 'already-pending-deletion',
      deleteTimestamp: '2026-12-06T12:00:00.000Z',
    });
    expect(byId.get(lostResponse!.id)?.restoreCommand).toContain(lostResponse!.id);
    expect(byId.get(fine!.id)).toMatchObject({ reason: 'deleted' });
    expect(result.restoreCommands[0]).not.toContain(vanishes!.id);
  });

  it('does not claim a backup someone else deleted between its re-read and its delete: no restore command', async () => {
    // Prepare: another run deletes it first; this run's first (only) attempt is refused.
    const { old, plan } = planned(2);
    const [taken, fine] = old;
    hsm.beforeDelete = ({ BackupId }) => {
      if (BackupId === taken!.id) hsm.backups.get(BackupId)!.BackupState = 'PENDING_DELETION';
    };
    // Act
    const result = await executePrune(hsm.clients(), plan, { runId: 'run-1' });
    // Assess
    expect(result.succeeded.map((o) => o.backupId)).toEqual([fine!.id]);
    expect(result.skipped).toEqual([
      expect.objectContaining({
        backupId: taken!.id,
        reason: 'deleted-elsewhere',
        detail: 'already PENDING_DELETION: deleted by someone else, not by this run',
      }),
    ]);
    expect(result.skipped[0]!.restoreCommand).toBeUndefined();
    expect(result.restoreCommands.join(' ')).not.toContain(taken!.id);
    // Its record is gone too, so `restore --run-id run-1` leaves it alone.
    expect(hsm.tags(taken!.id)).toEqual({});
  });

  it('a delete whose every answer was lost (timeouts) is found deleted, reported with its restore command, and keeps its record', async () => {
    // Prepare: DeleteBackup applies, then its answer never arrives (the SDK's last error is a timeout).
    const { old, plan } = planned(2);
    hsm.afterDelete = () => {
      throw Object.assign(new Error('no answer within 1 s'), {
        name: 'TimeoutError',
        $metadata: { attempts: 8 },
      });
    };
    // Act
    const result = await executePrune(hsm.clients(), plan, { runId: 'run-1' });
    // Assess: both are PENDING_DELETION; the run says so, can undo it, and restore --run-id finds them.
    expect(old.map((b) => hsm.state(b.id))).toEqual(['PENDING_DELETION', 'PENDING_DELETION']);
    expect(result.failed).toEqual([]);
    expect(result.succeeded.map((o) => o.backupId).sort()).toEqual(old.map((b) => b.id).sort());
    expect(result.succeeded.every((o) => o.restoreCommand !== undefined)).toBe(true);
    for (const b of old) expect(Object.keys(hsm.tags(b.id))).toEqual(['cloudhsm-ops:deleted-by:run-1']);
  });

  it("counts a delete whose answer was lost as its own though a later run's record lingers there", async () => {
    // Prepare: after this run's delete, another run recorded the backup (and, seeing this run's
    // record, stood back: it never deletes); this run's own answer was a 500 after the delete.
    const { old, plan } = planned(1);
    hsm.afterDelete = ({ BackupId }) => {
      const stored = hsm.backups.get(BackupId!)!;
      stored.TagList = [...(stored.TagList ?? []), { Key: 'cloudhsm-ops:deleted-by:run-0', Value: plan.now }];
      throw Object.assign(new Error('internal'), { name: 'InternalFailure', $metadata: { attempts: 2 } });
    };
    // Act
    const result = await executePrune(hsm.clients(), plan, { runId: 'run-1' });
    // Assess
    expect(result.succeeded).toEqual([
      expect.objectContaining({ backupId: old[0]!.id, reason: 'already-pending-deletion' }),
    ]);
    expect(hsm.calls(DeleteBackupCommand)).toHaveLength(1);
  });

  it('sends no delete more than 10 minutes after writing its record, and takes the record back', async () => {
    // Prepare: the monotonic clock jumps 11 minutes between the record and the delete.
    const { old, plan } = planned(1);
    let ms = 0;
    hsm.beforeDescribe = () => {
      ms += 11 * 60_000;
    };
    // Act
    const result = await executePrune(hsm.clients(), plan, { runId: 'run-1', monotonic: () => ms });
    // Assess
    expect(hsm.calls(DeleteBackupCommand)).toEqual([]);
    expect(result.skipped).toEqual([
      expect.objectContaining({
        backupId: old[0]!.id,
        reason: 'deadline',
        detail: expect.stringMatching(/10 minutes/),
      }),
    ]);
    expect(hsm.tags(old[0]!.id)).toEqual({});
  });

  it('keeps the record when a failed delete cannot be checked: it may have happened', async () => {
    // Prepare: the delete applies, its answer is lost, and the check afterwards fails too.
    const { old, plan } = planned(1);
    let reads = 0;
    hsm.afterDelete = () => {
      throw Object.assign(new Error('socket hang up'), { name: 'TimeoutError', $metadata: { attempts: 8 } });
    };
    hsm.beforeDescribe = () => {
      reads++;
      if (reads > 1) throw Object.assign(new Error('slow down'), { name: 'ThrottlingException' });
    };
    // Act
    const result = await executePrune(hsm.clients(), plan, { runId: 'run-1' });
    // Assess
    expect(hsm.state(old[0]!.id)).toBe('PENDING_DELETION');
    expect(result.failed[0]!.detail).toMatch(/outcome unknown/);
    expect(Object.keys(hsm.tags(old[0]!.id))).toEqual(['cloudhsm-ops:deleted-by:run-1']);
    expect(reads).toBe(1 + 3); // the batch's re-read, then three tries to check the outcome
  });

  it('checks again when the first look after a failed delete fails, and counts the delete (soak seed 2026)', async () => {
    // Prepare: the delete applies, its answer is lost; the first check after it fails.
    const { old, plan } = planned(1);
    let reads = 0;
    hsm.afterDelete = () => {
      throw Object.assign(new Error('internal'), { name: 'InternalFailure', $metadata: { attempts: 2 } });
    };
    hsm.beforeDescribe = () => {
      reads++;
      if (reads === 2) throw Object.assign(new Error('internal'), { name: 'InternalFailure' });
    };
    // Act
    const result = await executePrune(hsm.clients(), plan, { runId: 'run-1' });
    // Assess
    expect(result.succeeded).toEqual([
      expect.objectContaining({ backupId: old[0]!.id, reason: 'already-pending-deletion' }),
    ]);
    expect(result.failed).toEqual([]);
  });

  it('removes the record when the service refused the delete outright (a client error at the first attempt)', async () => {
    const { old, plan } = planned(1);
    hsm.beforeDelete = () => {
      throw Object.assign(new Error('denied'), {
        name: 'CloudHsmAccessDeniedException',
        $fault: 'client',
        $metadata: { attempts: 1, httpStatusCode: 400 },
      });
    };
    const result = await executePrune(hsm.clients(), plan, { runId: 'run-1' });
    expect(hsm.state(old[0]!.id)).toBe('READY');
    expect(result.failed).toHaveLength(1);
    expect(hsm.tags(old[0]!.id)).toEqual({});
  });

  it.each([
    ['no answer in time', { name: 'TimeoutError', $metadata: { attempts: 2 } }],
    [
      'a server error',
      { name: 'InternalFailure', $fault: 'server', $metadata: { attempts: 8, httpStatusCode: 500 } },
    ],
    [
      'throttling after an attempt that may have applied',
      { name: 'ThrottlingException', $fault: 'client', $metadata: { attempts: 3, httpStatusCode: 400 } },
    ],
  ])(
    'keeps the record when the backup still reads READY after %s: the request may apply later',
    async (_, error) => {
      // Prepare: a delete slower than the client's timeout reads READY right after, and is applied later.
      const { old, plan } = planned(1);
      hsm.beforeDelete = () => {
        throw Object.assign(new Error('slow'), error);
      };
      // Act
      const result = await executePrune(hsm.clients(), plan, { runId: 'run-1' });
      // Assess
      expect(hsm.state(old[0]!.id)).toBe('READY');
      expect(result.failed).toEqual([
        expect.objectContaining({
          backupId: old[0]!.id,
          detail: expect.stringMatching(/outcome unknown: .*READY.* may still apply.*restore --run-id run-1/),
        }),
      ]);
      expect(Object.keys(hsm.tags(old[0]!.id))).toEqual(['cloudhsm-ops:deleted-by:run-1']);
    },
  );

  it('keeps the next newest when the kept newest went away, even while an older NeverExpires backup is READY', async () => {
    // Prepare: newest (kept), then a planned deletion, then an old NeverExpires backup (kept too).
    const newest = backup(40);
    const planned = backup(50);
    const forever = backup(60, { neverExpires: true });
    hsm.add(newest, planned, forever);
    const plan = planPrune(inventory([newest, planned, forever]), config({ olderThan: '30d' }), NOW);
    expect(deletions(plan).map((e) => e.backupId)).toEqual([planned.id]);
    hsm.backups.get(newest.id)!.BackupState = 'PENDING_DELETION'; // deleted by hand since planning
    // Act
    const result = await executePrune(hsm.clients(), plan, { runId: 'run-1' });
    // Assess: the planned one is now the newest READY of its lineage (soak, seed 42).
    expect(hsm.calls(DeleteBackupCommand)).toHaveLength(0);
    expect(result.skipped).toEqual([expect.objectContaining({ backupId: planned.id, reason: 'changed' })]);
  });

  it('never deletes a backup whose deletion record could not be written', async () => {
    const { old, plan } = planned(2);
    hsm.beforeTag = ({ BackupId }) => {
      if (BackupId === old[0]!.id)
        throw new CloudHsmTagException({ message: 'tag policy says no', $metadata: {} });
    };
    const result = await executePrune(hsm.clients(), plan, { runId: 'run-1' });
    expect(hsm.calls(DeleteBackupCommand).map((i) => i.BackupId)).toEqual([old[1]!.id]);
    expect(hsm.state(old[0]!.id)).toBe('READY');
    expect(result.failed).toEqual([
      expect.objectContaining({ backupId: old[0]!.id, errorCode: 'CloudHsmTagException' }),
    ]);
    expect(result.failed[0]!.detail).toMatch(/not deleted: writing the deletion record failed/);
  });

  it('reports a backup that is still READY after an invalid-request answer as failed', async () => {
    const { old, plan } = planned(1);
    hsm.mock
      .on(DeleteBackupCommand)
      .rejects(new CloudHsmInvalidRequestException({ message: 'state is wrong', $metadata: {} }));
    const result = await executePrune(hsm.clients(), plan);
    expect(result.failed).toHaveLength(1);
    expect(result.failed[0]).toMatchObject({
      backupId: old[0]!.id,
      reason: 'error',
      errorCode: 'CloudHsmInvalidRequestException',
    });
    expect(result.failed[0]!.detail).toMatch(/state is READY/);
  });

  it('keeps going past failures, reports each with its error, and never throws', async () => {
    // Prepare
    const { old, plan } = planned(6);
    const denied = new Set([old[1]!.id, old[4]!.id]);
    hsm.beforeDelete = ({ BackupId }) => {
      if (denied.has(BackupId!)) throw new CloudHsmAccessDeniedException({ message: 'no', $metadata: {} });
    };
    // Act
    const result = await executePrune(hsm.clients(), plan);
    // Assess
    expect(result.counts).toEqual({ succeeded: 4, failed: 2, skipped: 0 });
    expect(result.failed.map((o) => o.backupId).sort()).toEqual([...denied].sort());
    expect(result.failed[0]).toMatchObject({ errorCode: 'CloudHsmAccessDeniedException' });
    expect(result.failed[0]!.detail).toMatch(/CloudHsmAccessDeniedException: no/);
  });

  it('refuses a plan over max deletions before any call, saying how to proceed in settings', async () => {
    // Prepare
    const { plan } = planned(7, { maxDeletions: '5' });
    // Act
    const result = await executePrune(hsm.clients(), plan);
    // Assess
    expect(hsm.mock.calls()).toHaveLength(0);
    expect(result.refused).toBe(
      'the plan deletes 7 backups, more than max deletions 5; nothing was deleted. Review the dry run, ' +
        'then raise max deletions to 7 or narrow the cutoff (an earlier timestamp, a larger older than, ' +
        'or one cluster id at a time)',
    );
    expect(result.skipped[0]!.detail).toBe('plan over max deletions');
    expect(result.counts).toEqual({ succeeded: 0, failed: 0, skipped: 7 });
    expect(result.skipped.every((o) => o.reason === 'over-limit')).toBe(true);
  });

  it('names the settings the way its caller does (the CLI passes flags, the Lambda variables)', async () => {
    const { plan } = planned(7, { maxDeletions: '5' });
    const result = await executePrune(hsm.clients(), plan, { names: PRUNE_FLAG_NAMES });
    expect(result.refused).toBe(
      'the plan deletes 7 backups, more than --max-deletions 5; nothing was deleted. Review the dry run, ' +
        'then raise --max-deletions to 7 or narrow the cutoff (an earlier --timestamp, a larger --older-than, ' +
        'or one --cluster-id at a time)',
    );
    expect(result.skipped[0]!.detail).toBe('plan over --max-deletions');
  });

  it('stops starting deletes once shouldStop() says so, reporting the rest as skipped "deadline"', async () => {
    const { plan } = planned(10);
    let started = 0;
    hsm.beforeDelete = () => {
      started++;
    };
    const result = await executePrune(hsm.clients(), plan, {
      concurrency: 2,
      shouldStop: () => started >= 4,
    });
    expect(hsm.calls(DeleteBackupCommand)).toHaveLength(4);
    expect(result.counts).toEqual({ succeeded: 4, failed: 0, skipped: 6 });
    expect(result.skipped.every((o) => o.reason === 'deadline')).toBe(true);
  });

  it('keeps at most `concurrency` deletes in flight and reports progress for every planned backup', async () => {
    // Prepare
    const { plan } = planned(25);
    let inFlight = 0;
    let peak = 0;
    hsm.beforeDelete = async () => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 2));
      inFlight--;
    };
    const progress: number[] = [];
    // Act
    await executePrune(hsm.clients(), plan, { concurrency: 4, onProgress: (p) => progress.push(p.done) });
    // Assess
    expect(peak).toBe(4);
    expect(progress).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
  });

  it('deletes nothing when the re-read fails: every planned backup fails instead', async () => {
    const { plan } = planned(3);
    hsm.beforeDescribe = () => {
      throw new CloudHsmServiceException({ message: 'unavailable', $metadata: {} });
    };
    const result = await executePrune(hsm.clients(), plan);
    expect(hsm.calls(DeleteBackupCommand)).toHaveLength(0);
    expect(result.counts).toEqual({ succeeded: 0, failed: 3, skipped: 0 });
    expect(result.failed[0]!.detail).toMatch(/could not re-read before deleting: .*unavailable/);
  });

  it('deletes nothing the plan keeps', async () => {
    // Prepare
    const { plan } = planned(2);
    const kept = plan.entries.filter((e) => e.decision === 'keep').map((e) => e.backupId);
    // Act
    await executePrune(hsm.clients(), plan);
    // Assess
    const deleted = new Set(hsm.calls(DeleteBackupCommand).map((i) => i.BackupId));
    expect(kept.some((id) => deleted.has(id))).toBe(false);
    expect(deleted.size).toBe(deletions(plan).length);
  });
});

describe('executePrune: duplicate copies (issue 17)', () => {
  /** Two copies of one source backup in one region (the DR region stored as us-east-1 in the fake). */
  function duplicates() {
    const source = backup(5, { region: 'eu-west-1' });
    const copy = (copiedDaysAgo: number): BackupInfo => ({
      ...source,
      id: `${source.id.slice(0, -2)}${copiedDaysAgo}x`,
      region: 'us-east-1',
      clusterId: undefined,
      copiedAt: NOW.minus({ days: copiedDaysAgo }).toJSDate(),
      sourceRegion: 'eu-west-1',
      sourceBackupId: source.id,
      sourceClusterId: source.clusterId,
    });
    const kept = copy(5);
    const extra = copy(4);
    hsm.add(kept, extra);
    const plan = planPrune(inventory([kept, extra]), config({ duplicateCopies: 'true' }), NOW);
    return { kept, extra, plan };
  }

  it('re-reads the kept copy with the extra one and deletes the extra while the kept copy is READY', async () => {
    const { kept, extra, plan } = duplicates();
    expect(deletions(plan).map((e) => e.backupId)).toEqual([extra.id]);
    const result = await executePrune(hsm.clients(), plan, { runId: 'run-dup' });
    expect(result.counts.succeeded).toBe(1);
    expect(hsm.describeInputs.flatMap((input) => input.Filters?.backupIds ?? [])).toContain(kept.id);
    expect(hsm.state(kept.id)).toBe('READY');
  });

  it('skips the extra copy when the kept copy went away since planning (the source backup keeps a copy)', async () => {
    const { kept, extra, plan } = duplicates();
    hsm.backups.get(kept.id)!.BackupState = 'PENDING_DELETION';
    const result = await executePrune(hsm.clients(), plan, { runId: 'run-dup' });
    expect(hsm.calls(DeleteBackupCommand)).toHaveLength(0);
    expect(result.skipped).toEqual([
      expect.objectContaining({
        backupId: extra.id,
        reason: 'changed',
        detail: expect.stringMatching(kept.id),
      }),
    ]);
    expect(hsm.state(extra.id)).toBe('READY');
  });
});
