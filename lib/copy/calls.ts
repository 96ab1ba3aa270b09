import {
  type CloudHSMV2Client,
  CopyBackupToRegionCommand,
  DeleteBackupCommand,
  DescribeBackupsCommand,
  ListTagsCommand,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-cloudhsm-v2';
import { AwsClients, type AwsOptions } from '../aws/clients.js';
import { type BackupFilters, PAGE_SIZE, toBackupInfo } from '../inventory/gather.js';
import type { BackupInfo } from '../inventory/types.js';
import type { Tag } from './tags.js';

/** How many source ids one `sourceBackupIds` lookup carries (AWS documents no limit; stay modest). */
export const LOOKUP_CHUNK = 25;

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
  let nextToken: string | undefined;
  let ordered = true;
  let previous = Number.POSITIVE_INFINITY;
  do {
    const page = await client.send(
      new DescribeBackupsCommand({
        Filters: filters,
        SortAscending: false,
        MaxResults: PAGE_SIZE.backups,
        NextToken: nextToken,
      }),
    );
    let reachedOlder = false;
    for (const raw of page.Backups ?? []) {
      const backup = toBackupInfo(raw, region);
      const created = backup.createdAt.getTime();
      if (created > previous) ordered = false;
      previous = created;
      if (created < windowStart.getTime()) reachedOlder = true;
      backups.push(backup);
    }
    nextToken = page.NextToken || undefined;
    if (ordered && reachedOlder) break;
  } while (nextToken);
  return backups;
}

/** Every backup in `client`'s region copied from one of `sourceIds` (all states, all pages). */
export async function findCopies(
  client: CloudHSMV2Client,
  region: string,
  sourceIds: readonly string[],
): Promise<BackupInfo[]> {
  const found: BackupInfo[] = [];
  for (let start = 0; start < sourceIds.length; start += LOOKUP_CHUNK) {
    const chunk = sourceIds.slice(start, start + LOOKUP_CHUNK);
    let nextToken: string | undefined;
    do {
      const page = await client.send(
        new DescribeBackupsCommand({
          Filters: { sourceBackupIds: chunk },
          MaxResults: PAGE_SIZE.backups,
          NextToken: nextToken,
        }),
      );
      for (const raw of page.Backups ?? []) found.push(toBackupInfo(raw, region));
      nextToken = page.NextToken || undefined;
    } while (nextToken);
  }
  return found;
}

/** A resource's tags (all pages of ListTags). */
export async function readTags(
  client: CloudHSMV2Client,
  resourceId: string,
): Promise<Record<string, string>> {
  const tags: Record<string, string> = {};
  let nextToken: string | undefined;
  do {
    const page = await client.send(
      new ListTagsCommand({ ResourceId: resourceId, NextToken: nextToken, MaxResults: 100 }),
    );
    for (const tag of page.TagList ?? []) if (tag.Key !== undefined) tags[tag.Key] = tag.Value ?? '';
    nextToken = page.NextToken || undefined;
  } while (nextToken);
  return tags;
}

/** Sets one tag (TagResource overwrites an existing key). */
export async function writeTag(client: CloudHSMV2Client, resourceId: string, tag: Tag): Promise<void> {
  await client.send(new TagResourceCommand({ ResourceId: resourceId, TagList: [tag] }));
}

/** Removes one tag key. */
export async function removeTag(client: CloudHSMV2Client, resourceId: string, key: string): Promise<void> {
  await client.send(new UntagResourceCommand({ ResourceId: resourceId, TagKeyList: [key] }));
}

/**
 * Clients for CopyBackupToRegion that never resend a request: `maxAttempts: 1` (AwsClients
 * installs a retry strategy that counts attempts exactly; SDK 3.332's default would resend once).
 */
export function singleAttemptClients(options: AwsOptions): AwsClients {
  return new AwsClients({ ...options, maxAttempts: 1 });
}

/**
 * One CopyBackupToRegion call. The client must not retry it by itself ({@link singleAttemptClients}):
 * the call is not idempotent, and a retry after a lost response makes a second copy.
 */
export async function copyBackup(
  client: CloudHSMV2Client,
  backupId: string,
  destinationRegion: string,
  tags: Tag[],
  timeoutMs: number,
): Promise<void> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  try {
    await client.send(
      new CopyBackupToRegionCommand({
        BackupId: backupId,
        DestinationRegion: destinationRegion,
        TagList: tags,
      }),
      { abortSignal: abort.signal },
    );
  } finally {
    clearTimeout(timer);
  }
}

/** DeleteBackup: the backup goes PENDING_DELETION and can be restored for 7 days. */
export async function deleteBackup(client: CloudHSMV2Client, backupId: string): Promise<void> {
  await client.send(new DeleteBackupCommand({ BackupId: backupId }));
}
