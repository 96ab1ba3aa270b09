import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AwsClients } from '../../lib/aws/clients.js';
import { MemberCredentials, memberRoleArn, sessionName } from '../../lib/org/credentials.js';

const HUB = '111111111111';
const MEMBER = '222222222222';
const T0 = Date.parse('2026-11-29T12:00:00Z');
const access = { roleName: 'cloudhsm-ops-member', externalId: 'ext-123' };

describe('member credentials', () => {
  const sts = mockClient(STSClient);
  let clock = T0;
  let hub: AwsClients;
  let members: MemberCredentials;

  beforeEach(() => {
    clock = T0;
    sts.reset();
    sts.on(GetCallerIdentityCommand).resolves({ Account: HUB });
    sts.on(AssumeRoleCommand).callsFake((input: { RoleArn: string }) => {
      const account = input.RoleArn.split(':')[4]!;
      if (account === '333333333333') {
        throw Object.assign(new Error(`not authorized to perform sts:AssumeRole on ${input.RoleArn}`), {
          name: 'AccessDenied',
        });
      }
      return {
        Credentials: {
          AccessKeyId: `ASIA${account}${clock}`,
          SecretAccessKey: 'secret',
          SessionToken: 'token',
          Expiration: new Date(clock + 3600_000),
        },
      };
    });
    hub = new AwsClients({ endpoint: 'http://127.0.0.1:1', maxAttempts: 1 });
    members = new MemberCredentials({ hub, region: 'us-east-1', now: () => new Date(clock) });
  });
  afterEach(() => {
    members.destroy();
    hub.destroy();
  });

  it('role ARNs follow the partition of the region', () => {
    expect(memberRoleArn(MEMBER, 'r', 'us-east-1')).toBe(`arn:aws:iam::${MEMBER}:role/r`);
    expect(memberRoleArn(MEMBER, 'r', 'cn-north-1')).toBe(`arn:aws-cn:iam::${MEMBER}:role/r`);
    expect(memberRoleArn(MEMBER, 'r', 'us-gov-west-1')).toBe(`arn:aws-us-gov:iam::${MEMBER}:role/r`);
  });

  it('session names carry the run id, within STS’s 64 characters and character set', () => {
    const runId = '0f8fad5b-d9cb-469f-a165-70867728950e';
    expect(sessionName(runId)).toBe(`cloudhsm-ops-${runId}`);
    const long = sessionName(`${'x'.repeat(80)} with spaces!`);
    expect(long.length).toBeLessThanOrEqual(64);
    expect(long).toMatch(/^[\w+=,.@-]{2,64}$/);
  });

  it('concurrent first uses of one account share one AssumeRole, with the external id and the run id', async () => {
    const clients = await Promise.all(
      ['us-east-1', 'us-west-2', 'eu-west-1'].map(() => members.clientsFor(MEMBER, access, 'run-1')),
    );
    const calls = sts.commandCalls(AssumeRoleCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.args[0].input).toMatchObject({
      RoleArn: `arn:aws:iam::${MEMBER}:role/cloudhsm-ops-member`,
      ExternalId: 'ext-123',
      RoleSessionName: 'cloudhsm-ops-run-1',
    });
    expect(new Set(clients).size).toBe(1);
    const provider = clients[0]!.options.credentials!;
    expect((await provider()).accessKeyId).toBe(`ASIA${MEMBER}${T0}`);
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(1);
    expect(members.assumeRoleCalls).toBe(1);
  });

  it('the caller’s own account needs no AssumeRole, and its identity is asked once', async () => {
    const own = await Promise.all([1, 2, 3].map(() => members.clientsFor(HUB, access, 'run-1')));
    expect(own.every((c) => c === hub)).toBe(true);
    await members.clientsFor(MEMBER, access, 'run-1');
    expect(sts.commandCalls(GetCallerIdentityCommand)).toHaveLength(1);
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(1);
  });

  it('credentials are refreshed only within the margin before they expire', async () => {
    const clients = await members.clientsFor(MEMBER, access, 'run-1');
    const provider = clients.options.credentials!;
    clock = T0 + 54 * 60_000; // 6 minutes left: still good
    expect((await provider()).accessKeyId).toBe(`ASIA${MEMBER}${T0}`);
    clock = T0 + 56 * 60_000; // 4 minutes left: inside the 5-minute margin
    const [a, b] = await Promise.all([provider(), provider()]);
    expect(a.accessKeyId).toBe(`ASIA${MEMBER}${clock}`);
    expect(b.accessKeyId).toBe(a.accessKeyId);
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(2);
  });

  it('a refresh that fails keeps the old credentials while they hold, and fails the call once they expired', async () => {
    const clients = await members.clientsFor(MEMBER, access, 'run-1');
    const provider = clients.options.credentials!;
    sts.on(AssumeRoleCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'InternalFailure' }));
    clock = T0 + 56 * 60_000; // inside the margin: a refresh is due, and fails
    expect((await provider()).accessKeyId).toBe(`ASIA${MEMBER}${T0}`);
    clock = T0 + 61 * 60_000; // past the expiry: nothing left to sign with
    await expect(provider()).rejects.toThrow(
      /account 222222222222: sts:AssumeRole .* failed: InternalFailure/,
    );
    // A failed refresh is not a failed account: the next call asks STS again.
    const before = sts.commandCalls(AssumeRoleCommand).length;
    await expect(provider()).rejects.toThrow(/InternalFailure/);
    expect(sts.commandCalls(AssumeRoleCommand).length).toBe(before + 1);
  });

  it('a denied AssumeRole is that account’s failure, named, and not asked again in the run', async () => {
    const denied = members.clientsFor('333333333333', access, 'run-1');
    await expect(denied).rejects.toThrow(
      /account 333333333333: sts:AssumeRole on arn:aws:iam::333333333333:role\/cloudhsm-ops-member failed: AccessDenied: not authorized/,
    );
    await expect(members.clientsFor('333333333333', access, 'run-1')).rejects.toThrow(/AccessDenied/);
    await expect(members.clientsFor(MEMBER, access, 'run-1')).resolves.toBeDefined();
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(2);
  });

  it('a failure is remembered for a minute of the clock, then asked again (a redelivered unit may succeed)', async () => {
    await expect(members.clientsFor('333333333333', access, 'run-1')).rejects.toThrow(/AccessDenied/);
    clock = T0 + 59_000;
    await expect(members.clientsFor('333333333333', access, 'run-1')).rejects.toThrow(/AccessDenied/);
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(1);
    clock = T0 + 61_000;
    await expect(members.clientsFor('333333333333', access, 'run-1')).rejects.toThrow(/AccessDenied/);
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(2);
  });

  it('answered refusals never open the breaker; unanswered calls in a row do, until a minute of the clock passes', async () => {
    // Three denied accounts in a row: STS answered, so the next account is still asked.
    for (const run of ['run-a', 'run-b', 'run-c']) {
      await expect(members.clientsFor('333333333333', access, run)).rejects.toThrow(/AccessDenied/);
    }
    await expect(members.clientsFor(MEMBER, access, 'run-c')).resolves.toBeDefined();
    sts
      .on(AssumeRoleCommand)
      .rejects(Object.assign(new Error('no answer within 2 s'), { name: 'TimeoutError' }));
    for (const account of ['444444444444', '555555555555', '666666666666']) {
      await expect(members.clientsFor(account, access, 'run-d')).rejects.toThrow(/no answer within 2 s/);
    }
    const calls = sts.commandCalls(AssumeRoleCommand).length;
    await expect(members.clientsFor('777777777777', access, 'run-d')).rejects.toThrow(
      'not tried: STS in us-east-1 did not answer AssumeRole for 3 accounts in a row (TimeoutError: no answer within 2 s)',
    );
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(calls);
    clock = T0 + 61_000;
    await expect(members.clientsFor('777777777777', access, 'run-e')).rejects.toThrow(
      /sts:AssumeRole .* no answer/,
    );
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(calls + 1);
  });

  it('at most two AssumeRoles in flight; one still throttled after the SDK’s retries is asked again after a wait', async () => {
    let inFlight = 0;
    let peak = 0;
    let throttles = 2;
    sts.on(AssumeRoleCommand).callsFake(async (input: { RoleArn: string }) => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setImmediate(r));
      inFlight -= 1;
      if (input.RoleArn.includes('666666666666') && throttles-- > 0) {
        throw Object.assign(new Error('Rate exceeded'), { name: 'Throttling' });
      }
      return {
        Credentials: { AccessKeyId: 'ASIA', SecretAccessKey: 's', Expiration: new Date(clock + 3600_000) },
      };
    });
    const waits: number[] = [];
    const paced = new MemberCredentials({
      hub,
      region: 'us-east-1',
      now: () => new Date(clock),
      sleep: async (ms) => {
        waits.push(ms);
      },
    });
    const accounts = ['222222222222', '444444444444', '555555555555', '666666666666', '777777777777'];
    await Promise.all(accounts.map((a) => paced.clientsFor(a, access, 'run-1')));
    paced.destroy();
    expect(peak).toBe(2);
    expect(waits).toEqual([1000, 2000]);
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(accounts.length + 2);
  });

  it('a caller identity that cannot be read fails every unit at once, not one timeout per unit', async () => {
    sts.on(GetCallerIdentityCommand).rejects(Object.assign(new Error('no answer'), { name: 'TimeoutError' }));
    const units = await Promise.allSettled(
      [MEMBER, '333333333333', '444444444444'].map((a) => members.clientsFor(a, access, 'run-1')),
    );
    await expect(members.clientsFor('555555555555', access, 'run-1')).rejects.toThrow(/no answer/);
    expect(units.every((u) => u.status === 'rejected')).toBe(true);
    expect(sts.commandCalls(GetCallerIdentityCommand)).toHaveLength(1);
    clock = T0 + 61_000;
    await expect(members.clientsFor(MEMBER, access, 'run-1')).rejects.toThrow(/no answer/);
    expect(sts.commandCalls(GetCallerIdentityCommand)).toHaveLength(2);
  });

  it('another run assumes again (its session name carries its own id)', async () => {
    await members.clientsFor(MEMBER, access, 'run-1');
    await members.clientsFor(MEMBER, access, 'run-2');
    const names = sts.commandCalls(AssumeRoleCommand).map((c) => c.args[0].input.RoleSessionName);
    expect(names).toEqual(['cloudhsm-ops-run-1', 'cloudhsm-ops-run-2']);
  });

  it('a warm worker forgets the sessions of earlier runs once they expire or failed (no growth run after run)', async () => {
    const first = await members.clientsFor(MEMBER, access, 'run-1');
    await expect(members.clientsFor('333333333333', access, 'run-1')).rejects.toThrow(/AccessDenied/);
    expect(members.sessionCount).toBe(2);
    const destroyed = vi.spyOn(first, 'destroy');
    clock = T0 + 61 * 60_000; // run-1's credentials have expired
    await members.clientsFor(MEMBER, access, 'run-2');
    expect(members.sessionCount).toBe(1);
    expect(destroyed).toHaveBeenCalled();
  });

  it('member clients send events to the hub’s bus and everything else as the member', async () => {
    const clients = await members.clientsFor(MEMBER, access, 'run-1');
    expect(clients.eventBridge('us-east-1')).toBe(hub.eventBridge('us-east-1'));
    expect(clients.cloudHsm('us-east-1')).not.toBe(hub.cloudHsm('us-east-1'));
    expect(clients.options.endpoint).toBe(hub.options.endpoint);
  });
});
