import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents, auditRunOutcome } from '../../lib/audit/run.js';
import { AwsClients } from '../../lib/aws/clients.js';
import { CHECKS } from '../../lib/checks/index.js';
import {
  type AuditRunSummary,
  buildFinding,
  countFindings,
  type Finding,
} from '../../lib/events/findings.js';
import { publishEvents } from '../../lib/events/publisher.js';
import { jobRunSummaryEvent } from '../../lib/events/summary.js';
import type { FeedEvent } from '../../lib/events/types.js';
import { cluster, config, healthyFacts, NOW } from '../support/facts.js';
import { type Moto, motoAvailable, runPython, startMoto } from './moto.js';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const SCRIPT = here('./eventbridge_sqs.py');
const RULES = {
  alerts: here('../../infra/event-rules/failed-high-critical-findings.json'),
  feed: here('../../infra/event-rules/everything-from-source.json'),
  heartbeat: here('../../infra/event-rules/run-heartbeat.json'),
  failedRuns: here('../../infra/event-rules/failed-runs.json'),
};

/** Summaries of two other jobs' runs: a prune dry run with nothing to do, and a failed copy. */
const JOB_SUMMARIES: FeedEvent[] = [
  jobRunSummaryEvent({
    schemaVersion: '1.0',
    job: 'prune',
    runId: 'run-prune',
    account: '123456789012',
    regions: ['us-east-1'],
    startedAt: NOW.toISO()!,
    dryRun: true,
    counts: { planned: 0 },
    exitCode: 0,
    exitStatus: 'succeeded',
  }),
  jobRunSummaryEvent({
    schemaVersion: '1.0',
    job: 'copy',
    runId: 'run-copy',
    account: '123456789012',
    regions: ['us-east-1'],
    startedAt: NOW.toISO()!,
    dryRun: false,
    counts: { copied: 1, failed: 1 },
    exitCode: 1,
    exitStatus: 'failed',
  }),
];

/**
 * Moto spends about 0.3 s on each delivered event, so the feed carries a subset of the
 * checks that still covers every status and severity combination the rules care about.
 */
const CHECK_SUBSET = new Set(['hsm-count', 'az-spread', 'retention-policy', 'cluster-state']);

/**
 * Real findings for four clusters: healthy, no HSMs (parked: INFORMATIONAL), one HSM (CRITICAL,
 * and az-spread NOT_APPLICABLE on it, a HIGH check), no retention policy (MEDIUM); PASSED
 * CRITICAL, HIGH, MEDIUM and LOW findings among them.
 */
function auditFindings(): Finding[] {
  const variants = [
    cluster({ id: 'cluster-healthyaaaaa' }),
    cluster({ id: 'cluster-nohsmsaaaaaa', hsms: [] }),
    cluster({
      id: 'cluster-onehsmaaaaaa',
      hsms: [{ id: 'hsm-aaaaaaaaaaa', zone: 'us-east-1a', state: 'ACTIVE' }],
    }),
    cluster({ id: 'cluster-noretentionaa', retentionDays: undefined }),
  ];
  return variants.flatMap((c) => {
    const base = healthyFacts();
    // No KMS key store behind these clusters (one behind a parked cluster would make it HIGH).
    const facts = healthyFacts({
      cluster: c,
      backups: base.backups.map((b) => ({ ...b, clusterId: c.id })),
      keyStores: [],
    });
    return CHECKS.filter((check) => CHECK_SUBSET.has(check.id)).map((check) =>
      buildFinding(check, check.evaluate(facts), {
        account: '123456789012',
        cluster: c,
        runId: 'run-moto',
        now: NOW,
      }),
    );
  });
}

function summaryOf(findings: Finding[]): AuditRunSummary {
  return {
    schemaVersion: '1.0',
    job: 'audit',
    runId: 'run-moto',
    account: '123456789012',
    regions: ['us-east-1'],
    drRegions: config.drRegions,
    startedAt: NOW.toISO()!,
    durationMs: 12,
    ...auditRunOutcome(findings, [], 4),
    clusters: 4,
    findings: countFindings(findings),
    errors: [],
    skipped: [],
  };
}

interface Delivered {
  source: string;
  'detail-type': string;
  resources: string[];
  detail: Record<string, unknown>;
}

/**
 * Cross-check: the example rule patterns in infra/event-rules, put on moto's EventBridge
 * with SQS queues standing in for the SNS topic and the log group (moto cannot deliver to
 * SNS), route exactly the published audit events they should.
 */
describe.skipIf(!motoAvailable())('infra event patterns on moto EventBridge', () => {
  let moto: Moto;
  let clients: AwsClients;
  let delivered: Record<'alerts' | 'feed' | 'heartbeat' | 'failedRuns', Delivered[]>;
  let findings: Finding[];

  beforeAll(async () => {
    moto = await startMoto();
    clients = new AwsClients({ endpoint: moto.url, maxAttempts: 1 });
    runPython(SCRIPT, ['setup', ...Object.entries(RULES).map(([name, file]) => `${name}=${file}`)], moto.url);
    findings = auditFindings();
    const events = [...auditEvents({ findings, summary: summaryOf(findings) }), ...JOB_SUMMARIES];
    const client = clients.eventBridge('us-east-1');
    const ours = await publishEvents(
      client,
      events,
      { busName: 'default', source: 'cloudhsm-ops', region: 'us-east-1' },
      { backoffMs: 0 },
    );
    const stranger: FeedEvent = events[1]!;
    const theirs = await publishEvents(
      client,
      [stranger],
      { busName: 'default', source: 'someone-else', region: 'us-east-1' },
      { backoffMs: 0 },
    );
    expect(ours.failed).toEqual([]);
    expect(theirs.failed).toEqual([]);
    delivered = runPython(SCRIPT, ['drain', ...Object.keys(RULES)], moto.url) as typeof delivered;
  });

  afterAll(async () => {
    clients?.destroy();
    await moto?.stop();
  });

  it('sends exactly the FAILED HIGH and CRITICAL findings to the alert target', () => {
    const expected = findings
      .filter((f) => f.status === 'FAILED' && (f.severity === 'HIGH' || f.severity === 'CRITICAL'))
      .map((f) => f.findingId)
      .sort();
    // The cluster with no HSM is parked: INFORMATIONAL, so it is not alerted.
    expect(expected).toEqual(['123456789012/us-east-1/cluster-onehsmaaaaaa/hsm-count']);
    expect(delivered.alerts.map((e) => e.detail.findingId).sort()).toEqual(expected);
    expect(delivered.alerts.every((e) => e['detail-type'] === 'CloudHSM Finding')).toBe(true);
  });

  it('does not alert on PASSED HIGH or CRITICAL findings, FAILED MEDIUM or INFORMATIONAL ones', () => {
    const alerted = new Set(delivered.alerts.map((e) => e.detail.findingId));
    const passedHigh = findings.filter(
      (f) => f.status === 'PASSED' && (f.severity === 'HIGH' || f.severity === 'CRITICAL'),
    );
    const failedMedium = findings.filter((f) => f.status === 'FAILED' && f.severity === 'MEDIUM');
    expect(passedHigh.length).toBeGreaterThan(0);
    expect(failedMedium.map((f) => f.checkId)).toContain('retention-policy');
    const parked = findings.filter((f) => f.status === 'FAILED' && f.severity === 'INFORMATIONAL');
    expect(parked.map((f) => f.resource.id)).toEqual(['cluster-nohsmsaaaaaa']);
    expect([...passedHigh, ...failedMedium, ...parked].some((f) => alerted.has(f.findingId))).toBe(false);
  });

  it('does not alert on a HIGH check that could not judge (NOT_APPLICABLE), and logs it with its own status', () => {
    const notApplicable = findings.filter((f) => f.status === 'NOT_APPLICABLE');
    expect(notApplicable.map((f) => `${f.resource.id}/${f.checkId}`)).toContain(
      'cluster-onehsmaaaaaa/az-spread',
    );
    expect(notApplicable.some((f) => f.severity === 'HIGH')).toBe(true);
    const alerted = new Set(delivered.alerts.map((e) => e.detail.findingId));
    expect(notApplicable.some((f) => alerted.has(f.findingId))).toBe(false);
    const logged = delivered.feed
      .filter((e) => e.detail.status === 'NOT_APPLICABLE')
      .map((e) => e.detail.findingId);
    expect(logged.sort()).toEqual(notApplicable.map((f) => f.findingId).sort());
  });

  it('has no rule that routes findings by "not FAILED" (which would treat NOT_APPLICABLE as a pass)', () => {
    for (const file of Object.values(RULES)) {
      const pattern = JSON.parse(readFileSync(file, 'utf8')) as { detail?: { status?: unknown[] } };
      for (const value of pattern.detail?.status ?? []) {
        expect(typeof value, `${file}: status values are listed explicitly`).toBe('string');
        expect(['FAILED', 'PASSED', 'NOT_APPLICABLE']).toContain(value);
      }
    }
  });

  it('sends every event from the source, and nothing else, to the log target', () => {
    expect(delivered.feed).toHaveLength(findings.length + 3);
    expect(delivered.feed.every((e) => e.source === 'cloudhsm-ops')).toBe(true);
    expect(delivered.feed.filter((e) => e['detail-type'] === 'CloudHSM Run Summary')).toHaveLength(3);
    expect(new Set(delivered.feed.map((e) => e.detail.findingId ?? e.detail.runId)).size).toBe(
      findings.length + 3,
    );
  });

  it('sends one heartbeat per job run, whatever the job and however it ended, and nothing else', () => {
    expect(delivered.heartbeat.map((e) => e.detail.job).sort()).toEqual(['audit', 'copy', 'prune']);
    expect(delivered.heartbeat.every((e) => e['detail-type'] === 'CloudHSM Run Summary')).toBe(true);
  });

  it('sends only the summaries of failed runs to the failed-runs target', () => {
    expect(delivered.failedRuns.map((e) => e.detail.runId)).toEqual(['run-copy']);
  });

  it('delivers the finding detail and the cluster ARN unchanged', () => {
    const sent = findings.find((f) => f.findingId.endsWith('cluster-onehsmaaaaaa/hsm-count'))!;
    const got = delivered.alerts.find((e) => e.detail.findingId === sent.findingId)!;
    expect(got.detail).toEqual(sent);
    expect(got.resources).toEqual(['arn:aws:cloudhsm:us-east-1:123456789012:cluster/cluster-onehsmaaaaaa']);
  });
});
