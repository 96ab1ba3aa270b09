import {
  CloudHsmInternalFailureException,
  CloudHsmInvalidRequestException,
  RestoreBackupCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-cloudhsm-v2';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RESTORE_FLAG_NAMES } from '../../lib/config/restore.js';
import { UsageError } from '../../lib/errors.js';
import { recordTagKey } from '../../lib/prune/record.js';
import { restoredEvents } from '../../lib/restore/events.js';
import { parseRestoreConfig, runRestore } from '../../lib/restore/restore.js';
import { backup, CLUSTER_B, NOW } from '../support/backups.js';
import { FakeCloudHsm } from '../support/fake-cloudhsm.js';

let hsm: FakeCloudHsm;
beforeEach(() => {
  hsm = new FakeCloudHsm();
});
afterEach(() => {
  hsm.restoreMocks();
});

const RUN = 'run-1';

/**
 * A backup prune run `RUN` deleted `hoursAgo` before NOW (DeleteTimestamp = deletion + 7 days;
 * the run's record, written a minute before the delete).
 */
const deleted = (hoursAgo: number, overrides = {}) =>
  backup(30, {
    state: 'PENDING_DELETION',
    deleteAt: NOW.minus({ hours: hoursAgo }).plus({ days: 7 }).toJSDate(),
    tags: { [recordTagKey(RUN)]: NOW.minus({ hours: hoursAgo, minutes: 1 }).toISO()! },
    ...overrides,
  });

/** A record of `runId` written `hoursAgo` before NOW. */
const recordAt = (runId: string, hoursAgo: number) => ({
  [recordTagKey(runId)]: NOW.minus({ hours: hoursAgo }).toISO()!,
});

const restore = (settings: Record<string, string>) =>
  runRestore(
    { clients: hsm.clients() },
    parseRestoreConfig({ region: 'us-east-1', ...settings }, RESTORE_FLAG_NAMES),
    NOW,
  );

describe('restore by id', () => {
  it('restores PENDING_DELETION backups and reports the others without attempting them', async () => {
    // Prepare
    const pending = deleted(1);
    const ready = backup(3);
    const gone = backup(40, { state: 'DELETED' });
    const missing = 'backup-mmmmmmmmmmm';
    hsm.add(pending, ready, gone);
    // Act
    const run = await restore({ backupIds: [pending.id, ready.id, gone.id, missing].join(',') });
    // Assess
    expect(hsm.calls(RestoreBackupCommand).map((i) => i.BackupId)).toEqual([pending.id]);
    expect(hsm.state(pending.id)).toBe('READY');
    expect(run.result.succeeded.map((o) => [o.backupId, o.reason])).toEqual([[pending.id, 'restored']]);
    expect(run.result.skipped.map((o) => [o.backupId, o.detail])).toEqual([
      [ready.id, 'state is READY; only PENDING_DELETION can be restored'],
    ]);
    expect(run.result.failed.map((o) => [o.backupId, o.reason])).toEqual([
      [gone.id, 'permanently-deleted'],
      [missing, 'not-found'],
    ]);
    expect(run.exitCode).toBe(1);
  });

  it('exits 0 when every named backup was restored or had nothing to undo', async () => {
    const pending = deleted(1);
    const ready = backup(3);
    hsm.add(pending, ready);
    const run = await restore({ backupIds: `${pending.id},${ready.id}` });
    expect(run.exitCode).toBe(0);
    expect(run.result.counts).toEqual({ succeeded: 1, failed: 0, skipped: 1 });
  });

  it('counts a restore whose response was lost (the retry finds it READY) as done', async () => {
    // Prepare: the service applied the restore, then the retried call is refused.
    const pending = deleted(1);
    hsm.add(pending);
    hsm.beforeRestore = ({ BackupId }) => {
      hsm.backups.get(BackupId!)!.BackupState = 'READY';
      throw new CloudHsmInvalidRequestException({ message: 'backup is READY', $metadata: {} });
    };
    // Act
    const run = await restore({ backupIds: pending.id });
    // Assess
    expect(run.result.succeeded).toEqual([
      expect.objectContaining({ backupId: pending.id, reason: 'ready-outcome-unknown' }),
    ]);
    expect(run.exitCode).toBe(0);
  });

  it('a restore whose every answer was lost (timeouts) is found READY, counted, held and its record removed, with no event claiming it', async () => {
    // Prepare: RestoreBackup applies, then no answer ever arrives.
    const pending = deleted(1);
    hsm.add(pending);
    hsm.beforeRestore = ({ BackupId }) => {
      const stored = hsm.backups.get(BackupId!)!;
      stored.BackupState = 'READY';
      delete stored.DeleteTimestamp;
      throw Object.assign(new Error('no answer within 1 s'), {
        name: 'TimeoutError',
        $metadata: { attempts: 8 },
      });
    };
    // Act
    const run = await restore({ runId: RUN, hold: 'true' });
    // Assess
    expect(run.result.failed).toEqual([]);
    expect(run.result.succeeded).toEqual([
      expect.objectContaining({ backupId: pending.id, reason: 'ready-outcome-unknown', held: true }),
    ]);
    expect(hsm.tags(pending.id)).toEqual({ 'cloudhsm-ops:hold': `restored by run ${run.runId}` });
    expect(run.exitCode).toBe(0);
    // Another run may have restored it (the soak's racing restores): no event claims it as this run's.
    expect(restoredEvents(run.result.succeeded, { runId: run.runId, account: '111122223333' })).toEqual([]);
  });

  it('reports a restore that keeps failing', async () => {
    const pending = deleted(1);
    hsm.add(pending);
    hsm.beforeRestore = () => {
      throw new CloudHsmInternalFailureException({ message: 'boom', $metadata: {} });
    };
    const run = await restore({ backupIds: pending.id });
    expect(run.result.failed[0]).toMatchObject({
      reason: 'error',
      errorCode: 'CloudHsmInternalFailureException',
    });
    expect(run.exitCode).toBe(1);
  });
});

describe('restore --deleted-since', () => {
  it('restores what was deleted within the age (DeleteTimestamp − 7 days ≥ now − age)', async () => {
    // Prepare
    const recent = deleted(1);
    const edge = deleted(2);
    const older = deleted(3);
    const otherLineage = deleted(1, { clusterId: CLUSTER_B });
    hsm.add(recent, edge, older, otherLineage, backup(1));
    // Act
    const run = await restore({ deletedSince: '2h' });
    // Assess
    expect(hsm.describeInputs[0]).toMatchObject({
      Filters: { states: ['PENDING_DELETION'] },
      MaxResults: 50,
    });
    expect(
      hsm
        .calls(RestoreBackupCommand)
        .map((i) => i.BackupId)
        .sort(),
    ).toEqual([recent.id, edge.id, otherLineage.id].sort());
    expect(hsm.state(older.id)).toBe('PENDING_DELETION');
    expect(run.result.counts).toEqual({ succeeded: 3, failed: 0, skipped: 0 });
  });

  it('narrows to one cluster with --cluster-id', async () => {
    const mine = deleted(1);
    const theirs = deleted(1, { clusterId: CLUSTER_B });
    hsm.add(mine, theirs);
    await restore({ deletedSince: '1d', clusterId: CLUSTER_B });
    expect(hsm.calls(RestoreBackupCommand).map((i) => i.BackupId)).toEqual([theirs.id]);
  });
});

describe('parseRestoreConfig', () => {
  it("publishes to the backups' region unless --event-region names the bus's (found by an operator pass)", () => {
    const base = { region: 'us-east-1', deletedSince: '2h', publish: 'true' };
    expect(parseRestoreConfig(base, RESTORE_FLAG_NAMES).eventRegion).toBe('us-east-1');
    expect(parseRestoreConfig({ ...base, eventRegion: 'eu-west-1' }, RESTORE_FLAG_NAMES).eventRegion).toBe(
      'eu-west-1',
    );
  });

  it.each([
    [{}, /say what to restore: --backup-id .* or --deleted-since <age>, or --run-id/],
    [{ backupIds: 'backup-aaaaaaaaaaa', deletedSince: '2h' }, /either --backup-id/],
    [{ backupIds: 'backup-x' }, /--backup-id "backup-x" is not valid/],
    [{ deletedSince: 'lately' }, /--deleted-since "lately" is not valid/],
    [{ backupIds: 'backup-aaaaaaaaaaa', clusterId: CLUSTER_B }, /--cluster-id only narrows --deleted-since/],
    [{ deletedSince: '2h', eventBus: 'ops' }, /--event-bus needs --publish/],
    [{ deletedSince: '2h', eventRegion: 'eu-west-1' }, /--event-region needs --publish/],
    [{ deletedSince: '2h', publish: 'true', eventRegion: 'mars-1' }, /--event-region "mars-1" is not valid/],
    [{ deletedSince: '2h', bogus: 'x' }, /unknown restore setting\(s\): bogus/],
  ])('rejects %j', (settings, message) => {
    expect(() => parseRestoreConfig({ region: 'us-east-1', ...settings }, RESTORE_FLAG_NAMES)).toThrow(
      message,
    );
    expect(() => parseRestoreConfig({ region: 'us-east-1', ...settings }, RESTORE_FLAG_NAMES)).toThrow(
      UsageError,
    );
  });

  it('requires one valid region', () => {
    expect(() => parseRestoreConfig({ deletedSince: '2h' }, RESTORE_FLAG_NAMES)).toThrow(
      /--region is required/,
    );
    expect(() => parseRestoreConfig({ region: 'us-east-1,eu-west-1', deletedSince: '2h' })).toThrow(
      UsageError,
    );
  });

  it('de-duplicates ids', () => {
    const config = parseRestoreConfig({
      region: 'us-east-1',
      backupIds: 'backup-aaaaaaaaaaa,backup-aaaaaaaaaaa',
    });
    expect(config.selection).toEqual({ kind: 'ids', backupIds: ['backup-aaaaaaaaaaa'] });
  });
});

describe('restore undoes only what prune did', () => {
  it('--deleted-since restores only backups carrying a deletion record, and reports the others', async () => {
    // Prepare: one deleted by prune, one deleted by someone else (no record), both within the window.
    const mine = deleted(1);
    const notOurs = deleted(1, { tags: {} });
    hsm.add(mine, notOurs);
    // Act
    const run = await restore({ deletedSince: '400d' });
    // Assess
    expect(hsm.calls(RestoreBackupCommand).map((i) => i.BackupId)).toEqual([mine.id]);
    expect(hsm.state(notOurs.id)).toBe('PENDING_DELETION');
    expect(run.result.skipped).toEqual([
      expect.objectContaining({ backupId: notOurs.id, reason: 'not-deleted-by-prune' }),
    ]);
    expect(run.exitCode).toBe(0);
  });

  it('--run-id restores exactly that run, whenever it ran, and removes its record', async () => {
    // Prepare
    const ofRun = [deleted(1), deleted(100)];
    const ofOtherRun = deleted(1, { tags: { [recordTagKey('run-2')]: 'x' } });
    const unrecorded = deleted(1, { tags: {} });
    hsm.add(...ofRun, ofOtherRun, unrecorded);
    // Act
    const run = await restore({ runId: RUN });
    // Assess
    expect(
      hsm
        .calls(RestoreBackupCommand)
        .map((i) => i.BackupId)
        .sort(),
    ).toEqual(ofRun.map((b) => b.id).sort());
    expect(run.result.counts).toEqual({ succeeded: 2, failed: 0, skipped: 0 });
    for (const b of ofRun) expect(hsm.tags(b.id)).toEqual({});
    expect(hsm.state(ofOtherRun.id)).toBe('PENDING_DELETION');
  });

  it('--run-id leaves a backup whose record is older than its deletion by over 15 minutes: that run did not delete it', async () => {
    // Prepare: run-1 recorded it 3 h ago and stopped; someone deleted it 1 h ago (found by an operator pass).
    const stale = deleted(1, { tags: recordAt(RUN, 3) });
    const fresh = deleted(2);
    hsm.add(stale, fresh);
    // Act
    const run = await restore({ runId: RUN });
    // Assess
    expect(hsm.calls(RestoreBackupCommand).map((i) => i.BackupId)).toEqual([fresh.id]);
    expect(hsm.state(stale.id)).toBe('PENDING_DELETION');
    expect(run.result.skipped).toEqual([
      expect.objectContaining({
        backupId: stale.id,
        reason: 'not-deleted-by-prune',
        detail: expect.stringMatching(
          /run run-1 recorded it .* before it was deleted: not this run's deletion/,
        ),
      }),
    ]);
  });

  it("--run-id leaves a backup another run deleted later, though it still carries this run's lapsed record", async () => {
    // Prepare: run-1 recorded it 3 h ago and stopped; run-2 recorded and deleted it 1 h ago.
    const both = deleted(1, { tags: { ...recordAt(RUN, 3), ...recordAt('run-2', 1.01) } });
    hsm.add(both);
    // Act
    const first = await restore({ runId: RUN, dryRun: 'true' });
    const second = await restore({ runId: 'run-2', dryRun: 'true' });
    // Assess
    expect(first.result.skipped.map((o) => [o.backupId, o.reason])).toEqual([
      [both.id, 'not-deleted-by-prune'],
    ]);
    expect(second.result.skipped.map((o) => [o.backupId, o.reason])).toEqual([[both.id, 'dry-run']]);
  });

  it("--deleted-since restores only backups whose record fits the deletion (a dead run's record does not count)", async () => {
    // Prepare
    const dead = deleted(1, { tags: recordAt(RUN, 3) });
    const mine = deleted(2);
    hsm.add(dead, mine);
    // Act
    const run = await restore({ deletedSince: '1d' });
    // Assess
    expect(hsm.calls(RestoreBackupCommand).map((i) => i.BackupId)).toEqual([mine.id]);
    expect(run.result.skipped).toEqual([
      expect.objectContaining({ backupId: dead.id, reason: 'not-deleted-by-prune' }),
    ]);
  });

  it('--run-id on READY backups that carry its record says the run did not delete them, or they were restored', async () => {
    // Prepare: a run killed between record and delete (found by an operator pass).
    const ready = backup(31, { tags: recordAt(RUN, 1) });
    hsm.add(ready);
    // Act
    const run = await restore({ runId: RUN });
    // Assess
    expect(hsm.calls(RestoreBackupCommand)).toEqual([]);
    expect(run.result.skipped).toEqual([
      expect.objectContaining({
        backupId: ready.id,
        detail:
          "READY with run run-1's record: that run did not delete it (it stopped or stood back), or it was restored since",
      }),
    ]);
  });

  it('--run-id of no run is bad input: exit 2, nothing restored, the message says why', async () => {
    // Prepare
    hsm.add(deleted(1, { tags: { [recordTagKey('run-2')]: 'x' } }));
    // Act
    const run = await restore({ runId: 'run-typo' });
    // Assess
    expect(run.exitCode).toBe(2);
    expect(run.failures).toEqual([run.result.unknownRun]);
    expect(run.failures[0]).toMatch(/no backup in us-east-1 carries a deletion record of prune run run-typo/);
    expect(hsm.calls(RestoreBackupCommand)).toEqual([]);
  });

  it('--dry-run lists what it would restore and changes nothing', async () => {
    const pending = deleted(1);
    hsm.add(pending);
    const run = await restore({ runId: RUN, dryRun: 'true' });
    expect(hsm.calls(RestoreBackupCommand)).toEqual([]);
    expect(hsm.calls(UntagResourceCommand)).toEqual([]);
    expect(run.dryRun).toBe(true);
    expect(run.result.skipped).toEqual([
      expect.objectContaining({ backupId: pending.id, reason: 'dry-run' }),
    ]);
    expect(hsm.state(pending.id)).toBe('PENDING_DELETION');
  });

  it('--hold adds the hold tag to what it restores; without it the run says the next prune deletes it again', async () => {
    // Prepare
    const held = deleted(1);
    const unheld = deleted(1, { tags: { [recordTagKey('run-3')]: 'x' } });
    hsm.add(held, unheld);
    // Act
    const withHold = await restore({ runId: RUN, hold: 'true' });
    const without = await restore({ runId: 'run-3' });
    // Assess
    expect(hsm.tags(held.id)).toEqual({ 'cloudhsm-ops:hold': 'restored by run ' + withHold.runId });
    expect(withHold.result.succeeded[0]).toMatchObject({ held: true });
    expect(withHold.nextPrune).toMatch(/held with cloudhsm-ops:hold/);
    expect(hsm.tags(unheld.id)).toEqual({});
    expect(without.nextPrune).toMatch(/next prune with the same settings plans them for deletion again/);
  });

  it('fails the backup (exit 1) when --hold cannot write the hold tag', async () => {
    const pending = deleted(1);
    hsm.add(pending);
    hsm.beforeTag = () => {
      throw new CloudHsmInternalFailureException({ message: 'tagging is down', $metadata: {} });
    };
    const run = await restore({ runId: RUN, hold: 'true' });
    expect(hsm.state(pending.id)).toBe('READY');
    expect(run.result.failed[0]!.detail).toMatch(/restored, but the hold tag could not be written/);
    expect(run.exitCode).toBe(1);
  });

  it.each([
    [{ runId: '' }, /--run-id is empty/],
    [{ runId: 'run id with spaces' }, /--run-id "run id with spaces" is not a run id/],
    [{ runId: RUN, deletedSince: '2h' }, /give only one of --backup-id, --deleted-since or --run-id/],
    [{ runId: RUN, dryRun: 'true', hold: 'true' }, /--hold changes tags: it cannot go with --dry-run/],
  ])('rejects %j', (settings, message) => {
    expect(() => parseRestoreConfig({ region: 'us-east-1', ...settings }, RESTORE_FLAG_NAMES)).toThrow(
      message,
    );
  });
});
