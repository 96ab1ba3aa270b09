/**
 * The deletion record: before DeleteBackup, prune tags the backup
 * `cloudhsm-ops:deleted-by:<runId>` (value: the run's instant). Tags stay on a backup in
 * PENDING_DELETION and DescribeBackups lists them, so the record
 * - survives a lost DeleteBackup answer and a lost event (it lives on the backup, not in the feed);
 * - lets `restore --run-id` undo exactly one run, and `restore --deleted-since` undo only what
 *   cloudhsm-ops deleted;
 * - tells "my delete whose answer was lost" from "someone else deleted it" (with the SDK's
 *   attempt count: a first attempt refused cannot have been ours).
 *
 * One key per run, not one key whose value is the run: two overlapping runs must not
 * overwrite each other's record. Restore removes the record it acted on.
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
