/**
 * Restore: the undo for prune. RestoreBackup brings a backup in PENDING_DELETION (the 7-day
 * window after DeleteBackup) back to READY. Anything in another state is reported, never attempted.
 *
 * What prune deleted is known from the deletion record it writes on each backup before deleting
 * it (lib/prune/record.ts), not from the event feed: `--run-id` restores one run's deletions,
 * `--deleted-since` only backups carrying a record (anything else in the window is reported, and
 * can be named with `--backup-id`). Restoring removes the record; `--hold` adds the hold tag, since
 * the next prune would otherwise plan the backup again.
 */
import { RestoreBackupCommand, TagResourceCommand, UntagResourceCommand } from '@aws-sdk/client-cloudhsm-v2';
import { DateTime, Duration } from 'luxon';
import * as z from 'zod';
import type { AwsClients } from '../aws/clients.js';
import { mapSettled } from '../concurrency.js';
import {
  DEFAULT_HOLD_TAG,
  EVENT_SOURCE,
  PATTERNS,
  parseBackupId,
  parseClusterId,
  parseCount,
  parseDuration,
  parseRegion,
} from '../config/common.js';
import { describeError, errorCode, UsageError } from '../errors.js';
import { jobRunSummaryEvent, RUN_SUMMARY_SCHEMA_VERSION } from '../events/summary.js';
import { DEFAULT_EVENT_SOURCE, type FeedEvent, type FeedTarget } from '../events/types.js';
import { listBackups } from '../inventory/gather.js';
import type { BackupInfo } from '../inventory/types.js';
import { lineageOf } from '../inventory/types.js';
import { exitCodeOf, type JobRun, type PublishDeps, publishRun } from '../jobs/run.js';
import { attemptsOf } from '../prune/gate.js';
import { type CloudHsmClients, describeBackupsById } from '../prune/lookup.js';
import { RUN_ID_PATTERN, recordedRuns, recordTagKey } from '../prune/record.js';
import type { RunCounts } from '../run.js';
import { newRunId } from '../run.js';
import { restoredEvents } from './events.js';

/** How long CloudHSM keeps a deleted backup restorable (docs/aws-api.md §2.2). */
export const RESTORE_WINDOW = Duration.fromObject({ days: 7 });

/** Which backups to restore. */
export type RestoreSelection =
  /** Exactly these, whoever deleted them. */
  | { kind: 'ids'; backupIds: string[] }
  /**
   * Every backup cloudhsm-ops prune deleted within this age (`2h`): DeleteTimestamp − 7 days
   * ≥ now − age, and a deletion record on the backup. Others deleted in the window are reported.
   */
  | { kind: 'deleted-since'; deletedSince: string }
  /** Exactly the deletions of one prune run: the backups carrying its deletion record. */
  | { kind: 'run'; runId: string };

export interface RestoreConfig {
  region: string;
  selection: RestoreSelection;
  /** Only this lineage (cluster) when restoring by age. */
  clusterId?: string;
  concurrency: number;
  /** List what would be restored; change nothing. */
  dryRun: boolean;
  /** Add the hold tag to what is restored, so the next prune keeps it. */
  hold: boolean;
  publish: boolean;
  eventBus: string;
  eventSource: string;
}

/** The tag `--hold` adds: the default hold tag, which every prune honours. */
export const RESTORE_HOLD_TAG = DEFAULT_HOLD_TAG;

/** Raw restore settings as strings (CLI flags, or an environment). */
export interface RestoreInput {
  region?: string;
  /** One id or a comma list. */
  backupIds?: string;
  deletedSince?: string;
  runId?: string;
  clusterId?: string;
  concurrency?: string;
  /** `true` or `false`. */
  dryRun?: string;
  /** `true` or `false`. */
  hold?: string;
  publish?: string;
  eventBus?: string;
  eventSource?: string;
}

const rawRestoreSchema = z.strictObject({
  region: z.string().optional(),
  backupIds: z.string().optional(),
  deletedSince: z.string().optional(),
  runId: z.string().optional(),
  clusterId: z.string().optional(),
  concurrency: z.string().optional(),
  dryRun: z.string().optional(),
  hold: z.string().optional(),
  publish: z.string().optional(),
  eventBus: z.string().optional(),
  eventSource: z.string().optional(),
});

const given = (v: string | undefined): v is string => v !== undefined && v.trim() !== '';

function readFlag(value: string | undefined, name: string): boolean {
  if (!given(value)) return false;
  const text = value.trim();
  if (text !== 'true' && text !== 'false')
    throw new UsageError(`${name} must be "true" or "false", got "${value}"`);
  return text === 'true';
}

/** Parses restore settings. Bad or contradictory input is a {@link UsageError}. */
export function parseRestoreConfig(input: Record<string, string | undefined>): RestoreConfig {
  const shape = rawRestoreSchema.safeParse(input);
  if (!shape.success) throw new UsageError(`invalid restore settings: ${z.prettifyError(shape.error)}`);
  const raw = shape.data;
  if (!given(raw.region)) throw new UsageError('--region is required');
  const region = parseRegion(raw.region, '--region');
  const byIds = given(raw.backupIds);
  const byAge = given(raw.deletedSince);
  if (raw.runId !== undefined && !given(raw.runId)) {
    throw new UsageError('--run-id is empty: give the run id a prune run printed');
  }
  const byRun = given(raw.runId);
  if (byIds && byAge) throw new UsageError('give either --backup-id or --deleted-since, not both');
  if (byRun && (byIds || byAge)) {
    throw new UsageError('give only one of --backup-id, --deleted-since or --run-id');
  }
  if (!byIds && !byAge && !byRun) {
    throw new UsageError(
      'say what to restore: --backup-id <id> (repeatable) or --deleted-since <age>, or --run-id <prune run id>',
    );
  }
  let selection: RestoreSelection;
  if (byIds) {
    const ids = raw
      .backupIds!.split(',')
      .map((id) => id.trim())
      .filter(Boolean)
      .map(parseBackupId);
    selection = { kind: 'ids', backupIds: [...new Set(ids)] };
  } else if (byRun) {
    const runId = raw.runId!.trim();
    if (!RUN_ID_PATTERN.test(runId)) {
      throw new UsageError(
        `--run-id "${raw.runId}" is not a run id (1-100 letters, digits, "-", "_" or "."; prune prints it)`,
      );
    }
    selection = { kind: 'run', runId };
  } else {
    parseDuration(raw.deletedSince!, '--deleted-since');
    selection = { kind: 'deleted-since', deletedSince: raw.deletedSince!.trim() };
  }
  if (given(raw.clusterId) && byIds) {
    throw new UsageError('--cluster-id only narrows --deleted-since or --run-id');
  }
  const dryRun = readFlag(raw.dryRun, '--dry-run');
  const hold = readFlag(raw.hold, '--hold');
  if (dryRun && hold) throw new UsageError('--hold changes tags: it cannot go with --dry-run');
  const publishText = given(raw.publish) ? raw.publish.trim() : 'false';
  if (publishText !== 'true' && publishText !== 'false') {
    throw new UsageError(`--publish must be "true" or "false", got "${raw.publish}"`);
  }
  const publish = publishText === 'true';
  if (!publish && (given(raw.eventBus) || given(raw.eventSource))) {
    throw new UsageError('--event-bus and --event-source need --publish');
  }
  // Checked now, not at PutEvents time: by then the backups would already be restored.
  if (given(raw.eventBus) && !PATTERNS.eventBusName.test(raw.eventBus.trim())) {
    throw new UsageError(`--event-bus "${raw.eventBus}" is not an event bus name or ARN`);
  }
  if (given(raw.eventSource) && !EVENT_SOURCE.test(raw.eventSource.trim())) {
    throw new UsageError(
      `--event-source "${raw.eventSource}" must not start with "aws." and must be 1-256 characters without spaces`,
    );
  }
  return {
    region,
    selection,
    ...(given(raw.clusterId) ? { clusterId: parseClusterId(raw.clusterId) } : {}),
    concurrency: given(raw.concurrency)
      ? parseCount(raw.concurrency, '--concurrency', { min: 1, max: 32 })
      : 6,
    dryRun,
    hold,
    publish,
    eventBus: given(raw.eventBus) ? raw.eventBus.trim() : 'default',
    eventSource: given(raw.eventSource) ? raw.eventSource.trim() : DEFAULT_EVENT_SOURCE,
  };
}

export type RestoreReason =
  | 'restored'
  /** A lost response's retry found it READY again: the restore happened. */
  | 'already-restored'
  /** Someone else restored it between this run's lookup and its RestoreBackup: not this run's doing. */
  | 'restored-by-another'
  /**
   * READY again after an answer that says nothing (a timeout, a 5xx): this run's restore or
   * another's. Counted as done (held, record removed), but no Backup Restored event claims it.
   */
  | 'ready-outcome-unknown'
  | 'not-pending-deletion'
  | 'not-found'
  | 'permanently-deleted'
  /** Deleted within --deleted-since, but not by cloudhsm-ops prune (no deletion record): reported only. */
  | 'not-deleted-by-prune'
  /** A dry run: this one would be restored. */
  | 'dry-run'
  | 'error';

export interface RestoreOutcome {
  backupId: string;
  region: string;
  clusterId?: string;
  lineage?: string;
  createdAt?: string;
  status: 'succeeded' | 'failed' | 'skipped';
  reason: RestoreReason;
  detail: string;
  errorCode?: string;
  /** Restored and now carrying the hold tag (`--hold`): the next prune keeps it. */
  held?: boolean;
}

export interface RestoreResult {
  succeeded: RestoreOutcome[];
  failed: RestoreOutcome[];
  /** Reported, not attempted (not in PENDING_DELETION). */
  skipped: RestoreOutcome[];
  counts: RunCounts;
  /**
   * Set when `--run-id` names a run no backup in the region carries a deletion record of (a
   * typo, or the wrong region): bad input, which the CLI reports with exit 2.
   */
  unknownRun?: string;
  /** Set when `--run-id` names a run whose backups are READY again: nothing left to restore. */
  alreadyRestored?: string;
}

function outcomeFor(
  backupId: string,
  region: string,
  backup: BackupInfo | undefined,
  status: RestoreOutcome['status'],
  reason: RestoreReason,
  detail: string,
  code?: string,
): RestoreOutcome {
  return {
    backupId,
    region,
    ...(backup?.clusterId !== undefined ? { clusterId: backup.clusterId } : {}),
    ...(backup ? { lineage: lineageOf(backup), createdAt: backup.createdAt.toISOString() } : {}),
    status,
    reason,
    detail,
    ...(code ? { errorCode: code } : {}),
  };
}

/** True when a PENDING_DELETION backup was deleted within `age` of `now` (DeleteTimestamp − 7 days). */
export function deletedWithin(backup: BackupInfo, age: Duration, now: DateTime): boolean {
  if (backup.state !== 'PENDING_DELETION' || !backup.deleteAt) return false;
  const deletedAt = DateTime.fromJSDate(backup.deleteAt).minus(RESTORE_WINDOW);
  return deletedAt.toMillis() >= now.minus(age).toMillis();
}

async function restoreOne(
  clients: CloudHsmClients,
  region: string,
  backup: BackupInfo,
  options: { hold: boolean; runId: string },
): Promise<RestoreOutcome> {
  const client = clients.cloudHsm(region);
  let restored: RestoreOutcome;
  try {
    await client.send(new RestoreBackupCommand({ BackupId: backup.id }));
    restored = outcomeFor(backup.id, region, backup, 'succeeded', 'restored', 'restored');
  } catch (error) {
    const code = errorCode(error);
    // Did it happen anyway? After a lost response the SDK's retry finds the backup READY
    // already; after every answer was lost (timeouts) only a fresh read can tell.
    const fresh = await describeBackupsById(client, region, [backup.id]).catch(() => undefined);
    if (fresh?.get(backup.id)?.state !== 'READY') {
      return outcomeFor(backup.id, region, backup, 'failed', 'error', describeError(error), code);
    }
    // Refused at the first attempt, though, there was no lost response of ours: someone else
    // restored it meanwhile, so it is not this run's restore (no event, no record removal).
    if (code === 'CloudHsmInvalidRequestException' && attemptsOf(error) === 1) {
      return outcomeFor(
        backup.id,
        region,
        backup,
        'skipped',
        'restored-by-another',
        'already READY: restored by someone else since it was looked up',
      );
    }
    // A refusal after a retry usually means this run's first answer was lost, but that first
    // answer (a 5xx) may equally have been a failure while another restorer got there first.
    restored = outcomeFor(
      backup.id,
      region,
      backup,
      'succeeded',
      'ready-outcome-unknown',
      `READY again after ${describeError(error)}: restored by this run (its answer lost) or by another`,
    );
  }
  return afterRestore(client, backup, restored, options);
}

/**
 * Once READY again: the deletion records are stale (the backup is no longer deleted), so they
 * go; with `--hold` the hold tag is written, and a hold that could not be written fails the
 * backup's outcome, since the next prune would delete it again.
 */
async function afterRestore(
  client: ReturnType<CloudHsmClients['cloudHsm']>,
  backup: BackupInfo,
  restored: RestoreOutcome,
  options: { hold: boolean; runId: string },
): Promise<RestoreOutcome> {
  const notes: string[] = [];
  const records = recordedRuns(backup.tags).map(recordTagKey);
  if (records.length > 0) {
    try {
      await client.send(new UntagResourceCommand({ ResourceId: backup.id, TagKeyList: records }));
    } catch (error) {
      notes.push(`its deletion record could not be removed: ${describeError(error)}`);
    }
  }
  if (options.hold) {
    try {
      await client.send(
        new TagResourceCommand({
          ResourceId: backup.id,
          TagList: [{ Key: RESTORE_HOLD_TAG, Value: `restored by run ${options.runId}` }],
        }),
      );
      notes.push(`held (${RESTORE_HOLD_TAG})`);
    } catch (error) {
      return {
        ...restored,
        status: 'failed',
        reason: 'error',
        detail: `restored, but the hold tag could not be written (the next prune may delete it again): ${describeError(error)}`,
        ...(errorCode(error) ? { errorCode: errorCode(error) } : {}),
      };
    }
  }
  return {
    ...restored,
    held: options.hold,
    ...(notes.length > 0 ? { detail: `${restored.detail}; ${notes.join('; ')}` } : {}),
  };
}

function triage(
  region: string,
  ids: string[],
  found: Map<string, BackupInfo>,
): { restorable: BackupInfo[]; reported: RestoreOutcome[] } {
  const restorable: BackupInfo[] = [];
  const reported: RestoreOutcome[] = [];
  for (const id of ids) {
    const backup = found.get(id);
    if (!backup) {
      reported.push(outcomeFor(id, region, undefined, 'failed', 'not-found', `not found in ${region}`));
    } else if (backup.state === 'DELETED') {
      reported.push(
        outcomeFor(id, region, backup, 'failed', 'permanently-deleted', 'DELETED: past the 7-day window'),
      );
    } else if (backup.state !== 'PENDING_DELETION') {
      reported.push(
        outcomeFor(
          id,
          region,
          backup,
          'skipped',
          'not-pending-deletion',
          `state is ${backup.state}; only PENDING_DELETION can be restored`,
        ),
      );
    } else restorable.push(backup);
  }
  return { restorable, reported };
}

/**
 * A run id that selects no PENDING_DELETION backup: either its backups are READY again and
 * still carry its record (restored already), or no backup in the region carries it at all (a
 * mistyped id or the wrong region), which {@link RestoreResult.unknownRun} says plainly.
 */
async function runAlreadyRestored(
  clients: CloudHsmClients,
  config: Pick<RestoreConfig, 'region' | 'selection' | 'clusterId'>,
  key: string,
): Promise<Selected> {
  const { region, selection } = config;
  const runId = selection.kind === 'run' ? selection.runId : '';
  const ready = (await listBackups(clients.cloudHsm(region), region, { states: ['READY'] })).filter(
    (b) =>
      Object.hasOwn(b.tags, key) && (config.clusterId === undefined || lineageOf(b) === config.clusterId),
  );
  if (ready.length === 0) {
    const where = config.clusterId === undefined ? region : `${region} (cluster ${config.clusterId})`;
    return {
      restorable: [],
      reported: [],
      unknownRun:
        `no backup in ${where} carries a deletion record of prune run ${runId}: ` +
        'check the run id and the region; nothing was restored',
    };
  }
  return {
    restorable: [],
    reported: ready.map((b) =>
      outcomeFor(
        b.id,
        region,
        b,
        'skipped',
        'already-restored',
        `already READY: restored since run ${runId} deleted it`,
      ),
    ),
    alreadyRestored: `the backups of prune run ${runId} in ${region} were already restored`,
  };
}

/** What a selection found: what to restore, what to report, and what to say about a run id. */
interface Selected {
  restorable: BackupInfo[];
  reported: RestoreOutcome[];
  unknownRun?: string;
  alreadyRestored?: string;
}

/** The PENDING_DELETION backups a time window or a run id selects, and those the window leaves out. */
async function selectDeleted(
  clients: CloudHsmClients,
  config: Pick<RestoreConfig, 'region' | 'selection' | 'clusterId'>,
  now: DateTime,
): Promise<Selected> {
  const { region, selection } = config;
  const pending = (
    await listBackups(clients.cloudHsm(region), region, { states: ['PENDING_DELETION'] })
  ).filter((b) => config.clusterId === undefined || lineageOf(b) === config.clusterId);
  if (selection.kind === 'run') {
    const key = recordTagKey(selection.runId);
    const restorable = pending.filter((b) => Object.hasOwn(b.tags, key));
    return restorable.length > 0
      ? { restorable, reported: [] }
      : await runAlreadyRestored(clients, config, key);
  }
  if (selection.kind !== 'deleted-since') return { restorable: [], reported: [] };
  const age = parseDuration(selection.deletedSince, '--deleted-since');
  const inWindow = pending.filter((b) => deletedWithin(b, age, now));
  const recorded = (b: BackupInfo) => recordedRuns(b.tags).length > 0;
  return {
    restorable: inWindow.filter(recorded),
    reported: inWindow
      .filter((b) => !recorded(b))
      .map((b) =>
        outcomeFor(
          b.id,
          region,
          b,
          'skipped',
          'not-deleted-by-prune',
          'deleted in the window, but not by cloudhsm-ops prune (no deletion record); name it with --backup-id to restore it',
        ),
      ),
  };
}

/**
 * Restores the selected backups of one region. By id: each is looked up first and restored
 * only when PENDING_DELETION. By age: every PENDING_DELETION backup prune deleted within the
 * age (it carries a deletion record). By run id: every PENDING_DELETION backup carrying that
 * run's record. A dry run restores nothing and lists what it would restore.
 */
export async function restoreBackups(
  clients: CloudHsmClients,
  config: Pick<RestoreConfig, 'region' | 'selection' | 'clusterId' | 'concurrency'> &
    Partial<Pick<RestoreConfig, 'dryRun' | 'hold'>>,
  now: DateTime,
  runId: string = newRunId(),
): Promise<RestoreResult> {
  const { region, selection } = config;
  let selected: Selected;
  if (selection.kind === 'ids') {
    const found = await describeBackupsById(clients.cloudHsm(region), region, selection.backupIds);
    selected = triage(region, selection.backupIds, found);
  } else {
    selected = await selectDeleted(clients, config, now);
  }
  const { restorable, reported } = selected;
  let attempted: RestoreOutcome[];
  if (config.dryRun) {
    attempted = restorable.map((b) =>
      outcomeFor(b.id, region, b, 'skipped', 'dry-run', 'would be restored (dry run: nothing was changed)'),
    );
  } else {
    const options = { hold: config.hold ?? false, runId };
    const settled = await mapSettled(restorable, config.concurrency, (backup) =>
      restoreOne(clients, region, backup, options),
    );
    attempted = settled.map((s, i) =>
      s.status === 'fulfilled'
        ? s.value
        : outcomeFor(restorable[i]!.id, region, restorable[i], 'failed', 'error', describeError(s.reason)),
    );
  }
  const all = [...reported, ...attempted];
  const by = (status: RestoreOutcome['status']) => all.filter((o) => o.status === status);
  const result = { succeeded: by('succeeded'), failed: by('failed'), skipped: by('skipped') };
  return {
    ...result,
    counts: {
      succeeded: result.succeeded.length,
      failed: result.failed.length,
      skipped: result.skipped.length,
    },
    ...(selected.unknownRun ? { unknownRun: selected.unknownRun } : {}),
    ...(selected.alreadyRestored ? { alreadyRestored: selected.alreadyRestored } : {}),
  };
}

/** What the next prune does with restored backups, in words (the CLI prints it, the events carry it). */
export function nextPruneNote(hold: boolean): string {
  return hold
    ? `held with ${RESTORE_HOLD_TAG}: no prune deletes them until the tag is removed`
    : 'not held: the next prune with the same settings plans them for deletion again; ' +
        `restore with --hold (or tag them ${RESTORE_HOLD_TAG}) to keep them`;
}

export interface RestoreDeps extends PublishDeps {
  clients: CloudHsmClients & Partial<Pick<AwsClients, 'eventBridge' | 'sts'>>;
  runId?: string;
}

export interface RestoreRun extends JobRun {
  region: string;
  dryRun: boolean;
  result: RestoreResult;
  /** What the next prune does with what was restored (held or not). */
  nextPrune: string;
}

/** Publishes one `CloudHSM Backup Restored` per restored backup, then the run summary. */
function publishRestored(deps: RestoreDeps, config: RestoreConfig, run: RestoreRun, now: DateTime) {
  const target: FeedTarget = { busName: config.eventBus, source: config.eventSource, region: config.region };
  return publishRun(
    deps,
    target,
    (account) => [
      ...restoredEvents(
        run.result.succeeded,
        { runId: run.runId, account, time: now.toJSDate() },
        nextPruneNote(config.hold),
      ),
      runSummaryEvent(config, run, account, now),
    ],
    { expected: run.result.succeeded.length + 1 },
  );
}

/** The restore run's one `CloudHSM Run Summary`. */
function runSummaryEvent(config: RestoreConfig, run: RestoreRun, account: string, now: DateTime): FeedEvent {
  const { result } = run;
  return {
    ...jobRunSummaryEvent({
      schemaVersion: RUN_SUMMARY_SCHEMA_VERSION,
      job: 'restore',
      runId: run.runId,
      account,
      regions: [config.region],
      startedAt: now.toUTC().toISO({ suppressMilliseconds: true })!,
      dryRun: config.dryRun,
      counts: {
        restored: result.counts.succeeded,
        failed: result.counts.failed,
        skipped: result.counts.skipped,
        wouldRestore: result.skipped.filter((o) => o.reason === 'dry-run').length,
        held: result.succeeded.filter((o) => o.held).length,
      },
      exitCode: run.exitCode,
      exitStatus: run.exitCode === 0 ? 'succeeded' : 'failed',
      selection: config.selection,
      nextPrune: nextPruneNote(config.hold),
    }),
    time: now.toJSDate(),
  };
}

/**
 * Restores (or, for a dry run, lists), then publishes one `CloudHSM Backup Restored` event per
 * restored backup and the run's `CloudHSM Run Summary` when asked.
 */
export async function runRestore(
  deps: RestoreDeps,
  config: RestoreConfig,
  now: DateTime,
): Promise<RestoreRun> {
  const runId = deps.runId ?? newRunId();
  const result = await restoreBackups(deps.clients, config, now, runId);
  // An unknown run id is bad input (exit 2): a mistyped id or the wrong region.
  const badInput = result.unknownRun !== undefined;
  const failures = badInput
    ? [result.unknownRun!]
    : result.failed.length > 0
      ? [`${result.failed.length} backup(s) could not be restored`]
      : [];
  const run: RestoreRun = {
    runId,
    region: config.region,
    dryRun: config.dryRun,
    result,
    nextPrune: nextPruneNote(config.hold),
    failures,
    exitCode: exitCodeOf({ badInput, failures }),
  };
  // An unknown run id is bad input: nothing happened, so there is nothing to publish.
  if (config.publish && result.unknownRun === undefined) {
    run.events = await publishRestored(deps, config, run, now);
    run.exitCode = exitCodeOf(run);
  }
  return run;
}
