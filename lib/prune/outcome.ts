/** What applying a prune plan reports: one outcome per planned deletion, and their summary. */

import type { PruneNames } from '../config/prune-table.js';
import { restoreCommand } from '../restore/command.js';
import type { RunCounts } from '../run.js';
import type { PlanEntry } from './plan.js';

export type OutcomeStatus = 'succeeded' | 'failed' | 'skipped';

/** Why a planned deletion ended the way it did. */
export type OutcomeReason =
  /** DeleteBackup succeeded. */
  | 'deleted'
  /** An earlier attempt's response was lost; the backup is PENDING_DELETION, so the delete happened. */
  | 'already-pending-deletion'
  /** The service no longer knows the backup. */
  | 'already-gone'
  /**
   * Re-read before deleting: no longer READY, NeverExpires now set, hold tag added, gone,
   * keep-last at risk, or (an extra DR copy) the copy kept for its source backup is no longer READY.
   */
  | 'changed'
  /** Found PENDING_DELETION, and not by this run (no lost answer of its own): no event, no restore command. */
  | 'deleted-elsewhere'
  /** Another live prune run recorded it too (overlapping runs): left to that run, not deleted here. */
  | 'recorded-by-another-run'
  /** The caller's deadline (the Lambda's remaining time) stopped new deletes. */
  | 'deadline'
  /** The plan is larger than max-deletions: nothing was deleted. */
  | 'over-limit'
  | 'error';

/** What happened to one planned deletion. */
export interface PruneOutcome {
  backupId: string;
  region: string;
  clusterId?: string;
  lineage: string;
  createdAt: string;
  status: OutcomeStatus;
  reason: OutcomeReason;
  detail: string;
  errorCode?: string;
  /** When the service deletes it for good (end of the restore window). */
  deleteTimestamp?: string;
  /** Undoes this deletion while the backup is PENDING_DELETION. */
  restoreCommand?: string;
}

/** The result of applying a plan: `{succeeded, failed, skipped}` with per-backup reasons. */
export interface PruneResult {
  /** Set when the executor refused the whole plan; says how to proceed. */
  refused?: string;
  succeeded: PruneOutcome[];
  failed: PruneOutcome[];
  skipped: PruneOutcome[];
  counts: RunCounts;
  /** One command per region undoing every deletion of this run. */
  restoreCommands: string[];
}

export interface ExecuteProgress {
  done: number;
  total: number;
  outcome: PruneOutcome;
}

export interface ExecuteOptions {
  /** The run whose deletion record (lib/prune/record.ts) is written on each backup before deleting it (default: a fresh id). */
  runId?: string;
  /** Deletes in flight at once in each region, at most (default 6); fewer while the service throttles. */
  concurrency?: number;
  /** Checked before each delete starts; true stops new deletes (the rest are skipped "deadline"). */
  shouldStop?: () => boolean;
  onProgress?: (progress: ExecuteProgress) => void;
  /** Milliseconds from a monotonic clock, for the age of a re-read (default `performance.now`). */
  monotonic?: () => number;
  /** Arguments appended to printed restore commands (`--endpoint URL`). */
  commandArgs?: string[];
  /** What messages call the settings: the front end's flags or variables (default: the library's words). */
  names?: OverLimitNames;
  /**
   * Waits `ms` of real time (default: a timer): the lowest-id run of two that recorded one
   * backup waits {@link RECORD_SETTLE_MS} for the other to take its record back.
   */
  settle?: (ms: number) => Promise<void>;
}

/** The settings a refused plan's message names. */
export type OverLimitNames = Pick<PruneNames, 'maxDeletions' | 'timestamp' | 'olderThan' | 'clusterId'>;

/** The run's monotonic clock (ms). */
export const monotonicOf = (options: ExecuteOptions) => options.monotonic ?? (() => performance.now());

/** One outcome for a planned deletion. */
export function outcome(
  entry: PlanEntry,
  status: OutcomeStatus,
  reason: OutcomeReason,
  detail: string,
  extra: Partial<PruneOutcome> = {},
): PruneOutcome {
  return {
    backupId: entry.backupId,
    region: entry.region,
    ...(entry.clusterId !== undefined ? { clusterId: entry.clusterId } : {}),
    lineage: entry.lineage,
    createdAt: entry.createdAt,
    status,
    reason,
    detail,
    ...extra,
  };
}

/** A deletion that happened, with the command that undoes it. */
export function deleted(
  entry: PlanEntry,
  reason: OutcomeReason,
  detail: string,
  deleteAt: Date | undefined,
  commandArgs: string[],
): PruneOutcome {
  return outcome(entry, 'succeeded', reason, detail, {
    ...(deleteAt ? { deleteTimestamp: deleteAt.toISOString() } : {}),
    restoreCommand: restoreCommand(entry.region, [entry.backupId], commandArgs),
  });
}

/** The outcomes sorted by status, with one restore command per region. */
export function summarise(outcomes: PruneOutcome[], commandArgs: string[], refused?: string): PruneResult {
  const by = (status: OutcomeStatus) => outcomes.filter((o) => o.status === status);
  const succeeded = by('succeeded');
  const failed = by('failed');
  const skipped = by('skipped');
  const restorable = succeeded.filter((o) => o.restoreCommand);
  const regions = [...new Set(restorable.map((o) => o.region))];
  return {
    ...(refused ? { refused } : {}),
    succeeded,
    failed,
    skipped,
    counts: { succeeded: succeeded.length, failed: failed.length, skipped: skipped.length },
    restoreCommands: regions.map((region) =>
      restoreCommand(
        region,
        restorable.filter((o) => o.region === region).map((o) => o.backupId),
        commandArgs,
      ),
    ),
  };
}
