/**
 * Every CloudHSM v2 call cloudhsm-ops makes, as plain functions over a region-scoped client
 * (lib/aws/clients.ts): listings and lookups (every page followed), tags, and the four
 * actions (CopyBackupToRegion, DeleteBackup, RestoreBackup). Prune, copy, restore, inventory
 * and audit call these; nothing else imports the CloudHSM SDK. Answers come back in the
 * snapshot's shape (lib/aws/cloudhsm-shapes.ts).
 */
import {
  type Backup,
  type CloudHSMV2Client,
  CopyBackupToRegionCommand,
  DeleteBackupCommand,
  type DeleteBackupCommandOutput,
  DescribeBackupsCommand,
  DescribeClustersCommand,
  ListTagsCommand,
  RestoreBackupCommand,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-cloudhsm-v2';
import type { BackupInfo, ClusterInfo } from '../inventory/types.js';
import { AwsClients, type AwsOptions } from './clients.js';
import { type Tag, tagsToRecord, toBackupInfo, toClusterInfo } from './cloudhsm-shapes.js';

export { type Tag, tagsToRecord, toBackupInfo, toClusterInfo } from './cloudhsm-shapes.js';
export type { CloudHSMV2Client, DeleteBackupCommandOutput };

/** The region-scoped CloudHSM client a job needs (an `AwsClients` has it; tests pass doubles). */
export interface CloudHsmClients {
  cloudHsm(region: string): CloudHSMV2Client;
}

/** DescribeBackups filters, as the API takes them (`clusterIds`, `states`, `sourceBackupIds`, ...). */
export type BackupFilters = Record<string, string[]>;

/** Largest page each describe call allows, so a listing costs as few calls as possible. */
export const PAGE_SIZE = { clusters: 25, backups: 50, tags: 100 } as const;

/**
 * Ids per call of a DescribeBackups lookup by id: `backupIds` up to a page (each id lists at
 * most one backup); `sourceBackupIds` 25, since AWS documents no limit (stay modest) and one
 * source may have several copies.
 */
export const ID_CHUNK = { backupIds: PAGE_SIZE.backups, sourceBackupIds: 25 } as const;

/** One DescribeBackups request's own fields; the pager sets the page size and token. */
interface BackupQuery {
  Filters?: BackupFilters;
  SortAscending?: boolean;
}

/** Every page of a paged call, asking for the next while the last answer has a NextToken. */
async function* allPages<Page extends { NextToken?: string }>(
  request: (nextToken: string | undefined) => Promise<Page>,
): AsyncGenerator<Page> {
  let nextToken: string | undefined;
  do {
    const page = await request(nextToken);
    yield page;
    nextToken = page.NextToken || undefined;
  } while (nextToken);
}

/** Every page of one DescribeBackups query, in the service's order. */
async function* backupPages(client: CloudHSMV2Client, query: BackupQuery): AsyncGenerator<Backup[]> {
  const pages = allPages((NextToken) =>
    client.send(new DescribeBackupsCommand({ ...query, MaxResults: PAGE_SIZE.backups, NextToken })),
  );
  for await (const page of pages) yield page.Backups ?? [];
}

/** Every backup matching `filters` in the client's region, all pages, oldest first. */
export async function listBackups(
  client: CloudHSMV2Client,
  region: string,
  filters?: BackupFilters,
): Promise<BackupInfo[]> {
  const backups: BackupInfo[] = [];
  for await (const page of backupPages(client, { Filters: filters, SortAscending: true })) {
    for (const backup of page) backups.push(toBackupInfo(backup, region));
  }
  return backups;
}

/**
 * The region's backups created at or after `windowStart`, newest first, paging only as far
 * back as the window reaches. It stops early only while the service's order has been seen
 * to be strictly newest-first; if any page breaks that order it reads every page, since a
 * wrongly early stop would silently leave recent backups uncopied.
 */
export async function listRecentBackups(
  client: CloudHSMV2Client,
  region: string,
  windowStart: Date,
  filters?: BackupFilters,
): Promise<BackupInfo[]> {
  const backups: BackupInfo[] = [];
  let ordered = true;
  let previous = Number.POSITIVE_INFINITY;
  for await (const page of backupPages(client, { Filters: filters, SortAscending: false })) {
    let reachedOlder = false;
    for (const raw of page) {
      const backup = toBackupInfo(raw, region);
      const created = backup.createdAt.getTime();
      if (created > previous) ordered = false;
      previous = created;
      if (created < windowStart.getTime()) reachedOlder = true;
      backups.push(backup);
    }
    if (ordered && reachedOlder) break;
  }
  return backups;
}

/** The backups a by-id filter names, in calls of {@link ID_CHUNK} ids, every page followed. */
async function describeByIds(
  client: CloudHSMV2Client,
  region: string,
  filter: keyof typeof ID_CHUNK,
  ids: readonly string[],
): Promise<BackupInfo[]> {
  const found: BackupInfo[] = [];
  const size = ID_CHUNK[filter];
  for (let start = 0; start < ids.length; start += size) {
    const chunk = ids.slice(start, start + size);
    for await (const page of backupPages(client, { Filters: { [filter]: chunk } })) {
      for (const backup of page) if (backup.BackupId) found.push(toBackupInfo(backup, region));
    }
  }
  return found;
}

/**
 * The current state of the named backups (the `backupIds` filter, 50 ids a call). Ids the
 * service does not list are absent from the map.
 */
export async function describeBackupsById(
  client: CloudHSMV2Client,
  region: string,
  backupIds: readonly string[],
): Promise<Map<string, BackupInfo>> {
  const backups = await describeByIds(client, region, 'backupIds', backupIds);
  return new Map(backups.map((backup) => [backup.id, backup]));
}

/** Every backup in `client`'s region copied from one of `sourceIds` (all states, all pages). */
export async function findCopies(
  client: CloudHSMV2Client,
  region: string,
  sourceIds: readonly string[],
): Promise<BackupInfo[]> {
  return describeByIds(client, region, 'sourceBackupIds', sourceIds);
}

/**
 * Whether the client's region knows cluster `clusterId`: DescribeClusters lists it, or one of its
 * backups is listed (a deleted cluster's backups outlive it). One small call each.
 */
export async function clusterKnown(client: CloudHSMV2Client, clusterId: string): Promise<boolean> {
  const clusters = await client.send(
    new DescribeClustersCommand({ Filters: { clusterIds: [clusterId] }, MaxResults: 1 }),
  );
  if ((clusters.Clusters ?? []).length > 0) return true;
  const backups = await client.send(
    new DescribeBackupsCommand({ Filters: { clusterIds: [clusterId] }, MaxResults: 1 }),
  );
  return (backups.Backups ?? []).length > 0;
}

/** Every cluster matching `filters` in the client's region, all pages. */
export async function listClusters(
  client: CloudHSMV2Client,
  region: string,
  filters?: Record<string, string[]>,
): Promise<ClusterInfo[]> {
  const clusters: ClusterInfo[] = [];
  const pages = allPages((NextToken) =>
    client.send(new DescribeClustersCommand({ Filters: filters, MaxResults: PAGE_SIZE.clusters, NextToken })),
  );
  for await (const page of pages) {
    for (const cluster of page.Clusters ?? []) clusters.push(toClusterInfo(cluster, region));
  }
  return clusters;
}

/** A resource's tags (all pages of ListTags). */
export async function listTags(
  client: CloudHSMV2Client,
  resourceId: string,
): Promise<Record<string, string>> {
  const tags: Record<string, string> = {};
  const pages = allPages((NextToken) =>
    client.send(new ListTagsCommand({ ResourceId: resourceId, NextToken, MaxResults: PAGE_SIZE.tags })),
  );
  for await (const page of pages) Object.assign(tags, tagsToRecord(page.TagList));
  return tags;
}

/** Sets tags on a resource (TagResource overwrites existing keys). */
export async function addTags(
  client: CloudHSMV2Client,
  resourceId: string,
  tags: readonly Tag[],
): Promise<void> {
  await client.send(new TagResourceCommand({ ResourceId: resourceId, TagList: [...tags] }));
}

/** Removes tag keys from a resource. */
export async function removeTags(
  client: CloudHSMV2Client,
  resourceId: string,
  keys: readonly string[],
): Promise<void> {
  await client.send(new UntagResourceCommand({ ResourceId: resourceId, TagKeyList: [...keys] }));
}

/**
 * Clients for CopyBackupToRegion that never resend a request: `maxAttempts: 1` (AwsClients
 * installs a retry strategy that counts attempts exactly; SDK 3.332's default would resend once).
 */
export function singleAttemptClients(options: AwsOptions): AwsClients {
  return new AwsClients({ ...options, maxAttempts: 1 });
}

/**
 * One CopyBackupToRegion call, abandoned after `timeoutMs`. The client must not retry it by
 * itself ({@link singleAttemptClients}): the call is not idempotent, and a retry after a lost
 * response makes a second copy.
 */
export async function copyBackupToRegion(
  client: CloudHSMV2Client,
  backupId: string,
  destinationRegion: string,
  tags: readonly Tag[],
  timeoutMs: number,
): Promise<void> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  try {
    await client.send(
      new CopyBackupToRegionCommand({
        BackupId: backupId,
        DestinationRegion: destinationRegion,
        TagList: [...tags],
      }),
      { abortSignal: abort.signal },
    );
  } finally {
    clearTimeout(timer);
  }
}

/**
 * DeleteBackup: the backup goes PENDING_DELETION and can be restored for 7 days. The answer
 * is returned for its `$metadata` (how many attempts the SDK made: prune's gate reads it).
 */
export async function deleteBackup(
  client: CloudHSMV2Client,
  backupId: string,
): Promise<DeleteBackupCommandOutput> {
  return client.send(new DeleteBackupCommand({ BackupId: backupId }));
}

/** RestoreBackup: a PENDING_DELETION backup is READY again. */
export async function restoreBackup(client: CloudHSMV2Client, backupId: string): Promise<void> {
  await client.send(new RestoreBackupCommand({ BackupId: backupId }));
}
