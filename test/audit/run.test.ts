import { PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { DateTime } from 'luxon';
import { afterEach, describe, expect, it } from 'vitest';
import { auditEvents, auditFailureReasons, runAudit } from '../../lib/audit/run.js';
import { AwsClients } from '../../lib/aws/clients.js';
import type { BackupRead, ClusterRead } from '../../lib/aws/dropped-members.js';
import { CHECKS } from '../../lib/checks/index.js';
import { parseAuditConfig } from '../../lib/config/audit.js';
import { type MockRegion, mockAws } from '../support/mock-aws.js';

const NOW = DateTime.fromISO('2026-11-29T12:00:00Z', { zone: 'utc' });
const hoursAgo = (h: number) => new Date(NOW.toMillis() - h * 3_600_000);

function cluster(id: string, overrides: Partial<ClusterRead> = {}): ClusterRead {
  return {
    ClusterId: id,
    State: 'ACTIVE',
    HsmType: 'hsm2m.medium',
    Mode: 'FIPS',
    VpcId: 'vpc-0a1',
    SecurityGroup: 'sg-0a110000',
    SubnetMapping: { 'us-east-1a': 'subnet-0a110000', 'us-east-1b': 'subnet-0b110000' },
    Hsms: [
      { HsmId: `hsm-${id.slice(8)}a`, AvailabilityZone: 'us-east-1a', State: 'ACTIVE' },
      { HsmId: `hsm-${id.slice(8)}b`, AvailabilityZone: 'us-east-1b', State: 'ACTIVE' },
    ],
    BackupRetentionPolicy: { Type: 'DAYS', Value: '90' },
    CreateTimestamp: hoursAgo(5000),
    ...overrides,
  };
}

const backup = (
  id: string,
  clusterId: string,
  hours: number,
  extra: Partial<BackupRead> = {},
): BackupRead => ({
  BackupId: id,
  ClusterId: clusterId,
  BackupState: 'READY',
  CreateTimestamp: hoursAgo(hours),
  HsmType: 'hsm2m.medium',
  Mode: 'FIPS',
  ...extra,
});

function eastRegion(): MockRegion {
  return {
    clusters: [
      cluster('cluster-bbbbbbbbbbb', {
        Hsms: [{ HsmId: 'hsm-bbbbbbbbbbb', AvailabilityZone: 'us-east-1a', State: 'ACTIVE' }],
      }),
      cluster('cluster-aaaaaaaaaaa'),
    ],
    backups: [
      backup('backup-aaaaaaaaaaa', 'cluster-aaaaaaaaaaa', 3),
      backup('backup-bbbbbbbbbbb', 'cluster-bbbbbbbbbbb', 3),
    ],
    zones: ['us-east-1a', 'us-east-1b'],
    subnets: [
      { SubnetId: 'subnet-0a110000', AvailabilityZone: 'us-east-1a', VpcId: 'vpc-0a1' },
      { SubnetId: 'subnet-0b110000', AvailabilityZone: 'us-east-1b', VpcId: 'vpc-0a1' },
    ],
    securityGroups: [
      {
        GroupId: 'sg-0a110000',
        IpPermissions: [
          { IpProtocol: 'tcp', FromPort: 2223, ToPort: 2225, UserIdGroupPairs: [{ GroupId: 'sg-0a110000' }] },
        ],
      },
    ],
  };
}

function westRegion(): MockRegion {
  return {
    backups: [
      backup('backup-copyaaaaaaa', 'cluster-aaaaaaaaaaa', 3, {
        SourceBackup: 'backup-aaaaaaaaaaa',
        SourceCluster: 'cluster-aaaaaaaaaaa',
        SourceRegion: 'us-east-1',
        CopyTimestamp: hoursAgo(2),
      }),
    ],
  };
}

const config = (extra: Record<string, string> = {}) =>
  parseAuditConfig({ regions: 'us-east-1', drRegions: 'us-west-2', ...extra });

let restore: (() => void) | undefined;
afterEach(() => {
  restore?.();
  restore = undefined;
});

describe('runAudit', () => {
  it('emits one finding per check per cluster, PASSED included, in a stable order', async () => {
    // Prepare
    const aws = mockAws({ 'us-east-1': eastRegion(), 'us-west-2': westRegion() });
    restore = aws.restore;
    // Act
    const report = await runAudit({ clients: new AwsClients(), runId: 'run-1' }, config(), NOW);
    // Assess
    expect(report.errors).toEqual([]);
    expect(report.account).toBe('111122223333');
    expect(report.findings).toHaveLength(2 * CHECKS.length);
    expect(report.findings.map((f) => f.resource.id)).toEqual([
      ...CHECKS.map(() => 'cluster-aaaaaaaaaaa'),
      ...CHECKS.map(() => 'cluster-bbbbbbbbbbb'),
    ]);
    const failed = report.findings
      .filter((f) => f.status === 'FAILED')
      .map((f) => `${f.resource.id} ${f.checkId} ${f.severity}`);
    expect(failed).toEqual(['cluster-bbbbbbbbbbb hsm-count CRITICAL', 'cluster-bbbbbbbbbbb dr-copies HIGH']);
    // One ACTIVE HSM: az-spread cannot judge the spread and says so (hsm-count fails it); no DR
    // copy: dr-restore-compat has nothing to judge (dr-copies fails it).
    const notApplicable = report.findings
      .filter((f) => f.status === 'NOT_APPLICABLE')
      .map((f) => `${f.resource.id} ${f.checkId}`);
    // Neither cluster backs a KMS key store: the key-store checks do not apply to them.
    expect(notApplicable).toEqual([
      'cluster-aaaaaaaaaaa key-store-connection',
      'cluster-aaaaaaaaaaa key-store-capacity',
      'cluster-bbbbbbbbbbb az-spread',
      'cluster-bbbbbbbbbbb key-store-connection',
      'cluster-bbbbbbbbbbb key-store-capacity',
      'cluster-bbbbbbbbbbb dr-restore-compat',
    ]);
    expect(report.summary.findings.byStatus).toEqual({
      FAILED: 2,
      PASSED: 2 * CHECKS.length - 8,
      NOT_APPLICABLE: 6,
    });
    expect(report.summary.findings.failedBySeverity).toMatchObject({ CRITICAL: 1, HIGH: 1, MEDIUM: 0 });
    expect(report.clusters.map((c) => c.id)).toEqual(['cluster-aaaaaaaaaaa', 'cluster-bbbbbbbbbbb']);
  });

  it('accepts the 90 days + age retention AWS gave a cluster created before 2020-11-18 (the sandbox allows only 7-379)', async () => {
    // Prepare
    const legacy = cluster('cluster-aaaaaaaaaaa', {
      CreateTimestamp: new Date('2019-11-18T00:00:00Z'),
      BackupRetentionPolicy: { Type: 'DAYS', Value: '455' },
    });
    const aws = mockAws({ 'us-east-1': { ...eastRegion(), clusters: [legacy] }, 'us-west-2': westRegion() });
    restore = aws.restore;
    // Act
    const report = await runAudit({ clients: new AwsClients() }, config(), NOW);
    // Assess
    const finding = report.findings.find((f) => f.checkId === 'retention-policy')!;
    expect(finding.status).toBe('PASSED');
    expect(finding.observed).toMatch(
      /^backups expire after 455 days: the policy AWS gave clusters created before 2020-11-18/,
    );
  });

  it('builds findings with exactly the detail fields of the contract', async () => {
    // Prepare
    const aws = mockAws({ 'us-east-1': eastRegion(), 'us-west-2': westRegion() });
    restore = aws.restore;
    // Act
    const report = await runAudit({ clients: new AwsClients(), runId: 'run-1' }, config(), NOW);
    // Assess
    const finding = report.findings.find(
      (f) => f.checkId === 'hsm-count' && f.resource.id === 'cluster-bbbbbbbbbbb',
    )!;
    expect(Object.keys(finding).sort()).toEqual(
      [
        'account',
        'checkId',
        'expected',
        'findingId',
        'observed',
        'observedAt',
        'region',
        'remediation',
        'resource',
        'runId',
        'schemaVersion',
        'severity',
        'status',
        'title',
      ].sort(),
    );
    expect(finding).toMatchObject({
      schemaVersion: '1.0',
      findingId: '111122223333/us-east-1/cluster-bbbbbbbbbbb/hsm-count',
      checkId: 'hsm-count',
      severity: 'CRITICAL',
      status: 'FAILED',
      account: '111122223333',
      region: 'us-east-1',
      resource: {
        type: 'AWS::CloudHSM::Cluster',
        id: 'cluster-bbbbbbbbbbb',
        arn: 'arn:aws:cloudhsm:us-east-1:111122223333:cluster/cluster-bbbbbbbbbbb',
      },
      observedAt: '2026-11-29T12:00:00Z',
      runId: 'run-1',
    });
    expect(finding.remediation.url).toMatch(/^https:\/\/docs\.aws\.amazon\.com\//);
  });

  it('gives the same finding ids in every run, and different run ids', async () => {
    // Prepare
    const aws = mockAws({ 'us-east-1': eastRegion(), 'us-west-2': westRegion() });
    restore = aws.restore;
    const clients = new AwsClients();
    // Act
    const first = await runAudit({ clients }, config(), NOW);
    const second = await runAudit({ clients }, config(), NOW.plus({ hours: 1 }));
    // Assess
    expect(second.findings.map((f) => f.findingId)).toEqual(first.findings.map((f) => f.findingId));
    expect(new Set(first.findings.map((f) => f.findingId)).size).toBe(first.findings.length);
    expect(second.runId).not.toBe(first.runId);
  });

  it('gathers the regions in parallel', async () => {
    // Prepare: each region's DescribeClusters takes 40 ms
    const aws = mockAws(
      {
        'us-east-1': eastRegion(),
        'eu-west-1': { ...eastRegion(), zones: ['eu-west-1a'] },
        'us-west-2': westRegion(),
      },
      { delayMs: 40 },
    );
    restore = aws.restore;
    // Act
    await runAudit(
      { clients: new AwsClients(), account: '111122223333' },
      config({ regions: 'us-east-1,eu-west-1' }),
      NOW,
    );
    // Assess
    expect(aws.tracker.maxInFlight).toBe(2);
  });

  it('reports a region it cannot gather and still audits the others', async () => {
    // Prepare
    const denied = Object.assign(new Error('not allowed'), { name: 'CloudHsmAccessDeniedException' });
    const aws = mockAws({
      'us-east-1': eastRegion(),
      'eu-west-1': { fail: denied },
      'us-west-2': westRegion(),
    });
    restore = aws.restore;
    // Act
    const report = await runAudit(
      { clients: new AwsClients() },
      config({ regions: 'us-east-1,eu-west-1' }),
      NOW,
    );
    // Assess
    expect(report.errors).toEqual([
      {
        region: 'eu-west-1',
        message: 'could not gather eu-west-1: CloudHsmAccessDeniedException: not allowed',
      },
    ]);
    expect(report.findings).toHaveLength(2 * CHECKS.length);
    expect(auditFailureReasons(report)).toEqual(['1 error(s) during the audit']);
    expect(report.exitCode).toBe(1);
  });

  it('lists a DELETED cluster that left READY backups as skipped, with how many it left', async () => {
    // Prepare: a deleted cluster with two READY backups (one PENDING_DELETION, not counted), and one with none.
    const east = eastRegion();
    east.clusters!.push(
      cluster('cluster-ddddddddddd', { State: 'DELETED', Hsms: [] }),
      cluster('cluster-eeeeeeeeeee', { State: 'DELETED', Hsms: [] }),
    );
    east.backups!.push(
      backup('backup-ddddddddda1', 'cluster-ddddddddddd', 300),
      backup('backup-ddddddddda2', 'cluster-ddddddddddd', 200),
      backup('backup-ddddddddda3', 'cluster-ddddddddddd', 100, { BackupState: 'PENDING_DELETION' }),
    );
    const aws = mockAws({ 'us-east-1': east, 'us-west-2': westRegion() });
    restore = aws.restore;
    // Act
    const report = await runAudit({ clients: new AwsClients() }, config(), NOW);
    // Assess: not audited (no findings), but not silent either.
    expect(report.findings.some((f) => f.resource.id === 'cluster-ddddddddddd')).toBe(false);
    expect(report.skipped).toEqual([
      {
        region: 'us-east-1',
        clusterId: 'cluster-ddddddddddd',
        checkId: '(every check)',
        reason:
          'cluster is DELETED, so it is not audited; it left 2 READY backup(s) in us-east-1 ' +
          'that no retention policy expires',
      },
    ]);
    expect(report.summary.skipped).toEqual(report.skipped);
    expect(report.summary.exitCode).toBe(0);
  });

  it('skips the DR checks, rather than guessing, when a DR region cannot be listed', async () => {
    // Prepare
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    const aws = mockAws({ 'us-east-1': eastRegion(), 'us-west-2': { fail: throttled } });
    restore = aws.restore;
    // Act
    const report = await runAudit({ clients: new AwsClients() }, config(), NOW);
    // Assess
    const needDr = ['dr-copies', 'stale-dr-copies', 'duplicate-dr-copies', 'dr-restore-compat'];
    expect(CHECKS.filter((c) => c.needs?.includes('dr-backups')).map((c) => c.id)).toEqual(needDr);
    expect(report.findings.some((f) => needDr.includes(f.checkId))).toBe(false);
    expect(report.findings).toHaveLength(2 * (CHECKS.length - needDr.length));
    expect(report.skipped).toContainEqual({
      region: 'us-east-1',
      clusterId: 'cluster-aaaaaaaaaaa',
      checkId: 'dr-copies',
      reason: 'backups in us-west-2 could not be listed',
    });
    expect(report.errors).toHaveLength(1);
    // The heartbeat says the run failed, as every job's does (infra/event-rules/failed-runs.json).
    expect(report.summary).toMatchObject({ exitCode: 1, exitStatus: 'failed', dryRun: false });
  });

  it('says in its Run Summary how the run ends: --fail-on tripped is a failed run', async () => {
    // Prepare
    const aws = mockAws({ 'us-east-1': eastRegion(), 'us-west-2': westRegion() });
    restore = aws.restore;
    // Act
    const clean = await runAudit({ clients: new AwsClients() }, config(), NOW);
    const strict = await runAudit({ clients: new AwsClients() }, config({ failOn: 'HIGH' }), NOW);
    // Assess
    expect(clean.summary).toMatchObject({ exitCode: 0, exitStatus: 'succeeded' });
    expect(clean.summary.counts).toMatchObject({ clusters: 2, failed: 2, notApplicable: 6 });
    expect(strict.summary).toMatchObject({ exitCode: 1, exitStatus: 'failed' });
  });

  it('publishes every finding and then the run summary, to the configured bus and source', async () => {
    // Prepare
    const aws = mockAws({ 'us-east-1': eastRegion(), 'us-west-2': westRegion() });
    restore = aws.restore;
    const cfg = config({ publish: 'true', eventBus: 'ops', eventSource: 'acme.hsm' });
    // Act
    const report = await runAudit({ clients: new AwsClients(), publishOptions: { backoffMs: 0 } }, cfg, NOW);
    // Assess
    const entries = aws.events
      .commandCalls(PutEventsCommand)
      .flatMap((call) => call.args[0].input.Entries as PutEventsRequestEntry[]);
    expect(entries).toHaveLength(report.findings.length + 1);
    expect(entries.slice(0, -1).every((e) => e.DetailType === 'CloudHSM Finding')).toBe(true);
    expect(entries.every((e) => e.Source === 'acme.hsm' && e.EventBusName === 'ops')).toBe(true);
    const summary = entries.at(-1)!;
    expect(summary.DetailType).toBe('CloudHSM Run Summary');
    expect(JSON.parse(summary.Detail!)).toMatchObject({
      runId: report.runId,
      regions: ['us-east-1'],
      clusters: 2,
      findings: { total: report.findings.length, byStatus: { FAILED: 2 } },
    });
    expect(JSON.parse(entries[0]!.Detail!)).toEqual(report.findings[0]);
    expect(entries[0]!.Resources).toEqual([report.findings[0]!.resource.arn]);
    expect(report.events).toMatchObject({
      published: entries.length,
      failed: [],
      target: { busName: 'ops', region: 'us-east-1' },
    });
  });

  it('reports undelivered events as a reason to fail, and a tripped --fail-on', async () => {
    // Prepare
    const aws = mockAws({ 'us-east-1': eastRegion(), 'us-west-2': westRegion() });
    restore = aws.restore;
    aws.events.on(PutEventsCommand).callsFake((input: { Entries: unknown[] }) => ({
      Entries: input.Entries.map(() => ({ ErrorCode: 'AccessDeniedException', ErrorMessage: 'no' })),
      FailedEntryCount: input.Entries.length,
    }));
    // Act
    const report = await runAudit(
      { clients: new AwsClients(), publishOptions: { backoffMs: 0 } },
      config({ publish: 'true' }),
      NOW,
    );
    // Assess
    expect(report.events?.failed).toHaveLength(auditEvents(report).length);
    expect(report.exitCode).toBe(1);
    expect(auditFailureReasons(report, 'HIGH')).toEqual([
      `${auditEvents(report).length} event(s) not delivered`,
      '2 FAILED finding(s) at or above HIGH',
    ]);
    expect(auditFailureReasons({ ...report, events: undefined }, 'CRITICAL')).toEqual([
      '1 FAILED finding(s) at or above CRITICAL',
    ]);
  });

  it('reports a PutEvents call that throws as every event lost, and exits 1, instead of throwing', async () => {
    // Prepare
    const aws = mockAws({ 'us-east-1': eastRegion(), 'us-west-2': westRegion() });
    restore = aws.restore;
    aws.events.on(PutEventsCommand).rejects(new Error('socket hang up'));
    // Act
    const report = await runAudit(
      { clients: new AwsClients(), publishOptions: { backoffMs: 0, maxAttempts: 1 } },
      config({ publish: 'true' }),
      NOW,
    );
    // Assess
    expect(report.events?.published).toBe(0);
    expect(report.events?.lostCount).toBe(auditEvents(report).length);
    expect(report.events?.lost[0]).toMatch(/event\(s\) were NOT delivered to EventBridge bus/);
    expect(report.exitCode).toBe(1);
    expect(auditFailureReasons(report)).toEqual([`${auditEvents(report).length} event(s) not delivered`]);
  });
});
