import type { FeedEvent } from './types.js';

/** The jobs that publish a `CloudHSM Run Summary`. */
export type JobName = 'audit' | 'copy' | 'prune' | 'restore';

/**
 * The `detail` every job's `CloudHSM Run Summary` shares: one per run, dry runs and runs with
 * nothing to do included, so a rule can alarm on a missing heartbeat. Jobs add their own fields.
 */
export interface JobRunSummary {
  schemaVersion: string;
  job: JobName;
  runId: string;
  account: string;
  regions: string[];
  startedAt: string;
  dryRun: boolean;
  /** What the run did, by outcome (`deleted`, `copied`, `failed`, `skipped`, ...). */
  counts: Record<string, number>;
  /** The run's exit code: 0 done, 1 something failed, 2 bad input. */
  exitCode: number;
  /** `succeeded` when the exit code is 0, `failed` otherwise. */
  exitStatus: 'succeeded' | 'failed';
  [extra: string]: unknown;
}

export const RUN_SUMMARY_SCHEMA_VERSION = '1.0';

/** The `CloudHSM Run Summary` event; sent last, after every other event of the run. */
export function jobRunSummaryEvent(summary: JobRunSummary): FeedEvent {
  return { detailType: 'CloudHSM Run Summary', detail: { ...summary }, resources: [] };
}
