import type { DateTime } from 'luxon';
import type { Check, CheckResult, CheckStatus, Remediation } from '../checks/types.js';
import type { Severity } from '../config/common.js';
import { SEVERITIES } from '../config/common.js';
import type { ClusterInfo } from '../inventory/types.js';
import { arns, type FeedEvent, FINDING_SCHEMA_VERSION } from './types.js';

/** The resource a finding is about. */
export interface FindingResource {
  type: 'AWS::CloudHSM::Cluster';
  id: string;
  arn: string;
}

/** The `detail` of a `CloudHSM Finding` event: exactly the fields docs/architecture.md §4.5 names. */
export interface Finding {
  schemaVersion: string;
  /** Stable across runs: `account/region/resourceId/checkId`. */
  findingId: string;
  checkId: string;
  title: string;
  severity: Severity;
  status: CheckStatus;
  account: string;
  region: string;
  resource: FindingResource;
  observed: string;
  expected: string;
  remediation: Remediation;
  /** ISO 8601 UTC time the facts were judged at. */
  observedAt: string;
  runId: string;
}

/**
 * A finding's identity: the same account, region, resource and check give the same id in
 * every run, so a consumer can update one record per finding and close it when it passes.
 */
export function findingId(account: string, region: string, resourceId: string, checkId: string): string {
  return `${account}/${region}/${resourceId}/${checkId}`;
}

export interface FindingContext {
  account: string;
  cluster: ClusterInfo;
  runId: string;
  now: DateTime;
}

/** The finding for one check's result on one cluster. */
export function buildFinding(
  check: Pick<Check, 'id' | 'title' | 'severity'>,
  result: CheckResult,
  context: FindingContext,
): Finding {
  const { account, cluster, runId, now } = context;
  return {
    schemaVersion: FINDING_SCHEMA_VERSION,
    findingId: findingId(account, cluster.region, cluster.id, check.id),
    checkId: check.id,
    title: check.title,
    severity: result.severity ?? check.severity,
    status: result.status,
    account,
    region: cluster.region,
    resource: {
      type: 'AWS::CloudHSM::Cluster',
      id: cluster.id,
      arn: arns.cluster(cluster.region, account, cluster.id),
    },
    observed: result.observed,
    expected: result.expected,
    remediation: { text: result.remediation.text, url: result.remediation.url },
    observedAt: now.toUTC().toISO({ suppressMilliseconds: true })!,
    runId,
  };
}

/** The `CloudHSM Finding` event for a finding; `resources` holds the cluster ARN. */
export function findingEvent(finding: Finding): FeedEvent {
  return {
    detailType: 'CloudHSM Finding',
    detail: { ...finding },
    resources: [finding.resource.arn],
    time: new Date(finding.observedAt),
  };
}

/** Finding counts by status (FAILED, PASSED, NOT_APPLICABLE), by severity, and by severity among FAILED findings. */
export interface FindingCounts {
  total: number;
  byStatus: Record<CheckStatus, number>;
  bySeverity: Record<Severity, number>;
  failedBySeverity: Record<Severity, number>;
}

const zeroes = () => Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;

export function countFindings(findings: readonly Finding[]): FindingCounts {
  const counts: FindingCounts = {
    total: findings.length,
    byStatus: { FAILED: 0, PASSED: 0, NOT_APPLICABLE: 0 },
    bySeverity: zeroes(),
    failedBySeverity: zeroes(),
  };
  for (const finding of findings) {
    counts.byStatus[finding.status]++;
    counts.bySeverity[finding.severity]++;
    if (finding.status === 'FAILED') counts.failedBySeverity[finding.severity]++;
  }
  return counts;
}

/** The `detail` of the audit's `CloudHSM Run Summary` event. */
export interface AuditRunSummary {
  schemaVersion: string;
  job: 'audit';
  runId: string;
  account: string;
  regions: string[];
  drRegions: string[];
  startedAt: string;
  durationMs: number;
  clusters: number;
  findings: FindingCounts;
  /** Regions that could not be gathered, checks that could not run: the run is incomplete when non-empty. */
  errors: { region?: string; clusterId?: string; checkId?: string; message: string }[];
  skipped: { region: string; clusterId: string; checkId: string; reason: string }[];
  /** Always false: an audit changes nothing. Present because every job's summary has it. */
  dryRun: false;
  /** The counts every job's summary carries: clusters audited, findings by status, errors. */
  counts: { clusters: number; failed: number; passed: number; notApplicable: number; errors: number };
  /**
   * How the run ends as far as it is known when the summary is sent: 1 for an error or a
   * tripped `--fail-on`, else 0 (an event of this run found lost afterwards is not in it).
   */
  exitCode: 0 | 1 | 2;
  exitStatus: 'succeeded' | 'failed';
}

/** The `CloudHSM Run Summary` event; sent last, after every finding. */
export function runSummaryEvent(summary: AuditRunSummary): FeedEvent {
  return { detailType: 'CloudHSM Run Summary', detail: { ...summary }, resources: [] };
}
