/**
 * How long a lineage's copies in DR regions are kept. The audit (`stale-dr-copies`) judges
 * copies by it now; prune's copy retention is to call the same function, so what the audit
 * calls stale is what prune would delete.
 */
import type { ClusterInfo } from '../inventory/types.js';

/** `fixed`: the same number of days for every lineage. `source`: each lineage's source-cluster policy. */
export type CopyRetentionMode = 'fixed' | 'source';

/** The configured copy retention. */
export interface CopyRetentionPolicy {
  mode: CopyRetentionMode;
  /** The fixed number of days; under `source`, the fallback where the source cluster gives none. */
  days: number;
}

/** The retention that applies to one lineage, and where it comes from. */
export interface LineageRetention {
  days: number;
  /** `fixed` (configured), `source` (the source cluster's policy) or `fallback` (source mode, no policy to follow). */
  basis: 'fixed' | 'source' | 'fallback';
  /** In words for reports: `7 days (the source cluster's backup retention policy)`. */
  describe: string;
}

/**
 * The copy retention for a lineage whose source cluster is `source` (undefined when the
 * cluster is gone). Under `source`, a copy is kept as long as the source cluster keeps its own
 * backups (its BackupRetentionPolicy days; a copy in another region has no managed retention
 * of its own), falling back to the fixed days when the cluster is gone, DELETED or has no
 * policy. Pure.
 */
export function copyRetentionFor(
  policy: CopyRetentionPolicy,
  source: Pick<ClusterInfo, 'state' | 'retentionDays'> | undefined,
): LineageRetention {
  if (policy.mode === 'fixed') return { days: policy.days, basis: 'fixed', describe: `${policy.days} days` };
  const fallback = (why: string): LineageRetention => ({
    days: policy.days,
    basis: 'fallback',
    describe: `${policy.days} days (fallback: ${why})`,
  });
  if (!source || source.state === 'DELETED') return fallback('the source cluster is gone');
  if (source.retentionDays === undefined)
    return fallback('the source cluster has no backup retention policy');
  return {
    days: source.retentionDays,
    basis: 'source',
    describe: `${source.retentionDays} days (the source cluster's backup retention policy)`,
  };
}
