/**
 * Scheduled audit: checks every cluster of REGIONS against best practice and publishes one
 * `CloudHSM Finding` per check per cluster (PASSED too) and a run summary to EVENT_BUS_NAME.
 * FAILED findings are the audit's output, not a failure of the run: the invocation fails only
 * when a region or check could not be evaluated or an event was not delivered.
 */
import type { Context } from 'aws-lambda';
import { runAudit } from '../lib/audit/run.js';
import { AUDIT_LAMBDA_VARIABLES, auditConfigFromEnv } from '../lib/config/audit.js';
import { SEVERITIES } from '../lib/config/common.js';
import type { FindingCounts } from '../lib/events/findings.js';
import { runFailures } from '../lib/jobs/run.js';
import type { ScheduleEvent } from './shared/event.js';
import { createRuntime, METRIC } from './shared/runtime.js';

const runtime = createRuntime({
  job: 'audit',
  parse: auditConfigFromEnv,
  variables: AUDIT_LAMBDA_VARIABLES,
  required: ['REGIONS'],
  deadlineMarginSeconds: 30,
});

/** What an audit invocation returns. */
export interface AuditSummary {
  clusters: number;
  findings: FindingCounts;
  published: number;
  errors: string[];
}

export async function handler(event: ScheduleEvent, context: Context) {
  const config = runtime.config;
  return runtime.invoke<AuditSummary>(event, context, { dryRun: !config.publish }, async (run) => {
    const report = await runAudit({ clients: runtime.clients, runId: run.runId }, config, run.now);
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
    return {
      summary: {
        clusters: report.clusters.length,
        findings: report.summary.findings,
        published: report.events?.published ?? 0,
        errors: report.errors.map((e) => e.message),
      },
      // FAIL_ON is a CLI exit-code rule; a Lambda failing on findings would be retried and republish them.
      failures: runFailures(report),
    };
  });
}
