/**
 * The checks a planned deletion must pass again right before DeleteBackup: the backup itself
 * (still READY, no NeverExpires, no hold tag), the kept copy of an extra DR copy, and keep-last.
 */
import type { BackupInfo } from '../inventory/types.js';
import { holdTagOn, type PlanEntry, type PrunePlan } from './plan.js';

/** The reason a re-read backup may no longer be deleted, or undefined when it still may. */
export function staleReason(fresh: BackupInfo | undefined, holdTags: readonly string[]): string | undefined {
  if (!fresh) return 'no longer listed';
  if (fresh.state !== 'READY') return `state is now ${fresh.state}`;
  if (fresh.neverExpires) return 'NeverExpires is now set';
  const hold = holdTagOn(fresh, holdTags);
  if (hold !== undefined) return `now carries the hold tag ${hold}`;
  return undefined;
}

/**
 * The kept READY backups whose survival keep-last relies on, per lineage (region + lineage):
 * the newest `keepLast + 1` of the plan's kept READY backups (one spare, so that one of
 * them going away does not stop the run while enough remain).
 */
export function keepLastGuards(plan: PrunePlan): Map<string, PlanEntry[]> {
  const guards = new Map<string, PlanEntry[]>();
  if (plan.keepLast === 0) return guards;
  const kept = plan.entries
    .filter((e) => e.decision === 'keep' && e.state === 'READY' && e.reason !== 'other-cluster')
    .sort(newestFirst);
  for (const entry of kept) {
    const key = lineageKey(entry);
    const group = guards.get(key) ?? [];
    if (group.length <= plan.keepLast) group.push(entry);
    guards.set(key, group);
  }
  return guards;
}

export const lineageKey = (entry: Pick<PlanEntry, 'region' | 'lineage'>) =>
  `${entry.region}\u0000${entry.lineage}`;

/** The plan's order within a lineage: newest first, ties by id (compared as instants, not strings). */
function newestFirst(a: PlanEntry, b: PlanEntry): number {
  return Date.parse(b.createdAt) - Date.parse(a.createdAt) || a.backupId.localeCompare(b.backupId);
}

/** Why deleting `entry` would break keep-last now, or undefined when enough READY backups remain. */
export function keepLastReason(
  entry: PlanEntry,
  plan: PrunePlan,
  guards: Map<string, PlanEntry[]>,
  fresh: Map<string, BackupInfo>,
): string | undefined {
  // An extra DR copy is deleted only while its kept twin (same source, same creation time) is
  // READY (keptCopyReason): the lineage loses no recovery point, so keep-last is not at stake.
  if (plan.keepLast === 0 || entry.keptCopyId !== undefined) return undefined;
  const key = lineageKey(entry);
  const kept = guards.get(key) ?? [];
  // Only kept backups newer than this one count: keep-last keeps the newest READY backups, so
  // when a kept one goes, the next newest (perhaps this planned deletion) is kept in its place.
  const remaining = kept.filter(
    (g) => fresh.get(g.backupId)?.state === 'READY' && newestFirst(g, entry) < 0,
  ).length;
  if (remaining >= plan.keepLast) return undefined;
  // Say what the re-read saw: the READY backups left in the lineage are this run's planned
  // deletions, which keep-last now keeps (never "only 0 READY" while many are).
  const seen = plan.entries.filter(
    (e) => e.decision === 'delete' && lineageKey(e) === key && fresh.get(e.backupId)?.state === 'READY',
  ).length;
  return (
    `keep-last ${plan.keepLast}: ${remaining} of the ${kept.length} backup(s) this run keeps in lineage ` +
    `${entry.lineage} are READY (one was deleted or changed since planning); the ${seen} READY ` +
    "backup(s) of the lineage seen in this check are this run's planned deletions and are kept"
  );
}

/** Why an extra copy may no longer be deleted: the copy kept for its source backup is no longer READY. */
export function keptCopyReason(entry: PlanEntry, fresh: Map<string, BackupInfo>): string | undefined {
  if (entry.keptCopyId === undefined) return undefined;
  const kept = fresh.get(entry.keptCopyId);
  if (kept?.state === 'READY') return undefined;
  return (
    `the copy kept for source backup ${kept?.sourceBackupId ?? 'of this one'}, ${entry.keptCopyId}, is ` +
    `${kept ? `now ${kept.state}` : 'no longer listed'}: this copy may be the last one`
  );
}
