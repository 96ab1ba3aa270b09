/**
 * The shape every action event on one backup shares (`CloudHSM Backup Deleted` from prune,
 * `CloudHSM Backup Restored` from restore): who acted (run, account), on which backup (region,
 * id, cluster, lineage, creation time), its ARN as the resource, the run's clock as the time.
 * Each action adds its own fields after these. (`CloudHSM Backup Copied` names a source and a
 * destination instead, lib/copy/events.ts.)
 */
import { arns, type FeedEvent, FINDING_SCHEMA_VERSION } from './types.js';

/** The action events: one backup deleted or restored. */
export type BackupActionType = 'CloudHSM Backup Deleted' | 'CloudHSM Backup Restored';

/** What every event of one run shares. */
export interface EventContext {
  runId: string;
  account: string;
  /** Event time (the run's clock); PutEvents uses the call time when absent. */
  time?: Date;
}

/** The event's `time` when the run has its own clock. */
export const withTime = (context: EventContext) => (context.time ? { time: context.time } : {});

/** The backup an action touched, as its event names it (prune and restore outcomes satisfy it). */
export interface ActedOnBackup {
  region: string;
  backupId: string;
  clusterId?: string;
  lineage?: string;
  createdAt?: string;
}

/** One action event on one backup: the shared fields (unknown ones `null`), then `fields`. */
export function backupActionEvent(
  detailType: BackupActionType,
  backup: ActedOnBackup,
  context: EventContext,
  fields: Record<string, unknown>,
): FeedEvent {
  return {
    detailType,
    detail: {
      schemaVersion: FINDING_SCHEMA_VERSION,
      runId: context.runId,
      account: context.account,
      region: backup.region,
      backupId: backup.backupId,
      clusterId: backup.clusterId ?? null,
      lineage: backup.lineage ?? null,
      createdAt: backup.createdAt ?? null,
      ...fields,
    },
    resources: [arns.backup(backup.region, context.account, backup.backupId)],
    ...withTime(context),
  };
}
