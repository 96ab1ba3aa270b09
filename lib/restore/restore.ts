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
import type { DateTime } from 'luxon';
import type { AwsClients } from '../aws/clients.js';
import {
  addTags,
  type CloudHsmClients,
  describeBackupsById,
  removeTags,
  restoreBackup,
} from '../aws/cloudhsm.js';
import { mapSettled } from '../concurrency.js';
import { DEFAULT_HOLD_TAG } from '../config/common.js';
import type { RestoreConfig } from '../config/restore.js';
import { describeError, errorCode } from '../errors.js';
import { jobRunSummaryEvent, RUN_SUMMARY_SCHEMA_VERSION } from '../events/summary.js';
import type { FeedEvent, FeedTarget } from '../events/types.js';
import type { BackupInfo } from '../inventory/types.js';
import { exitCodeOf, type JobRun, type PublishDeps, publishRun } from '../jobs/run.js';
import { attemptsOf } from '../prune/gate.js';
import { recordedRuns, recordTagKey } from '../prune/record.js';
import { newRunId } from '../run.js';
import { restoredEvents } from './events.js';
import {
  outcomeFor,
  type RestoreOutcome,
  type RestoreResult,
  type Selected,
  selectDeleted,
  triage,
} from './select.js';

/** Restore's settings (lib/config/restore.ts), here too since the tests load them with the run. */
export { parseRestoreConfig, type RestoreConfig, type RestoreSelection } from '../config/restore.js';

/** The tag `--hold` adds: the default hold tag, which every prune honours. */
export const RESTORE_HOLD_TAG = DEFAULT_HOLD_TAG;

async function restoreOne(
  clients: CloudHsmClients,
  region: string,
  backup: BackupInfo,
  options: { hold: boolean; runId: string },
): Promise<RestoreOutcome> {
  const client = clients.cloudHsm(region);
  let restored: RestoreOutcome;
  try {
    await restoreBackup(client, backup.id);
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
      await removeTags(client, backup.id, records);
    } catch (error) {
      notes.push(`its deletion record could not be removed: ${describeError(error)}`);
    }
  }
  if (options.hold) {
    try {
      await addTags(client, backup.id, [
        { Key: RESTORE_HOLD_TAG, Value: `restored by run ${options.runId}` },
      ]);
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
  const target: FeedTarget = {
    busName: config.eventBus,
    source: config.eventSource,
    region: config.eventRegion,
  };
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
