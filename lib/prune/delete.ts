/**
 * One batch's deletes: this run's record on each backup, then, one after another, the checks
 * (stop, re-read, other runs' records) and DeleteBackup, each in one slot of the region's gate.
 */
import { addTags, type DeleteBackupCommandOutput, deleteBackup } from '../aws/cloudhsm.js';
import { describeError, errorCode } from '../errors.js';
import { type BatchContext, BatchView, latestReason } from './batch.js';
import { confirmAfterError, NOT_FOUND, removeRecord } from './confirm.js';
import { attemptsOf } from './gate.js';
import { deleted, monotonicOf, outcome, type PruneOutcome } from './outcome.js';
import type { PlanEntry } from './plan.js';
import { RECORD_ACT_WITHIN_MS, recordTagKey } from './record.js';

/**
 * How long (ms) the lowest-id of two runs that recorded the same backup waits before reading it
 * again: the other run, seeing this run's record, removes its own right after its read.
 */
export const RECORD_SETTLE_MS = 1000;

const realSettle = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Deletes one batch: this run's record on each backup first, then one backup after another,
 * each checked against a re-read made after the records were written (fresh enough, and able to
 * see another run's record).
 */
export async function processBatch(batch: PlanEntry[], context: BatchContext): Promise<PruneOutcome[]> {
  const unrecorded = new Map<number, PruneOutcome>();
  for (const [index, entry] of batch.entries()) {
    const refused = await writeRecord(entry, context);
    if (refused) unrecorded.set(index, refused);
  }
  const view = new BatchView(batch, context);
  const outcomes: PruneOutcome[] = [];
  for (const [index, entry] of batch.entries()) {
    outcomes.push(context.report(unrecorded.get(index) ?? (await deleteOne(entry, context, view, index))));
  }
  return outcomes;
}

/** In one slot of the region's gate: this run's deletion record. An outcome when it was not written (no record, no delete). */
async function writeRecord(entry: PlanEntry, context: BatchContext): Promise<PruneOutcome | undefined> {
  const { gate, options } = context;
  await gate.acquire();
  let attempts: number | undefined;
  try {
    if (options.shouldStop?.())
      return outcome(entry, 'skipped', 'deadline', 'not started: the run ran out of time');
    await addTags(context.clients.cloudHsm(entry.region), entry.backupId, [
      { Key: recordTagKey(context.runId), Value: context.instant().toISOString() },
    ]);
    context.recordedAt.set(entry.backupId, monotonicOf(options)());
    return undefined;
  } catch (error) {
    attempts = attemptsOf(error);
    if (errorCode(error) === NOT_FOUND)
      return outcome(entry, 'skipped', 'changed', 'changed since planning: no longer listed');
    return outcome(
      entry,
      'failed',
      'error',
      `not deleted: writing the deletion record failed: ${describeError(error)}`,
      { errorCode: errorCode(error) },
    );
  } finally {
    gate.release(attempts);
  }
}

type DeleteAnswer =
  | { response: DeleteBackupCommandOutput }
  | { error: unknown }
  | { changed: string }
  | { unread: unknown }
  | { yielded: string[] }
  | { lapsed: true }
  | { stopped: true };

/**
 * In one slot of the region's gate, so that waiting for a slot never ages the re-read: the
 * stop check, the re-read check (after this run's record was written), the other runs'
 * records, then DeleteBackup. Whatever stops the delete takes this run's record back.
 */
async function sendDelete(
  entry: PlanEntry,
  context: BatchContext,
  view: BatchView,
  index: number,
): Promise<DeleteAnswer> {
  const { gate } = context;
  await gate.acquire();
  let attempts: number | undefined;
  try {
    const answer = await checkBeforeDelete(entry, context, view, index);
    if (answer) {
      await removeRecord(context, entry);
      return answer;
    }
    const response = await deleteBackup(context.clients.cloudHsm(entry.region), entry.backupId);
    attempts = attemptsOf(response);
    return { response };
  } catch (error) {
    attempts = attemptsOf(error);
    return { error };
  } finally {
    gate.release(attempts);
  }
}

/** Why not to delete now (as an answer), or undefined to go ahead. */
async function checkBeforeDelete(
  entry: PlanEntry,
  context: BatchContext,
  view: BatchView,
  index: number,
): Promise<DeleteAnswer | undefined> {
  if (context.options.shouldStop?.()) return { stopped: true };
  if (recordLapsed(entry, context)) return { lapsed: true };
  const read = async (): Promise<DeleteAnswer | undefined> => {
    try {
      const reason = await view.staleReason(index);
      return reason ? { changed: reason } : undefined;
    } catch (error) {
      return { unread: error };
    }
  };
  const first = await read();
  if (first) return first;
  let others = view.othersRecording(index);
  if (others.length > 0 && others.every((other) => context.runId < other)) {
    // The lowest id goes ahead once the others have stood back (each saw this run's record).
    await (context.options.settle ?? realSettle)(RECORD_SETTLE_MS);
    view.forget();
    const again = await read();
    if (again) return again;
    others = view.othersRecording(index);
  }
  if (others.length > 0) return { yielded: others };
  if (recordLapsed(entry, context)) return { lapsed: true };
  // Last look, without a call: what the run has read since (other batches included).
  const since = latestReason(entry, context);
  return since ? { changed: since } : undefined;
}

/** True once this run's record on the backup is too old to act on (other runs ignore it by then). */
function recordLapsed(entry: PlanEntry, context: BatchContext): boolean {
  const at = context.recordedAt.get(entry.backupId);
  return at === undefined || monotonicOf(context.options)() - at > RECORD_ACT_WITHIN_MS;
}

async function deleteOne(
  entry: PlanEntry,
  context: BatchContext,
  view: BatchView,
  index: number,
): Promise<PruneOutcome> {
  const commandArgs = context.options.commandArgs ?? [];
  const answer = await sendDelete(entry, context, view, index);
  if ('stopped' in answer)
    return outcome(entry, 'skipped', 'deadline', 'not started: the run ran out of time');
  if ('changed' in answer)
    return outcome(entry, 'skipped', 'changed', `changed since planning: ${answer.changed}`);
  if ('lapsed' in answer)
    return outcome(
      entry,
      'skipped',
      'deadline',
      `not deleted: more than ${RECORD_ACT_WITHIN_MS / 60_000} minutes passed since this run recorded it (a slowed run); left for the next run`,
    );
  if ('yielded' in answer) {
    const runs = answer.yielded.join(', ');
    return outcome(
      entry,
      'skipped',
      'recorded-by-another-run',
      `prune run ${runs} recorded it too (overlapping runs): left to that run, not deleted here`,
    );
  }
  if ('unread' in answer) {
    // Not knowing the current state is no licence to delete.
    return outcome(
      entry,
      'failed',
      'error',
      `could not re-read before deleting: ${describeError(answer.unread)}`,
      { errorCode: errorCode(answer.unread) },
    );
  }
  if ('response' in answer) {
    return deleted(entry, 'deleted', 'deleted', answer.response.Backup?.DeleteTimestamp, commandArgs);
  }
  const { error } = answer;
  const code = errorCode(error);
  if (code === NOT_FOUND) return outcome(entry, 'succeeded', 'already-gone', 'already gone');
  return confirmAfterError(entry, error, context);
}
