/**
 * The deletion record: before DeleteBackup, prune tags the backup
 * `cloudhsm-ops:deleted-by:<runId>` (value: the instant it was written). Tags stay on a backup in
 * PENDING_DELETION and DescribeBackups lists them, so the record
 * - survives a lost DeleteBackup answer and a lost event (it lives on the backup, not in the feed);
 * - lets `restore --run-id` undo exactly one run, and `restore --deleted-since` undo only what
 *   cloudhsm-ops deleted;
 * - tells "my delete whose answer was lost" from "someone else deleted it" (with the SDK's
 *   attempt count: a first attempt refused cannot have been ours).
 *
 * One key per run, not one key whose value is the run: two overlapping runs must not
 * overwrite each other's record. Restore removes the record it acted on.
 *
 * The record is also how overlapping runs keep out of each other's way (README, "prune"): a
 * run deletes a backup only if, read after its own record was written,
 * the backup carries no other run's live record. Of two runs that both wrote first, at most one
 * can then see the other's record missing, so at most one sends DeleteBackup, and a lost answer
 * never leaves two runs unsure which of them deleted it.
 */

/** Every record key starts with this. */
export const RECORD_TAG_PREFIX = 'cloudhsm-ops:deleted-by:';

/** The record key of one run. */
export function recordTagKey(runId: string): string {
  return `${RECORD_TAG_PREFIX}${runId}`;
}

/** The run ids whose deletion records a backup carries. */
export function recordedRuns(tags: Readonly<Record<string, string>>): string[] {
  return Object.keys(tags)
    .filter((key) => key.startsWith(RECORD_TAG_PREFIX))
    .map((key) => key.slice(RECORD_TAG_PREFIX.length));
}

/** Run ids are tag-key material: 1–100 letters, digits, `-`, `_`, `.` (a UUID by default). */
export const RUN_ID_PATTERN = /^[A-Za-z0-9._-]{1,100}$/;

/**
 * A run sends DeleteBackup only within this long (ms, by its monotonic clock) of writing its
 * record there; later, it takes the record back and leaves the backup to the next run.
 */
export const RECORD_ACT_WITHIN_MS = 10 * 60_000;

/**
 * Another run's record keeps this run away while it is younger than this (ms): the act-within
 * window plus five minutes for clocks that disagree. An older record's run will not delete
 * (it stopped, or its window passed), so a run that died between record and delete blocks the
 * backup for at most this long.
 */
export const RECORD_LIVE_MS = RECORD_ACT_WITHIN_MS + 5 * 60_000;

/**
 * The other runs whose record on a backup is live at `now`: its value (the instant it was
 * written) at most {@link RECORD_LIVE_MS} before `now`, or later. A value that is not an
 * instant was not written by prune and is ignored.
 */
export function liveRecords(tags: Readonly<Record<string, string>>, runId: string, now: Date): string[] {
  const nowMs = now.getTime();
  return recordedRuns(tags).filter((id) => {
    if (id === runId) return false;
    const at = Date.parse(tags[recordTagKey(id)] ?? '');
    return !Number.isNaN(at) && at >= nowMs - RECORD_LIVE_MS;
  });
}

/** Clocks that disagree: a record may read up to this long (ms) after the deletion it made. */
const CLOCK_SLACK_MS = 5 * 60_000;

/**
 * Whether run `runId`'s record on a deleted backup can be the record of that deletion: a run
 * deletes within {@link RECORD_ACT_WITHIN_MS} of writing its record, so a record written more
 * than {@link RECORD_LIVE_MS} before the deletion (or after it) belongs to a run that stopped
 * or stood back, and someone else deleted the backup. Without the deletion time (or a record
 * that is not an instant) the record is taken at its word.
 */
export function recordFitsDeletion(
  tags: Readonly<Record<string, string>>,
  runId: string,
  deletedAt: Date | undefined,
): boolean {
  const value = tags[recordTagKey(runId)];
  if (value === undefined) return false;
  const at = Date.parse(value);
  if (!deletedAt || Number.isNaN(at)) return true;
  const gap = deletedAt.getTime() - at;
  return gap <= RECORD_LIVE_MS && gap >= -CLOCK_SLACK_MS;
}

/** The runs whose record on a deleted backup can be the record of its deletion. */
export function deletingRuns(tags: Readonly<Record<string, string>>, deletedAt: Date | undefined): string[] {
  return recordedRuns(tags).filter((id) => recordFitsDeletion(tags, id, deletedAt));
}
