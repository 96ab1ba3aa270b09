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
 * The feed event for one copy. `resources` holds the source backup's ARN and, when known,
 * the copy's, so rules can match either.
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

/** Names a copy event for an "events lost" message: source backup and destination region. */
export function describeCopiedEvent(event: FeedEvent): string {
  const detail = event.detail as {
    sourceBackupId?: string;
    destinationRegion?: string;
    sourceRegion?: string;
  };
  return `${event.detailType} ${detail.sourceBackupId ?? '?'} (${detail.sourceRegion ?? '?'}) → ${detail.destinationRegion ?? '?'}`;
}
