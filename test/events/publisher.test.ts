import {
  EventBridgeClient,
  PutEventsCommand,
  type PutEventsRequestEntry,
  type PutEventsResultEntry,
} from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  describeUndelivered,
  entrySize,
  MAX_CALL_BYTES,
  publishEvents,
  toBatches,
} from '../../lib/events/publisher.js';
import type { FeedEvent, FeedTarget } from '../../lib/events/types.js';

const target: FeedTarget = { busName: 'ops-bus', source: 'cloudhsm-ops', region: 'us-east-1' };
const eventBridge = mockClient(EventBridgeClient);
const client = new EventBridgeClient({ region: 'us-east-1' });

/** Source (12) + DetailType "CloudHSM Finding" (16) + `{"id":"…","p":""}` overhead. */
function eventOfSize(size: number, id: string): FeedEvent {
  const fixed = entrySize({
    Source: target.source,
    DetailType: 'CloudHSM Finding',
    Detail: JSON.stringify({ id, p: '' }),
  });
  return { detailType: 'CloudHSM Finding', detail: { id, p: 'x'.repeat(size - fixed) }, resources: [] };
}

function finding(n: number): FeedEvent {
  return {
    detailType: 'CloudHSM Finding',
    detail: { findingId: `111122223333/us-east-1/cluster-abcdefghijk/check-${n}`, n },
    resources: ['arn:aws:cloudhsm:us-east-1:111122223333:cluster/cluster-abcdefghijk'],
  };
}

const ok = (): PutEventsResultEntry => ({ EventId: crypto.randomUUID() });

/** Answers each call with `decide(entry)` per entry; anything but a result object means success. */
function answerWith(decide: (entry: PutEventsRequestEntry) => PutEventsResultEntry | undefined) {
  eventBridge.on(PutEventsCommand).callsFake((input: { Entries: PutEventsRequestEntry[] }) => {
    const entries = input.Entries.map((entry) => decide(entry) ?? ok());
    return { Entries: entries, FailedEntryCount: entries.filter((e) => e.ErrorCode).length };
  });
}

function sentIds(call: number): unknown[] {
  const input = eventBridge.commandCalls(PutEventsCommand)[call]!.args[0].input;
  return (input.Entries ?? []).map((entry) => JSON.parse(entry.Detail!).n ?? JSON.parse(entry.Detail!).id);
}

function awsError(name: string, status: number): Error {
  return Object.assign(new Error(`${name} happened`), { name, $metadata: { httpStatusCode: status } });
}

beforeEach(() => {
  eventBridge.reset();
});

describe('entrySize', () => {
  it('counts Time as 14 bytes and Source, DetailType, Detail and each Resource in UTF-8 bytes', () => {
    // Prepare
    const entry: PutEventsRequestEntry = {
      Time: new Date(),
      Source: 'src',
      DetailType: 'Tÿpe',
      Detail: '{"a":"€"}',
      Resources: ['arn:1', 'arn:22'],
      EventBusName: 'not-counted',
    };
    // Act
    const size = entrySize(entry);
    // Assess: 14 + 3 + 5 (ÿ is 2 bytes) + 11 (€ is 3 bytes) + 5 + 6
    expect(size).toBe(44);
    expect(entrySize({ ...entry, Time: undefined })).toBe(30);
  });
});

describe('toBatches', () => {
  it('keeps a call strictly under 256 KB: a pair summing to exactly the limit is split', () => {
    const half = MAX_CALL_BYTES / 2;
    expect(toBatches([{ size: half }, { size: half }])).toHaveLength(2);
    expect(toBatches([{ size: half }, { size: half - 1 }])).toHaveLength(1);
  });
});

describe('publishEvents', () => {
  it('sends 25 events as calls of 10, 10 and 5 entries, in order, to the configured bus and source', async () => {
    // Prepare
    answerWith(() => undefined);
    const events = Array.from({ length: 25 }, (_, n) => finding(n));
    // Act
    const result = await publishEvents(client, events, target, { backoffMs: 0 });
    // Assess
    expect(result).toEqual({ published: 25, failed: [], calls: 3 });
    const calls = eventBridge.commandCalls(PutEventsCommand);
    expect(calls.map((c) => c.args[0].input.Entries?.length)).toEqual([10, 10, 5]);
    expect(calls.flatMap((_, i) => sentIds(i))).toEqual(events.map((_, n) => n));
    const first = calls[0]!.args[0].input.Entries![0]!;
    expect(first).toMatchObject({
      Source: 'cloudhsm-ops',
      EventBusName: 'ops-bus',
      DetailType: 'CloudHSM Finding',
      Resources: ['arn:aws:cloudhsm:us-east-1:111122223333:cluster/cluster-abcdefghijk'],
    });
  });

  it('splits calls at the size limit, measured as AWS does', async () => {
    // Prepare: three entries of 100 KB fit two to a call; 87 382 + 87 381 + 87 381 = 262 144 does not fit in one
    answerWith(() => undefined);
    const big = [0, 1, 2].map((n) => eventOfSize(100 * 1024, `big-${n}`));
    const exact = [eventOfSize(87_382, 'a'), eventOfSize(87_381, 'b'), eventOfSize(87_381, 'c')];
    const under = [eventOfSize(87_381, 'd'), eventOfSize(87_381, 'e'), eventOfSize(87_381, 'f')];
    // Act
    const bigResult = await publishEvents(client, big, target, { backoffMs: 0 });
    const exactResult = await publishEvents(client, exact, target, { backoffMs: 0 });
    const underResult = await publishEvents(client, under, target, { backoffMs: 0 });
    // Assess
    expect(bigResult.calls).toBe(2);
    expect(exactResult.calls).toBe(2);
    expect(underResult.calls).toBe(1);
    const calls = eventBridge.commandCalls(PutEventsCommand);
    for (const call of calls) {
      const total = (call.args[0].input.Entries ?? []).reduce((sum, entry) => sum + entrySize(entry), 0);
      expect(total).toBeLessThan(MAX_CALL_BYTES);
    }
    expect(calls.map((c) => c.args[0].input.Entries?.length)).toEqual([2, 1, 2, 1, 3]);
  });

  it('reports an event too large on its own as failed, never sends it, and still sends the rest', async () => {
    // Prepare
    answerWith(() => undefined);
    const tooBig = eventOfSize(MAX_CALL_BYTES, 'huge');
    // Act
    const result = await publishEvents(client, [finding(1), tooBig, finding(2)], target, { backoffMs: 0 });
    // Assess
    expect(result.published).toBe(2);
    expect(result.failed).toHaveLength(1);
    expect(result.failed[0]).toMatchObject({ event: tooBig, errorCode: 'EntryTooLarge' });
    expect(result.failed[0]!.errorMessage).toMatch(/262144 bytes/);
    expect(sentIds(0)).toEqual([1, 2]);
  });

  it('retries only the entries that failed with a retryable code', async () => {
    // Prepare: entries 1 and 3 fail once (throttled, internal failure), then succeed
    const failedOnce = new Set<number>();
    answerWith((entry) => {
      const n = JSON.parse(entry.Detail!).n as number;
      if ((n === 1 || n === 3) && !failedOnce.has(n)) {
        failedOnce.add(n);
        const code = n === 1 ? 'ThrottlingException' : 'InternalFailure';
        return { ErrorCode: code, ErrorMessage: `${code} for ${n}` };
      }
      return undefined;
    });
    // Act
    const result = await publishEvents(client, [0, 1, 2, 3].map(finding), target, { backoffMs: 0 });
    // Assess
    expect(result).toEqual({ published: 4, failed: [], calls: 2 });
    expect(sentIds(0)).toEqual([0, 1, 2, 3]);
    expect(sentIds(1)).toEqual([1, 3]);
  });

  it('does not retry entries rejected with a final code, and reports them with it', async () => {
    // Prepare
    answerWith((entry) =>
      JSON.parse(entry.Detail!).n === 2
        ? { ErrorCode: 'NotAuthorizedForSourceException', ErrorMessage: 'not allowed' }
        : undefined,
    );
    // Act
    const result = await publishEvents(client, [1, 2, 3].map(finding), target, { backoffMs: 0 });
    // Assess
    expect(result.calls).toBe(1);
    expect(result.published).toBe(2);
    expect(result.failed).toEqual([
      { event: finding(2), errorCode: 'NotAuthorizedForSourceException', errorMessage: 'not allowed' },
    ]);
  });

  it('gives up after maxAttempts and returns every entry still failing, with its code', async () => {
    // Prepare
    answerWith(() => ({ ErrorCode: 'ThrottlingException', ErrorMessage: 'Rate exceeded' }));
    const events = Array.from({ length: 12 }, (_, n) => finding(n));
    // Act
    const result = await publishEvents(client, events, target, { backoffMs: 0, maxAttempts: 3 });
    // Assess
    expect(result.published).toBe(0);
    expect(result.calls).toBe(6);
    expect(result.failed.map((f) => f.event)).toEqual(events);
    expect(new Set(result.failed.map((f) => f.errorCode))).toEqual(new Set(['ThrottlingException']));
    expect(result.failed[0]!.errorMessage).toMatch(/Rate exceeded \(gave up after 3 attempts\)/);
  });

  it('retries a whole call that was throttled or failed with a 500', async () => {
    // Prepare
    eventBridge
      .on(PutEventsCommand)
      .rejectsOnce(awsError('ThrottlingException', 400))
      .rejectsOnce(awsError('InternalException', 500))
      .callsFake((input: { Entries: unknown[] }) => ({
        Entries: input.Entries.map(ok),
        FailedEntryCount: 0,
      }));
    // Act
    const result = await publishEvents(client, [finding(1), finding(2)], target, { backoffMs: 0 });
    // Assess
    expect(result).toEqual({ published: 2, failed: [], calls: 3 });
  });

  it('does not retry a whole call that failed with a final error (an unknown bus)', async () => {
    // Prepare
    eventBridge.on(PutEventsCommand).rejects(awsError('ResourceNotFoundException', 400));
    // Act
    const result = await publishEvents(client, [finding(1), finding(2)], target, { backoffMs: 0 });
    // Assess
    expect(result.calls).toBe(1);
    expect(result.failed.map((f) => f.errorCode)).toEqual([
      'ResourceNotFoundException',
      'ResourceNotFoundException',
    ]);
  });

  it('does not count an entry as delivered when the response has no result for it', async () => {
    // Prepare: the first answer drops the last entry's result, the second is complete
    eventBridge
      .on(PutEventsCommand)
      .resolvesOnce({ Entries: [ok()], FailedEntryCount: 0 })
      .callsFake((input: { Entries: unknown[] }) => ({
        Entries: input.Entries.map(ok),
        FailedEntryCount: 0,
      }));
    // Act
    const result = await publishEvents(client, [finding(1), finding(2)], target, { backoffMs: 0 });
    // Assess
    expect(result).toEqual({ published: 2, failed: [], calls: 2 });
    expect(sentIds(1)).toEqual([2]);
  });

  it('reports a detail that cannot be serialised instead of throwing or dropping it', async () => {
    // Prepare
    answerWith(() => undefined);
    const broken: FeedEvent = { detailType: 'CloudHSM Finding', detail: { n: 10n }, resources: [] };
    // Act
    const result = await publishEvents(client, [broken, finding(1)], target, { backoffMs: 0 });
    // Assess
    expect(result.published).toBe(1);
    expect(result.failed).toMatchObject([{ event: broken, errorCode: 'MalformedDetail' }]);
  });

  it('sends nothing for no events', async () => {
    const result = await publishEvents(client, [], target);
    expect(result).toEqual({ published: 0, failed: [], calls: 0 });
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(0);
  });
});

describe('describeUndelivered', () => {
  it('names the bus, each lost event by finding id and its error code', () => {
    const text = describeUndelivered(
      [{ event: finding(7), errorCode: 'ThrottlingException', errorMessage: 'Rate exceeded' }],
      target,
    );
    expect(text).toContain('1 event(s) were NOT delivered to EventBridge bus "ops-bus" in us-east-1');
    expect(text).toContain(
      'CloudHSM Finding 111122223333/us-east-1/cluster-abcdefghijk/check-7: ThrottlingException: Rate exceeded',
    );
  });
});
