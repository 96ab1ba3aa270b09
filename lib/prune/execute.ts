/**
 * Act: applies a {@link PrunePlan}. Deletes exactly the plan's deletions that are still safe to
 * delete, with bounded concurrency; throttling is the SDK's adaptive retry's job (no sleeps here).
 */
import { DeleteBackupCommand, type DeleteBackupCommandOutput } from '@aws-sdk/client-cloudhsm-v2';
import { mapSettled } from '../concurrency.js';
import { describeError, errorCode } from '../errors.js';
import type { BackupInfo } from '../inventory/types.js';
import { restoreCommand } from '../restore/command.js';
import type { RunCounts } from '../run.js';
import { AdaptiveGate, attemptsOf } from './gate.js';
import { type CloudHsmClients, describeBackupsById } from './lookup.js';
import { deletions, type PlanEntry, type PrunePlan } from './plan.js';

export type OutcomeStatus = 'succeeded' | 'failed' | 'skipped';

/** Why a planned deletion ended the way it did. */
export type OutcomeReason =
  /** DeleteBackup succeeded. */
  | 'deleted'
  /** An earlier attempt's response was lost; the backup is PENDING_DELETION, so the delete happened. */
  | 'already-pending-deletion'
  /** The service no longer knows the backup. */
  | 'already-gone'
  /** Re-read before deleting: no longer READY, NeverExpires now set, hold tag added, or gone. */
  | 'changed'
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
  /** Deletes in flight at once in each region, at most (default 6); fewer while the service throttles. */
  concurrency?: number;
  /** Checked before each delete starts; true stops new deletes (the rest are skipped "deadline"). */
  shouldStop?: () => boolean;
  onProgress?: (progress: ExecuteProgress) => void;
  /** Arguments appended to printed restore commands (`--endpoint URL`). */
  commandArgs?: string[];
}

export const DEFAULT_PRUNE_CONCURRENCY = 6;

const NOT_FOUND = 'CloudHsmResourceNotFoundException';
const INVALID_REQUEST = 'CloudHsmInvalidRequestException';

function outcome(
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

function deleted(
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

/** The reason a re-read backup may no longer be deleted, or undefined when it still may. */
export function staleReason(fresh: BackupInfo | undefined, holdTag: string): string | undefined {
  if (!fresh) return 'no longer listed';
  if (fresh.state !== 'READY') return `state is now ${fresh.state}`;
  if (fresh.neverExpires) return 'NeverExpires is now set';
  if (Object.hasOwn(fresh.tags, holdTag)) return `now carries the hold tag ${holdTag}`;
  return undefined;
}

/**
 * After DeleteBackup answered CloudHsmInvalidRequestException: when an earlier attempt's
 * response was lost, the SDK's retry finds the backup already PENDING_DELETION. Look before
 * calling it a failure.
 */
async function confirmAfterInvalidRequest(
  clients: CloudHsmClients,
  entry: PlanEntry,
  error: unknown,
  commandArgs: string[],
): Promise<PruneOutcome> {
  let fresh: BackupInfo | undefined;
  try {
    fresh = (await describeBackupsById(clients.cloudHsm(entry.region), entry.region, [entry.backupId])).get(
      entry.backupId,
    );
  } catch (lookupError) {
    return outcome(
      entry,
      'failed',
      'error',
      `${describeError(error)}; checking its state also failed: ${describeError(lookupError)}`,
      { errorCode: errorCode(error) },
    );
  }
  if (fresh?.state === 'PENDING_DELETION') {
    return deleted(
      entry,
      'already-pending-deletion',
      'already PENDING_DELETION',
      fresh.deleteAt,
      commandArgs,
    );
  }
  if (!fresh || fresh.state === 'DELETED') {
    return outcome(entry, 'succeeded', 'already-gone', 'already deleted');
  }
  return outcome(entry, 'failed', 'error', `${describeError(error)} (state is ${fresh.state})`, {
    errorCode: errorCode(error),
  });
}

type DeleteAnswer = { response: DeleteBackupCommandOutput } | { error: unknown } | { stopped: true };

/** One DeleteBackup through the region's gate; `shouldStop` is checked once a slot is free. */
async function sendDelete(
  clients: CloudHsmClients,
  entry: PlanEntry,
  gate: AdaptiveGate,
  shouldStop: (() => boolean) | undefined,
): Promise<DeleteAnswer> {
  await gate.acquire();
  let attempts: number | undefined;
  try {
    if (shouldStop?.()) return { stopped: true };
    const response = await clients
      .cloudHsm(entry.region)
      .send(new DeleteBackupCommand({ BackupId: entry.backupId }));
    attempts = attemptsOf(response);
    return { response };
  } catch (error) {
    attempts = attemptsOf(error);
    return { error };
  } finally {
    gate.release(attempts);
  }
}

async function deleteOne(
  clients: CloudHsmClients,
  entry: PlanEntry,
  gate: AdaptiveGate,
  options: ExecuteOptions,
): Promise<PruneOutcome> {
  const commandArgs = options.commandArgs ?? [];
  const answer = await sendDelete(clients, entry, gate, options.shouldStop);
  if ('stopped' in answer)
    return outcome(entry, 'skipped', 'deadline', 'not started: the run ran out of time');
  if ('response' in answer) {
    return deleted(entry, 'deleted', 'deleted', answer.response.Backup?.DeleteTimestamp, commandArgs);
  }
  const { error } = answer;
  const code = errorCode(error);
  if (code === NOT_FOUND) return outcome(entry, 'succeeded', 'already-gone', 'already gone');
  if (code === INVALID_REQUEST) return confirmAfterInvalidRequest(clients, entry, error, commandArgs);
  return outcome(entry, 'failed', 'error', describeError(error), { errorCode: code });
}

/** Re-reads every planned deletion (per region, ≤50 ids a call) and splits off those that changed. */
async function recheck(
  clients: CloudHsmClients,
  planned: PlanEntry[],
  holdTag: string,
): Promise<{ ready: PlanEntry[]; changed: PruneOutcome[] }> {
  const ready: PlanEntry[] = [];
  const changed: PruneOutcome[] = [];
  const regions = [...new Set(planned.map((e) => e.region))];
  await Promise.all(
    regions.map(async (region) => {
      const inRegion = planned.filter((e) => e.region === region);
      let fresh: Map<string, BackupInfo>;
      try {
        fresh = await describeBackupsById(
          clients.cloudHsm(region),
          region,
          inRegion.map((e) => e.backupId),
        );
      } catch (error) {
        // Not knowing the current state is no licence to delete: every one of them fails.
        for (const entry of inRegion) {
          changed.push(
            outcome(entry, 'failed', 'error', `could not re-read before deleting: ${describeError(error)}`, {
              errorCode: errorCode(error),
            }),
          );
        }
        return;
      }
      for (const entry of inRegion) {
        const reason = staleReason(fresh.get(entry.backupId), holdTag);
        if (reason) changed.push(outcome(entry, 'skipped', 'changed', `changed since planning: ${reason}`));
        else ready.push(entry);
      }
    }),
  );
  const order = new Map(planned.map((e, i) => [e.backupId, i]));
  ready.sort((a, b) => order.get(a.backupId)! - order.get(b.backupId)!);
  return { ready, changed };
}

/** How to get past a refused plan. */
export function overLimitMessage(plan: PrunePlan): string {
  const count = deletions(plan).length;
  return (
    `the plan deletes ${count} backups, more than --max-deletions ${plan.maxDeletions}; nothing was deleted. ` +
    `Review the dry run, then raise --max-deletions to ${count} or narrow the cutoff ` +
    '(an earlier --timestamp, a larger --older-than, or one --cluster-id at a time)'
  );
}

function summarise(outcomes: PruneOutcome[], commandArgs: string[], refused?: string): PruneResult {
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

/**
 * Applies a plan: refuses it whole when it is over `maxDeletions`; otherwise re-reads the
 * planned deletions (the plan may be stale), skips any that are no longer safe, and deletes
 * the rest. Never deletes a backup the plan does not list for deletion. Errors are reported
 * per backup, never thrown.
 */
export async function executePrune(
  clients: CloudHsmClients,
  plan: PrunePlan,
  options: ExecuteOptions = {},
): Promise<PruneResult> {
  const commandArgs = options.commandArgs ?? [];
  const planned = deletions(plan);
  if (plan.overLimit) {
    const message = overLimitMessage(plan);
    return summarise(
      planned.map((e) => outcome(e, 'skipped', 'over-limit', 'plan over --max-deletions')),
      commandArgs,
      message,
    );
  }
  if (planned.length === 0) return summarise([], commandArgs);

  const { ready, changed } = await recheck(clients, planned, plan.holdTag);
  const concurrency = options.concurrency ?? DEFAULT_PRUNE_CONCURRENCY;
  const total = planned.length;
  let done = 0;
  const report = (result: PruneOutcome) => {
    done++;
    options.onProgress?.({ done, total, outcome: result });
    return result;
  };
  changed.forEach(report);

  // Regions run side by side, each with its own gate: AWS throttles per region.
  const regions = [...new Set(ready.map((e) => e.region))];
  const perRegion = await Promise.all(
    regions.map(async (region) => {
      const inRegion = ready.filter((e) => e.region === region);
      const gate = new AdaptiveGate(concurrency);
      const settled = await mapSettled(inRegion, concurrency, async (entry) =>
        report(await deleteOne(clients, entry, gate, options)),
      );
      return settled.map((s, i) =>
        s.status === 'fulfilled'
          ? s.value
          : report(
              outcome(inRegion[i]!, 'failed', 'error', describeError(s.reason), {
                errorCode: errorCode(s.reason),
              }),
            ),
      );
    }),
  );
  const attempted = perRegion.flat();
  const order = new Map(planned.map((e, i) => [e.backupId, i]));
  const all = [...changed, ...attempted].sort((a, b) => order.get(a.backupId)! - order.get(b.backupId)!);
  return summarise(all, commandArgs);
}
