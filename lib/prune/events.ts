/**
 * The feed events prune and restore produce: `CloudHSM Backup Deleted` per deletion,
 * `CloudHSM Prune Plan` per region for a dry run (a summary, sized well under 256 KB), and
 * `CloudHSM Backup Restored` per restore.
 */
import { backupActionEvent, type EventContext, withTime } from '../events/backup-action.js';
import { arns, type FeedEvent, FINDING_SCHEMA_VERSION } from '../events/types.js';
import type { PruneOutcome } from './execute.js';
import { deletions, type PlanEntry, type PrunePlan, type PruneReason } from './plan.js';

export type { EventContext } from '../events/backup-action.js';

/** Deletions listed in a plan event at most; the rest are counted, not listed. */
export const PLAN_EVENT_MAX_LISTED = 100;
/** Byte budget for the listed deletions, far under PutEvents' 256 KB so the envelope always fits. */
export const PLAN_EVENT_LIST_BYTES = 32 * 1024;

/** One `CloudHSM Backup Deleted` event per backup this run moved to PENDING_DELETION. */
export function deletedEvents(outcomes: readonly PruneOutcome[], context: EventContext): FeedEvent[] {
  return outcomes
    .filter((o) => o.status === 'succeeded' && o.restoreCommand !== undefined)
    .map((o) =>
      backupActionEvent('CloudHSM Backup Deleted', o, context, {
        deleteTimestamp: o.deleteTimestamp ?? null,
        restoreCommand: o.restoreCommand,
        outcome: o.reason,
      }),
    );
}

function listed(entries: PlanEntry[]): { items: object[]; omitted: number } {
  const items: object[] = [];
  let bytes = 2;
  for (const entry of entries.slice(0, PLAN_EVENT_MAX_LISTED)) {
    const item = { backupId: entry.backupId, lineage: entry.lineage, createdAt: entry.createdAt };
    const size = Buffer.byteLength(JSON.stringify(item), 'utf8') + 1;
    if (bytes + size > PLAN_EVENT_LIST_BYTES) break;
    bytes += size;
    items.push(item);
  }
  return { items, omitted: entries.length - items.length };
}

/**
 * One `CloudHSM Prune Plan` event per planned region: the cutoff, the counts by reason, and
 * the first deletions (at most {@link PLAN_EVENT_MAX_LISTED}); never every entry.
 */
export function planEvents(plan: PrunePlan, context: EventContext, applyCommand?: string): FeedEvent[] {
  return plan.regions.map((region) => {
    const entries = plan.entries.filter((e) => e.region === region);
    const toDelete = deletions(plan).filter((e) => e.region === region);
    const byReason: Partial<Record<PruneReason, number>> = {};
    for (const entry of entries) byReason[entry.reason] = (byReason[entry.reason] ?? 0) + 1;
    const { items, omitted } = listed(toDelete);
    return {
      detailType: 'CloudHSM Prune Plan',
      detail: {
        schemaVersion: FINDING_SCHEMA_VERSION,
        runId: context.runId,
        account: context.account,
        region,
        dryRun: true,
        clusterId: plan.clusterId ?? null,
        cutoff: plan.cutoff,
        copyCutoff: plan.copyCutoff ?? null,
        // Under --copy-retention source: each lineage's copy retention and cutoff.
        ...(plan.copyRetention ? { copyRetention: plan.copyRetention } : {}),
        duplicateCopies: plan.duplicateCopies === true,
        deleteAll: plan.deleteAll,
        keepLast: plan.keepLast,
        maxDeletions: plan.maxDeletions,
        overLimit: plan.overLimit,
        counts: {
          considered: entries.length,
          delete: toDelete.length,
          keep: entries.length - toDelete.length,
        },
        byReason,
        deletions: items,
        deletionsNotListed: omitted,
        applyCommand: applyCommand ?? null,
      },
      resources: plan.clusterId
        ? [arns.cluster(clusterRegion(entries, plan.clusterId, region), context.account, plan.clusterId)]
        : [],
      ...withTime(context),
    };
  });
}

/** The region of the plan's cluster: where its copies came from when `region` holds only copies. */
function clusterRegion(entries: readonly PlanEntry[], clusterId: string, region: string): string {
  const lineage = entries.filter((e) => e.lineage === clusterId);
  if (lineage.some((e) => !e.copy)) return region;
  return lineage.find((e) => e.sourceRegion)?.sourceRegion ?? region;
}
