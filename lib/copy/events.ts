import { type JobRunSummary, jobRunSummaryEvent, RUN_SUMMARY_SCHEMA_VERSION } from '../events/summary.js';
import { arns, type FeedEvent } from '../events/types.js';

export const COPY_EVENT_SCHEMA_VERSION = '1.0';

/** What one `CloudHSM Backup Copied` event says. */
export interface CopiedFacts {
  runId: string;
  account: string;
  sourceRegion: string;
  sourceBackupId: string;
  sourceClusterId?: string;
  destinationRegion: string;
  /** The copy's own id, when it is known (CopyBackupToRegion does not return it). */
  destinationBackupId?: string;
  /** The source backup's creation time, which the copy shares. */
  createdAt: Date;
  /** When this run made (or, after a lost response, found) the copy. */
  copiedAt: Date;
}

/**
 * The key consumers de-duplicate `CloudHSM Backup Copied` events on: one per copy per run,
 * `<sourceBackupId>:<destinationRegion>:<runId>`. The source backup id and run id alone are
 * not enough: one run copies a source to every DR region, one event each.
 */
export function copyDedupKey(sourceBackupId: string, destinationRegion: string, runId: string): string {
  return `${sourceBackupId}:${destinationRegion}:${runId}`;
}

/**
 * The feed event for one copy. `resources` holds the source backup's ARN and, when known,
 * the copy's, so rules can match either. `dedupKey` ({@link copyDedupKey}) tells a resent
 * event from another copy.
 */
export function backupCopiedEvent(facts: CopiedFacts): FeedEvent {
  const resources = [arns.backup(facts.sourceRegion, facts.account, facts.sourceBackupId)];
  if (facts.destinationBackupId) {
    resources.push(arns.backup(facts.destinationRegion, facts.account, facts.destinationBackupId));
  }
  return {
    detailType: 'CloudHSM Backup Copied',
    detail: {
      schemaVersion: COPY_EVENT_SCHEMA_VERSION,
      dedupKey: copyDedupKey(facts.sourceBackupId, facts.destinationRegion, facts.runId),
      runId: facts.runId,
      account: facts.account,
      sourceRegion: facts.sourceRegion,
      sourceBackupId: facts.sourceBackupId,
      ...(facts.sourceClusterId ? { sourceClusterId: facts.sourceClusterId } : {}),
      destinationRegion: facts.destinationRegion,
      ...(facts.destinationBackupId ? { destinationBackupId: facts.destinationBackupId } : {}),
      createdAt: facts.createdAt.toISOString(),
      copiedAt: facts.copiedAt.toISOString(),
    },
    resources,
    time: facts.copiedAt,
  };
}

/** What a copy run's `CloudHSM Run Summary` is built from. */
export interface CopyRunFacts {
  runId: string;
  account: string;
  sourceRegions: string[];
  drRegions: string[];
  startedAt: Date;
  /** The instant the run planned for (`--now`, or the schedule's time). */
  plannedFor: Date;
  windowStart: Date;
  dryRun: boolean;
  /** Lines by outcome: copied, alreadyPresent, deferred, skipped, failed, notReady. */
  counts: Record<string, number>;
  exitCode: number;
}

/** The copy run's one `CloudHSM Run Summary` (lib/events/summary.ts plus the DR regions and window). */
export function copyRunSummaryEvent(facts: CopyRunFacts): FeedEvent {
  const summary: JobRunSummary = {
    schemaVersion: RUN_SUMMARY_SCHEMA_VERSION,
    job: 'copy',
    runId: facts.runId,
    account: facts.account,
    regions: [...facts.sourceRegions],
    drRegions: [...facts.drRegions],
    startedAt: facts.startedAt.toISOString(),
    plannedFor: facts.plannedFor.toISOString(),
    windowStart: facts.windowStart.toISOString(),
    dryRun: facts.dryRun,
    counts: { ...facts.counts },
    exitCode: facts.exitCode,
    exitStatus: facts.exitCode === 0 ? 'succeeded' : 'failed',
  };
  return jobRunSummaryEvent(summary);
}

/** Names a copy run's event for an "events lost" message: the copy's source and destination, or the summary's run. */
export function describeCopyEvent(event: FeedEvent): string {
  if (event.detailType === 'CloudHSM Run Summary') {
    return `${event.detailType} (run ${String((event.detail as { runId?: string }).runId ?? '?')})`;
  }
  const detail = event.detail as {
    sourceBackupId?: string;
    destinationRegion?: string;
    sourceRegion?: string;
  };
  return copiedEventName(detail.sourceBackupId, detail.sourceRegion, detail.destinationRegion);
}

/** Names a `CloudHSM Backup Copied` event by its copy, also before (or without) building it. */
export function copiedEventName(
  sourceBackupId?: string,
  sourceRegion?: string,
  destinationRegion?: string,
): string {
  return `CloudHSM Backup Copied ${sourceBackupId ?? '?'} (${sourceRegion ?? '?'}) → ${destinationRegion ?? '?'}`;
}
