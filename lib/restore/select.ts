/**
 * What a restore run selects and reports: each backup's outcome line, and which backups a
 * list of ids, a time window or a prune run id selects (lib/restore/README.md).
 */
import { DateTime, Duration } from 'luxon';
import { type CloudHsmClients, listBackups } from '../aws/cloudhsm.js';
import { parseDuration } from '../config/common.js';
import type { RestoreConfig } from '../config/restore.js';
import type { BackupInfo } from '../inventory/types.js';
import { lineageOf } from '../inventory/types.js';
import {
  deletingRuns,
  RECORD_LIVE_MS,
  recordedRuns,
  recordFitsDeletion,
  recordTagKey,
} from '../prune/record.js';
import type { RunCounts } from '../run.js';

/** How long CloudHSM keeps a deleted backup restorable (docs/aws-api.md §2.2). */
/** The live span of a deletion record, in minutes, for messages. */
const RECORD_LIVE_MINUTES = RECORD_LIVE_MS / 60_000;

export const RESTORE_WINDOW = Duration.fromObject({ days: 7 });

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

/** One backup's outcome line. */
export function outcomeFor(
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

/** When a PENDING_DELETION backup was deleted (DeleteTimestamp − 7 days), when known. */
export function deletionTime(backup: BackupInfo): Date | undefined {
  return backup.deleteAt ? DateTime.fromJSDate(backup.deleteAt).minus(RESTORE_WINDOW).toJSDate() : undefined;
}

/** True when a PENDING_DELETION backup was deleted within `age` of `now` (DeleteTimestamp − 7 days). */
export function deletedWithin(backup: BackupInfo, age: Duration, now: DateTime): boolean {
  const deletedAt = deletionTime(backup);
  if (backup.state !== 'PENDING_DELETION' || !deletedAt) return false;
  return deletedAt.getTime() >= now.minus(age).toMillis();
}

/** A deleted backup this selection leaves: reported, with how to restore it anyway. */
function notByPrune(region: string, backup: BackupInfo, why: string): RestoreOutcome {
  return outcomeFor(
    backup.id,
    region,
    backup,
    'skipped',
    'not-deleted-by-prune',
    `${why}; name it with --backup-id to restore it`,
  );
}

/** Deleted by cloudhsm-ops prune: a deletion record that fits the deletion's time (lib/prune/record.ts). */
function deletedByPrune(backup: BackupInfo): boolean {
  return deletingRuns(backup.tags, deletionTime(backup)).length > 0;
}

/** Sorts backups named by id: PENDING_DELETION ones are restorable, the rest are reported. */
export function triage(
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
  config: Pick<RestoreConfig, 'region' | 'selection' | 'clusterId' | 'account'>,
  key: string,
): Promise<Selected> {
  const { region, selection } = config;
  const runId = selection.kind === 'run' ? selection.runId : '';
  const ready = (await listBackups(clients.cloudHsm(region), region, { states: ['READY'] })).filter(
    (b) =>
      Object.hasOwn(b.tags, key) && (config.clusterId === undefined || lineageOf(b) === config.clusterId),
  );
  if (ready.length === 0) {
    const inAccount = config.account === undefined ? region : `${region} of account ${config.account}`;
    const where = config.clusterId === undefined ? inAccount : `${inAccount} (cluster ${config.clusterId})`;
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
        `READY with run ${runId}'s record: that run did not delete it (it stopped or stood back), or it was restored since`,
      ),
    ),
    alreadyRestored: `no backup of prune run ${runId} in ${region} is deleted now: its records are on READY backups (restored since, or never deleted by it)`,
  };
}

/** What a selection found: what to restore, what to report, and what to say about a run id. */
export interface Selected {
  restorable: BackupInfo[];
  reported: RestoreOutcome[];
  unknownRun?: string;
  alreadyRestored?: string;
}

/** The PENDING_DELETION backups a time window or a run id selects, and those the window leaves out. */
export async function selectDeleted(
  clients: CloudHsmClients,
  config: Pick<RestoreConfig, 'region' | 'selection' | 'clusterId'>,
  now: DateTime,
): Promise<Selected> {
  const { region, selection } = config;
  const pending = (
    await listBackups(clients.cloudHsm(region), region, { states: ['PENDING_DELETION'] })
  ).filter((b) => config.clusterId === undefined || lineageOf(b) === config.clusterId);
  if (selection.kind === 'run') {
    const { runId } = selection;
    const key = recordTagKey(runId);
    const carrying = pending.filter((b) => Object.hasOwn(b.tags, key));
    const restorable = carrying.filter((b) => recordFitsDeletion(b.tags, runId, deletionTime(b)));
    const notThisRun = carrying
      .filter((b) => !restorable.includes(b))
      .map((b) =>
        notByPrune(
          region,
          b,
          `run ${runId} recorded it at ${b.tags[key]}, over ${RECORD_LIVE_MINUTES} minutes before it was deleted: ` +
            "not this run's deletion (that run stopped or stood back)",
        ),
      );
    if (restorable.length > 0 || notThisRun.length > 0) return { restorable, reported: notThisRun };
    return await runAlreadyRestored(clients, config, key);
  }
  if (selection.kind !== 'deleted-since') return { restorable: [], reported: [] };
  const age = parseDuration(selection.deletedSince, '--deleted-since');
  const inWindow = pending.filter((b) => deletedWithin(b, age, now));
  const recorded = deletedByPrune;
  return {
    restorable: inWindow.filter(recorded),
    reported: inWindow
      .filter((b) => !recorded(b))
      .map((b) =>
        notByPrune(
          region,
          b,
          recordedRuns(b.tags).length > 0
            ? 'deleted in the window, but not by cloudhsm-ops prune (its deletion record is older than the deletion ' +
                `by over ${RECORD_LIVE_MINUTES} minutes: that run stopped)`
            : 'deleted in the window, but not by cloudhsm-ops prune (no deletion record)',
        ),
      ),
  };
}
