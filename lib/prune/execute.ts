/**
 * Act: applies a {@link PrunePlan}. Deletes exactly the plan's deletions that are still safe to
 * delete, with bounded concurrency; throttling is the SDK's adaptive retry's job (no sleeps here).
 * Each batch of planned deletions is re-read right before it is deleted (guardrails and
 * keep-last checked again), and each backup carries this run's deletion record
 * (lib/prune/record.ts) before DeleteBackup is sent.
 */

import type { CloudHsmClients } from '../aws/cloudhsm.js';
import { mapSettled } from '../concurrency.js';
import { DEFAULT_CONCURRENCY } from '../config/fields.js';
import { PRUNE_SETTING_NAMES } from '../config/prune-table.js';
import { describeError, errorCode } from '../errors.js';
import { newRunId } from '../run.js';
import { type BatchContext, batchesOf } from './batch.js';
import { processBatch } from './delete.js';
import { AdaptiveGate } from './gate.js';
import { keepLastGuards } from './guards.js';
import {
  type ExecuteOptions,
  monotonicOf,
  type OverLimitNames,
  outcome,
  type PruneOutcome,
  type PruneResult,
  summarise,
} from './outcome.js';
import { deletions, type PrunePlan } from './plan.js';

export { RECHECK_BATCH, RECHECK_MAX_AGE_MS } from './batch.js';
export { RECORD_SETTLE_MS } from './delete.js';
export { staleReason } from './guards.js';
export type {
  ExecuteOptions,
  ExecuteProgress,
  OutcomeReason,
  OutcomeStatus,
  OverLimitNames,
  PruneOutcome,
  PruneResult,
} from './outcome.js';

/** How to get past a refused plan, naming the settings as `names` does. */
export function overLimitMessage(plan: PrunePlan, names: OverLimitNames = PRUNE_SETTING_NAMES): string {
  const count = deletions(plan).length;
  return (
    `the plan deletes ${count} backups, more than ${names.maxDeletions} ${plan.maxDeletions}; nothing was deleted. ` +
    `Review the dry run, then raise ${names.maxDeletions} to ${count} or narrow the cutoff ` +
    `(an earlier ${names.timestamp}, a larger ${names.olderThan}, or one ${names.clusterId} at a time)`
  );
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
