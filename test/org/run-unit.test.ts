/**
 * runUnit against the in-memory mocks: one job in one (account, region), as the member, with
 * events on the hub's bus. (The sandbox tests in this folder check the accounts really differ.)
 */
import type { Backup, Cluster } from '@aws-sdk/client-cloudhsm-v2';
import { PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AuditReport } from '../../lib/audit/run.js';
import { AwsClients } from '../../lib/aws/clients.js';
import { parseAuditConfig } from '../../lib/config/audit.js';
import { parseCopyConfig } from '../../lib/config/copy.js';
import { parsePruneConfig } from '../../lib/config/prune.js';
import { MemberCredentials } from '../../lib/org/credentials.js';
import { runUnit, type UnitDeps } from '../../lib/org/run-unit.js';
import type { OrgJob, UnitMessage } from '../../lib/org/types.js';
import { mockAws } from '../support/mock-aws.js';

const HUB = '111122223333'; // the mocks' GetCallerIdentity
const MEMBER = '222222222222';
const DENIED = '333333333333';
const PLANNED = '2026-11-29T12:00:00Z';
const T = Date.parse(PLANNED);

const cluster: Cluster = {
  ClusterId: 'cluster-aaaaaaaaaaa',
  State: 'ACTIVE',
  HsmType: 'hsm2m.medium',
  VpcId: 'vpc-0a1',
  SecurityGroup: 'sg-0a110000',
  SubnetMapping: { 'us-east-1a': 'subnet-0a110000' },
  Hsms: [{ HsmId: 'hsm-aaaaaaaaaaa', AvailabilityZone: 'us-east-1a', State: 'ACTIVE' }],
  BackupRetentionPolicy: { Type: 'DAYS', Value: '90' },
};
const backup = (id: string, hours: number): Backup => ({
  BackupId: id,
  ClusterId: 'cluster-aaaaaaaaaaa',
  BackupState: 'READY',
  CreateTimestamp: new Date(T - hours * 3_600_000),
});

function message(job: OrgJob, account = MEMBER, region = 'us-east-1'): UnitMessage {
  return {
    version: 1,
    runId: 'dispatch-run-1',
    plannedAt: PLANNED,
    unit: { job, account: { id: account, name: `acct-${account.slice(0, 3)}` }, region },
    access: { roleName: 'cloudhsm-ops-member' },
  };
}

describe('runUnit', () => {
  let aws: ReturnType<typeof mockAws>;
  let hub: AwsClients;
  let members: MemberCredentials;
  let deps: UnitDeps;

  beforeEach(() => {
    aws = mockAws({
      'us-east-1': {
        clusters: [cluster],
        backups: [backup('backup-aaaaaaaaaaa', 3), backup('backup-bbbbbbbbbbb', 24 * 200)],
        zones: ['us-east-1a'],
        subnets: [{ SubnetId: 'subnet-0a110000', AvailabilityZone: 'us-east-1a', VpcId: 'vpc-0a1' }],
        securityGroups: [{ GroupId: 'sg-0a110000', VpcId: 'vpc-0a1', IpPermissions: [] }],
      },
      'us-west-2': {},
    });
    aws.sts.on(AssumeRoleCommand).callsFake((input: { RoleArn: string }) => {
      if (input.RoleArn.includes(DENIED)) {
        throw Object.assign(new Error('not authorized to perform sts:AssumeRole'), { name: 'AccessDenied' });
      }
      return {
        Credentials: {
          AccessKeyId: 'ASIAMEMBER',
          SecretAccessKey: 's',
          SessionToken: 't',
          Expiration: new Date(T + 3_600_000),
        },
      };
    });
    hub = new AwsClients({ endpoint: 'http://127.0.0.1:1', maxAttempts: 1 });
    members = new MemberCredentials({ hub, region: 'us-east-1', now: () => new Date(T) });
    deps = {
      hub,
      members,
      clock: () => new Date(T),
      settings: {
        audit: parseAuditConfig({ regions: 'us-east-1,us-west-2', publish: 'true', eventBus: 'ops-feed' }),
        prune: parsePruneConfig({ regions: 'us-east-1,us-west-2', olderThan: '90d' }),
        copy: parseCopyConfig({ regions: 'us-east-1', drRegions: 'us-west-2', dryRun: 'true' }),
      },
    };
  });
  afterEach(() => {
    members.destroy();
    hub.destroy();
    aws.restore();
  });

  it('audits one region as the member, keeps the dispatch run id and publishes on the hub’s bus', async () => {
    const bus = vi.spyOn(hub, 'eventBridge');
    const result = await runUnit(deps, message('audit'));
    expect(result.exitCode).toBe(0);
    expect(result.failures).toEqual([]);
    const report = result.result as AuditReport;
    expect(report.runId).toBe('dispatch-run-1');
    expect(report.regions).toEqual(['us-east-1']);
    expect(report.account).toBe(MEMBER);
    expect(report.startedAt).toBe(PLANNED);
    expect(report.findings.length).toBeGreaterThan(0);
    for (const finding of report.findings) {
      expect(finding.account).toBe(MEMBER);
      expect(finding.findingId.startsWith(`${MEMBER}/us-east-1/cluster-aaaaaaaaaaa/`)).toBe(true);
    }
    expect(bus).toHaveBeenCalledWith('us-east-1');
    const entries = aws.events
      .commandCalls(PutEventsCommand)
      .flatMap((call) => call.args[0].input.Entries as PutEventsRequestEntry[]);
    expect(entries.length).toBe(report.findings.length + 1);
    expect(entries[0]!.EventBusName).toBe('ops-feed');
    expect(entries[0]!.Resources).toEqual([
      `arn:aws:cloudhsm:us-east-1:${MEMBER}:cluster/cluster-aaaaaaaaaaa`,
    ]);
    expect(JSON.parse(entries.at(-1)!.Detail!).account).toBe(MEMBER);
    expect(aws.sts.commandCalls(AssumeRoleCommand)).toHaveLength(1);
  });

  it('the caller’s own account runs with the hub’s clients, without AssumeRole', async () => {
    const result = await runUnit(deps, message('inventory', HUB));
    expect(result.exitCode).toBe(0);
    expect(result.result).toMatchObject({ region: 'us-east-1', backups: { total: 2 } });
    expect(aws.sts.commandCalls(AssumeRoleCommand)).toHaveLength(0);
  });

  it('a denied AssumeRole is the unit’s failure, named with account and reason, never a throw', async () => {
    const result = await runUnit(deps, message('audit', DENIED));
    expect(result.exitCode).toBe(1);
    expect(result.unit.account.id).toBe(DENIED);
    expect(result.failures).toEqual([
      expect.stringMatching(/account 333333333333: sts:AssumeRole .* AccessDenied/),
    ]);
    expect(result.result).toBeUndefined();
  });

  it('a denied unit publishes one failed Run Summary on the hub’s bus; a lost one is a failure too', async () => {
    await runUnit(deps, message('audit', DENIED));
    const sent = aws.events
      .commandCalls(PutEventsCommand)
      .flatMap((call) => call.args[0].input.Entries as PutEventsRequestEntry[]);
    expect(sent.map((e) => [e.DetailType, e.EventBusName])).toEqual([['CloudHSM Run Summary', 'ops-feed']]);
    expect(JSON.parse(sent[0]!.Detail!)).toMatchObject({
      account: DENIED,
      exitStatus: 'failed',
      accountName: 'acct-333',
    });
    aws.events
      .on(PutEventsCommand)
      .rejects(Object.assign(new Error('no access'), { name: 'AccessDeniedException' }));
    const lost = await runUnit(deps, message('audit', DENIED));
    expect(lost.failures).toEqual([
      expect.stringMatching(/sts:AssumeRole .* AccessDenied/),
      expect.stringMatching(/1 event\(s\) were NOT delivered to EventBridge bus "ops-feed".*\n.*Run Summary/),
    ]);
  });

  it('prune plans the unit’s region only, under a fresh run id, recording the dispatch run id', async () => {
    const result = await runUnit(deps, message('prune'));
    expect(result.exitCode).toBe(0);
    const run = result.result as {
      runId: string;
      dispatchRunId: string;
      mode: string;
      plan: { regions: string[] };
    };
    expect(run.mode).toBe('dry-run');
    expect(run.plan.regions).toEqual(['us-east-1']);
    expect(run.dispatchRunId).toBe('dispatch-run-1');
    expect(run.runId).not.toBe('dispatch-run-1');
    const again = await runUnit(deps, message('prune'));
    expect((again.result as { runId: string }).runId).not.toBe(run.runId);
  });

  it('copy copies from the unit’s region under a fresh run id, recording the dispatch run id', async () => {
    const result = await runUnit(deps, message('copy'));
    const run = result.result as { runId: string; dispatchRunId: string; plan: { sourceRegions: string[] } };
    expect(run.plan.sourceRegions).toEqual(['us-east-1']);
    expect(run.dispatchRunId).toBe('dispatch-run-1');
    expect(run.runId).not.toBe('dispatch-run-1');
  });

  it('a job without settings, an unknown message version or a bad instant is a failure, not a throw', async () => {
    const { audit: _audit, ...rest } = deps.settings;
    const noSettings = await runUnit({ ...deps, settings: rest }, message('audit'));
    expect(noSettings.failures).toEqual([expect.stringMatching(/no audit settings/)]);
    const version = await runUnit(deps, { ...message('audit'), version: 2 } as unknown as UnitMessage);
    expect(version.failures).toEqual([expect.stringMatching(/message version 2/)]);
    const instant = await runUnit(deps, { ...message('audit'), plannedAt: 'soon' });
    expect(instant.failures).toEqual([expect.stringMatching(/plannedAt "soon"/)]);
    expect([noSettings, version, instant].map((r) => r.exitCode)).toEqual([1, 1, 1]);
  });
});
