/**
 * Sending units to the queue (lib/org/queue.ts): SendMessageBatch calls of at most 10 entries
 * and 256 KiB, failed entries sent again a bounded number of times, and every unit that could
 * not be sent named with why.
 */
import { SendMessageBatchCommand, type SendMessageBatchRequestEntry, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { parseUnitMessage } from '../../lib/org/message.js';
import { MAX_BATCH_BYTES, MAX_BATCH_ENTRIES, sendUnits } from '../../lib/org/queue.js';
import type { UnitMessage } from '../../lib/org/types.js';

const QUEUE = 'https://sqs.us-east-1.amazonaws.com/111111111111/cloudhsm-ops-prod-units';
const sqs = mockClient(SQSClient);
afterEach(() => sqs.reset());

const message = (n: number, name?: string): UnitMessage => ({
  version: 1,
  runId: '6f1c2a7e-3b9d-4c51-8e0a-2d4f6b8c9e10',
  plannedAt: '2026-11-29T05:30:00.000Z',
  unit: {
    job: 'audit',
    account: { id: String(200000000000 + n), ...(name ? { name } : {}) },
    region: 'us-east-1',
  },
  access: { roleName: 'cloudhsm-ops-member' },
});
const messages = (count: number) => Array.from({ length: count }, (_, n) => message(n));
const entriesOf = (call: number) =>
  sqs.commandCalls(SendMessageBatchCommand)[call]!.args[0].input.Entries as SendMessageBatchRequestEntry[];
const accountsIn = (entries: SendMessageBatchRequestEntry[]) =>
  entries.map((e) => parseUnitMessage(e.MessageBody!).unit.account.id);
const noWait = { backoffMs: 0 };

describe('sendUnits', () => {
  it('sends 25 units in calls of 10, 10 and 5, each body one unit message, no deduplication id', async () => {
    // Prepare
    sqs.on(SendMessageBatchCommand).callsFake((input) => ({
      Successful: input.Entries.map((e: SendMessageBatchRequestEntry) => ({
        Id: e.Id,
        MessageId: `m-${e.Id}`,
      })),
      Failed: [],
    }));
    // Act
    const result = await sendUnits(new SQSClient({ region: 'us-east-1' }), QUEUE, messages(25), noWait);
    // Assess
    expect(result).toEqual({ sent: 25, calls: 3, failed: [] });
    const calls = sqs.commandCalls(SendMessageBatchCommand);
    expect(calls.map((c) => c.args[0].input.Entries?.length)).toEqual([10, 10, 5]);
    expect(calls.every((c) => c.args[0].input.QueueUrl === QUEUE)).toBe(true);
    const sentAccounts = [0, 1, 2].flatMap((call) => accountsIn(entriesOf(call)));
    expect(sentAccounts).toEqual(messages(25).map((m) => m.unit.account.id));
    for (const entry of [0, 1, 2].flatMap(entriesOf)) {
      expect(entry.MessageDeduplicationId).toBeUndefined();
      expect(entry.MessageGroupId).toBeUndefined();
      expect(entry.Id).toMatch(/^[\w-]{1,80}$/);
    }
  });

  it('keeps each call under 256 KiB: large bodies go fewer to a call', async () => {
    // Prepare: account names are short, so make the bodies large through many messages' worth of size
    sqs.on(SendMessageBatchCommand).callsFake((input) => ({
      Successful: input.Entries.map((e: SendMessageBatchRequestEntry) => ({ Id: e.Id, MessageId: 'm' })),
      Failed: [],
    }));
    const big = messages(6).map((m) => ({ ...m, access: { ...m.access, externalId: 'x'.repeat(100_000) } }));
    // Act
    const result = await sendUnits(new SQSClient({ region: 'us-east-1' }), QUEUE, big, noWait);
    // Assess
    expect(result.sent).toBe(6);
    const calls = sqs.commandCalls(SendMessageBatchCommand);
    expect(calls.map((c) => c.args[0].input.Entries?.length)).toEqual([2, 2, 2]);
    for (const call of calls) {
      const bytes = call.args[0].input.Entries!.reduce((n, e) => n + Buffer.byteLength(e.MessageBody!), 0);
      expect(bytes).toBeLessThanOrEqual(MAX_BATCH_BYTES);
    }
    expect(MAX_BATCH_ENTRIES).toBe(10);
  });

  it('a unit whose body alone exceeds 256 KiB is reported, never sent', async () => {
    sqs.on(SendMessageBatchCommand).callsFake((input) => ({
      Successful: input.Entries.map((e: SendMessageBatchRequestEntry) => ({ Id: e.Id, MessageId: 'm' })),
      Failed: [],
    }));
    const huge = { ...message(1), access: { roleName: 'r', externalId: 'x'.repeat(MAX_BATCH_BYTES) } };
    // Act
    const result = await sendUnits(new SQSClient({ region: 'us-east-1' }), QUEUE, [huge, message(2)], noWait);
    // Assess
    expect(result.sent).toBe(1);
    expect(result.failed).toEqual([
      { unit: huge.unit, reason: expect.stringMatching(/bytes: .*at most 262144/) },
    ]);
    expect(accountsIn(entriesOf(0))).toEqual([message(2).unit.account.id]);
  });

  it('sends failed entries again, and names the ones still failing after the attempts, with the code', async () => {
    // Prepare: account ...0 always fails, ...1 fails once, the sender's own fault (...2) is not retried.
    const seen = new Map<string, number>();
    sqs.on(SendMessageBatchCommand).callsFake((input) => {
      const Successful: { Id: string; MessageId: string }[] = [];
      const Failed: { Id: string; Code: string; Message: string; SenderFault: boolean }[] = [];
      for (const entry of input.Entries as SendMessageBatchRequestEntry[]) {
        const account = parseUnitMessage(entry.MessageBody!).unit.account.id;
        const times = (seen.get(account) ?? 0) + 1;
        seen.set(account, times);
        if (account.endsWith('0'))
          Failed.push({ Id: entry.Id!, Code: 'InternalError', Message: 'busy', SenderFault: false });
        else if (account.endsWith('1') && times === 1)
          Failed.push({ Id: entry.Id!, Code: 'ServiceUnavailable', Message: 'later', SenderFault: false });
        else if (account.endsWith('2'))
          Failed.push({
            Id: entry.Id!,
            Code: 'InvalidMessageContents',
            Message: 'bad chars',
            SenderFault: true,
          });
        else Successful.push({ Id: entry.Id!, MessageId: 'm' });
      }
      return { Successful, Failed };
    });
    // Act
    const result = await sendUnits(new SQSClient({ region: 'us-east-1' }), QUEUE, messages(4), {
      ...noWait,
      maxAttempts: 3,
    });
    // Assess
    expect(result.sent).toBe(2);
    expect(result.failed).toEqual([
      {
        unit: message(2).unit,
        reason: 'InvalidMessageContents: bad chars (not retried: the request was at fault)',
      },
      { unit: message(0).unit, reason: 'InternalError: busy (gave up after 3 attempts)' },
    ]);
    expect(seen.get(String(200000000000))).toBe(3);
    expect(seen.get(String(200000000001))).toBe(2);
    expect(seen.get(String(200000000002))).toBe(1);
  });

  it('a call that throws fails its entries for that attempt; they are sent again', async () => {
    // Prepare
    sqs
      .on(SendMessageBatchCommand)
      .rejectsOnce(Object.assign(new Error('socket hang up'), { name: 'TimeoutError' }))
      .callsFake((input) => ({
        Successful: input.Entries.map((e: SendMessageBatchRequestEntry) => ({ Id: e.Id, MessageId: 'm' })),
        Failed: [],
      }));
    // Act
    const result = await sendUnits(new SQSClient({ region: 'us-east-1' }), QUEUE, messages(3), noWait);
    // Assess
    expect(result).toEqual({ sent: 3, calls: 2, failed: [] });
  });

  it('a call that keeps failing names every unit it carried; a refused call is not repeated', async () => {
    // Prepare
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    const denied = Object.assign(new Error('Access to the resource is denied'), { name: 'AccessDenied' });
    // Act
    sqs.on(SendMessageBatchCommand).rejects(throttled);
    const busy = await sendUnits(new SQSClient({ region: 'us-east-1' }), QUEUE, messages(2), {
      ...noWait,
      maxAttempts: 2,
    });
    sqs.reset();
    sqs.on(SendMessageBatchCommand).rejects(denied);
    const refused = await sendUnits(new SQSClient({ region: 'us-east-1' }), QUEUE, messages(2), noWait);
    // Assess
    expect(busy).toMatchObject({ sent: 0, calls: 2 });
    expect(busy.failed.map((f) => f.unit)).toEqual(messages(2).map((m) => m.unit));
    expect(busy.failed[0]!.reason).toBe('ThrottlingException: Rate exceeded (gave up after 2 attempts)');
    expect(refused).toMatchObject({ sent: 0, calls: 1 });
    expect(refused.failed.map((f) => f.reason)).toEqual([
      'AccessDenied: Access to the resource is denied (not retried: the request was at fault)',
      'AccessDenied: Access to the resource is denied (not retried: the request was at fault)',
    ]);
  });
  it('an entry the response names neither sent nor failed is sent again, then named: never dropped', async () => {
    // Prepare: the answer lists only the first entry of each call (a truncated or malformed response).
    sqs.on(SendMessageBatchCommand).callsFake((input) => ({
      Successful: [{ Id: input.Entries[0].Id, MessageId: 'm' }],
      Failed: [],
    }));
    // Act
    const result = await sendUnits(new SQSClient({ region: 'us-east-1' }), QUEUE, messages(3), {
      ...noWait,
      maxAttempts: 2,
    });
    // Assess: unit 0 went in the first call, unit 1 in the second; unit 2 never got an answer.
    expect(result.sent).toBe(2);
    expect(result.calls).toBe(2);
    expect(result.failed).toEqual([
      {
        unit: message(2).unit,
        reason: expect.stringMatching(/no result for this entry.*gave up after 2 attempts/),
      },
    ]);
  });
});
