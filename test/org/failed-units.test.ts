/**
 * What an organization run's failed units say, against the sandbox's organization (test/support/
 * org-fleet.ts): a unit that fails before its job runs still tells the feed, and a unit's
 * failures name their cause, as the single-account CLI prints it.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../sandbox/index.js';
import { runCli } from '../support/cli.js';
import { NOW } from '../support/fleet.js';
import { MANAGEMENT, NO_ROLE, orgFleet, PAYMENTS } from '../support/org-fleet.js';

interface OrgDoc {
  runId: string;
  units: { account: string; region: string; exitCode: number; failures: string[] }[];
  failedUnits: string[];
}

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ fleet: orgFleet() });
});
afterAll(() => sandbox?.close());
beforeEach(() => {
  sandbox.setFaults({ rules: [] });
});

const cli = (args: string[]) => runCli([...args, '--endpoint', sandbox.url, '--now', NOW]);
const summariesOf = (account: string, from: number) =>
  sandbox
    .events()
    .slice(from)
    .filter((e) => e.detailType === 'CloudHSM Run Summary')
    .map((e) => e.detail as Record<string, unknown>)
    .filter((d) => d.account === account);

describe('a unit that fails before its job runs', () => {
  it.each([
    ['audit', [], false],
    ['prune', ['--older-than', '90d'], true],
  ] as const)(
    '%s --publish: the account without the role gets a failed Run Summary on the hub’s bus',
    async (job, extra, dryRun) => {
      const before = sandbox.events().length;
      const run = await cli([
        job,
        '--region',
        'us-east-1',
        '--accounts',
        `${PAYMENTS},${NO_ROLE}`,
        ...extra,
        '--publish',
        '--json',
      ]);
      expect(run.code).toBe(1);
      const doc = JSON.parse(run.stdout) as OrgDoc;
      const [summary, ...more] = summariesOf(NO_ROLE, before);
      expect(more).toEqual([]);
      expect(summary).toMatchObject({
        job,
        account: NO_ROLE,
        regions: ['us-east-1'],
        exitCode: 1,
        exitStatus: 'failed',
        dryRun,
        counts: {},
        startedAt: NOW,
      });
      expect(String(summary!.reason)).toMatch(/sts:AssumeRole .* failed: AccessDenied/);
      // Every event reaches the hub's bus; the working member still publishes its own summary.
      expect(
        new Set(
          sandbox
            .events()
            .slice(before)
            .map((e) => e.account),
        ),
      ).toEqual(new Set([MANAGEMENT]));
      expect(summariesOf(PAYMENTS, before)).toHaveLength(1);
      expect(doc.failedUnits).toEqual([
        expect.stringMatching(new RegExp(`^${NO_ROLE} us-east-1: .*AccessDenied`)),
      ]);
    },
  );

  it('without --publish nothing is sent for it', async () => {
    const before = sandbox.events().length;
    const run = await cli(['audit', '--region', 'us-east-1', '--accounts', NO_ROLE, '--json']);
    expect(run.code).toBe(1);
    expect(sandbox.events().slice(before)).toEqual([]);
  });
});

describe('a unit’s failures name their cause, as the single-account CLI prints it', () => {
  const audit = (extra: string[]) =>
    cli([
      'audit',
      '--region',
      'us-east-1',
      '--accounts',
      PAYMENTS,
      '--max-attempts',
      '1',
      '--json',
      ...extra,
    ]);

  it('an error during the audit: the call, the region and why', async () => {
    sandbox.setFaults({
      rules: [{ account: PAYMENTS, operation: 'DescribeBackups', latencyMs: 5000 }],
    });
    const run = await audit(['--timeout', '0.3']);
    const doc = JSON.parse(run.stdout) as OrgDoc;
    expect(run.code).toBe(1);
    expect(doc.units[0]!.failures.join('\n')).toMatch(
      /CloudHSM DescribeBackups in us-east-1: no answer within 0\.3 s \(1 attempt\)/,
    );
    expect(doc.units[0]!.failures.join('\n')).not.toMatch(/^\d+ error\(s\) during the audit$/m);
    expect(doc.failedUnits[0]).toMatch(/DescribeBackups/);
    expect(run.stderr).toMatch(new RegExp(`unit failed: ${PAYMENTS} us-east-1: .*DescribeBackups`));
  });

  it('lost events: each named, with the bus', async () => {
    sandbox.setFaults({ rules: [{ operation: 'PutEvents', internalFailureRate: 1 }] });
    const run = await audit(['--publish']);
    const doc = JSON.parse(run.stdout) as OrgDoc;
    expect(run.code).toBe(1);
    const failures = doc.units[0]!.failures.join('\n');
    expect(failures).toMatch(/event\(s\) were NOT delivered to EventBridge bus "default" in us-east-1/);
    expect(failures).toMatch(/CloudHSM Finding/);
    expect(failures).not.toMatch(/^\d+ event\(s\) not delivered$/m);
  });

  it('findings Security Hub refused: each named, with the reason', async () => {
    sandbox.setFaults({ rules: [{ operation: 'BatchImportFindings', internalFailureRate: 1 }] });
    const run = await audit(['--security-hub']);
    const doc = JSON.parse(run.stdout) as OrgDoc;
    expect(run.code).toBe(1);
    const failures = doc.units[0]!.failures.join('\n');
    expect(failures).toMatch(/finding\(s\) not imported into Security Hub: \S+ in us-east-1 \(/);
  });

  it('copy: lost events each named, with the bus', async () => {
    sandbox.setFaults({ rules: [{ operation: 'PutEvents', internalFailureRate: 1 }] });
    const run = await cli([
      'copy',
      '--region',
      'us-east-1',
      '--dr-region',
      'us-west-2',
      '--accounts',
      PAYMENTS,
      '--dry-run',
      '--publish',
      '--event-bus',
      'ops-feed',
      '--max-attempts',
      '1',
      '--json',
    ]);
    const doc = JSON.parse(run.stdout) as OrgDoc;
    expect(run.code).toBe(1);
    const failures = doc.units[0]!.failures.join('\n');
    expect(failures).toMatch(
      /event\(s\) were NOT delivered to EventBridge bus "ops-feed" in us-east-1:\n {2}- CloudHSM/,
    );
  });
});
