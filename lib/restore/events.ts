/**
 * The events restore publishes. Restore builds on prune's event context (it undoes prune's
 * deletions); prune never imports restore.
 */
import { arns, type FeedEvent, FINDING_SCHEMA_VERSION } from '../events/types.js';
import { type EventContext, withTime } from '../prune/events.js';

/** What the Backup Restored event says of one restore (a RestoreOutcome satisfies it). */
export interface RestoredBackup {
  status: string;
  reason: string;
  region: string;
  backupId: string;
  clusterId?: string;
  lineage?: string;
  createdAt?: string;
  held?: boolean;
}

/** One `CloudHSM Backup Restored` event per backup this run brought back; `nextPrune` says what the next prune does with it. */
export function restoredEvents(
  outcomes: readonly RestoredBackup[],
  context: EventContext,
  nextPrune?: string,
): FeedEvent[] {
  return outcomes
    .filter((o) => o.status === 'succeeded' && o.reason !== 'ready-outcome-unknown')
    .map((o) => ({
      detailType: 'CloudHSM Backup Restored',
      detail: {
        schemaVersion: FINDING_SCHEMA_VERSION,
        runId: context.runId,
        account: context.account,
        region: o.region,
        backupId: o.backupId,
        clusterId: o.clusterId ?? null,
        lineage: o.lineage ?? null,
        createdAt: o.createdAt ?? null,
        outcome: o.reason,
        held: o.held ?? false,
        ...(nextPrune ? { nextPrune } : {}),
      },
      resources: [arns.backup(o.region, context.account, o.backupId)],
      ...withTime(context),
    }));
}
