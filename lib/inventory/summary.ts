/**
 * What `inventory` reports per region, summarized from a gathered region (pure: no calls, no
 * clock): the CLI prints it and an organization run (lib/org/run-unit.ts) returns it per unit.
 */
import type { RegionInventory } from './types.js';

/** One cluster in the inventory. */
export interface ClusterSummary {
  id: string;
  state: string;
  /** ACTIVE HSMs: only they serve. */
  hsms: number;
  /** Availability Zone → ACTIVE HSMs in it. */
  hsmsByZone: Record<string, number>;
  /** State → HSMs that exist but do not serve (CREATE_IN_PROGRESS, DEGRADED, DELETE_IN_PROGRESS); DELETED ones are gone. */
  notServing: Record<string, number>;
  retentionDays?: number;
}

/** DR copies held in a region, for one source region. */
export interface CopySummary {
  count: number;
  /** CreateTimestamp of the oldest and newest copied backup (ISO 8601). */
  oldest: string;
  newest: string;
}

/** What `inventory` reports per region. */
export interface RegionSummary {
  region: string;
  clusters: ClusterSummary[];
  backups: { total: number; byState: Record<string, number> };
  /** Source region → copies held here. */
  copies: Record<string, CopySummary>;
}

function count<K extends string>(keys: K[]): Record<K, number> {
  const counts = {} as Record<K, number>;
  for (const key of keys) counts[key] = (counts[key] ?? 0) + 1;
  return counts;
}

/** Summarizes a gathered region (pure: no calls, no clock). */
export function summarizeRegion(inventory: RegionInventory): RegionSummary {
  const copies: Record<string, CopySummary> = {};
  for (const backup of inventory.backups) {
    if (!backup.sourceRegion) continue;
    const created = backup.createdAt.toISOString();
    const entry = copies[backup.sourceRegion];
    if (!entry) {
      copies[backup.sourceRegion] = { count: 1, oldest: created, newest: created };
    } else {
      entry.count += 1;
      if (created < entry.oldest) entry.oldest = created;
      if (created > entry.newest) entry.newest = created;
    }
  }
  return {
    region: inventory.region,
    clusters: inventory.clusters.map((cluster) => {
      const active = cluster.hsms.filter((h) => h.state === 'ACTIVE');
      const others = cluster.hsms.filter((h) => h.state !== 'ACTIVE' && h.state !== 'DELETED');
      return {
        id: cluster.id,
        state: cluster.state,
        hsms: active.length,
        hsmsByZone: count(active.map((h) => h.zone ?? 'unknown')),
        notServing: count(others.map((h) => h.state ?? 'unknown')),
        retentionDays: cluster.retentionDays,
      };
    }),
    backups: { total: inventory.backups.length, byState: count(inventory.backups.map((b) => b.state)) },
    copies,
  };
}
