import { performance } from 'node:perf_hooks';
import type { DateTime } from 'luxon';
import { accountId } from '../aws/account.js';
import type { AwsClients } from '../aws/clients.js';
import { liveHsms, servingHsms } from '../checks/common.js';
import { CHECKS } from '../checks/index.js';
import { noteKeyStores } from '../checks/key-store-link.js';
import { type LineageFacts, orphanDrCopies } from '../checks/orphan-dr-copies.js';
import type { Check, CheckConfig, CheckFacts } from '../checks/types.js';
import { mapSettled } from '../concurrency.js';
import type { AuditConfig } from '../config/audit.js';
import { severityAtLeast } from '../config/audit.js';
import type { Severity } from '../config/common.js';
import { describeError } from '../errors.js';
import {
  type AuditRunSummary,
  buildFinding,
  countFindings,
  type Finding,
  findingEvent,
  runSummaryEvent,
} from '../events/findings.js';
import { publishEvents } from '../events/publisher.js';
import {
  type FeedEvent,
  type FeedTarget,
  FINDING_SCHEMA_VERSION,
  type PublishOptions,
  type PublishResult,
} from '../events/types.js';
import { gatherBackupsOnly, gatherRegion } from '../inventory/gather.js';
import { addKeyStores, keyStoresOf, type WithKeyStores } from '../inventory/key-stores.js';
import {
  type BackupInfo,
  type ClusterInfo,
  isCopy,
  lineageOf,
  type RegionInventory,
} from '../inventory/types.js';
import { newRunId } from '../run.js';
import { archiveRule } from '../securityhub/archive.js';
import type { SecurityHubResult } from '../securityhub/import.js';

/** Live HSMs that do not serve (being created, DEGRADED), when there are any. */
function notServingCount(cluster: ClusterInfo): { notServing?: number } {
  const count = liveHsms(cluster).length - servingHsms(cluster).length;
  return count > 0 ? { notServing: count } : {};
}

/** What the audit needs from outside; tests pass clients pointed at mocks or the sandbox. */
export interface AuditDeps {
  clients: AwsClients;
  /** The account id for finding ids and ARNs; looked up with STS when absent. */
  account?: string;
  runId?: string;
  /** The checks to run (default: every registered check). */
  checks?: readonly Check[];
  publishOptions?: PublishOptions;
  /** Sees the gathered snapshot once, before the checks run: the fleet report (lib/report) draws it. */
  onGathered?(snapshot: AuditSnapshot): void;
}

/** What the audit gathered: the audited regions with their network facts, and each DR region's backups. */
export interface AuditSnapshot {
  inventories: readonly RegionInventory[];
  drBackups: ReadonlyMap<string, BackupInfo[]>;
}

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

/** A cluster as the report lists it. */
export interface AuditedCluster {
  region: string;
  id: string;
  state: string;
  hsmType?: string;
  /** ACTIVE HSMs: the ones that serve. */
  hsms: number;
  /** HSMs that exist but do not serve (CREATE_IN_PROGRESS, DEGRADED), when there are any. */
  notServing?: number;
}

export interface AuditReport {
  runId: string;
  account: string;
  regions: string[];
  drRegions: string[];
  startedAt: string;
  durationMs: number;
  clusters: AuditedCluster[];
  /** Ordered by region, cluster, then the registry's check order. */
  findings: Finding[];
  errors: AuditError[];
  skipped: SkippedCheck[];
  summary: AuditRunSummary;
  /** Present when the config asked to publish. */
  publish?: PublishResult & { target: FeedTarget };
  /** Present when the config asked to import the findings into Security Hub. */
  securityHub?: SecurityHubResult;
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

/**
 * Audits every cluster of `config.regions`: gathers each region (clusters, backups, zones,
 * subnets, security groups) and each DR region's backups, all in parallel; runs every
 * check on every cluster; and, when `config.publish` is set, publishes one
 * `CloudHSM Finding` per check per cluster and then a `CloudHSM Run Summary`.
 * A region that cannot be gathered is reported in `errors` and the rest still run.
 */
export async function runAudit(deps: AuditDeps, config: AuditConfig, now: DateTime): Promise<AuditReport> {
  const started = performance.now();
  const runId = deps.runId ?? newRunId();
  const { clients } = deps;
  const drOnly = config.drRegions.filter((region) => !config.regions.includes(region));
  const targets = [
    ...config.regions.map((region) => ({ region, network: true })),
    ...drOnly.map((region) => ({ region, network: false })),
  ];

  const [account, gathered] = await Promise.all([
    deps.account ?? accountId(clients, config.regions[0]!),
    mapSettled(targets, targets.length, ({ region, network }) =>
      network
        ? gatherRegion(clients, region, { network }).then((inventory) =>
            addKeyStores(clients.kms(region), inventory, describeError),
          )
        : gatherBackupsOnly(clients, region),
    ),
  ]);

  const errors: AuditError[] = [];
  const inventories: RegionInventory[] = [];
  const drBackups = new Map<string, BackupInfo[]>();
  gathered.forEach((outcome, index) => {
    const { region, network } = targets[index]!;
    if (outcome.status === 'rejected') {
      errors.push({ region, message: `could not gather ${region}: ${describeError(outcome.reason)}` });
      return;
    }
    if (network) inventories.push(outcome.value);
    const keyStoreError = (outcome.value as WithKeyStores<RegionInventory>).keyStoreError;
    if (keyStoreError) errors.push({ region, message: keyStoreError });
    if (config.drRegions.includes(region)) drBackups.set(region, outcome.value.backups);
  });

  deps.onGathered?.({ inventories, drBackups });
  const evaluated = evaluateClusters(inventories, drBackups, checkConfigOf(config), {
    account,
    runId,
    now,
    checks: deps.checks,
  });
  errors.push(...evaluated.errors);
  const clusters = inventories.flatMap((inventory) =>
    auditedClusters(inventory).map((c) => ({
      region: c.region,
      id: c.id,
      state: c.state,
      hsmType: c.hsmType,
      hsms: servingHsms(c).length,
      ...notServingCount(c),
    })),
  );
  const durationMs = Math.round(performance.now() - started);
  const summary: AuditRunSummary = {
    schemaVersion: FINDING_SCHEMA_VERSION,
    job: 'audit',
    runId,
    account,
    regions: config.regions,
    drRegions: config.drRegions,
    startedAt: now.toUTC().toISO({ suppressMilliseconds: true })!,
    durationMs,
    clusters: clusters.length,
    findings: countFindings(evaluated.findings),
    errors,
    skipped: evaluated.skipped,
    ...auditRunOutcome(evaluated.findings, errors, clusters.length, config.failOn),
  };
  const report: AuditReport = {
    runId,
    account,
    regions: config.regions,
    drRegions: config.drRegions,
    startedAt: summary.startedAt,
    durationMs,
    clusters,
    findings: evaluated.findings,
    errors,
    skipped: evaluated.skipped,
    summary,
  };
  if (config.publish) {
    const target: FeedTarget = {
      busName: config.eventBusName,
      source: config.eventSource,
      region: config.eventRegion,
    };
    const result = await publishEvents(
      clients.eventBridge(target.region),
      auditEvents(report),
      target,
      deps.publishOptions,
    );
    report.publish = { ...result, target };
  }
  if (config.securityHub) {
    // Loaded only when asked: the Security Hub client is not part of every audit's cold start.
    const { importFindings } = await import('../securityhub/import.js');
    report.securityHub = await importFindings((region) => clients.securityHub(region), report.findings, {
      account,
      now: summary.startedAt,
      mayArchive: archiveRule(report),
    });
  }
  return report;
}

/** The summary fields every job shares: counts and how the run ends (before publishing). */
export function auditRunOutcome(
  findings: readonly Finding[],
  errors: readonly unknown[],
  clusters: number,
  failOn?: Severity,
): Pick<AuditRunSummary, 'dryRun' | 'counts' | 'exitCode' | 'exitStatus'> {
  const count = (status: Finding['status']) => findings.filter((f) => f.status === status).length;
  const failed =
    errors.length > 0 || (failOn !== undefined && failuresAtOrAbove(findings, failOn).length > 0);
  return {
    dryRun: false,
    counts: {
      clusters,
      failed: count('FAILED'),
      passed: count('PASSED'),
      notApplicable: count('NOT_APPLICABLE'),
      errors: errors.length,
    },
    exitCode: failed ? 1 : 0,
    exitStatus: failed ? 'failed' : 'succeeded',
  };
}

/** Every event an audit publishes, in order: the findings, then the run summary. */
export function auditEvents(report: Pick<AuditReport, 'findings' | 'summary'>): FeedEvent[] {
  return [...report.findings.map(findingEvent), runSummaryEvent(report.summary)];
}

/** FAILED findings at or above `threshold`. */
export function failuresAtOrAbove(findings: readonly Finding[], threshold: Severity): Finding[] {
  return findings.filter((f) => f.status === 'FAILED' && severityAtLeast(f.severity, threshold));
}

/**
 * Whether the run must exit non-zero, and why: a region or check failed, an event was not
 * delivered, or a FAILED finding reached the fail-on severity.
 */
export function auditFailureReasons(report: AuditReport, failOn?: Severity): string[] {
  const reasons: string[] = [];
  if (report.errors.length) reasons.push(`${report.errors.length} error(s) during the audit`);
  if (report.publish?.failed.length) reasons.push(`${report.publish.failed.length} event(s) not delivered`);
  if (report.securityHub?.failed.length) {
    reasons.push(`${report.securityHub.failed.length} finding(s) not imported into Security Hub`);
  }
  if (failOn) {
    const tripped = failuresAtOrAbove(report.findings, failOn);
    if (tripped.length) reasons.push(`${tripped.length} FAILED finding(s) at or above ${failOn}`);
  }
  return reasons;
}
