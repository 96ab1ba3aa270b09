import { DEFAULT_HOLD_TAG } from '../config/common.js';
import { copyRetentionFor } from '../copies/retention.js';
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
 * READY copies past the retention that prune keeps, in words: the newest copy (prune keeps the
 * last one per lineage), NeverExpires and held copies. Empty when there are none, so the
 * report never claims "no copy older than N days" while such a copy exists.
 */
export function keptOldCopies(copies: readonly BackupInfo[], config: CheckConfig, nowMs: number): string {
  const cutoff = nowMs - config.copyRetentionDays * 86_400_000;
  const keep = newestReady(copies);
  const old = copies.filter((c) => c.state === 'READY' && c.createdAt.getTime() <= cutoff);
  const age = (c: BackupInfo) => formatDuration(nowMs - c.createdAt.getTime());
  const parts: string[] = [];
  if (keep && old.includes(keep)) parts.push(`the newest copy ${keep.id} (${age(keep)} old)`);
  const others = old.filter((c) => c !== keep);
  const never = others.filter((c) => c.neverExpires);
  const held = others.filter((c) => !c.neverExpires && c.tags[config.holdTag] !== undefined);
  if (never.length) parts.push(`${never.length} NeverExpires`);
  if (held.length) parts.push(`${held.length} held by ${config.holdTag}`);
  const exempt = [...never, ...held];
  if (exempt.length === 0) return parts.join(', ');
  const oldest = exempt.reduce((a, b) => (a.createdAt <= b.createdAt ? a : b));
  return `${parts.join(', ')} (oldest ${age(oldest)})`;
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
  evaluate({ cluster, drCopies, config: given, now }) {
    // The cluster is its lineage's source; under `source` its own policy sets the copies' retention.
    const retention = copyRetentionFor({ mode: given.copyRetention, days: given.copyRetentionDays }, cluster);
    const config = { ...given, copyRetentionDays: retention.days };
    const regions = drRegionsFor(cluster, config.drRegions);
    const expected =
      `no READY copy older than ${retention.describe} in ${regions.length ? regions.join(', ') : 'DR regions'} ` +
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
    const kept = (region: string) => {
      const text = keptOldCopies(drCopies[region] ?? [], config, now.toMillis());
      return text ? `; older than ${config.copyRetentionDays} days but kept: ${text}` : '';
    };
    if (stale.length === 0) {
      const withKept = regions.filter((region) => kept(region));
      return {
        status: 'PASSED',
        observed: withKept.length
          ? withKept.map((region) => `${region}: no stale copy${kept(region)}`).join('; ')
          : `no copy older than ${config.copyRetentionDays} days in ${regions.join(', ')}`,
        expected,
        remediation,
      };
    }
    const observed = stale
      .map(({ region, copies }) => {
        const oldest = copies.reduce((a, b) => (a.createdAt <= b.createdAt ? a : b));
        const age = formatDuration(now.toMillis() - oldest.createdAt.getTime());
        return `${region}: ${plural(copies.length, 'stale copy', 'stale copies')} (oldest ${oldest.id}, ${age} old)${kept(region)}`;
      })
      .join('; ');
    return { status: 'FAILED', observed, expected, remediation };
  },
};
