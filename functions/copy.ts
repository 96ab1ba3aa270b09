/**
 * Scheduled copy: copies each new READY backup of REGIONS to every DR_REGIONS region, once,
 * and publishes `CloudHSM Backup Copied` events to EVENT_BUS_NAME. Near the Lambda deadline
 * it stops starting copies; the next run picks up what is left.
 */
import type { Context } from 'aws-lambda';
import { COPY_LAMBDA_VARIABLES, copyConfigFromEnv } from '../lib/config/copy.js';
import { copyRunFailed, runCopy } from '../lib/copy/execute.js';
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
  counts: { copied: number; alreadyPresent: number; skipped: number; failed: number; notReady: number };
  /** Copies not started because the deadline was near; the next run makes them. */
  leftForNextRun: number;
  copied: CopiedLine[];
  failed: { sourceRegion: string; sourceBackupId?: string; destinationRegion?: string; reason?: string }[];
  eventsPublished: number;
}

export async function handler(event: ScheduleEvent, context: Context) {
  const config = runtime.config;
  return runtime.invoke<CopySummary>(event, context, { dryRun: config.dryRun }, async (run) => {
    const result = await runCopy(
      { clients: runtime.clients, runId: run.runId, shouldStop: run.shouldStop },
      config,
      run.now,
    );
    for (const line of result.copied) run.logger.info('backup copied', { ...line });
    for (const line of result.failed) run.logger.error('copy failed', { ...line });
    for (const warning of result.warnings) run.logger.warn(warning);
    const left = result.skipped.filter((line) => line.reason === 'stopped').length;
    if (left > 0) run.logger.warn('stopped before the deadline; the next run copies the rest', { left });
    run.count(METRIC.backupsCopied, result.counts.copied);
    run.count(METRIC.copiesAlreadyPresent, result.counts.alreadyPresent);
    run.count(METRIC.copiesNotReady, result.counts.notReady);
    run.count(METRIC.eventsPublished, result.events?.published ?? 0);
    run.count(METRIC.eventsLost, result.events?.failed.length ?? 0);
    const failures: string[] = [];
    if (copyRunFailed(result)) {
      if (result.failed.length) failures.push(`${result.failed.length} copy line(s) failed`);
      if (result.notReady.length) failures.push(`${result.notReady.length} copy(ies) not READY in time`);
      if (result.events?.failed.length)
        failures.push(`${result.events.failed.length} event(s) not delivered`);
      if (failures.length === 0) failures.push('the copy run reported a failure');
    }
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
        failed: result.failed.map((line) => ({
          sourceRegion: line.sourceRegion,
          sourceBackupId: line.sourceBackupId,
          destinationRegion: line.destinationRegion,
          reason: line.reason,
        })),
        eventsPublished: result.events?.published ?? 0,
      },
      failures,
    };
  });
}
