/**
 * Accounts in the sandbox (issue 13): each request is answered from the state of the account its
 * access key belongs to; STS AssumeRole hands out keys bound to a member account.
 */
import {
  CloudHSMV2Client,
  DescribeBackupsCommand,
  DescribeClustersCommand,
} from '@aws-sdk/client-cloudhsm-v2';
import { DescribeSubnetsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { BatchImportFindingsCommand, SecurityHubClient } from '@aws-sdk/client-securityhub';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../sandbox/index.js';
import { smallFleet } from '../support/fleet.js';
import {
  assumedKeys,
  EXTERNAL_ID,
  errorOf,
  HUB_KEYS,
  LEDGER,
  MANAGEMENT,
  NO_ROLE,
  orgFleet,
  PAYMENTS,
  ROLE,
  SUSPENDED,
} from '../support/org-fleet.js';

const EAST = 'us-east-1';
type Keys = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ fleet: orgFleet() });
});
afterAll(() => sandbox?.close());

const sts = (keys: Keys = HUB_KEYS) =>
  new STSClient({ endpoint: sandbox.url, region: EAST, credentials: keys, maxAttempts: 1 });
const hsm = (keys: Keys = HUB_KEYS) =>
  new CloudHSMV2Client({ endpoint: sandbox.url, region: EAST, credentials: keys, maxAttempts: 1 });

/** AssumeRole into `account` with the hub's keys (or `caller`), returning SDK credentials. */
async function assume(
  account: string,
  options: { caller?: Keys; externalId?: string; seconds?: number } = {},
) {
  const answer = await sts(options.caller).send(
    new AssumeRoleCommand({
      RoleArn: `arn:aws:iam::${account}:role/${ROLE}`,
      RoleSessionName: 'cloudhsm-ops',
      ExternalId: options.externalId,
      DurationSeconds: options.seconds,
    }),
  );
  const c = answer.Credentials!;
  return {
    answer,
    keys: { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! },
  };
}

describe('STS AssumeRole', () => {
  it('returns credentials bound to the member account, expiring on the sandbox clock', async () => {
    // Act
    const { answer } = await assume(PAYMENTS, { seconds: 900 });
    // Assess
    const c = answer.Credentials!;
    expect(c.AccessKeyId).toMatch(/^ASIA[A-Z0-9]{16}$/);
    expect(c.SecretAccessKey).toHaveLength(40);
    expect(c.SessionToken!.length).toBeGreaterThan(20);
    expect(c.Expiration?.toISOString()).toBe(new Date(sandbox.clock.nowMs() + 900_000).toISOString());
    expect(answer.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${PAYMENTS}:assumed-role/${ROLE}/cloudhsm-ops`);
    expect(answer.AssumedRoleUser?.AssumedRoleId).toMatch(/^AROA[A-Z0-9]{17}:cloudhsm-ops$/);
  });

  it('defaults to one hour', async () => {
    // Act
    const { answer } = await assume(PAYMENTS);
    // Assess
    expect(answer.Credentials?.Expiration?.getTime()).toBe(sandbox.clock.nowMs() + 3_600_000);
  });

  it.each([
    [NO_ROLE, 'an account without the role'],
    [SUSPENDED, 'a SUSPENDED account'],
    ['999999999999', 'an account outside the organization'],
  ])('denies %s (%s) with AccessDenied, worded as AWS does', async (account) => {
    // Act
    const error = await errorOf(assume(account));
    // Assess
    expect(error).toEqual({
      name: 'AccessDenied',
      status: 403,
      message:
        `User: arn:aws:iam::${MANAGEMENT}:user/cloudhsm-ops-sandbox is not authorized to perform: ` +
        `sts:AssumeRole on resource: arn:aws:iam::${account}:role/${ROLE}`,
    });
  });

  it('needs the external id when the account sets one', async () => {
    // Act
    const without = await errorOf(assume(LEDGER));
    const wrong = await errorOf(assume(LEDGER, { externalId: 'other' }));
    const right = await assume(LEDGER, { externalId: EXTERNAL_ID });
    // Assess
    expect([without.name, wrong.name]).toEqual(['AccessDenied', 'AccessDenied']);
    expect(right.answer.AssumedRoleUser?.Arn).toContain(`::${LEDGER}:`);
  });

  it('limits a role chain to one hour (ValidationError as AWS words it)', async () => {
    // Prepare
    const { keys } = await assume(PAYMENTS);
    // Act
    const error = await errorOf(assume(PAYMENTS, { caller: keys, seconds: 3601 }));
    const chained = await assume(PAYMENTS, { caller: keys, seconds: 3600 });
    // Assess
    expect(error.name).toBe('ValidationError');
    expect(error.message).toBe(
      'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.',
    );
    expect(chained.answer.Credentials?.AccessKeyId).toMatch(/^ASIA/);
  });

  it('names the assumed role as the caller of a denied chain', async () => {
    // Prepare
    const { keys } = await assume(PAYMENTS);
    // Act
    const error = await errorOf(assume(NO_ROLE, { caller: keys }));
    // Assess
    expect(error.message).toBe(
      `User: arn:aws:sts::${PAYMENTS}:assumed-role/${ROLE}/cloudhsm-ops is not authorized to perform: ` +
        `sts:AssumeRole on resource: arn:aws:iam::${NO_ROLE}:role/${ROLE}`,
    );
  });

  it('counts AssumeRole in the request log, each request with its account', async () => {
    // Prepare
    sandbox.clearRequests();
    const { keys } = await assume(PAYMENTS);
    // Act
    await hsm(keys).send(new DescribeClustersCommand({}));
    await hsm().send(new DescribeClustersCommand({}));
    // Assess
    expect(sandbox.requests().map((r) => [r.operation, r.account])).toEqual([
      ['AssumeRole', MANAGEMENT],
      ['DescribeClusters', PAYMENTS],
      ['DescribeClusters', MANAGEMENT],
    ]);
  });
});

describe('routing by access key', () => {
  it('answers each request from the state of the key’s account; unknown keys are the hub’s', async () => {
    // Prepare
    const { keys } = await assume(PAYMENTS);
    // Act
    const member = await hsm(keys).send(new DescribeBackupsCommand({}));
    const hub = await hsm().send(new DescribeBackupsCommand({}));
    // Assess
    expect(member.Backups?.length).toBeGreaterThan(0);
    expect(member.Backups?.every((b) => b.ClusterId?.startsWith('cluster-'))).toBe(true);
    expect(hub.Backups).toEqual([]);
  });

  it('keeps a change in one account out of the others', async () => {
    // Prepare
    const { keys } = await assume(PAYMENTS);
    const ec2 = new EC2Client({ endpoint: sandbox.url, region: EAST, credentials: keys, maxAttempts: 1 });
    // Act
    const subnets = await ec2.send(new DescribeSubnetsCommand({}));
    const hubSubnets = await new EC2Client({
      endpoint: sandbox.url,
      region: EAST,
      credentials: HUB_KEYS,
      maxAttempts: 1,
    }).send(new DescribeSubnetsCommand({}));
    // Assess
    expect(subnets.Subnets?.map((s) => s.OwnerId)).toEqual([PAYMENTS, PAYMENTS, PAYMENTS]);
    expect(hubSubnets.Subnets).toEqual([]);
  });

  it('GetCallerIdentity returns the bound account and the assumed-role ARN', async () => {
    // Prepare
    const { keys } = await assume(PAYMENTS);
    // Act
    const member = await sts(keys).send(new GetCallerIdentityCommand({}));
    const hub = await sts().send(new GetCallerIdentityCommand({}));
    // Assess
    expect(member.Account).toBe(PAYMENTS);
    expect(member.Arn).toBe(`arn:aws:sts::${PAYMENTS}:assumed-role/${ROLE}/cloudhsm-ops`);
    expect(member.UserId).toMatch(/^AROA[A-Z0-9]{17}:cloudhsm-ops$/);
    expect(hub.Account).toBe(MANAGEMENT);
  });

  it('refuses expired assumed keys on the sandbox clock: ExpiredTokenException (JSON), ExpiredToken (query)', async () => {
    // Prepare
    const own = await startSandbox({ fleet: orgFleet() });
    try {
      const keys = await assumedKeys(own.url, PAYMENTS, 900);
      const json = new CloudHSMV2Client({
        endpoint: own.url,
        region: EAST,
        credentials: keys,
        maxAttempts: 1,
      });
      const query = new STSClient({ endpoint: own.url, region: EAST, credentials: keys, maxAttempts: 1 });
      await json.send(new DescribeClustersCommand({}));
      own.clock.advance(900_000);
      // Act
      const jsonError = await errorOf(json.send(new DescribeClustersCommand({})));
      const queryError = await errorOf(query.send(new GetCallerIdentityCommand({})));
      // Assess
      expect(jsonError).toEqual({
        name: 'ExpiredTokenException',
        status: 400,
        message: 'The security token included in the request is expired',
      });
      expect(queryError).toMatchObject({ name: 'ExpiredToken', status: 400 });
      expect(own.requests().at(-1)).toMatchObject({ errorCode: 'ExpiredToken', account: PAYMENTS });
    } finally {
      await own.close();
    }
  });

  it('refuses expired assumed keys for S3 (ExpiredToken) and Security Hub (ExpiredTokenException, 403)', async () => {
    // Prepare
    const own = await startSandbox({ fleet: orgFleet() });
    try {
      const keys = await assumedKeys(own.url, PAYMENTS, 900);
      const common = { endpoint: own.url, region: EAST, credentials: keys, maxAttempts: 1 };
      const s3 = new S3Client({ ...common, forcePathStyle: true });
      const hub = new SecurityHubClient(common);
      own.clock.advance(900_000);
      // Act
      const s3Error = await errorOf(s3.send(new PutObjectCommand({ Bucket: 'b', Key: 'k', Body: 'x' })));
      const hubError = await errorOf(hub.send(new BatchImportFindingsCommand({ Findings: [] })));
      // Assess
      expect(s3Error).toMatchObject({ name: 'ExpiredToken', status: 400 });
      expect(hubError).toMatchObject({ name: 'ExpiredTokenException', status: 403 });
      expect(own.requests().map((r) => [r.service, r.errorCode, r.account])).toEqual([
        ['sts', undefined, MANAGEMENT],
        ['s3', 'ExpiredToken', PAYMENTS],
        ['securityhub', 'ExpiredTokenException', PAYMENTS],
      ]);
    } finally {
      await own.close();
    }
  });

  it('binds every key to the one account of a single-account fleet', async () => {
    // Prepare
    const single = await startSandbox({ fleet: smallFleet(2) });
    try {
      const client = new STSClient({
        endpoint: single.url,
        region: EAST,
        credentials: HUB_KEYS,
        maxAttempts: 1,
      });
      // Act
      const who = await client.send(new GetCallerIdentityCommand({}));
      const denied = await errorOf(
        client.send(
          new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${PAYMENTS}:role/${ROLE}`, RoleSessionName: 'ss' }),
        ),
      );
      // Assess
      expect(who.Account).toBe('111122223333');
      expect(single.accounts()).toEqual(['111122223333']);
      expect(denied.name).toBe('AccessDenied');
    } finally {
      await single.close();
    }
  });
});
