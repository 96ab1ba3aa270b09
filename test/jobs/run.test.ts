/**
 * lib/jobs/run.ts: the one exit decision every job makes, and the one way every job publishes
 * its events (account lookup, publish, lost-event report).
 */
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { describe, expect, it } from 'vitest';
import type { FeedEvent, FeedTarget } from '../../lib/events/types.js';
import { exitCodeOf, type PublishDeps, publishRun, runFailures } from '../../lib/jobs/run.js';

const TARGET: FeedTarget = { busName: 'ops', source: 'acme.hsm', region: 'us-east-1' };
const event = (id: string): FeedEvent => ({
  detailType: 'CloudHSM Backup Deleted',
  detail: { id },
  resources: [],
});
const client = {} as EventBridgeClient;

describe('exitCodeOf: the one exit decision', () => {
  it.each([
    [{ failures: [] }, 0],
    [{ failures: [], events: { lost: [] } }, 0],
    [{ failures: ['2 deletion(s) failed'] }, 1],
    [{ failures: [], events: { lost: ['1 event(s) were NOT delivered'] } }, 1],
    [{ failures: ['refused'], events: { lost: ['lost'] } }, 1],
    [{ badInput: true, failures: ['no backup of cluster-x'] }, 2],
    [{ badInput: true, failures: [], events: { lost: ['lost'] } }, 2],
  ] as const)('%j exits %i', (run, code) => {
    expect(exitCodeOf(run)).toBe(code);
  });

  it('lists the work failures first, then each lost-event report', () => {
    expect(runFailures({ failures: ['a'], events: { lost: ['b', 'c'] } })).toEqual(['a', 'b', 'c']);
    expect(runFailures({ failures: [] })).toEqual([]);
  });
});

describe('publishRun', () => {
  const deps = (over: Partial<PublishDeps> = {}): PublishDeps => ({
    clients: { eventBridge: () => client },
    accountId: async () => '111122223333',
    ...over,
  });

  it('builds the events with the account and reports what was published', async () => {
    const sent: FeedEvent[][] = [];
    const report = await publishRun(
      deps({
        publish: async (_client, events) => {
          sent.push(events);
          return { published: events.length, failed: [], calls: 1 };
        },
      }),
      TARGET,
      (account) => [event(account), event('b')],
      { expected: 2 },
    );
    expect(sent).toEqual([[event('111122223333'), event('b')]]);
    expect(report).toEqual({ target: TARGET, published: 2, calls: 1, failed: [], lost: [], lostCount: 0 });
  });

  it('uses the account it is given without looking it up', async () => {
    const report = await publishRun(
      deps({
        accountId: async () => {
          throw new Error('must not be called');
        },
        publish: async (_client, events) => ({ published: events.length, failed: [], calls: 1 }),
      }),
      TARGET,
      (account) => [event(account)],
      { expected: 1, account: '444455556666' },
    );
    expect(report.lost).toEqual([]);
  });

  it('names every event the bus refused', async () => {
    const report = await publishRun(
      deps({
        publish: async (_client, events) => ({
          published: 1,
          calls: 2,
          failed: [{ event: events[1]!, errorCode: 'InternalFailure', errorMessage: 'boom' }],
        }),
      }),
      TARGET,
      () => [event('a'), event('b')],
      { expected: 2 },
    );
    expect(report.lostCount).toBe(1);
    expect(report.failed).toHaveLength(1);
    expect(report.lost).toHaveLength(1);
    expect(report.lost[0]).toMatch(/1 event\(s\) were NOT delivered to EventBridge bus "ops" in us-east-1/);
    expect(report.lost[0]).toMatch(/InternalFailure: boom/);
  });

  it('counts every event lost when publishing throws', async () => {
    const report = await publishRun(
      deps({
        publish: async () => {
          throw new Error('socket hang up');
        },
      }),
      TARGET,
      () => [event('a'), event('b'), event('c')],
      { expected: 3 },
    );
    expect(report).toMatchObject({ published: 0, calls: 0, lostCount: 3 });
    expect(report.lost).toEqual([
      '3 event(s) were NOT delivered to EventBridge bus "ops" in us-east-1: socket hang up',
    ]);
  });

  it('counts the expected events lost when the account cannot be read', async () => {
    const report = await publishRun(
      deps({
        accountId: async () => {
          throw new Error('AccessDenied');
        },
      }),
      TARGET,
      () => [event('a')],
      { expected: 4 },
    );
    expect(report.lostCount).toBe(4);
    expect(report.lost[0]).toMatch(/^4 event\(s\) were NOT delivered .*AccessDenied/);
  });

  it('reports a missing EventBridge client as lost events, not a crash', async () => {
    const report = await publishRun({ clients: {}, accountId: async () => '1' }, TARGET, () => [event('a')], {
      expected: 1,
    });
    expect(report.lostCount).toBe(1);
    expect(report.lost[0]).toMatch(/no EventBridge client was given/);
  });
});
