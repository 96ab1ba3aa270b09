/**
 * Faults per account (issue 13's bench: "throttling at 10 req/s per account"): a rule may be
 * scoped to the account a request's key belongs to, and throttleRps counts per account.
 */
import { DescribeClustersCommand } from '@aws-sdk/client-cloudhsm-v2';
import { afterEach, describe, expect, it } from 'vitest';
import { AwsClients } from '../../lib/aws/clients.js';
import { FaultInjector } from '../../sandbox/faults.js';
import { type FaultConfig, type Sandbox, startSandbox } from '../../sandbox/index.js';
import { assumedKeys, LEDGER, MANAGEMENT, orgFleet, PAYMENTS } from '../support/org-fleet.js';
import { jsonCall } from '../support/raw-aws.js';

const EAST = 'us-east-1';

/** What `n` calls of one operation meet, for each account in turn, with real time standing still. */
function fates(config: FaultConfig, accounts: string[], n: number): Record<string, string[]> {
  const injector = new FaultInjector(1, () => 0);
  injector.hubAccount = MANAGEMENT;
  injector.set(config);
  const out: Record<string, string[]> = {};
  for (const account of accounts) {
    out[account] = Array.from(
      { length: n },
      () => injector.decide('cloudhsm', 'DescribeBackups', EAST, account).reject ?? 'ok',
    );
  }
  return out;
}

describe('faults per account (FaultInjector)', () => {
  it('throttles each account at throttleRps on its own: one busy account does not slow another', () => {
    // Act
    const seen = fates({ rules: [{ throttleRps: 10 }] }, [MANAGEMENT, PAYMENTS, LEDGER], 12);
    // Assess
    const expected = [...Array(10).fill('ok'), 'throttle', 'throttle'];
    expect(seen).toEqual({ [MANAGEMENT]: expected, [PAYMENTS]: expected, [LEDGER]: expected });
  });

  it('with throttleBy "account", counts every operation and region of an account in one bucket', () => {
    // Prepare
    const injector = new FaultInjector(1, () => 0);
    injector.hubAccount = MANAGEMENT;
    injector.set({ rules: [{ throttleRps: 10, throttleBy: 'account' }] });
    const calls: [string, string, string][] = [
      ['cloudhsm', 'DescribeBackups', EAST],
      ['cloudhsm', 'DescribeClusters', 'us-west-2'],
      ['ec2', 'DescribeSubnets', EAST],
    ];
    // Act
    const seen = Array.from({ length: 12 }, (_, i) => {
      const [service, operation, region] = calls[i % calls.length]!;
      return injector.decide(service, operation, region, PAYMENTS).reject ?? 'ok';
    });
    const other = injector.decide('cloudhsm', 'DescribeBackups', EAST, LEDGER).reject ?? 'ok';
    // Assess
    expect(seen).toEqual([...Array(10).fill('ok'), 'throttle', 'throttle']);
    expect(other).toBe('ok');
  });

  it('applies a rule scoped to an account to that account only', () => {
    // Act
    const seen = fates({ rules: [{ account: PAYMENTS, internalFailureRate: 1 }] }, [MANAGEMENT, PAYMENTS], 2);
    // Assess
    expect(seen).toEqual({ [MANAGEMENT]: ['ok', 'ok'], [PAYMENTS]: ['internal', 'internal'] });
  });

  it('treats a request without an account as the hub’s', () => {
    // Prepare
    const injector = new FaultInjector(1, () => 0);
    injector.hubAccount = MANAGEMENT;
    injector.set({ rules: [{ account: MANAGEMENT, internalFailureRate: 1 }] });
    // Act
    const decision = injector.decide('cloudhsm', 'DescribeBackups', EAST);
    // Assess
    expect(decision.reject).toBe('internal');
  });

  it('refuses an account that is not 12 digits, naming the field', () => {
    // Act
    const act = () => new FaultInjector(1).set({ rules: [{ account: '1234' }] });
    // Assess
    expect(act).toThrow(/rules\.0\.account/);
  });
});

describe('faults per account (over the wire)', () => {
  let sandbox: Sandbox | undefined;
  afterEach(async () => {
    await sandbox?.close();
    sandbox = undefined;
  });

  it('fails the scoped account’s calls and serves the hub’s', async () => {
    // Prepare
    sandbox = await startSandbox({
      fleet: orgFleet(),
      faults: { rules: [{ account: PAYMENTS, service: 'cloudhsm', internalFailureRate: 1 }] },
    });
    const keys = await assumedKeys(sandbox.url, PAYMENTS);
    // The SDK's own default retry strategy makes two attempts for maxAttempts 1 (lib/aws/clients.ts).
    const member = new AwsClients({
      endpoint: sandbox.url,
      maxAttempts: 1,
      credentials: async () => keys,
    }).cloudHsm(EAST);
    const hub = new AwsClients({ endpoint: sandbox.url, maxAttempts: 1 }).cloudHsm(EAST);
    // Act
    const memberError = await member.send(new DescribeClustersCommand({})).catch((e: Error) => e.name);
    const hubAnswer = await hub.send(new DescribeClustersCommand({}));
    // Assess
    expect(memberError).toBe('CloudHsmInternalFailureException');
    expect(hubAnswer.Clusters).toEqual([]);
    expect(sandbox.requests().map((r) => [r.account, r.status])).toEqual([
      [MANAGEMENT, 200],
      [PAYMENTS, 500],
      [MANAGEMENT, 200],
    ]);
  });
});

describe('faults on Organizations (over the wire)', () => {
  it('throttles with TooManyRequestsException (400) and fails with ServiceException (500), as Organizations does', async () => {
    // Prepare: one ListRoots a day, every ListAccounts an internal failure
    const sandbox = await startSandbox({
      fleet: orgFleet(),
      faults: {
        rules: [
          { service: 'organizations', operation: 'ListRoots', throttleRps: 1 / 86_400 },
          { service: 'organizations', operation: 'ListAccounts', internalFailureRate: 1 },
        ],
      },
    });
    try {
      const call = (operation: string) =>
        jsonCall(sandbox.url, 'organizations', `AWSOrganizationsV20161128.${operation}`, EAST, {});
      // Act
      const first = await call('ListRoots');
      const second = await call('ListRoots');
      const failed = await call('ListAccounts');
      // Assess
      expect(first.status).toBe(200);
      expect([second.status, second.body.__type]).toEqual([400, 'TooManyRequestsException']);
      expect([failed.status, failed.body.__type]).toEqual([500, 'ServiceException']);
    } finally {
      await sandbox.close();
    }
  });
});
