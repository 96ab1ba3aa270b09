/**
 * Act: applies a {@link PrunePlan}. Deletes exactly the plan's deletions that are still safe to
 * delete, with bounded concurrency; throttling is the SDK's adaptive retry's job (no sleeps here).
 * Each batch of planned deletions is re-read right before it is deleted (guardrails and
 * keep-last checked again), and each backup carries this run's deletion record
 * (lib/prune/record.ts) before DeleteBackup is sent.
 */
import {
  addTags,
  type CloudHsmClients,
  type DeleteBackupCommandOutput,
  deleteBackup,
  describeBackupsById,
  removeTags,
} from '../aws/cloudhsm.js';
import { mapSettled } from '../concurrency.js';
import { DEFAULT_CONCURRENCY } from '../config/fields.js';
import { PRUNE_SETTING_NAMES, type PruneNames } from '../config/prune-table.js';
import { describeError, errorCode } from '../errors.js';
import type { BackupInfo } from '../inventory/types.js';
import { restoreCommand } from '../restore/command.js';
import { newRunId, type RunCounts } from '../run.js';
import { AdaptiveGate, attemptsOf } from './gate.js';
import { deletions, holdTagOn, type PlanEntry, type PrunePlan } from './plan.js';
import { liveRecords, RECORD_ACT_WITHIN_MS, recordTagKey } from './record.js';

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

/**
 * How long (ms) the lowest-id of two runs that recorded the same backup waits before reading it
 * again: the other run, seeing this run's record, removes its own right after its read.
 */
export const RECORD_SETTLE_MS = 1000;

const realSettle = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const monotonicOf = (options: ExecuteOptions) => options.monotonic ?? (() => performance.now());

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
export function staleReason(fresh: BackupInfo | undefined, holdTags: readonly string[]): string | undefined {
  if (!fresh) return 'no longer listed';
  if (fresh.state !== 'READY') return `state is now ${fresh.state}`;
  if (fresh.neverExpires) return 'NeverExpires is now set';
  const hold = holdTagOn(fresh, holdTags);
  if (hold !== undefined) return `now carries the hold tag ${hold}`;
  return undefined;
}

/**
 * Planned deletions re-read with one DescribeBackups, then deleted one after another: the
 * window between the re-read and each delete is a few deletes long, and never longer than
 * {@link RECHECK_MAX_AGE_MS} plus one delete (the check runs once the gate's slot is held). The
 * re-reads add about one call per five deletes.
 */
export const RECHECK_BATCH = 5;

/** A re-read older than this (ms) is read again before the next delete of its batch. */
export const RECHECK_MAX_AGE_MS = 2000;

/**
 * The kept READY backups whose survival keep-last relies on, per lineage (region + lineage):
 * the newest `keepLast + 1` of the plan's kept READY backups (one spare, so that one of
 * them going away does not stop the run while enough remain).
 */
function keepLastGuards(plan: PrunePlan): Map<string, PlanEntry[]> {
  const guards = new Map<string, PlanEntry[]>();
  if (plan.keepLast === 0) return guards;
  const kept = plan.entries
    .filter((e) => e.decision === 'keep' && e.state === 'READY' && e.reason !== 'other-cluster')
    .sort(newestFirst);
  for (const entry of kept) {
    const key = lineageKey(entry);
    const group = guards.get(key) ?? [];
    if (group.length <= plan.keepLast) group.push(entry);
    guards.set(key, group);
  }
  return guards;
}

const lineageKey = (entry: Pick<PlanEntry, 'region' | 'lineage'>) => `${entry.region}\u0000${entry.lineage}`;

/** The plan's order within a lineage: newest first, ties by id (compared as instants, not strings). */
function newestFirst(a: PlanEntry, b: PlanEntry): number {
  return Date.parse(b.createdAt) - Date.parse(a.createdAt) || a.backupId.localeCompare(b.backupId);
}

/** Why deleting `entry` would break keep-last now, or undefined when enough READY backups remain. */
function keepLastReason(
  entry: PlanEntry,
  plan: PrunePlan,
  guards: Map<string, PlanEntry[]>,
  fresh: Map<string, BackupInfo>,
): string | undefined {
  // An extra DR copy is deleted only while its kept twin (same source, same creation time) is
  // READY (keptCopyReason): the lineage loses no recovery point, so keep-last is not at stake.
  if (plan.keepLast === 0 || entry.keptCopyId !== undefined) return undefined;
  const key = lineageKey(entry);
  const kept = guards.get(key) ?? [];
  // Only kept backups newer than this one count: keep-last keeps the newest READY backups, so
  // when a kept one goes, the next newest (perhaps this planned deletion) is kept in its place.
  const remaining = kept.filter(
    (g) => fresh.get(g.backupId)?.state === 'READY' && newestFirst(g, entry) < 0,
  ).length;
  if (remaining >= plan.keepLast) return undefined;
  // Say what the re-read saw: the READY backups left in the lineage are this run's planned
  // deletions, which keep-last now keeps (never "only 0 READY" while many are).
  const seen = plan.entries.filter(
    (e) => e.decision === 'delete' && lineageKey(e) === key && fresh.get(e.backupId)?.state === 'READY',
  ).length;
  return (
    `keep-last ${plan.keepLast}: ${remaining} of the ${kept.length} backup(s) this run keeps in lineage ` +
    `${entry.lineage} are READY (one was deleted or changed since planning); the ${seen} READY ` +
    "backup(s) of the lineage seen in this check are this run's planned deletions and are kept"
  );
}

/** Why an extra copy may no longer be deleted: the copy kept for its source backup is no longer READY. */
function keptCopyReason(entry: PlanEntry, fresh: Map<string, BackupInfo>): string | undefined {
  if (entry.keptCopyId === undefined) return undefined;
  const kept = fresh.get(entry.keptCopyId);
  if (kept?.state === 'READY') return undefined;
  return (
    `the copy kept for source backup ${kept?.sourceBackupId ?? 'of this one'}, ${entry.keptCopyId}, is ` +
    `${kept ? `now ${kept.state}` : 'no longer listed'}: this copy may be the last one`
  );
}

/** What one batch needs to know: the run and how it reports. */
interface BatchContext {
  clients: CloudHsmClients;
  plan: PrunePlan;
  guards: Map<string, PlanEntry[]>;
  gate: AdaptiveGate;
  options: ExecuteOptions;
  runId: string;
  /** The run's instant now: the plan's `now` plus the monotonic time since the run began. */
  instant: () => Date;
  /** When (monotonic ms) this run's record was written on each backup. */
  recordedAt: Map<string, number>;
  report: (outcome: PruneOutcome) => PruneOutcome;
  /**
   * The newest state this run has read of each backup, whichever batch read it: batches run
   * side by side, and one batch's read can show a kept backup gone before another batch sends
   * its delete.
   */
  latest: Map<string, BackupInfo>;
}

/**
 * The current state of one batch of planned deletions and of the kept backups keep-last relies
 * on: read with one DescribeBackups when first needed, and again for the rest of the batch
 * once that read is older than {@link RECHECK_MAX_AGE_MS}.
 */
class BatchView {
  private fresh: Map<string, BackupInfo> | undefined;
  private readAt = 0;
  private readonly guardIds: string[];
  private readonly monotonic: () => number;

  constructor(
    private readonly batch: PlanEntry[],
    private readonly context: BatchContext,
  ) {
    const guards = batch.flatMap((e) => context.guards.get(lineageKey(e)) ?? []);
    // An extra copy is deleted only while the copy kept for its source backup is still READY.
    const keptCopies = batch.flatMap((e) => (e.keptCopyId ? [e.keptCopyId] : []));
    this.guardIds = [...new Set([...guards.map((g) => g.backupId), ...keptCopies])];
    this.monotonic = monotonicOf(context.options);
  }

  /** Why the batch's `index`-th entry may no longer be deleted, or undefined; throws when it cannot be read. */
  async staleReason(index: number): Promise<string | undefined> {
    const entry = this.batch[index]!;
    if (!this.fresh || this.monotonic() - this.readAt > RECHECK_MAX_AGE_MS) {
      const ids = [...this.batch.slice(index).map((e) => e.backupId), ...this.guardIds];
      this.fresh = undefined; // a failed read leaves nothing to trust: the next entry reads again
      this.fresh = await describeBackupsById(this.context.clients.cloudHsm(entry.region), entry.region, ids);
      this.readAt = this.monotonic();
      for (const [id, backup] of this.fresh) this.context.latest.set(id, backup);
    }
    const { plan, guards } = this.context;
    return (
      staleReason(this.fresh.get(entry.backupId), plan.holdTags) ??
      keptCopyReason(entry, this.fresh) ??
      keepLastReason(entry, plan, guards, this.fresh)
    );
  }

  /** The other live runs whose record the batch's `index`-th entry carried at the last read. */
  othersRecording(index: number): string[] {
    const fresh = this.fresh?.get(this.batch[index]!.backupId);
    return fresh ? liveRecords(fresh.tags, this.context.runId, this.context.instant()) : [];
  }

  /** The next {@link staleReason} reads again. */
  forget(): void {
    this.fresh = undefined;
  }
}

/** Why `entry` may no longer be deleted, judged on the newest state the run has read of everything it relies on. */
function latestReason(entry: PlanEntry, context: BatchContext): string | undefined {
  const { plan, guards, latest } = context;
  return (
    staleReason(latest.get(entry.backupId), plan.holdTags) ??
    keptCopyReason(entry, latest) ??
    keepLastReason(entry, plan, guards, latest)
  );
}

/**
 * Deletes one batch: this run's record on each backup first, then one backup after another,
 * each checked against a re-read made after the records were written (fresh enough, and able to
 * see another run's record).
 */
async function processBatch(batch: PlanEntry[], context: BatchContext): Promise<PruneOutcome[]> {
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

/**
 * After DeleteBackup failed: did the delete happen anyway? The answer decides the report and
 * whether this run's record stays, so the state is read, never assumed.
 * - CloudHsmInvalidRequestException: when an earlier attempt's response was lost, the SDK's
 *   retry finds the backup already PENDING_DELETION. It is this run's deletion only if an earlier
 *   attempt existed (attempts > 1) and the backup carries this run's record; refused at the first
 *   attempt, someone else deleted it, and this run claims nothing.
 * - Any other error (no answer in time, 5xx, throttling after a lost answer): the outcome is
 *   unknown. PENDING_DELETION with this run's record is this run's deletion.
 * - The state cannot be read: the record stays, so `restore --run-id` finds the backup if the
 *   delete did happen.
 */
async function confirmAfterError(
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
  await removeRecord(context, entry);
  return outcome(entry, 'failed', 'error', `${describeError(error)} (state is ${fresh.state})`, {
    errorCode: code,
  });
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
async function removeRecord(context: BatchContext, entry: PlanEntry): Promise<void> {
  try {
    await removeTags(context.clients.cloudHsm(entry.region), entry.backupId, [recordTagKey(context.runId)]);
  } catch {
    // Left behind, the record names this run on a backup it did not delete: `restore --run-id`
    // would then find that backup READY (not attempted) or, if it is deleted later by someone
    // else, offer it back. The delete itself is decided already; an error here changes nothing.
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

/** Splits one region's deletions into re-read batches, spread over the workers when few. */
function batchesOf(entries: PlanEntry[], concurrency: number): PlanEntry[][] {
  const size = Math.max(1, Math.min(RECHECK_BATCH, Math.ceil(entries.length / concurrency)));
  const batches: PlanEntry[][] = [];
  for (let i = 0; i < entries.length; i += size) batches.push(entries.slice(i, i + size));
  return batches;
}

/** How to get past a refused plan. */
export function overLimitMessage(plan: PrunePlan, names: OverLimitNames = PRUNE_SETTING_NAMES): string {
  const count = deletions(plan).length;
  return (
    `the plan deletes ${count} backups, more than ${names.maxDeletions} ${plan.maxDeletions}; nothing was deleted. ` +
    `Review the dry run, then raise ${names.maxDeletions} to ${count} or narrow the cutoff ` +
    `(an earlier ${names.timestamp}, a larger ${names.olderThan}, or one ${names.clusterId} at a time)`
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
 * Applies a plan: refuses it whole when it is over `maxDeletions`; otherwise, a few at a
 * time, re-reads the planned deletions (the plan may be stale) and the backups keep-last
 * relies on, skips any that are no longer safe, records the deletion on the backup and deletes
 * it. Never deletes a backup the plan does not list for deletion. Errors are reported
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
    const names = options.names ?? PRUNE_SETTING_NAMES;
    const message = overLimitMessage(plan, names);
    return summarise(
      planned.map((e) => outcome(e, 'skipped', 'over-limit', `plan over ${names.maxDeletions}`)),
      commandArgs,
      message,
    );
  }
  if (planned.length === 0) return summarise([], commandArgs);

  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  const total = planned.length;
  let done = 0;
  const report = (result: PruneOutcome) => {
    done++;
    options.onProgress?.({ done, total, outcome: result });
    return result;
  };
  const guards = keepLastGuards(plan);
  const runId = options.runId ?? newRunId();
  const monotonic = monotonicOf(options);
  const began = monotonic();
  const instant = () => new Date(Date.parse(plan.now) + (monotonic() - began));

  // Regions run side by side, each with its own gate: AWS throttles per region.
  const regions = [...new Set(planned.map((e) => e.region))];
  const perRegion = await Promise.all(
    regions.map(async (region) => {
      const batches = batchesOf(
        planned.filter((e) => e.region === region),
        concurrency,
      );
      const context: BatchContext = {
        clients,
        plan,
        guards,
        gate: new AdaptiveGate(concurrency),
        options,
        runId,
        instant,
        recordedAt: new Map(),
        report,
        latest: new Map(),
      };
      const settled = await mapSettled(batches, concurrency, (batch) => processBatch(batch, context));
      return settled.flatMap((s, i) =>
        s.status === 'fulfilled'
          ? s.value
          : batches[i]!.map((entry) =>
              report(
                outcome(entry, 'failed', 'error', describeError(s.reason), {
                  errorCode: errorCode(s.reason),
                }),
              ),
            ),
      );
    }),
  );
  const order = new Map(planned.map((e, i) => [e.backupId, i]));
  const all = perRegion.flat().sort((a, b) => order.get(a.backupId)! - order.get(b.backupId)!);
  return summarise(all, commandArgs);
}
