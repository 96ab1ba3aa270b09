/**
 * The audit's judgement: every check on every cluster of the gathered regions, and the
 * lineage check on the DR copies. Pure: no AWS, no clock.
 */
import type { DateTime } from 'luxon';
import { CHECKS } from '../checks/index.js';
import { noteKeyStores } from '../checks/key-store-link.js';
import { type LineageFacts, orphanDrCopies } from '../checks/orphan-dr-copies.js';
import type { Check, CheckConfig, CheckFacts } from '../checks/types.js';
import type { AuditConfig } from '../config/audit.js';
import { describeError } from '../errors.js';
import { buildFinding, type Finding } from '../events/findings.js';
import { keyStoresOf } from '../inventory/key-stores.js';
import {
  type BackupInfo,
  type ClusterInfo,
  isCopy,
  lineageOf,
  type RegionInventory,
} from '../inventory/types.js';

/** A region that could not be gathered, or a check that threw. */
export interface AuditError {
  region?: string;
  clusterId?: string;
  checkId?: string;
  message: string;
}

/** A check not run on a cluster because facts it needs are missing. */
export interface SkippedCheck {
  region: string;
  clusterId: string;
  checkId: string;
  reason: string;
}

/** The slice of the audit config the checks read. */
export function checkConfigOf(config: AuditConfig): CheckConfig {
  return {
    drRegions: config.drRegions,
    drRpoHours: config.drRpoHours,
    freshnessGraceHours: config.freshnessGraceHours,
    copyRetention: config.copyRetention,
    copyRetentionDays: config.copyRetentionDays,
    holdTag: config.holdTag,
    requireFips: config.requireFips,
  };
}

/** The facts for one cluster, from its region's inventory and the DR regions' backups. */
export function factsFor(
  cluster: ClusterInfo,
  inventory: RegionInventory,
  drBackups: ReadonlyMap<string, BackupInfo[]>,
  config: CheckConfig,
  now: DateTime,
): CheckFacts {
  const drCopies: Record<string, BackupInfo[]> = {};
  for (const region of config.drRegions) {
    if (region === cluster.region) continue;
    const backups = drBackups.get(region);
    if (backups) drCopies[region] = backups.filter((b) => isCopy(b) && lineageOf(b) === cluster.id);
  }
  const subnetIds = new Set(Object.values(cluster.subnetMapping));
  return {
    cluster,
    zones: inventory.zones ?? [],
    subnets: (inventory.subnets ?? []).filter((s) => subnetIds.has(s.id)),
    securityGroups: inventory.securityGroups ?? [],
    backups: inventory.backups.filter((b) => b.clusterId === cluster.id && !isCopy(b)),
    drCopies,
    ...(inventory.keyStores ? { keyStores: keyStoresOf(cluster.id, inventory.keyStores) } : {}),
    config,
    now,
  };
}

/**
 * Evaluates every check on every cluster of the gathered regions. Pure: no AWS, no clock.
 * A check whose facts are missing (a DR region that could not be gathered) is skipped
 * and reported, never guessed; a check that throws is reported as an error.
 */
export function evaluateClusters(
  inventories: readonly RegionInventory[],
  drBackups: ReadonlyMap<string, BackupInfo[]>,
  config: CheckConfig,
  context: { account: string; runId: string; now: DateTime; checks?: readonly Check[] },
): { findings: Finding[]; errors: AuditError[]; skipped: SkippedCheck[] } {
  const checks = context.checks ?? CHECKS;
  const findings: Finding[] = [];
  const errors: AuditError[] = [];
  const skipped: SkippedCheck[] = [];
  for (const inventory of inventories) {
    for (const cluster of auditedClusters(inventory)) {
      const facts = factsFor(cluster, inventory, drBackups, config, context.now);
      const missingDr = config.drRegions.filter((r) => r !== cluster.region && !drBackups.has(r));
      for (const check of checks) {
        if (check.needs?.includes('dr-backups') && missingDr.length > 0) {
          skipped.push({
            region: cluster.region,
            clusterId: cluster.id,
            checkId: check.id,
            reason: `backups in ${missingDr.join(', ')} could not be listed`,
          });
          continue;
        }
        if (check.needs?.includes('key-stores') && !inventory.keyStores) {
          skipped.push({
            region: cluster.region,
            clusterId: cluster.id,
            checkId: check.id,
            reason: `KMS key stores in ${cluster.region} could not be read`,
          });
          continue;
        }
        try {
          const result = noteKeyStores(check.id, check.evaluate(facts), facts.keyStores);
          findings.push(buildFinding(check, result, { ...context, cluster }));
        } catch (error) {
          errors.push({
            region: cluster.region,
            clusterId: cluster.id,
            checkId: check.id,
            message: `check ${check.id} failed: ${describeError(error)}`,
          });
        }
      }
    }
  }
  if (!context.checks) skipped.push(...deletedClustersWithBackups(inventories));
  findings.push(...evaluateOrphans(inventories, drBackups, config, context, skipped));
  return { findings, errors, skipped };
}

/**
 * DELETED clusters are not audited, but one that left READY backups is not silent either:
 * no retention policy expires those any more, so each is listed as skipped with the count.
 */
function deletedClustersWithBackups(inventories: readonly RegionInventory[]): SkippedCheck[] {
  const skipped: SkippedCheck[] = [];
  for (const inventory of inventories) {
    const deleted = inventory.clusters
      .filter((c) => c.state === 'DELETED')
      .sort((a, b) => a.id.localeCompare(b.id));
    for (const cluster of deleted) {
      const ready = inventory.backups.filter(
        (b) => b.clusterId === cluster.id && !isCopy(b) && b.state === 'READY',
      ).length;
      if (ready === 0) continue;
      skipped.push({
        region: cluster.region,
        clusterId: cluster.id,
        checkId: '(every check)',
        reason:
          `cluster is DELETED, so it is not audited; it left ${ready} READY backup(s) in ${cluster.region} ` +
          'that no retention policy expires',
      });
    }
  }
  return skipped;
}

/** The clusters of a region the audit judges, by id: DELETED ones are gone and not audited. */
export function auditedClusters(inventory: RegionInventory): ClusterInfo[] {
  return inventory.clusters.filter((c) => c.state !== 'DELETED').sort((a, b) => a.id.localeCompare(b.id));
}

/**
 * Lineages in the DR regions whose source cluster is gone: DELETED, or not listed in its
 * audited region. Judged only when the source region was gathered (else it is unknown whether
 * the cluster exists) and every DR region was listed (else copies would be undercounted).
 */
export function orphanLineages(
  inventories: readonly RegionInventory[],
  drBackups: ReadonlyMap<string, BackupInfo[]>,
  config: CheckConfig,
  now: DateTime,
): LineageFacts[] {
  const gathered = new Map(inventories.map((inventory) => [inventory.region, inventory]));
  const lineages = new Map<string, LineageFacts>();
  for (const [region, backups] of [...drBackups].sort(([a], [b]) => a.localeCompare(b))) {
    for (const backup of backups) {
      if (!isCopy(backup) || !backup.sourceRegion || backup.sourceRegion === region) continue;
      const source = gathered.get(backup.sourceRegion);
      if (!source) continue;
      const lineage = lineageOf(backup);
      const cluster = source.clusters.find((c) => c.id === lineage);
      if (cluster && cluster.state !== 'DELETED') continue;
      const key = `${backup.sourceRegion}\u0000${lineage}`;
      let facts = lineages.get(key);
      if (!facts) {
        facts = {
          lineage,
          sourceRegion: backup.sourceRegion,
          sourceState: cluster?.state,
          copies: {},
          config,
          now,
        };
        lineages.set(key, facts);
      }
      const copies = facts.copies[region] ?? [];
      copies.push(backup);
      facts.copies[region] = copies;
    }
  }
  return [...lineages.values()].sort(
    (a, b) => a.sourceRegion.localeCompare(b.sourceRegion) || a.lineage.localeCompare(b.lineage),
  );
}

function evaluateOrphans(
  inventories: readonly RegionInventory[],
  drBackups: ReadonlyMap<string, BackupInfo[]>,
  config: CheckConfig,
  context: { account: string; runId: string; now: DateTime; checks?: readonly Check[] },
  skipped: SkippedCheck[],
): Finding[] {
  // A custom check list (tests of one check) leaves the lineage check out too.
  if (context.checks) return [];
  const missing = config.drRegions.filter((region) => !drBackups.has(region));
  if (missing.length > 0) {
    for (const region of missing) {
      skipped.push({
        region,
        clusterId: '(every lineage)',
        checkId: orphanDrCopies.id,
        reason: `backups in ${region} could not be listed`,
      });
    }
    return [];
  }
  const findings: Finding[] = [];
  for (const facts of orphanLineages(inventories, drBackups, config, context.now)) {
    const result = orphanDrCopies.evaluate(facts);
    if (!result) continue;
    const cluster: ClusterInfo = {
      id: facts.lineage,
      region: facts.sourceRegion,
      state: facts.sourceState ?? 'NOT_FOUND',
      subnetMapping: {},
      hsms: [],
      tags: {},
    };
    findings.push(buildFinding(orphanDrCopies, result, { ...context, cluster }));
  }
  return findings;
}
