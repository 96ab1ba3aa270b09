import { performance } from 'node:perf_hooks';
import type { DateTime } from 'luxon';
import type { AwsClients } from '../aws/clients.js';
import { liveHsms, servingHsms } from '../checks/common.js';
import type { Check } from '../checks/types.js';
import { mapSettled } from '../concurrency.js';
import type { AuditConfig } from '../config/audit.js';
import { severityAtLeast } from '../config/audit.js';
import type { Severity } from '../config/common.js';
import { describeError } from '../errors.js';
import {
  type AuditRunSummary,
  countFindings,
  type Finding,
  findingEvent,
  runSummaryEvent,
} from '../events/findings.js';
import { type FeedEvent, type FeedTarget, FINDING_SCHEMA_VERSION } from '../events/types.js';
import { gatherBackupsOnly, gatherRegion } from '../inventory/gather.js';
import { addKeyStores, type WithKeyStores } from '../inventory/key-stores.js';
import type { BackupInfo, ClusterInfo, RegionInventory } from '../inventory/types.js';
import { exitCodeOf, type JobRun, lookupAccount, type PublishDeps, publishRun } from '../jobs/run.js';
import { newRunId } from '../run.js';
import { archiveRule } from '../securityhub/archive.js';
import type { SecurityHubResult } from '../securityhub/import.js';
import {
  type AuditError,
  auditedClusters,
  checkConfigOf,
  evaluateClusters,
  type SkippedCheck,
} from './evaluate.js';

export {
  type AuditError,
  auditedClusters,
  checkConfigOf,
  evaluateClusters,
  factsFor,
  orphanLineages,
  type SkippedCheck,
} from './evaluate.js';

/** Live HSMs that do not serve (being created, DEGRADED), when there are any. */
function notServingCount(cluster: ClusterInfo): { notServing?: number } {
  const count = liveHsms(cluster).length - servingHsms(cluster).length;
  return count > 0 ? { notServing: count } : {};
}

/** What the audit needs from outside; tests pass clients pointed at mocks or the sandbox. */
export interface AuditDeps extends PublishDeps {
  clients: AwsClients;
  /** The account id for finding ids and ARNs; looked up with STS when absent. */
  account?: string;
  runId?: string;
  /** The checks to run (default: every registered check). */
  checks?: readonly Check[];
  /** Sees the gathered snapshot once, before the checks run: the fleet report (lib/report) draws it. */
  onGathered?(snapshot: AuditSnapshot): void;
}

/** What the audit gathered: the audited regions with their network facts, and each DR region's backups. */
export interface AuditSnapshot {
  inventories: readonly RegionInventory[];
  drBackups: ReadonlyMap<string, BackupInfo[]>;
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

/** What an audit run reports; `failures` are regions or checks that could not be evaluated (FAILED findings are output, not failures). */
export interface AuditReport extends JobRun {
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
  /** Present when the config asked to import the findings into Security Hub. */
  securityHub?: SecurityHubResult;
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
    deps.account ?? lookupAccount(deps, config.regions[0]!),
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
  const startedAt = now.toUTC().toISO({ suppressMilliseconds: true })!;
  // Imported before the Run Summary is built, so that the summary's exit code counts a finding
  // Security Hub refused.
  const securityHub = config.securityHub
    ? await importToSecurityHub(clients, evaluated, { account, startedAt, regions: config.regions, errors })
    : undefined;
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
    startedAt,
    durationMs,
    clusters: clusters.length,
    findings: countFindings(evaluated.findings),
    errors,
    skipped: evaluated.skipped,
    ...auditRunOutcome(evaluated.findings, errors, clusters.length, config.failOn, hubReasons(securityHub)),
  };
  const failures = [...errorReasons(errors), ...hubReasons(securityHub)];
  const report: AuditReport = {
    runId,
    failures,
    exitCode: exitCodeOf({ failures }),
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
    ...(securityHub ? { securityHub } : {}),
  };
  if (config.publish) {
    const target: FeedTarget = {
      busName: config.eventBusName,
      source: config.eventSource,
      region: config.eventRegion,
    };
    const events = auditEvents(report);
    report.events = await publishRun(deps, target, () => events, { expected: events.length, account });
    report.exitCode = exitCodeOf(report);
  }
  return report;
}

/**
 * Imports the findings into Security Hub (loaded only when asked: its client is not part of
 * every audit's cold start).
 */
async function importToSecurityHub(
  clients: AwsClients,
  evaluated: Pick<ReturnType<typeof evaluateClusters>, 'findings' | 'skipped'>,
  run: { account: string; startedAt: string; regions: string[]; errors: AuditError[] },
): Promise<SecurityHubResult> {
  const { importFindings } = await import('../securityhub/import.js');
  const result = await importFindings((region) => clients.securityHub(region), evaluated.findings, {
    account: run.account,
    now: run.startedAt,
    mayArchive: archiveRule({ errors: run.errors, skipped: evaluated.skipped, regions: run.regions }),
  });
  return result;
}

/** The summary fields every job shares: counts and how the run ends (before publishing). */
export function auditRunOutcome(
  findings: readonly Finding[],
  errors: readonly unknown[],
  clusters: number,
  failOn?: Severity,
  otherFailures: readonly string[] = [],
): Pick<AuditRunSummary, 'dryRun' | 'counts' | 'exitCode' | 'exitStatus'> {
  const count = (status: Finding['status']) => findings.filter((f) => f.status === status).length;
  const exitCode = exitCodeOf({
    failures: [...errorReasons(errors), ...otherFailures, ...failOnReasons(findings, failOn)],
  });
  return {
    dryRun: false,
    counts: {
      clusters,
      failed: count('FAILED'),
      passed: count('PASSED'),
      notApplicable: count('NOT_APPLICABLE'),
      errors: errors.length,
    },
    exitCode,
    exitStatus: exitCode === 0 ? 'succeeded' : 'failed',
  };
}

/** Findings Security Hub did not take fail the run. */
function hubReasons(result: SecurityHubResult | undefined): string[] {
  return result?.failed.length ? [`${result.failed.length} finding(s) not imported into Security Hub`] : [];
}

/** The run's own failure: regions or checks that could not be evaluated. */
function errorReasons(errors: readonly unknown[]): string[] {
  return errors.length > 0 ? [`${errors.length} error(s) during the audit`] : [];
}

/** FAILED findings at or above the fail-on severity, when one is set. */
function failOnReasons(findings: readonly Finding[], failOn: Severity | undefined): string[] {
  if (!failOn) return [];
  const tripped = failuresAtOrAbove(findings, failOn);
  return tripped.length > 0 ? [`${tripped.length} FAILED finding(s) at or above ${failOn}`] : [];
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
  const reasons = [...report.failures];
  if (report.events?.lostCount) reasons.push(`${report.events.lostCount} event(s) not delivered`);
  return [...reasons, ...failOnReasons(report.findings, failOn)];
}
