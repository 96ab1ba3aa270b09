/**
 * Scheduled prune: plans the deletion of stale backups in REGIONS (DR copies by
 * COPY_RETENTION_DAYS, a number or `source`; the extra copies of a source backup unless
 * DUPLICATE_COPIES=false; originals by OLDER_THAN or TIMESTAMP) under the guardrails, and
 * applies the plan only when PRUNE_EXECUTE=true. Near the Lambda deadline it stops starting
 * deletes and reports what it left; the next run re-plans and finishes (deleted backups are
 * PENDING_DELETION by then, so nothing is deleted twice).
 */
import type { Context } from 'aws-lambda';
import {
  PRUNE_ENV_NAMES,
  PRUNE_LAMBDA_REFUSED,
  PRUNE_LAMBDA_VARIABLES,
  pruneConfigFromEnv,
} from '../lib/config/prune.js';
import { runFailures } from '../lib/jobs/run.js';
import type { PruneOutcome } from '../lib/prune/execute.js';
import { deletions } from '../lib/prune/plan.js';
import { runPrune } from '../lib/prune/run.js';
import type { ScheduleEvent } from './shared/event.js';
import { createRuntime, METRIC } from './shared/runtime.js';

const runtime = createRuntime({
  job: 'prune',
  parse: pruneConfigFromEnv,
  variables: PRUNE_LAMBDA_VARIABLES,
  refused: PRUNE_LAMBDA_REFUSED,
  required: ['REGIONS'],
  deadlineMarginSeconds: 60,
});

/** A backup as the summary lists it. */
export interface PrunedLine {
  backupId: string;
  region: string;
  clusterId?: string;
  restoreCommand?: string;
}

/** What a prune invocation returns. */
export interface PruneSummary {
  mode: 'dry-run' | 'execute';
  considered: number;
  planned: number;
  deleted: PrunedLine[];
  failed: (PrunedLine & { detail: string })[];
  /** Planned deletions not started because the deadline was near; the next run deletes them. */
  leftForNextRun: PrunedLine[];
  /** Skipped because the backup changed since planning (now held, no longer READY, keep-last at risk, ...). */
  changed: number;
  /** Found PENDING_DELETION by someone else's hand (another run, a person): not this run's deletions. */
  deletedElsewhere: number;
  refused?: string;
  restoreCommands: string[];
  eventsPublished: number;
}

const line = (o: PruneOutcome): PrunedLine => ({
  backupId: o.backupId,
  region: o.region,
  ...(o.clusterId ? { clusterId: o.clusterId } : {}),
  ...(o.restoreCommand ? { restoreCommand: o.restoreCommand } : {}),
});

export async function handler(event: ScheduleEvent, context: Context) {
  const config = runtime.config;
  return runtime.invoke<PruneSummary>(event, context, { dryRun: !config.execute }, async (run) => {
    if (config.dryRunOverrode) {
      run.logger.warn('DRY_RUN=true wins over PRUNE_EXECUTE=true: this run only plans, nothing is deleted');
    }
    const result = await runPrune(
      {
        clients: runtime.clients,
        runId: run.runId,
        shouldStop: run.shouldStop,
        applyCommand: () => `set PRUNE_EXECUTE=true on ${runtime.functionName} (parameter pruneExecute)`,
        names: PRUNE_ENV_NAMES,
      },
      config,
      run.now,
    );
    const outcome = result.result;
    for (const o of outcome?.succeeded ?? [])
      run.logger.info('backup deleted', { ...line(o), reason: o.reason });
    for (const o of outcome?.failed ?? [])
      run.logger.error('delete failed', { ...line(o), detail: o.detail });
    const left = (outcome?.skipped ?? []).filter((o) => o.reason === 'deadline');
    if (left.length > 0) {
      run.logger.warn('stopped before the deadline; the next run deletes the rest', { left: left.length });
    }
    const elsewhere = (outcome?.skipped ?? []).filter((o) => o.reason === 'deleted-elsewhere');
    if (elsewhere.length > 0) {
      // Not this run's deletions: no metric, no event, no restore command (another run or a person).
      run.logger.info('found deleted by someone else; not counted', {
        backups: elsewhere.map((o) => o.backupId),
      });
    }
    if (outcome?.refused) run.logger.error('plan refused', { refused: outcome.refused });
    const planned = deletions(result.plan).length;
    run.count(METRIC.backupsPlannedForDeletion, planned);
    run.count(METRIC.backupsDeleted, outcome?.counts.succeeded ?? 0);
    run.count(METRIC.backupsLeftForNextRun, left.length);
    run.count(METRIC.eventsPublished, result.events?.published ?? 0);
    run.count(METRIC.eventsLost, result.events?.lostCount ?? 0);
    return {
      summary: {
        mode: result.mode,
        considered: result.plan.counts.considered,
        planned,
        deleted: (outcome?.succeeded ?? []).map(line),
        failed: (outcome?.failed ?? []).map((o) => ({ ...line(o), detail: o.detail })),
        leftForNextRun: left.map(line),
        changed: (outcome?.skipped ?? []).filter((o) => o.reason === 'changed').length,
        deletedElsewhere: elsewhere.length,
        ...(outcome?.refused ? { refused: outcome.refused } : {}),
        restoreCommands: outcome?.restoreCommands ?? [],
        eventsPublished: result.events?.published ?? 0,
      },
      failures: runFailures(result),
    };
  });
}
