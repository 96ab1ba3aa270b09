/**
 * The copy cutoff of each DR copy a prune plan judges: fixed days, or under `copyRetention:
 * 'source'` its lineage's source-cluster retention policy ({@link copyRetentionFor}).
 */
import { DateTime, Duration } from 'luxon';
import { copyRetentionFor } from '../copies/retention.js';
import type { BackupInfo, ClusterInfo } from '../inventory/types.js';
import { lineageOf } from '../inventory/types.js';
import { type Cutoff, cutoffBeforeNow, cutoffView } from '../time/cutoff.js';
import type { LineageCopyRetention, PrunePolicy } from './plan.js';

function copyCutoffAfter(days: number, policy: PrunePolicy, now: DateTime): Cutoff {
  const timezone = 'timezone' in policy.cutoff ? policy.cutoff.timezone : undefined;
  // A pinned instant (a reviewed dry run's apply command) wins over the run's own now.
  const from = policy.copiesAsOf ? DateTime.fromISO(policy.copiesAsOf, { zone: 'utc' }) : now;
  return cutoffBeforeNow('copy-retention', `${days}d`, Duration.fromObject({ days }), from, timezone);
}

/** The fixed copy cutoff; undefined without copy retention or under `source`. */
export function copyCutoffOf(policy: PrunePolicy, now: DateTime): Cutoff | undefined {
  if (policy.copyRetentionDays === undefined || policy.copyRetention === 'source') return undefined;
  return copyCutoffAfter(policy.copyRetentionDays, policy, now);
}

/** A copy's cutoff and where its days come from. */
export interface CopyRule {
  cutoff: Cutoff;
  describe: string;
}

/**
 * The copy cutoff of each copy: the fixed one, or under `source` the one its lineage's source
 * cluster gives (looked up by id, in the copy's source region when known), via
 * {@link copyRetentionFor}. Also returns the per-lineage table for the plan.
 */
export function copyRules(
  policy: PrunePolicy,
  now: DateTime,
  sources: readonly ClusterInfo[],
): { ruleOf: (backup: BackupInfo) => CopyRule | undefined; table: () => LineageCopyRetention[] } {
  const fixed = copyCutoffOf(policy, now);
  if (policy.copyRetention !== 'source' || policy.copyRetentionDays === undefined) {
    const rule = fixed && { cutoff: fixed, describe: `${policy.copyRetentionDays} days` };
    return { ruleOf: () => rule, table: () => [] };
  }
  const retention = { mode: 'source' as const, days: policy.copyRetentionDays };
  const byLineage = new Map<string, LineageCopyRetention & { rule: CopyRule }>();
  const ruleOf = (backup: BackupInfo): CopyRule => {
    const lineage = lineageOf(backup);
    const key = `${backup.sourceRegion ?? ''}\u0000${lineage}`;
    let found = byLineage.get(key);
    if (!found) {
      const source = sources.find(
        (c) => c.id === lineage && (backup.sourceRegion === undefined || c.region === backup.sourceRegion),
      );
      const lineageRetention = copyRetentionFor(retention, source);
      const cutoff = copyCutoffAfter(lineageRetention.days, policy, now);
      found = {
        lineage,
        ...(backup.sourceRegion !== undefined ? { sourceRegion: backup.sourceRegion } : {}),
        ...lineageRetention,
        cutoff: cutoffView(cutoff),
        rule: { cutoff, describe: lineageRetention.describe },
      };
      byLineage.set(key, found);
    }
    return found.rule;
  };
  const table = () => [...byLineage.values()].map(({ rule: _rule, ...row }) => row);
  return { ruleOf, table };
}
