/**
 * Decide: which backups a prune run deletes, and why every other one is kept.
 * Pure: (snapshot, config, now) → plan. No SDK, no clock, no environment.
 *
 * Guardrails no option removes, checked in this order for every backup:
 * only READY backups are deleted; nothing newer than the cutoff unless it is an extra DR copy
 * (`--duplicate-copies`: {@link duplicateCopies} decides, the oldest READY copy of each source
 * backup stays); never a NeverExpires backup; never one carrying the hold tag; never one of
 * the newest `keepLast` READY backups of its lineage in its region (an extra copy never counts
 * there: the kept copy of the same source backup does); and a plan larger than `maxDeletions`
 * is refused whole.
 *
 * Copy retention is fixed days, or (`copyRetention: 'source'`) each lineage's source-cluster
 * retention policy as {@link copyRetentionFor} gives it, the same rule the audit's
 * `stale-dr-copies` uses.
 */
import { DateTime } from 'luxon';
import type { CutoffRule, PruneConfig } from '../config/prune.js';
import { duplicateCopies } from '../copies/duplicates.js';
import type { LineageRetention } from '../copies/retention.js';
import type { BackupInfo, BackupState, ClusterInfo, RegionInventory } from '../inventory/types.js';
import { isCopy, lineageOf } from '../inventory/types.js';
import {
  type Cutoff,
  type CutoffView,
  cutoffBeforeNow,
  cutoffView,
  parseAge,
  parseTimestamp,
} from '../time/cutoff.js';
import { type CopyRule, copyCutoffOf, copyRules } from './copy-rules.js';

/** Why a backup is kept or deleted. */
export type PruneReason =
  | 'other-cluster'
  | 'not-ready'
  | 'newer-than-cutoff'
  | 'never-expires'
  | 'hold-tag'
  | 'keep-last'
  | 'not-a-copy'
  | 'not-a-duplicate'
  | 'older-than-cutoff'
  | 'duplicate-copy'
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
  /** For a `duplicate-copy` deletion: the copy of the same source backup that stays (re-read before the delete). */
  keptCopyId?: string;
}

/** Under `copyRetention: 'source'`: the copy retention and cutoff of one lineage's copies. */
export interface LineageCopyRetention extends LineageRetention {
  lineage: string;
  /** Where the source cluster was looked up. */
  sourceRegion?: string;
  cutoff: CutoffView;
}

/** The settings the planner reads (a {@link PruneConfig} has them all). */
export type PrunePolicy = Pick<
  PruneConfig,
  | 'regions'
  | 'clusterId'
  | 'cutoff'
  | 'copyRetentionDays'
  | 'copyRetention'
  | 'copiesAsOf'
  | 'duplicateCopies'
  | 'keepLast'
  | 'maxDeletions'
  | 'holdTags'
>;

/** What a prune run would do. The executor applies exactly this object. */
export interface PrunePlan {
  /** The instant the plan was made for. */
  now: string;
  regions: string[];
  clusterId?: string;
  /** The cutoff for originals (and copies when no copy retention is set); null for `--deleteall`/copies only. */
  cutoff: CutoffView | null;
  /** The cutoff for copies when fixed copy retention days are set. */
  copyCutoff?: CutoffView;
  /** Under `--copy-retention source`: each lineage's copy retention (source policy or fallback) and cutoff. */
  copyRetention?: LineageCopyRetention[];
  /** True when the extra DR copies of a source backup are planned for deletion. */
  duplicateCopies?: boolean;
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

/** The cutoff a rule gives at `now`; null when the rule has none (`--deleteall`, copies or duplicates only). */
export function resolveCutoff(rule: CutoffRule, now: DateTime): Cutoff | null {
  switch (rule.kind) {
    case 'timestamp':
      return parseTimestamp(rule.timestamp, rule.timezone);
    case 'older-than':
      return cutoffBeforeNow('older-than', rule.olderThan, parseAge(rule.olderThan), now, rule.timezone);
    case 'all':
    case 'copies-only':
    case 'duplicates-only':
      return null;
  }
}

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

/**
 * Ids of the newest `keepLast` READY backups of every lineage in every region. `extras` (extra
 * copies of a source backup whose kept copy stays) are not ranked: they are not further
 * backups of the lineage, so keep-last protects the kept copy instead.
 */
function newestReady(
  backups: readonly BackupInfo[],
  keepLast: number,
  extras: ReadonlyMap<string, string>,
): Set<string> {
  const groups = new Map<string, BackupInfo[]>();
  for (const backup of backups) {
    if (backup.state !== 'READY' || extras.has(backup.id)) continue;
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

/** What every verdict of one plan reads. */
interface PlanContext {
  policy: PrunePolicy;
  cutoff: Cutoff | null;
  copyRule: (backup: BackupInfo) => CopyRule | undefined;
  protectedNewest: Set<string>;
  /** Extra copy id → the id of the copy of the same source backup that stays. */
  extras: ReadonlyMap<string, string>;
}

/** Written as "not at or before" elsewhere so that an unreadable date (NaN) keeps the backup. */
function atOrBefore(backup: BackupInfo, cutoff: Cutoff): boolean {
  return backup.createdAt.getTime() <= cutoff.utc.toMillis();
}

function verdict(backup: BackupInfo, context: PlanContext): Verdict & { keptCopyId?: string } {
  const { policy, cutoff } = context;
  if (!inScope(backup, policy.clusterId)) return keep('other-cluster', `not of ${policy.clusterId}`);
  if (backup.state !== 'READY') return keep('not-ready', `${backup.state}: only READY is deleted`);

  const copyRule = isCopy(backup) ? context.copyRule(backup) : undefined;
  const applicable = copyRule?.cutoff ?? cutoff;
  const deleteAll = policy.cutoff.kind === 'all';
  const keptCopyId = context.extras.get(backup.id);
  const past = deleteAll || (applicable !== null && atOrBefore(backup, applicable));
  if (!past && keptCopyId === undefined) {
    if (!applicable) {
      return policy.cutoff.kind === 'duplicates-only'
        ? keep('not-a-duplicate', 'only duplicate DR copies are pruned (no cutoff)')
        : keep('not-a-copy', 'only copies are pruned (copy retention, no cutoff)');
    }
    return keep(
      'newer-than-cutoff',
      copyRule ? `newer than the copy cutoff (${copyRule.describe})` : 'newer than the cutoff',
    );
  }
  if (backup.neverExpires) return keep('never-expires', 'NeverExpires is set');
  const hold = holdTagOn(backup, policy.holdTags);
  if (hold !== undefined) return keep('hold-tag', `hold tag ${hold}`);
  if (context.protectedNewest.has(backup.id)) {
    return keep('keep-last', `newest ${policy.keepLast} READY of its lineage`);
  }
  if (deleteAll) return { decision: 'delete', reason: 'delete-all', detail: '--deleteall' };
  if (past) {
    return {
      decision: 'delete',
      reason: 'older-than-cutoff',
      detail: copyRule ? `at or before the copy cutoff (${copyRule.describe})` : 'at or before the cutoff',
    };
  }
  return {
    decision: 'delete',
    reason: 'duplicate-copy',
    detail: `extra copy of ${backup.sourceBackupId}: ${keptCopyId} (the oldest READY copy) stays`,
    keptCopyId,
  };
}

/** Extra copy id → kept copy id, from {@link duplicateCopies} (the audit's rule), when asked for. */
function extraCopies(backups: readonly BackupInfo[], policy: PrunePolicy): Map<string, string> {
  const extras = new Map<string, string>();
  if (!policy.duplicateCopies) return extras;
  for (const group of duplicateCopies(backups, policy.holdTags[0]!)) {
    for (const extra of group.extra) extras.set(extra.id, group.keep.id);
  }
  return extras;
}

function toEntry(
  backup: BackupInfo,
  verdictOf: Verdict & { keptCopyId?: string },
  policy: PrunePolicy,
  now: DateTime,
): PlanEntry {
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
 * `sources` are the source clusters of the copies (any region), read under
 * `copyRetention: 'source'`; a lineage whose cluster is not among them gets the fallback days.
 */
export function planPrune(
  snapshot: RegionInventory | readonly RegionInventory[],
  policy: PrunePolicy,
  now: DateTime,
  sources: readonly ClusterInfo[] = [],
): PrunePlan {
  const cutoff = resolveCutoff(policy.cutoff, now);
  const copyCutoff = copyCutoffOf(policy, now);
  const regions = new Set(policy.regions);
  const backups = asInventories(snapshot)
    .filter((inventory) => regions.has(inventory.region))
    .flatMap((inventory) => inventory.backups);
  // Duplicates are judged within the lineages in scope, so --cluster-id never touches another's.
  const extras = extraCopies(
    backups.filter((b) => inScope(b, policy.clusterId)),
    policy,
  );
  const protectedNewest = newestReady(backups, policy.keepLast, extras);
  const rules = copyRules(policy, now, sources);
  const context: PlanContext = { policy, cutoff, copyRule: rules.ruleOf, protectedNewest, extras };

  const ordered = [...backups].sort(
    (a, b) =>
      policy.regions.indexOf(a.region) - policy.regions.indexOf(b.region) ||
      a.createdAt.getTime() - b.createdAt.getTime() ||
      a.id.localeCompare(b.id),
  );
  const entries = ordered.map((backup) => toEntry(backup, verdict(backup, context), policy, now));
  const lineageRetention = rules.table();
  const byReason: Partial<Record<PruneReason, number>> = {};
  for (const entry of entries) byReason[entry.reason] = (byReason[entry.reason] ?? 0) + 1;
  const deleteCount = entries.filter((e) => e.decision === 'delete').length;

  return {
    now: now.toUTC().toISO({ suppressMilliseconds: true })!,
    regions: [...policy.regions],
    ...(policy.clusterId !== undefined ? { clusterId: policy.clusterId } : {}),
    cutoff: cutoff ? cutoffView(cutoff) : null,
    ...(copyCutoff ? { copyCutoff: cutoffView(copyCutoff) } : {}),
    ...(policy.copyRetention === 'source' ? { copyRetention: lineageRetention } : {}),
    ...(policy.duplicateCopies ? { duplicateCopies: true } : {}),
    deleteAll: policy.cutoff.kind === 'all',
    keepLast: policy.keepLast,
    maxDeletions: policy.maxDeletions,
    holdTags: [...policy.holdTags],
    entries,
    counts: { considered: entries.length, delete: deleteCount, keep: entries.length - deleteCount, byReason },
    overLimit: deleteCount > policy.maxDeletions,
  };
}
