import type { DateTime, Duration } from 'luxon';
import { type BackupInfo, type BackupState, isCopy, type RegionInventory } from '../inventory/types.js';

/** What the plan says to do for one source backup and one DR region. */
export type CopyAction = 'copy' | 'already-present' | 'skip';

/**
 * Why a backup is not copied. The first four come from the plan; `source-deleted` is found
 * while executing (the source went PENDING_DELETION or away after planning).
 */
export type SkipReason = 'not-ready' | 'outside-window' | 'is-a-copy' | 'same-region' | 'source-deleted';

/**
 * Why a copy the plan asked for was deferred to a later run (lib/copy/README.md, "Deferred"):
 * another run's claim, this run's own claim not confirmed or run out, or a stop request.
 */
export type DeferReason = 'claimed-by-another-run' | 'claim-not-confirmed' | 'claim-expired' | 'stopped';

/** A copy that already exists in a DR region. */
export interface ExistingCopy {
  backupId: string;
  state: BackupState;
}

/** One line of the plan. */
export interface CopyPlanItem {
  action: CopyAction;
  source: BackupInfo;
  /** Absent when the whole source backup is skipped (not READY, too old, itself a copy). */
  destinationRegion?: string;
  reason?: SkipReason;
  /** A sentence for people: why it is skipped, or what is already there. */
  detail?: string;
  /** For `already-present`: the copies found (more than one means an earlier duplicate). */
  existing?: ExistingCopy[];
}

/** Decided once, printed by a dry run, applied as-is by the executor. */
export interface CopyPlan {
  now: Date;
  /** Backups created at or after this instant are in the window. */
  windowStart: Date;
  sourceRegions: string[];
  drRegions: string[];
  items: CopyPlanItem[];
}

/** The part of the configuration the plan depends on. */
export interface CopyPlanConfig {
  drRegions: string[];
  clusterIds: string[];
  since: Duration;
}

/** States in which an existing copy counts as present. */
const PRESENT_STATES: ReadonlySet<BackupState> = new Set(['CREATE_IN_PROGRESS', 'READY', 'PENDING_DELETION']);

/**
 * Indexes a DR region's backups by the source backup they were copied from, keeping only
 * copies that count as present. A copy PENDING_DELETION counts: someone (or prune) deleted
 * it on purpose, copying again would fight that decision, and it can still be restored for
 * 7 days. Only DELETED copies (gone for good) are ignored.
 */
export function copiesBySource(backups: readonly BackupInfo[]): Map<string, ExistingCopy[]> {
  const index = new Map<string, ExistingCopy[]>();
  for (const backup of backups) {
    if (!backup.sourceBackupId || !PRESENT_STATES.has(backup.state)) continue;
    const list = index.get(backup.sourceBackupId) ?? [];
    list.push({ backupId: backup.id, state: backup.state });
    index.set(backup.sourceBackupId, list);
  }
  for (const list of index.values()) list.sort((a, b) => a.backupId.localeCompare(b.backupId));
  return index;
}

function sourceSkip(
  backup: BackupInfo,
  windowStart: Date,
): Pick<CopyPlanItem, 'reason' | 'detail'> | undefined {
  if (isCopy(backup)) {
    return {
      reason: 'is-a-copy',
      detail: `is itself a copy of ${backup.sourceBackupId ?? 'a backup'} from ${backup.sourceRegion ?? 'another region'}`,
    };
  }
  if (backup.createdAt.getTime() < windowStart.getTime()) {
    return {
      reason: 'outside-window',
      detail: `created ${backup.createdAt.toISOString()}, before the window`,
    };
  }
  if (backup.state !== 'READY') {
    return { reason: 'not-ready', detail: `is ${backup.state}, only READY backups are copied` };
  }
  return undefined;
}

function destinationItem(
  backup: BackupInfo,
  destinationRegion: string,
  existing: ExistingCopy[] | undefined,
): CopyPlanItem {
  if (destinationRegion === backup.region) {
    return {
      action: 'skip',
      source: backup,
      destinationRegion,
      reason: 'same-region',
      detail: 'the DR region is the backup’s own region',
    };
  }
  if (!existing?.length) return { action: 'copy', source: backup, destinationRegion };
  const pending = existing.every((copy) => copy.state === 'PENDING_DELETION');
  const ids = existing.map((copy) => copy.backupId).join(', ');
  let detail = `copy ${ids} (${existing.map((copy) => copy.state).join(', ')})`;
  if (existing.length > 1) detail += `: ${existing.length} copies, duplicates from an earlier run`;
  if (pending) detail += '; pending deletion, restore it rather than copying again';
  return { action: 'already-present', source: backup, destinationRegion, detail, existing };
}

/** The source backups of the configured clusters, region by region, oldest first. */
function inScope(
  sources: readonly RegionInventory[],
  config: Pick<CopyPlanConfig, 'clusterIds'>,
): BackupInfo[] {
  const clusterFilter = new Set(config.clusterIds);
  return sources.flatMap((inventory) =>
    inventory.backups
      .filter(
        (backup) => clusterFilter.size === 0 || (backup.clusterId && clusterFilter.has(backup.clusterId)),
      )
      .slice()
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id)),
  );
}

/** A source backup and a DR region it may need a copy in. */
export interface CopyCandidate {
  source: BackupInfo;
  destinationRegion: string;
}

/**
 * The pairs the plan would copy if no DR region held a copy yet: what the destination
 * lookup must look for. Pure, like {@link planCopies}, whose `copy` lines are a subset.
 */
export function copyCandidates(
  sources: readonly RegionInventory[],
  config: CopyPlanConfig,
  now: DateTime,
): CopyCandidate[] {
  const windowStart = now.minus(config.since).toJSDate();
  return inScope(sources, config)
    .filter((backup) => !sourceSkip(backup, windowStart))
    .flatMap((source) =>
      config.drRegions
        .filter((region) => region !== source.region)
        .map((destinationRegion) => ({ source, destinationRegion })),
    );
}

/**
 * Decides, for every source backup and DR region, whether to copy, whether a copy is
 * already there, or why the backup is skipped. Pure: no SDK, no clock, no environment.
 *
 * Only READY backups created within `config.since` before `now` are copied, and only
 * originals: a backup that is itself a copy (SourceBackup set) is never copied onward.
 * `destinations` maps each DR region to the backups found there (all of them, or only
 * those matching a `sourceBackupIds` filter); every DR region must be present, since a
 * missing listing would read as "no copies" and cause duplicates.
 */
export function planCopies(
  sources: readonly RegionInventory[],
  destinations: Readonly<Record<string, readonly BackupInfo[]>>,
  config: CopyPlanConfig,
  now: DateTime,
): CopyPlan {
  const windowStart = now.minus(config.since).toJSDate();
  const existingByRegion = new Map<string, Map<string, ExistingCopy[]>>();
  for (const region of config.drRegions) {
    const backups = destinations[region];
    if (!backups) throw new Error(`planCopies: no listing for DR region ${region}`);
    existingByRegion.set(region, copiesBySource(backups));
  }

  const items: CopyPlanItem[] = [];
  for (const backup of inScope(sources, config)) {
    const skip = sourceSkip(backup, windowStart);
    if (skip) {
      items.push({ action: 'skip', source: backup, ...skip });
      continue;
    }
    for (const region of config.drRegions) {
      items.push(destinationItem(backup, region, existingByRegion.get(region)?.get(backup.id)));
    }
  }
  return {
    now: now.toJSDate(),
    windowStart,
    sourceRegions: sources.map((inventory) => inventory.region),
    drRegions: [...config.drRegions],
    items,
  };
}

/** Counts of the plan's lines by action, for summaries. */
export function summarisePlan(plan: CopyPlan): Record<CopyAction, number> {
  const counts: Record<CopyAction, number> = { copy: 0, 'already-present': 0, skip: 0 };
  for (const item of plan.items) counts[item.action] += 1;
  return counts;
}
