import { type CloudHSMV2Client, paginateDescribeBackups } from '@aws-sdk/client-cloudhsm-v2';
import { PAGE_SIZE, toBackupInfo } from '../inventory/gather.js';
import type { BackupInfo } from '../inventory/types.js';

/** The region-scoped CloudHSM client a prune or restore run needs (an `AwsClients` has it). */
export interface CloudHsmClients {
  cloudHsm(region: string): CloudHSMV2Client;
}

/**
 * The current state of the named backups, read with the DescribeBackups `backupIds` filter in
 * calls of at most 50 ids (the page limit), every page followed. Ids the service does not list
 * are absent from the map.
 */
export async function describeBackupsById(
  client: CloudHSMV2Client,
  region: string,
  backupIds: readonly string[],
): Promise<Map<string, BackupInfo>> {
  const found = new Map<string, BackupInfo>();
  for (let start = 0; start < backupIds.length; start += PAGE_SIZE.backups) {
    const chunk = backupIds.slice(start, start + PAGE_SIZE.backups);
    const pages = paginateDescribeBackups(
      { client, pageSize: PAGE_SIZE.backups },
      { Filters: { backupIds: [...chunk] } },
    );
    for await (const page of pages) {
      for (const backup of page.Backups ?? []) {
        if (backup.BackupId) found.set(backup.BackupId, toBackupInfo(backup, region));
      }
    }
  }
  return found;
}
