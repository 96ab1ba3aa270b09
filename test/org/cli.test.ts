/**
 * The organization options through the CLI, against the sandbox's organization (test/support/
 * org-fleet.ts): 111111111111 is the hub (the dummy keys), 222222222222 holds clusters,
 * 333333333333 wants an external id, 444444444444 lacks the role, 555555555555 is SUSPENDED.
 */
import { GetFindingsCommand } from '@aws-sdk/client-securityhub';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AwsClients } from '../../lib/aws/clients.js';
import { type Sandbox, startSandbox } from '../../sandbox/index.js';
import { runCli } from '../support/cli.js';
import { NOW } from '../support/fleet.js';
import {
  EXTERNAL_ID,
  LEDGER,
  MANAGEMENT,
  NO_ROLE,
  OU_PAYMENTS,
  orgFleet,
  PAYMENTS,
  ROLE,
} from '../support/org-fleet.js';

interface UnitDoc {
  account: string;
  accountName: string | null;
  region: string;
  exitCode: number;
  failures: string[];
  result: Record<string, unknown> | null;
}
interface OrgDoc {
  runId: string;
  units: UnitDoc[];
  failedUnits: string[];
  exitCode: number;
}

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ fleet: orgFleet() });
});
afterAll(() => sandbox?.close());
beforeEach(() => sandbox.clearRequests());

const cli = (args: string[]) => runCli([...args, '--endpoint', sandbox.url, '--now', NOW]);
const calls = (operation: string) => sandbox.requests().filter((r) => r.operation === operation);
const assumed = () => calls('AssumeRole').map((r) => (r.params as { RoleArn: string }).RoleArn.split(':')[4]);
const unitsOf = (doc: OrgDoc) => doc.units.map((u) => `${u.account}/${u.region}`);

describe('audit --organization', () => {
  it('runs every ACTIVE account in every region, one AssumeRole per member account, the denied one named', async () => {
    const run = await cli([
      'audit',
      '--region',
      'us-east-1,us-west-2',
      '--organization',
      '--external-id',
      EXTERNAL_ID,
      '--json',
    ]);
    const doc = JSON.parse(run.stdout) as OrgDoc;
    expect(run.code).toBe(1);
    expect(doc.exitCode).toBe(1);
    expect(unitsOf(doc)).toEqual(
      [MANAGEMENT, PAYMENTS, LEDGER, NO_ROLE].flatMap((a) => [`${a}/us-east-1`, `${a}/us-west-2`]),
    );
    // One AssumeRole per member account per run, none for the hub; the session names the run.
    expect(assumed().sort()).toEqual([PAYMENTS, LEDGER, NO_ROLE].sort());
    for (const call of calls('AssumeRole')) {
      expect((call.params as { RoleSessionName: string }).RoleSessionName).toBe(`cloudhsm-ops-${doc.runId}`);
    }
    // The denied account fails both its units, named; every other unit completes.
    expect(doc.failedUnits).toEqual([
      expect.stringMatching(/^444444444444 \(sandbox-dev\) us-east-1: .*AssumeRole.*AccessDenied/),
      expect.stringMatching(/^444444444444 \(sandbox-dev\) us-west-2: .*AssumeRole.*AccessDenied/),
    ]);
    expect(doc.units.filter((u) => u.account !== NO_ROLE).every((u) => u.exitCode === 0)).toBe(true);
    expect(run.stderr).toMatch(/unit failed: 444444444444 \(sandbox-dev\) us-east-1: account 444444444444/);
    // Each unit is the member's own: its findings carry its account in their ids.
    const payments = doc.units.find((u) => u.account === PAYMENTS && u.region === 'us-east-1')!;
    expect(payments.accountName).toBe('payments-prod');
    const findings = payments.result!.findings as { account: string; findingId: string }[];
    expect(findings.length).toBeGreaterThan(0);
    for (const f of findings) expect(f.findingId.startsWith(`${PAYMENTS}/us-east-1/`)).toBe(true);
    expect(doc.units.find((u) => u.account === MANAGEMENT)!.result!.account).toBe(MANAGEMENT);
  });

  it('without the external id the account whose role asks for one is denied too', async () => {
    const run = await cli(['audit', '--region', 'us-east-1', '--organization', '--json']);
    const doc = JSON.parse(run.stdout) as OrgDoc;
    expect(doc.failedUnits.map((u) => u.split(' ')[0])).toEqual([LEDGER, NO_ROLE]);
  });

  it('publishes every unit’s events on the hub’s bus, naming the member’s account and ARNs', async () => {
    const before = sandbox.events().length;
    const run = await cli([
      'audit',
      '--region',
      'us-east-1',
      '--accounts',
      `${PAYMENTS},${MANAGEMENT}`,
      '--publish',
    ]);
    expect(run.code).toBe(0);
    const events = sandbox.events().slice(before);
    expect(new Set(events.map((e) => e.account))).toEqual(new Set([MANAGEMENT]));
    const findings = events.filter((e) => e.detailType === 'CloudHSM Finding');
    expect(findings.length).toBeGreaterThan(0);
    for (const e of findings) {
      expect((e.detail as { account: string }).account).toBe(PAYMENTS);
      expect(e.resources[0]).toMatch(/^arn:aws:cloudhsm:us-east-1:222222222222:cluster\//);
    }
    const summaries = events.filter((e) => e.detailType === 'CloudHSM Run Summary');
    expect(summaries.map((e) => (e.detail as { account: string }).account).sort()).toEqual([
      MANAGEMENT,
      PAYMENTS,
    ]);
    // An explicit list never asks Organizations.
    expect(sandbox.requests().filter((r) => r.service === 'organizations')).toEqual([]);
    expect(run.stdout).toMatch(/222222222222\s+us-east-1\s+ok\s+2 cluster\(s\)/);
  });

  it('with the accounts discovered, every event names the member account by name too', async () => {
    const before = sandbox.events().length;
    const run = await cli(['audit', '--region', 'us-east-1', '--organization', '--publish']);
    expect(run.code).toBe(1); // the account without the role
    const events = sandbox.events().slice(before);
    const ofPayments = events.filter((e) => (e.detail as { account: string }).account === PAYMENTS);
    expect(ofPayments.map((e) => e.detailType)).toContain('CloudHSM Finding');
    expect(ofPayments.map((e) => e.detailType)).toContain('CloudHSM Run Summary');
    for (const e of ofPayments)
      expect((e.detail as { accountName?: string }).accountName).toBe('payments-prod');
  });

  it.each([
    ['prune', ['--older-than', '1d']],
    ['copy', ['--dr-region', 'us-west-2', '--dry-run']],
  ])('%s across the organization names the member account in its events too', async (job, extra) => {
    const before = sandbox.events().length;
    const run = await cli([job, '--region', 'us-east-1', '--organization', '--publish', ...extra]);
    expect(run.code).toBe(1); // the account without the role
    const ofPayments = sandbox
      .events()
      .slice(before)
      .filter((e) => (e.detail as { account: string }).account === PAYMENTS);
    expect(ofPayments.map((e) => e.detailType)).toContain('CloudHSM Run Summary');
    for (const e of ofPayments)
      expect((e.detail as { accountName?: string }).accountName).toBe('payments-prod');
  });

  it("--security-hub imports each member's findings into that member's own Security Hub", async () => {
    const run = await cli(['audit', '--region', 'us-east-1', '--accounts', PAYMENTS, '--security-hub']);
    expect(run.code).toBe(0);
    // Read back as the member (its assumed role) and as the hub, with the SDK, not the tool.
    const hub = new AwsClients({ endpoint: sandbox.url, maxAttempts: 1 });
    const assumed = await hub
      .sts('us-east-1')
      .send(
        new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${PAYMENTS}:role/${ROLE}`, RoleSessionName: 'check' }),
      );
    const c = assumed.Credentials!;
    const member = new AwsClients({
      endpoint: sandbox.url,
      maxAttempts: 1,
      credentials: async () => ({
        accessKeyId: c.AccessKeyId!,
        secretAccessKey: c.SecretAccessKey!,
        sessionToken: c.SessionToken!,
      }),
    });
    try {
      const inMember = await member
        .securityHub('us-east-1')
        .send(new GetFindingsCommand({ MaxResults: 100 }));
      const inHub = await hub.securityHub('us-east-1').send(new GetFindingsCommand({ MaxResults: 100 }));
      expect(inMember.Findings?.length).toBeGreaterThan(0);
      expect(new Set(inMember.Findings?.map((f) => f.AwsAccountId))).toEqual(new Set([PAYMENTS]));
      expect(inHub.Findings?.filter((f) => f.AwsAccountId === PAYMENTS)).toEqual([]);
    } finally {
      hub.destroy();
      member.destroy();
    }
  });

  it('an explicit --accounts list knows no names: the events carry none', async () => {
    const before = sandbox.events().length;
    const run = await cli(['audit', '--region', 'us-east-1', '--accounts', PAYMENTS, '--publish']);
    expect(run.code).toBe(0);
    const events = sandbox.events().slice(before);
    expect(events.length).toBeGreaterThan(0);
    for (const e of events) expect(e.detail).not.toHaveProperty('accountName');
  });

  it('--ou walks the OU and its child OUs only; --exclude-accounts leaves accounts out and says which matched nothing', async () => {
    const ou = await cli(['audit', '--region', 'us-east-1', '--organization', '--ou', OU_PAYMENTS, '--json']);
    const ouDoc = JSON.parse(ou.stdout) as OrgDoc;
    expect(ouDoc.units.map((u) => u.account)).toEqual([PAYMENTS, LEDGER]);
    expect(calls('ListAccounts')).toEqual([]);
    expect(calls('ListAccountsForParent').length).toBeGreaterThanOrEqual(2);
    sandbox.clearRequests();
    const excluded = await cli([
      'audit',
      '--region',
      'us-east-1',
      '--organization',
      '--exclude-accounts',
      `${NO_ROLE},${LEDGER},999999999999`,
      '--json',
    ]);
    const doc = JSON.parse(excluded.stdout) as OrgDoc;
    expect(excluded.code).toBe(0);
    expect(doc.units.map((u) => u.account)).toEqual([MANAGEMENT, PAYMENTS]);
    expect(excluded.stderr).toMatch(
      /note: --exclude-accounts 999999999999 is not one of the accounts in scope/,
    );
    expect(assumed()).toEqual([PAYMENTS]);
  });

  it('a unit whose calls keep failing (retries exhausted) is named with its account and region; the rest complete', async () => {
    sandbox.setFaults({
      rules: [{ account: PAYMENTS, region: 'us-west-2', service: 'cloudhsm', internalFailureRate: 1 }],
    });
    try {
      const run = await cli([
        'audit',
        '--region',
        'us-east-1,us-west-2',
        '--accounts',
        `${MANAGEMENT},${PAYMENTS}`,
        '--max-attempts',
        '2',
        '--json',
      ]);
      const doc = JSON.parse(run.stdout) as OrgDoc;
      expect(run.code).toBe(1);
      expect(doc.failedUnits).toEqual([expect.stringMatching(/^222222222222 us-west-2: .*error/)]);
      expect(doc.units.filter((u) => u.exitCode === 0).map((u) => `${u.account}/${u.region}`)).toEqual([
        `${MANAGEMENT}/us-east-1`,
        `${MANAGEMENT}/us-west-2`,
        `${PAYMENTS}/us-east-1`,
      ]);
      const failed = doc.units.find((u) => u.exitCode !== 0)!;
      expect(JSON.stringify(failed.result)).toMatch(/could not gather us-west-2/);
    } finally {
      sandbox.setFaults({ rules: [] });
    }
  });

  it('an unknown OU is bad input: exit 2, named, nothing changed', async () => {
    const run = await cli(['audit', '--region', 'us-east-1', '--organization', '--ou', 'ou-ab12-zzzzzzzz']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--ou ou-ab12-zzzzzzzz is not an OU of this organization/);
    expect(sandbox.requests().filter((r) => r.mutating)).toEqual([]);
    expect(calls('AssumeRole')).toEqual([]);
  });
});

describe('the other jobs across accounts', () => {
  it('inventory lists each member’s own region', async () => {
    const run = await runCli([
      'inventory',
      '--region',
      'us-east-1',
      '--accounts',
      `${PAYMENTS},${LEDGER}`,
      '--external-id',
      EXTERNAL_ID,
      '--json',
      '--endpoint',
      sandbox.url,
    ]);
    const doc = JSON.parse(run.stdout) as OrgDoc;
    expect(run.code).toBe(0);
    const clusters = doc.units.map((u) => (u.result!.clusters as unknown[]).length);
    expect(clusters).toEqual([sandbox.clusters('us-east-1', PAYMENTS).length, 0]);
    expect(clusters[0]).toBeGreaterThan(0);
  });

  it('prune stays a dry run across accounts and deletes nothing', async () => {
    const run = await cli([
      'prune',
      '--region',
      'us-east-1',
      '--accounts',
      PAYMENTS,
      '--older-than',
      '1d',
      '--json',
    ]);
    const doc = JSON.parse(run.stdout) as OrgDoc;
    expect(run.code).toBe(0);
    const prune = doc.units[0]!.result as {
      mode: string;
      runId: string;
      dispatchRunId: string;
      plan: { counts: { delete: number } };
    };
    expect(prune.mode).toBe('dry-run');
    expect(prune.plan.counts.delete).toBeGreaterThan(0);
    expect(prune.dispatchRunId).toBe(doc.runId);
    expect(prune.runId).not.toBe(doc.runId);
    expect(sandbox.requests().filter((r) => r.mutating && r.operation !== 'AssumeRole')).toEqual([]);
  });

  it('copy plans from each member’s source region (dry run)', async () => {
    const run = await cli([
      'copy',
      '--region',
      'us-east-1',
      '--dr-region',
      'us-west-2',
      '--accounts',
      PAYMENTS,
      '--dry-run',
      '--json',
    ]);
    const doc = JSON.parse(run.stdout) as OrgDoc;
    expect(run.code).toBe(0);
    const copy = doc.units[0]!.result as { planned: unknown[]; dryRun: boolean };
    expect(copy.dryRun).toBe(true);
    expect(copy.planned.length).toBeGreaterThan(0);
  });
});
