import { PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { smallFleet } from '../support/fleet.js';
import { startTestSandbox, type TestSandbox } from '../support/sandbox.js';

let t: TestSandbox;
beforeEach(async () => {
  t = await startTestSandbox({ fleet: smallFleet(1) });
});
afterEach(() => t.close());

async function errorOf(
  promise: Promise<unknown>,
): Promise<Error & { $metadata?: { httpStatusCode?: number } }> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to fail');
}

const entry = (detail: object = { status: 'FAILED' }): PutEventsRequestEntry => ({
  Source: 'cloudhsm-ops',
  DetailType: 'CloudHSM Finding',
  Detail: JSON.stringify(detail),
  Resources: ['arn:aws:cloudhsm:us-east-1:111122223333:cluster/cluster-primaryaaaaa'],
  EventBusName: 'ops-bus',
});

describe('EventBridge PutEvents', () => {
  it('accepts entries and makes them readable back', async () => {
    // Act
    const result = await t.clients.eventBridge('eu-west-1').send(
      new PutEventsCommand({
        Entries: [
          entry({ n: 1 }),
          {
            ...entry({ n: 2 }),
            EventBusName: 'arn:aws:events:eu-west-1:111122223333:event-bus/ops-bus',
            Time: new Date('2026-11-29T10:00:00Z'),
          },
        ],
      }),
    );
    // Assess
    expect(result.FailedEntryCount).toBe(0);
    expect(result.Entries!.every((e) => typeof e.EventId === 'string')).toBe(true);
    expect(t.sandbox.events()).toEqual([
      expect.objectContaining({
        region: 'eu-west-1',
        source: 'cloudhsm-ops',
        detailType: 'CloudHSM Finding',
        detail: { n: 1 },
        busName: 'ops-bus',
        resources: ['arn:aws:cloudhsm:us-east-1:111122223333:cluster/cluster-primaryaaaaa'],
        time: '2026-11-29T12:00:00Z',
      }),
      expect.objectContaining({ detail: { n: 2 }, busName: 'ops-bus', time: '2026-11-29T10:00:00Z' }),
    ]);
  });

  it('fails bad entries one by one and counts them', async () => {
    // Act
    const result = await t.clients.eventBridge('us-east-1').send(
      new PutEventsCommand({
        Entries: [
          entry(),
          { ...entry(), Detail: 'not json' },
          { ...entry(), Detail: '[1,2]' },
          { ...entry(), Source: undefined },
          { ...entry(), Source: 'aws.cloudhsm' },
        ],
      }),
    );
    // Assess
    expect(result.FailedEntryCount).toBe(4);
    expect(result.Entries!.map((e) => e.ErrorCode)).toEqual([
      undefined,
      'MalformedDetail',
      'MalformedDetail',
      'InvalidArgument',
      'NotAuthorizedForSourceException',
    ]);
    expect(t.sandbox.events()).toHaveLength(1);
  });

  it.each([
    ['no entries', []],
    ['11 entries', Array.from({ length: 11 }, () => entry())],
    ['more than 256 KB', [entry({ blob: 'x'.repeat(132_000) }), entry({ blob: 'y'.repeat(132_000) })]],
    ['no valid entry at all', [{ Source: 'x' }]],
  ])('rejects a request with %s', async (_, Entries) => {
    // Act
    const error = await errorOf(t.clients.eventBridge('us-east-1').send(new PutEventsCommand({ Entries })));
    // Assess
    expect(error.name).toBe('ValidationException');
    expect(error.$metadata?.httpStatusCode).toBe(400);
    expect(t.sandbox.events()).toEqual([]);
  });

  it('accepts a request just under 256 KB (262,143 bytes)', async () => {
    // Prepare: one byte less than 256 KB, which AWS refuses ("must be less than 256KB")
    const overhead =
      1 +
      'cloudhsm-ops'.length +
      'CloudHSM Finding'.length +
      entry().Resources![0]!.length +
      '{"blob":""}'.length;
    // Act
    const result = await t.clients
      .eventBridge('us-east-1')
      .send(new PutEventsCommand({ Entries: [entry({ blob: 'x'.repeat(256 * 1024 - overhead) })] }));
    // Assess
    expect(result.FailedEntryCount).toBe(0);
  });
});

describe('STS GetCallerIdentity', () => {
  it("returns the fleet's account", async () => {
    // Act
    const identity = await t.clients.sts('us-east-1').send(new GetCallerIdentityCommand({}));
    // Assess
    expect(identity.Account).toBe('111122223333');
    expect(identity.Arn).toMatch(/^arn:aws:iam::111122223333:/);
  });
});
