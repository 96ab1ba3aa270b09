import { DEFAULT_HOLD_TAG } from '../config/common.js';
import type { BackupInfo } from '../inventory/types.js';
import { DOCS, drRegionsFor, formatDuration, newestReady, notApplicable, plural } from './common.js';
import type { Check, CheckConfig } from './types.js';

/**
 * The copies in one DR region that prune would remove with `--older-than <copy retention>`:
 * READY copies created at or before now − retention, except the newest READY copy (prune
 * keeps the last one per lineage), NeverExpires copies and copies carrying a hold tag (the
 * default one always, as prune does, and the configured one).
 */
export function staleCopies(copies: readonly BackupInfo[], config: CheckConfig, nowMs: number): BackupInfo[] {
  const cutoff = nowMs - config.copyRetentionDays * 86_400_000;
  const keep = newestReady(copies);
  return copies.filter(
    (copy) =>
      copy.state === 'READY' &&
      copy !== keep &&
      !copy.neverExpires &&
      copy.tags[config.holdTag] === undefined &&
      copy.tags[DEFAULT_HOLD_TAG] === undefined &&
      copy.createdAt.getTime() <= cutoff,
  );
}

/**
 * Copies in other regions are outside CloudHSM's managed retention and pile up forever;
 * old ones can bring back deleted users, rotated passwords and retired keys.
 */
export const staleDrCopies: Check = {
  id: 'stale-dr-copies',
  title: 'No stale backup copies in DR regions',
  severity: 'MEDIUM',
  needs: ['dr-backups'],
  evaluate({ cluster, drCopies, config, now }) {
    const regions = drRegionsFor(cluster, config.drRegions);
    const expected =
      `no READY copy older than ${config.copyRetentionDays} days in ${regions.length ? regions.join(', ') : 'DR regions'} ` +
      '(the newest copy, NeverExpires copies and held copies excepted)';
    const stale = regions
      .map((region) => ({ region, copies: staleCopies(drCopies[region] ?? [], config, now.toMillis()) }))
      .filter((entry) => entry.copies.length > 0);
    const remediation = {
      text: stale.length
        ? `Delete them (undo within 7 days with restore): ${stale
            .map(
              (s) =>
                `cloudhsm-ops prune --region ${s.region} --cluster-id ${cluster.id} --older-than ${config.copyRetentionDays}d --execute`,
            )
            .join('; ')} (run without --execute first to review the plan).`
        : `Prune copies older than ${config.copyRetentionDays} days in every DR region on a schedule (cloudhsm-ops prune).`,
      url: DOCS.deleteRestore,
    };
    if (regions.length === 0) return notApplicable('no DR region is configured', expected, remediation);
    if (stale.length === 0) {
      return {
        status: 'PASSED',
        observed: `no copy older than ${config.copyRetentionDays} days in ${regions.join(', ')}`,
        expected,
        remediation,
      };
    }
    const observed = stale
      .map(({ region, copies }) => {
        const oldest = copies.reduce((a, b) => (a.createdAt <= b.createdAt ? a : b));
        const age = formatDuration(now.toMillis() - oldest.createdAt.getTime());
        return `${region}: ${plural(copies.length, 'stale copy', 'stale copies')} (oldest ${oldest.id}, ${age} old)`;
      })
      .join('; ');
    return { status: 'FAILED', observed, expected, remediation };
  },
};
