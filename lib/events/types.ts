/**
 * What the findings/actions feed carries, before it becomes a PutEvents entry.
 * Producers (audit, copy, prune, restore) build these; lib/events/publisher sends them.
 */
export interface FeedEvent {
  /** `CloudHSM Finding`, `CloudHSM Backup Copied`, `CloudHSM Backup Deleted`, ... */
  detailType: FeedDetailType;
  /** The event's detail object (must serialise to a JSON object). */
  detail: Record<string, unknown>;
  /** ARNs the event is about (the cluster ARN for findings, the backup ARN for actions). */
  resources: string[];
  /** When it happened; PutEvents uses the call time when absent. */
  time?: Date;
}

export type FeedDetailType =
  | 'CloudHSM Finding'
  | 'CloudHSM Backup Copied'
  | 'CloudHSM Backup Deleted'
  | 'CloudHSM Backup Restored'
  | 'CloudHSM Prune Plan'
  | 'CloudHSM Run Summary';

/** Where events go. */
export interface FeedTarget {
  /** Event bus name or ARN (`default` when absent). */
  busName: string;
  /** The `source` field rules match on; default `cloudhsm-ops`. */
  source: string;
  /** The region whose EventBridge receives the feed. */
  region: string;
}

export const DEFAULT_EVENT_SOURCE = 'cloudhsm-ops';
export const FINDING_SCHEMA_VERSION = '1.0';

/**
 * The partition a region belongs to: `aws-cn` for China (cn-*), `aws-us-gov` for GovCloud
 * (us-gov-*), the ISO partitions by their prefixes, else `aws`.
 */
export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  if (region.startsWith('us-isob-')) return 'aws-iso-b';
  if (region.startsWith('us-isof-')) return 'aws-iso-f';
  if (region.startsWith('eu-isoe-')) return 'aws-iso-e';
  if (region.startsWith('us-iso-')) return 'aws-iso';
  return 'aws';
}

/**
 * The one place a CloudHSM ARN is built. `region` is the resource's own region: a cluster's
 * region, or the region a backup (or copy) is stored in.
 */
export function cloudHsmArn(
  partition: string,
  region: string,
  account: string,
  type: 'cluster' | 'backup',
  id: string,
): string {
  return `arn:${partition}:cloudhsm:${region}:${account}:${type}/${id}`;
}

/** ARN helpers: the partition follows the resource's region. */
export const arns = {
  cluster: (region: string, account: string, clusterId: string) =>
    cloudHsmArn(partitionOf(region), region, account, 'cluster', clusterId),
  backup: (region: string, account: string, backupId: string) =>
    cloudHsmArn(partitionOf(region), region, account, 'backup', backupId),
};

/** An event PutEvents did not accept after every retry. */
export interface UndeliveredEvent {
  event: FeedEvent;
  errorCode: string;
  errorMessage: string;
}

/** What publishing did; `failed` non-empty means the run must exit non-zero and say what was lost. */
export interface PublishResult {
  published: number;
  failed: UndeliveredEvent[];
  /** PutEvents calls made, retries included. */
  calls: number;
}

/**
 * The publisher's contract (implemented in lib/events/publisher.ts):
 * `publishEvents(client, events, target, options?) => Promise<PublishResult>`.
 * Batches of at most 10 entries and under 256 KB, retries only failed entries with backoff.
 */
export interface PublishOptions {
  /** Attempts per entry, the first included. */
  maxAttempts?: number;
  /** Base backoff between retry rounds in ms (tests pass 0). */
  backoffMs?: number;
}
