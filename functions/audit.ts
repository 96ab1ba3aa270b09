/**
 * Scheduled audit: checks every cluster of REGIONS against best practice and publishes one
 * `CloudHSM Finding` per check per cluster (PASSED too) and a run summary to EVENT_BUS_NAME.
 * FAILED findings are the audit's output, not a failure of the run: the invocation fails only
 * when a region or check could not be evaluated or an event was not delivered.
 * With REPORT_BUCKET set, the fleet report of the same snapshot (one HTML page, lib/report) is
 * stored in that bucket, under its instant and as latest.html; off when unset.
 */
import type { Context } from 'aws-lambda';
import type { DateTime } from 'luxon';
import { type AuditReport, type AuditSnapshot, runAudit } from '../lib/audit/run.js';
import { AUDIT_LAMBDA_REFUSED, AUDIT_LAMBDA_VARIABLES, auditConfigFromEnv } from '../lib/config/audit.js';
import { SEVERITIES } from '../lib/config/common.js';
import { describeError } from '../lib/errors.js';
import type { FindingCounts } from '../lib/events/findings.js';
import { runFailures } from '../lib/jobs/run.js';
import { fleetReportOf } from '../lib/report/collect.js';
import { renderHtml } from '../lib/report/html.js';
import { putReport, s3Client } from '../lib/report/s3.js';
import { AUDIT_HANDLER_VARIABLES, ConfigurationError } from './shared/config.js';
import type { ScheduleEvent } from './shared/event.js';
import { createRuntime, METRIC } from './shared/runtime.js';

const runtime = createRuntime({
  job: 'audit',
  parse: auditConfigFromEnv,
  variables: [...AUDIT_LAMBDA_VARIABLES, ...AUDIT_HANDLER_VARIABLES],
  refused: AUDIT_LAMBDA_REFUSED,
  required: ['REGIONS'],
  deadlineMarginSeconds: 30,
});

/** S3's bucket naming rules (lower case, 3-63 characters, no `s3://`, no path). */
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** `REPORT_BUCKET`: where the fleet report goes; unset means no report. */
export function reportBucketFromEnv(
  env: Record<string, string | undefined>,
  functionName: string,
): string | undefined {
  const value = env.REPORT_BUCKET;
  if (value === undefined) return undefined;
  if (!BUCKET_NAME.test(value.trim())) {
    throw new ConfigurationError(
      `${functionName}: invalid configuration in the function's environment: REPORT_BUCKET=${JSON.stringify(value)} ` +
        'is not an S3 bucket name (3-63 lower-case letters, digits, dots and hyphens, e.g. ops-fleet-reports); ' +
        'leave it unset for no report',
    );
  }
  return value.trim();
}

const reportBucket = (() => {
  try {
    return reportBucketFromEnv(process.env, runtime.functionName);
  } catch (error) {
    runtime.logger.error('invalid configuration: the function cannot start', { error: describeError(error) });
    throw error;
  }
})();

/** What an audit invocation returns. */
export interface AuditSummary {
  clusters: number;
  findings: FindingCounts;
  published: number;
  errors: string[];
  /** Where the fleet report was stored (REPORT_BUCKET set). */
  report?: { bucket: string; keys: string[] };
  /** The Security Hub import (SECURITY_HUB=true): findings imported, archived as gone, and not imported. */
  securityHub?: { imported: number; archived: number; failed: number };
}

/** The S3 client, built on first use in the function's own region (where the stack's bucket is). */
let s3: ReturnType<typeof s3Client> | undefined;

/**
 * Renders the report of this run's snapshot and stores it. Imported statically: a dynamic
 * import would make esbuild wrap the modules it reaches lazily, which stops it tree-shaking the
 * SDK clients (the EC2 client alone grew the bundle by 1.5 MB).
 */
async function storeReport(
  bucket: string,
  audit: AuditReport,
  snapshot: AuditSnapshot,
  now: DateTime,
  runId: string,
): Promise<string[]> {
  const config = runtime.config;
  s3 ??= s3Client(process.env.AWS_REGION ?? config.regions[0]!, runtime.clients.options);
  const report = fleetReportOf(audit, snapshot, config, now, {
    command: `${runtime.functionName} (scheduled audit, run ${runId})`,
    days: 35,
  });
  return putReport(s3, bucket, renderHtml(report), now);
}

export async function handler(event: ScheduleEvent, context: Context) {
  const config = runtime.config;
  return runtime.invoke<AuditSummary>(event, context, { dryRun: !config.publish }, async (run) => {
    let snapshot: AuditSnapshot | undefined;
    const report = await runAudit(
      {
        clients: runtime.clients,
        runId: run.runId,
        onGathered: (gathered) => {
          snapshot = gathered;
        },
      },
      config,
      run.now,
    );
    for (const finding of report.findings.filter((f) => f.status === 'FAILED')) {
      run.logger.warn('finding FAILED', {
        region: finding.region,
        clusterId: finding.resource.id,
        checkId: finding.checkId,
        severity: finding.severity,
        observed: finding.observed,
      });
    }
    for (const error of report.errors) run.logger.error('audit error', { ...error });
    for (const lost of report.securityHub?.failed ?? []) {
      run.logger.error('finding not imported into Security Hub', { ...lost });
    }
    for (const severity of SEVERITIES) {
      run.countBy(
        METRIC.findingsFailed,
        'severity',
        severity,
        report.summary.findings.failedBySeverity[severity],
      );
    }
    run.count(METRIC.findingsPassed, report.summary.findings.byStatus.PASSED);
    // Checks that could not judge are counted apart: they are not passes.
    run.count(METRIC.findingsNotApplicable, report.summary.findings.byStatus.NOT_APPLICABLE);
    run.count(METRIC.clustersAudited, report.clusters.length);
    run.count(METRIC.eventsPublished, report.events?.published ?? 0);
    run.count(METRIC.eventsLost, report.events?.lostCount ?? 0);
    // FAILED findings are output, not failures (FAIL_ON is refused at the cold start: AUDIT_LAMBDA_REFUSED).
    const failures = runFailures(report);
    let stored: AuditSummary['report'];
    if (reportBucket && snapshot) {
      try {
        const keys = await storeReport(reportBucket, report, snapshot, run.now, run.runId);
        stored = { bucket: reportBucket, keys };
        run.logger.info('fleet report stored', stored);
      } catch (error) {
        run.logger.error('fleet report not stored', { bucket: reportBucket, error: describeError(error) });
        failures.push(
          `the fleet report could not be stored in s3://${reportBucket}: ${describeError(error)}`,
        );
      }
    }
    return {
      summary: {
        clusters: report.clusters.length,
        findings: report.summary.findings,
        published: report.events?.published ?? 0,
        errors: report.errors.map((e) => e.message),
        ...(stored ? { report: stored } : {}),
        ...(report.securityHub
          ? {
              securityHub: {
                imported: report.securityHub.imported,
                archived: report.securityHub.archived,
                failed: report.securityHub.failed.length,
              },
            }
          : {}),
      },
      failures,
    };
  });
}
