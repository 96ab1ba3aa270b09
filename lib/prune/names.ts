/**
 * The settings prune's own messages name. The library speaks in settings ("max deletions 50");
 * its caller passes the names its user typed: the CLI `PRUNE_FLAG_NAMES` (`--max-deletions`),
 * the Lambda `PRUNE_ENV_NAMES` (`MAX_DELETIONS`), as copy does with `COPY_FLAG_NAMES`.
 */
export interface PruneNames {
  maxDeletions: string;
  timestamp: string;
  olderThan: string;
  clusterId: string;
  deleteAll: string;
  copyRetention: string;
}

/** The settings in words, for callers that pass no names. */
export const PRUNE_SETTING_NAMES: PruneNames = {
  maxDeletions: 'max deletions',
  timestamp: 'timestamp',
  olderThan: 'older than',
  clusterId: 'cluster id',
  deleteAll: 'delete all',
  copyRetention: 'copy retention',
};
