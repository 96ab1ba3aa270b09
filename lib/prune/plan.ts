/**
 * Decide: which backups a prune run deletes, and why every other one is kept.
 * Pure: (snapshot, config, now) → plan. No SDK, no clock, no environment.
 *
 * Guardrails no option removes, checked in this order for every backup:
 * only READY backups are deleted; nothing newer than the cutoff; never a NeverExpires
 * backup; never one carrying the hold tag; never one of the newest `keepLast` READY backups
 * of its lineage in its region; and a plan larger than `maxDeletions` is refused whole.
 */
import { DateTime, Duration } from 'luxon';
import type { CutoffRule, PruneConfig } from '../config/prune.js';
import type { BackupInfo, BackupState, RegionInventory } from '../inventory/types.js';
import { isCopy, lineageOf } from '../inventory/types.js';
import {
  type Cutoff,
  type CutoffView,
  cutoffBeforeNow,
  cutoffView,
  parseAge,
  parseTimestamp,
} from '../time/cutoff.js';

/** Why a backup is kept or deleted. */
export type PruneReason =
  | 'other-cluster'
  | 'not-ready'
  | 'newer-than-cutoff'
  | 'never-expires'
  | 'hold-tag'
  | 'keep-last'
  | 'not-a-copy'
  | 'older-than-cutoff'
  | 'delete-all';

export type PruneDecision = 'delete' | 'keep';

/** One considered backup. Dates are ISO strings so a plan is plain JSON. */
export interface PlanEntry {
  backupId: string;
  region: string;
  clusterId?: string;
  lineage: string;
  /** A copy's source region (where its lineage's cluster lives). */
  sourceRegion?: string;
  copy: boolean;
  state: BackupState;
  createdAt: string;
  /** Whole days between creation and the plan's `now`. */
  ageDays: number;
  neverExpires: boolean;
  held: boolean;
  decision: PruneDecision;
  reason: PruneReason;
  /** The reason in words (`keep-last 1 of lineage cluster-…`). */
  detail: string;
}

/** The settings the planner reads (a {@link PruneConfig} has them all). */
export type PrunePolicy = Pick<
  PruneConfig,
  'regions' | 'clusterId' | 'cutoff' | 'copyRetentionDays' | 'keepLast' | 'maxDeletions' | 'holdTags'
>;

/** What a prune run would do. The executor applies exactly this object. */
export interface PrunePlan {
  /** The instant the plan was made for. */
  now: string;
  regions: string[];
  clusterId?: string;
  /** The cutoff for originals (and copies when no copy retention is set); null for `--deleteall`/copies only. */
  cutoff: CutoffView | null;
  /** The cutoff for copies when copy retention days are set. */
  copyCutoff?: CutoffView;
  deleteAll: boolean;
  keepLast: number;
  maxDeletions: number;
  /** Tag keys that hold a backup (the default first). */
  holdTags: string[];
  /** Every backup considered, oldest first within each region. */
  entries: PlanEntry[];
  counts: {
    considered: number;
    delete: number;
    keep: number;
    byReason: Partial<Record<PruneReason, number>>;
  };
  /** True when the plan deletes more than `maxDeletions`: the executor refuses it whole. */
  overLimit: boolean;
}

/** The backups of a plan that are to be deleted. */
export function deletions(plan: PrunePlan): PlanEntry[] {
  return plan.entries.filter((entry) => entry.decision === 'delete');
}

/** The cutoff a rule gives at `now`; null when the rule has none (`--deleteall`, copies only). */
export function resolveCutoff(rule: CutoffRule, now: DateTime): Cutoff | null {
  switch (rule.kind) {
    case 'timestamp':
      return parseTimestamp(rule.timestamp, rule.timezone);
    case 'older-than':
      return cutoffBeforeNow('older-than', rule.olderThan, parseAge(rule.olderThan), now, rule.timezone);
    case 'all':
    case 'copies-only':
      return null;
  }
}

function copyCutoffOf(policy: PrunePolicy, now: DateTime): Cutoff | undefined {
  if (policy.copyRetentionDays === undefined) return undefined;
  const timezone = 'timezone' in policy.cutoff ? policy.cutoff.timezone : undefined;
  return cutoffBeforeNow(
    'copy-retention',
    `${policy.copyRetentionDays}d`,
    Duration.fromObject({ days: policy.copyRetentionDays }),
    now,
    timezone,
  );
}

/** The first hold tag the backup carries, or undefined. */
export function holdTagOn(backup: Pick<BackupInfo, 'tags'>, holdTags: readonly string[]): string | undefined {
  return holdTags.find((tag) => Object.hasOwn(backup.tags, tag));
}

/**
 * A backup belongs to `--cluster-id` by lineage: the cluster's own backups and copies of them,
 * wherever stored. A copy is never in scope of the cluster id it may carry in its destination.
 */
function inScope(backup: BackupInfo, clusterId: string | undefined): boolean {
  return clusterId === undefined || lineageOf(backup) === clusterId;
}

/** Key of the keep-last group: lineage within one region. */
function groupKey(backup: BackupInfo): string {
  return `${backup.region}\u0000${lineageOf(backup)}`;
}

/** Ids of the newest `keepLast` READY backups of every lineage in every region. */
function newestReady(backups: readonly BackupInfo[], keepLast: number): Set<string> {
  const groups = new Map<string, BackupInfo[]>();
  for (const backup of backups) {
    if (backup.state !== 'READY') continue;
    const key = groupKey(backup);
    const group = groups.get(key) ?? [];
    group.push(backup);
    groups.set(key, group);
  }
  const kept = new Set<string>();
  for (const group of groups.values()) {
    group.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || a.id.localeCompare(b.id));
    for (const backup of group.slice(0, keepLast)) kept.add(backup.id);
  }
  return kept;
}

interface Verdict {
  decision: PruneDecision;
  reason: PruneReason;
  detail: string;
}

const keep = (reason: PruneReason, detail: string): Verdict => ({ decision: 'keep', reason, detail });

function verdict(
  backup: BackupInfo,
  policy: PrunePolicy,
  cutoff: Cutoff | null,
  copyCutoff: Cutoff | undefined,
  protectedNewest: Set<string>,
): Verdict {
  if (!inScope(backup, policy.clusterId)) return keep('other-cluster', `not of ${policy.clusterId}`);
  if (backup.state !== 'READY') return keep('not-ready', `${backup.state}: only READY is deleted`);

  const applicable = isCopy(backup) && copyCutoff ? copyCutoff : cutoff;
  const deleteAll = policy.cutoff.kind === 'all';
  if (!deleteAll && !applicable)
    return keep('not-a-copy', 'only copies are pruned (copy retention, no cutoff)');
  // Written as "not at or before" so that an unreadable date (NaN) keeps the backup.
  if (applicable && !(backup.createdAt.getTime() <= applicable.utc.toMillis())) {
    return keep(
      'newer-than-cutoff',
      applicable === copyCutoff ? 'newer than the copy cutoff' : 'newer than the cutoff',
    );
  }
  if (backup.neverExpires) return keep('never-expires', 'NeverExpires is set');
  const hold = holdTagOn(backup, policy.holdTags);
  if (hold !== undefined) return keep('hold-tag', `hold tag ${hold}`);
  if (protectedNewest.has(backup.id)) {
    return keep('keep-last', `newest ${policy.keepLast} READY of its lineage`);
  }
  if (deleteAll) return { decision: 'delete', reason: 'delete-all', detail: '--deleteall' };
  return {
    decision: 'delete',
    reason: 'older-than-cutoff',
    detail: applicable === copyCutoff ? 'at or before the copy cutoff' : 'at or before the cutoff',
  };
}

function toEntry(backup: BackupInfo, verdictOf: Verdict, policy: PrunePolicy, now: DateTime): PlanEntry {
  return {
    backupId: backup.id,
    region: backup.region,
    ...(backup.clusterId !== undefined ? { clusterId: backup.clusterId } : {}),
    lineage: lineageOf(backup),
    ...(backup.sourceRegion !== undefined ? { sourceRegion: backup.sourceRegion } : {}),
    copy: isCopy(backup),
    state: backup.state,
    createdAt: DateTime.fromJSDate(backup.createdAt, { zone: 'utc' }).toISO({ suppressMilliseconds: true })!,
    ageDays: Math.floor((now.toMillis() - backup.createdAt.getTime()) / 86_400_000),
    neverExpires: backup.neverExpires,
    held: holdTagOn(backup, policy.holdTags) !== undefined,
    ...verdictOf,
  };
}

function asInventories(snapshot: RegionInventory | readonly RegionInventory[]): readonly RegionInventory[] {
  return Array.isArray(snapshot) ? snapshot : [snapshot as RegionInventory];
}

/**
 * Plans a prune over the gathered regions. Every backup of the listed regions appears in the
 * plan with a decision and the reason for it; only regions named in the policy are considered.
 */
export function planPrune(
  snapshot: RegionInventory | readonly RegionInventory[],
  policy: PrunePolicy,
  now: DateTime,
): PrunePlan {
  const cutoff = resolveCutoff(policy.cutoff, now);
  const copyCutoff = copyCutoffOf(policy, now);
  const regions = new Set(policy.regions);
  const backups = asInventories(snapshot)
    .filter((inventory) => regions.has(inventory.region))
    .flatMap((inventory) => inventory.backups);
  const protectedNewest = newestReady(backups, policy.keepLast);

  const ordered = [...backups].sort(
    (a, b) =>
      policy.regions.indexOf(a.region) - policy.regions.indexOf(b.region) ||
      a.createdAt.getTime() - b.createdAt.getTime() ||
      a.id.localeCompare(b.id),
  );
  const entries = ordered.map((backup) =>
    toEntry(backup, verdict(backup, policy, cutoff, copyCutoff, protectedNewest), policy, now),
  );
  const byReason: Partial<Record<PruneReason, number>> = {};
  for (const entry of entries) byReason[entry.reason] = (byReason[entry.reason] ?? 0) + 1;
  const deleteCount = entries.filter((e) => e.decision === 'delete').length;

  return {
    now: now.toUTC().toISO({ suppressMilliseconds: true })!,
    regions: [...policy.regions],
    ...(policy.clusterId !== undefined ? { clusterId: policy.clusterId } : {}),
    cutoff: cutoff ? cutoffView(cutoff) : null,
    ...(copyCutoff ? { copyCutoff: cutoffView(copyCutoff) } : {}),
    deleteAll: policy.cutoff.kind === 'all',
    keepLast: policy.keepLast,
    maxDeletions: policy.maxDeletions,
    holdTags: [...policy.holdTags],
    entries,
    counts: { considered: entries.length, delete: deleteCount, keep: entries.length - deleteCount, byReason },
    overLimit: deleteCount > policy.maxDeletions,
  };
}
