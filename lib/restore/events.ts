/**
 * The events restore publishes: `CloudHSM Backup Restored`, shaped like prune's Backup Deleted
 * (lib/events/backup-action.ts builds both).
 */
import { backupActionEvent, type EventContext } from '../events/backup-action.js';
import type { FeedEvent } from '../events/types.js';

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
    .map((o) =>
      backupActionEvent('CloudHSM Backup Restored', o, context, {
        outcome: o.reason,
        held: o.held ?? false,
        ...(nextPrune ? { nextPrune } : {}),
      }),
    );
}
