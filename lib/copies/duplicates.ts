/**
 * Which DR copies are duplicates, and which copy of each source backup is the one to keep.
 * The audit (`duplicate-dr-copies`) reports them; prune (`--duplicate-copies`) deletes the
 * extras. Both call {@link duplicateCopies}, so what the audit reports is exactly what prune
 * would remove.
 */
import type { BackupInfo } from '../inventory/types.js';
import { isCopy } from '../inventory/types.js';

/** Copies of one source backup in one region, when there is more than one READY copy. */
export interface DuplicateGroup {
  /** The region the copies are stored in. */
  region: string;
  /** The backup they are copies of (`SourceBackup`). */
  sourceBackupId: string;
  /** Every READY copy of the source backup in the region, oldest first. */
  copies: BackupInfo[];
  /** The copy to keep: the oldest READY one (by copy time), whatever its tags. */
  keep: BackupInfo;
  /** Copies that may be deleted: READY, not the one to keep, neither held nor NeverExpires. Oldest first. */
  extra: BackupInfo[];
  /** Further copies kept because they are held or NeverExpires. Oldest first. */
  protected: BackupInfo[];
}

/** When the copy was made: CopyTimestamp, else CreateTimestamp (which a copy shares with its source). */
const copyTime = (copy: BackupInfo) => (copy.copiedAt ?? copy.createdAt).getTime();

/** Oldest first; the id breaks ties so the answer never depends on listing order. */
const oldestFirst = (a: BackupInfo, b: BackupInfo) => copyTime(a) - copyTime(b) || a.id.localeCompare(b.id);

/** True for a copy nothing may delete: NeverExpires, or carrying the hold tag. */
export function isProtectedCopy(copy: BackupInfo, holdTag: string): boolean {
  return copy.neverExpires || copy.tags[holdTag] !== undefined;
}

/**
 * The duplicate copies among `backups` (any regions, any states; non-copies are ignored).
 * Per source backup per region, counting READY copies only (one being created, deleted or of
 * unknown state is never counted nor extra): when there are two or more, the oldest READY copy
 * is kept, held and NeverExpires copies are kept too, and the rest are `extra`. Groups are
 * ordered by region, then source backup id. Pure.
 */
export function duplicateCopies(backups: readonly BackupInfo[], holdTag: string): DuplicateGroup[] {
  const groups = new Map<string, BackupInfo[]>();
  for (const backup of backups) {
    if (!isCopy(backup) || backup.state !== 'READY' || !backup.sourceBackupId) continue;
    const key = `${backup.region}\u0000${backup.sourceBackupId}`;
    groups.set(key, [...(groups.get(key) ?? []), backup]);
  }
  const result: DuplicateGroup[] = [];
  for (const copies of groups.values()) {
    if (copies.length < 2) continue;
    const sorted = [...copies].sort(oldestFirst);
    const [keep, ...others] = sorted as [BackupInfo, ...BackupInfo[]];
    result.push({
      region: keep.region,
      sourceBackupId: keep.sourceBackupId!,
      copies: sorted,
      keep,
      extra: others.filter((copy) => !isProtectedCopy(copy, holdTag)),
      protected: others.filter((copy) => isProtectedCopy(copy, holdTag)),
    });
  }
  return result.sort(
    (a, b) => a.region.localeCompare(b.region) || a.sourceBackupId.localeCompare(b.sourceBackupId),
  );
}
