/** After DeleteBackup failed: reading the backup to learn whether the delete happened anyway. */
import { type CloudHsmClients, describeBackupsById, removeTags } from '../aws/cloudhsm.js';
import { describeError, errorCode } from '../errors.js';
import type { BackupInfo } from '../inventory/types.js';
import type { BatchContext } from './batch.js';
import { attemptsOf } from './gate.js';
import { deleted, outcome, type PruneOutcome } from './outcome.js';
import type { PlanEntry } from './plan.js';
import { liveRecords, recordTagKey } from './record.js';

export const NOT_FOUND = 'CloudHsmResourceNotFoundException';
const INVALID_REQUEST = 'CloudHsmInvalidRequestException';

/**
 * After DeleteBackup failed: did the delete happen anyway? The answer decides the report and
 * whether this run's record stays, so the state is read, never assumed.
 * - CloudHsmInvalidRequestException: when an earlier attempt's response was lost, the SDK's
 *   retry finds the backup already PENDING_DELETION. It is this run's deletion only if an earlier
 *   attempt existed (attempts > 1) and the backup carries this run's record; refused at the first
 *   attempt, someone else deleted it, and this run claims nothing.
 * - Any other error (no answer in time, 5xx, throttling after a lost answer): the outcome is
 *   unknown. PENDING_DELETION with this run's record is this run's deletion.
 * - The state cannot be read, or reads READY after a request that may still apply (no answer in
 *   time, a server error): the record stays, so `restore --run-id` finds the backup if the delete
 *   does happen. Only a client error answered to the one attempt removes it.
 */
export async function confirmAfterError(
  entry: PlanEntry,
  error: unknown,
  context: BatchContext,
): Promise<PruneOutcome> {
  const { clients, runId, options } = context;
  const code = errorCode(error);
  let fresh: BackupInfo | undefined;
  try {
    fresh = await readAfterError(clients, entry);
  } catch (lookupError) {
    return outcome(
      entry,
      'failed',
      'error',
      `${describeError(error)}; outcome unknown: checking its state also failed (${describeError(lookupError)}), ` +
        `so its deletion record stays for restore --run-id ${runId}`,
      { errorCode: code },
    );
  }
  if (fresh?.state === 'PENDING_DELETION') {
    const recorded = Object.hasOwn(fresh.tags, recordTagKey(runId));
    const refusedAtFirst = code === INVALID_REQUEST && (attemptsOf(error) ?? 1) <= 1;
    // Another run's record here cannot be a rival delete: this run read the backup after
    // writing its own record and saw no other live record (lib/prune/record.ts), so any other
    // run wrote later, saw this run's record and stood back.
    if (recorded && !refusedAtFirst) {
      return deleted(
        entry,
        'already-pending-deletion',
        `PENDING_DELETION: deleted by this run, though ${code === INVALID_REQUEST ? 'an earlier attempt' : 'the call'}'s answer was lost`,
        fresh.deleteAt,
        options.commandArgs ?? [],
      );
    }
    await removeRecord(context, entry);
    const by = liveRecords(fresh.tags, runId, context.instant());
    return outcome(
      entry,
      'skipped',
      'deleted-elsewhere',
      `already PENDING_DELETION: deleted by someone else${by.length > 0 ? ` (prune run ${by.join(', ')})` : ''}, not by this run`,
    );
  }
  if (!fresh || fresh.state === 'DELETED') {
    return outcome(entry, 'succeeded', 'already-gone', 'already deleted');
  }
  if (mayStillApply(error)) {
    // A request that timed out or met a server error may still be applied after this read (the
    // service does not know the client gave up): the record stays, so the deletion is found.
    return outcome(
      entry,
      'failed',
      'error',
      `${describeError(error)}; outcome unknown: the backup reads ${fresh.state} now, but the request may ` +
        `still apply, so its deletion record stays for restore --run-id ${runId}`,
      { errorCode: code },
    );
  }
  await removeRecord(context, entry);
  return outcome(entry, 'failed', 'error', `${describeError(error)} (state is ${fresh.state})`, {
    errorCode: code,
  });
}

/**
 * Whether a failed DeleteBackup may yet take effect: anything but a client error answered to
 * the one and only attempt (a timeout, a server error, or a retry after such an attempt).
 */
function mayStillApply(error: unknown): boolean {
  const { $fault, $metadata } = (error ?? {}) as { $fault?: string; $metadata?: { attempts?: number } };
  return !($fault === 'client' && ($metadata?.attempts ?? 1) <= 1);
}

/** Reads after a failed delete can fail too: {@link CONFIRM_READS} tries before the outcome is called unknown. */
const CONFIRM_READS = 3;

async function readAfterError(clients: CloudHsmClients, entry: PlanEntry): Promise<BackupInfo | undefined> {
  for (let attempt = 1; ; attempt++) {
    try {
      const found = await describeBackupsById(clients.cloudHsm(entry.region), entry.region, [entry.backupId]);
      return found.get(entry.backupId);
    } catch (error) {
      if (attempt >= CONFIRM_READS) throw error;
    }
  }
}

/** Best effort: this run did not delete the backup, so its record must not send a restore there. */
export async function removeRecord(context: BatchContext, entry: PlanEntry): Promise<void> {
  try {
    await removeTags(context.clients.cloudHsm(entry.region), entry.backupId, [recordTagKey(context.runId)]);
  } catch {
    // Left behind, the record names this run on a backup it did not delete: `restore --run-id`
    // would then find that backup READY (not attempted) or, if it is deleted later by someone
    // else, offer it back. The delete itself is decided already; an error here changes nothing.
  }
}
