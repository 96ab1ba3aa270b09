/**
 * Scheduled copy: copies each new READY backup of REGIONS to every DR_REGIONS region, once,
 * and publishes `CloudHSM Backup Copied` events and one `CloudHSM Run Summary` to
 * EVENT_BUS_NAME. Near the Lambda deadline it stops starting copies. Copies it could not
 * make (deferred: another run's claim, or the deadline) fail the invocation, so Lambda's
 * retry picks them up a minute later and the Failures alarm sees a run that keeps deferring.
 */
import type { Context } from 'aws-lambda';
import type { DateTime } from 'luxon';
import { isLoopbackEndpoint } from '../lib/aws/clients.js';
import { COPY_LAMBDA_VARIABLES, copyConfigFromEnv } from '../lib/config/copy.js';
import { type CopyCounts, runCopy } from '../lib/copy/execute.js';
import { copyRunFailures } from '../lib/copy/result.js';
import type { ScheduleEvent } from './shared/event.js';
import { createRuntime, METRIC } from './shared/runtime.js';

const runtime = createRuntime({
  job: 'copy',
  parse: copyConfigFromEnv,
  variables: COPY_LAMBDA_VARIABLES,
  required: ['REGIONS', 'DR_REGIONS'],
  // One CopyBackupToRegion may take up to a minute before it is abandoned; then claims are released.
  deadlineMarginSeconds: 120,
});

/** A copy deferred, as the summary lists it: who holds the source backup, and until when. */
export interface DeferredLine {
  sourceRegion: string;
  sourceBackupId?: string;
  destinationRegion?: string;
  reason?: string;
  holderRunId?: string;
  claimUntil?: string;
}

/** One copy made, as the summary lists it. */
export interface CopiedLine {
  sourceRegion: string;
  sourceBackupId?: string;
  destinationRegion?: string;
  destinationBackupId?: string;
  state?: string;
}

/** What a copy invocation returns. */
export interface CopySummary {
  dryRun: boolean;
  counts: CopyCounts;
  /** Copies not started because the deadline was near (also counted as deferred); the next run makes them. */
  leftForNextRun: number;
  copied: CopiedLine[];
  deferred: DeferredLine[];
  failed: { sourceRegion: string; sourceBackupId?: string; destinationRegion?: string; reason?: string }[];
  eventsPublished: number;
}

export async function handler(event: ScheduleEvent, context: Context) {
  const config = runtime.config;
  return runtime.invoke<CopySummary>(event, context, { dryRun: config.dryRun }, async (run) => {
    const result = await runCopy(
      { clients: runtime.clients, runId: run.runId, shouldStop: run.shouldStop, now: claimClock(run.now) },
      config,
      run.now,
    );
    for (const line of result.copied) run.logger.info('backup copied', { ...line });
    for (const line of result.failed) run.logger.error('copy failed', { ...line });
    for (const line of result.deferred) run.logger.warn('copy deferred', { ...line });
    for (const warning of result.warnings) run.logger.warn(warning);
    const left = result.deferred.filter((line) => line.reason === 'stopped').length;
    if (left > 0) run.logger.warn('stopped before the deadline; the next run copies the rest', { left });
    run.count(METRIC.backupsCopied, result.counts.copied);
    run.count(METRIC.copiesAlreadyPresent, result.counts.alreadyPresent);
    run.count(METRIC.copiesNotReady, result.counts.notReady);
    run.count(METRIC.copiesDeferred, result.counts.deferred);
    run.count(METRIC.eventsPublished, result.events?.published ?? 0);
    run.count(METRIC.eventsLost, result.events?.failed.length ?? 0);
    return {
      summary: {
        dryRun: result.dryRun,
        counts: result.counts,
        leftForNextRun: left,
        copied: result.copied.map((line) => ({
          sourceRegion: line.sourceRegion,
          sourceBackupId: line.sourceBackupId,
          destinationRegion: line.destinationRegion,
          destinationBackupId: line.destinationBackupId,
          state: line.state,
        })),
        deferred: result.deferred.map((line) => ({
          sourceRegion: line.sourceRegion,
          sourceBackupId: line.sourceBackupId,
          destinationRegion: line.destinationRegion,
          reason: line.reason,
          holderRunId: line.holderRunId,
          claimUntil: line.claimUntil,
        })),
        failed: result.failed.map((line) => ({
          sourceRegion: line.sourceRegion,
          sourceBackupId: line.sourceBackupId,
          destinationRegion: line.destinationRegion,
          reason: line.reason,
        })),
        eventsPublished: result.events?.published ?? 0,
      },
      failures: copyRunFailures(result),
    };
  });
}

/**
 * The wall clock claims are written and compared with. On AWS it is the real clock (other
 * runs, the CLI's too, compare claim expiry with theirs). Against a local sandbox it runs on
 * from the planned instant, because the sandbox's clock is its own (as the CLI's `--now`).
 */
function claimClock(planned: DateTime): (() => Date) | undefined {
  if (!isLoopbackEndpoint(runtime.clients.options.endpoint)) return undefined;
  const began = performance.now();
  return () => new Date(planned.toMillis() + (performance.now() - began));
}
