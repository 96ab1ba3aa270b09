/**
 * The audit handler against the sandbox's demo fleet (every check fails somewhere): a
 * scheduled event in, one finding per check per cluster and a run summary out on the bus,
 * FindingsFailed counted by severity.
 */
import { describe, expect, it } from 'vitest';
import type { AuditSummary } from '../../functions/audit.js';
import { SEVERITIES } from '../../lib/config/common.js';
import {
  lambdaContext,
  loadHandler,
  metricTotal,
  scheduledEvent,
  useHandlerSandbox,
} from '../support/lambda.js';

const lambda = useHandlerSandbox({
  env: {
    REGIONS: 'us-east-1,eu-west-1',
    DR_REGIONS: 'us-west-2',
    PUBLISH: 'true',
    EVENT_BUS_NAME: 'cloudhsm-ops',
  },
});

describe('audit handler', () => {
  it('publishes every finding and the run summary, and counts failures by severity', async () => {
    // Prepare
    const audit = await loadHandler('audit', lambda.env());
    // Act
    const summary = (await audit.handler(
      scheduledEvent(lambda.sandbox.clock.now()),
      lambdaContext(),
    )) as unknown as AuditSummary & { runId: string };
    // Assess: the summary
    expect(summary.clusters).toBe(7);
    expect(summary.errors).toEqual([]);
    expect(summary.findings.byStatus.FAILED).toBeGreaterThan(0);
    expect(summary.findings.byStatus.PASSED).toBeGreaterThan(0);
    expect(summary.published).toBe(summary.findings.total + 1);
    // Assess: what the bus received
    const events = lambda.sandbox.events();
    const findings = events.filter((e) => e.detailType === 'CloudHSM Finding');
    expect(findings).toHaveLength(summary.findings.total);
    expect(events.at(-1)?.detailType).toBe('CloudHSM Run Summary');
    // The Run Summary event counts the checks that could not judge apart from PASSED.
    const counted = (events.at(-1)!.detail as { findings: { byStatus: Record<string, number> } }).findings
      .byStatus;
    expect(counted).toEqual(summary.findings.byStatus);
    expect(findings.filter((e) => (e.detail as { status: string }).status === 'NOT_APPLICABLE')).toHaveLength(
      counted.NOT_APPLICABLE!,
    );
    expect(events.every((e) => e.busName === 'cloudhsm-ops' && e.region === 'us-east-1')).toBe(true);
    expect(new Set(findings.map((e) => (e.detail as { runId: string }).runId))).toEqual(
      new Set([summary.runId]),
    );
    // Assess: metrics and per-finding log lines
    for (const severity of SEVERITIES) {
      expect(metricTotal(lambda.out, 'FindingsFailed', ['severity', severity])).toBe(
        summary.findings.failedBySeverity[severity],
      );
    }
    // A check that could not judge is counted apart, never as a pass.
    expect(summary.findings.byStatus.NOT_APPLICABLE).toBeGreaterThan(0);
    expect(metricTotal(lambda.out, 'FindingsNotApplicable')).toBe(summary.findings.byStatus.NOT_APPLICABLE);
    expect(metricTotal(lambda.out, 'FindingsPassed')).toBe(summary.findings.byStatus.PASSED);
    expect(lambda.out.metrics().every((m) => m.namespace === 'CloudHSMOps')).toBe(true);
    expect(metricTotal(lambda.out, 'Failures')).toBe(0);
    const failedLines = lambda.out.logs().filter((l) => l.message === 'finding FAILED');
    expect(failedLines).toHaveLength(summary.findings.byStatus.FAILED);
    expect(failedLines[0]).toMatchObject({ job: 'audit', runId: summary.runId, dryRun: false });
    expect(failedLines[0]?.clusterId).toMatch(/^cluster-/);
  });

  it('fails the invocation when a region cannot be gathered, and still reports the rest', async () => {
    // Prepare: every DescribeClusters in eu-west-1 fails.
    lambda.sandbox.setFaults({
      rules: [{ operation: 'DescribeClusters', region: 'eu-west-1', internalFailureRate: 1 }],
    });
    const audit = await loadHandler('audit', lambda.env({ MAX_ATTEMPTS: '2' }));
    // Act
    const outcome = audit.handler(scheduledEvent(lambda.sandbox.clock.now()), lambdaContext());
    // Assess
    await expect(outcome).rejects.toThrow(/audit run .* failed: 1 error\(s\) during the audit/);
    expect(lambda.sandbox.events().some((e) => e.detailType === 'CloudHSM Finding')).toBe(true);
    expect(metricTotal(lambda.out, 'Failures')).toBe(1);
  });

  it('with REPORT_BUCKET, stores the fleet report in S3 under the snapshot key and as latest.html', async () => {
    // Prepare
    const audit = await loadHandler('audit', lambda.env({ REPORT_BUCKET: 'ops-fleet-reports' }));
    // Act
    const summary = (await audit.handler(
      scheduledEvent(lambda.sandbox.clock.now()),
      lambdaContext(),
    )) as unknown as AuditSummary & { runId: string };
    // Assess
    const stamp = lambda.sandbox.clock
      .now()
      .toISOString()
      .replace(/\.\d{3}Z$/, 'Z')
      .replace(/:/g, '-');
    const keys = [`cloudhsm-ops/fleet-report/${stamp}.html`, 'cloudhsm-ops/fleet-report/latest.html'];
    expect(summary.report).toEqual({ bucket: 'ops-fleet-reports', keys });
    const objects = lambda.sandbox.objects();
    expect(objects.map((o) => [o.bucket, o.key, o.contentType])).toEqual(
      keys.map((key) => ['ops-fleet-reports', key, 'text/html; charset=utf-8']),
    );
    const page = objects[0]!.body;
    expect(page).toMatch(/^<!DOCTYPE html>/);
    for (const id of ['cluster-paymentsprod', 'cluster-degradedeuro', 'cluster-singlehsmapp'])
      expect(page).toContain(`data-cluster="${id}" aria-labelledby=`);
    expect(page.match(/<tr data-severity=/g)).toHaveLength(summary.findings.total);
    expect(page).toContain(`run ${summary.runId}`);
  });

  it('without REPORT_BUCKET, writes nothing to S3 (the report is off by default)', async () => {
    const audit = await loadHandler('audit', lambda.env());
    const summary = await audit.handler(scheduledEvent(lambda.sandbox.clock.now()), lambdaContext());
    expect(summary.report).toBeUndefined();
    expect(lambda.sandbox.requests().filter((r) => r.service === 's3')).toEqual([]);
  });

  it('fails the invocation, after publishing, when the report cannot be stored', async () => {
    lambda.sandbox.setFaults({ rules: [{ operation: 'PutObject', internalFailureRate: 1 }] });
    const audit = await loadHandler(
      'audit',
      lambda.env({ REPORT_BUCKET: 'ops-fleet-reports', MAX_ATTEMPTS: '2' }),
    );
    const outcome = audit.handler(scheduledEvent(lambda.sandbox.clock.now()), lambdaContext());
    await expect(outcome).rejects.toThrow(/the fleet report could not be stored in s3:\/\/ops-fleet-reports/);
    expect(lambda.sandbox.events().at(-1)?.detailType).toBe('CloudHSM Run Summary');
  });

  it('refuses to start with a REPORT_BUCKET that is not a bucket name, naming it', async () => {
    await expect(
      loadHandler('audit', lambda.env({ REPORT_BUCKET: 's3://ops-fleet-reports' })),
    ).rejects.toThrow(/REPORT_BUCKET="s3:\/\/ops-fleet-reports" is not an S3 bucket name/);
  });

  it('refuses FAIL_ON at the cold start rather than ignore it: findings do not fail the function', async () => {
    // A set FAIL_ON that changed nothing misled (found by an operator pass).
    await expect(loadHandler('audit', lambda.env({ FAIL_ON: 'HIGH' }))).rejects.toThrow(
      /FAIL_ON is not read by this function: .*EventBridge rule/,
    );
  });
});
