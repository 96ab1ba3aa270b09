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
    expect(report).toEqual({
      target: TARGET,
      published: 2,
      calls: 1,
      failed: [],
      lost: [],
      lostCount: 0,
      lostEvents: [],
    });
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
      { expected: 2, describe: (e) => `deleted ${String(e.detail.id)}` },
    );
    expect(report.lostCount).toBe(1);
    expect(report.failed).toHaveLength(1);
    expect(report.lostEvents).toEqual([
      { event: 'deleted b', errorCode: 'InternalFailure', errorMessage: 'boom' },
    ]);
    expect(report.lost).toHaveLength(1);
    expect(report.lost[0]).toMatch(/1 event\(s\) were NOT delivered to EventBridge bus "ops" in us-east-1/);
    expect(report.lost[0]).toContain('  - deleted b: InternalFailure: boom');
  });

  it('names every event lost when publishing throws', async () => {
    const report = await publishRun(
      deps({
        publish: async () => {
          throw new Error('socket hang up');
        },
      }),
      TARGET,
      () => [event('a'), event('b'), event('c')],
      { expected: 3, describe: (e) => `deleted ${String(e.detail.id)}` },
    );
    expect(report).toMatchObject({ published: 0, calls: 0, lostCount: 3 });
    expect(report.lost).toEqual([
      '3 event(s) were NOT delivered to EventBridge bus "ops" in us-east-1: socket hang up\n' +
        '  - deleted a\n  - deleted b\n  - deleted c',
    ]);
    expect(report.lostEvents.map((lost) => lost.event)).toEqual(['deleted a', 'deleted b', 'deleted c']);
    expect(report.lostEvents[0]).toMatchObject({ errorCode: 'Error', errorMessage: 'socket hang up' });
  });

  it('counts the expected events lost when the account cannot be read, naming those it is told of', async () => {
    const noAccount = deps({
      accountId: async () => {
        throw new Error('AccessDenied');
      },
    });
    const unnamed = await publishRun(noAccount, TARGET, () => [event('a')], { expected: 4 });
    expect(unnamed.lostCount).toBe(4);
    expect(unnamed.lost[0]).toMatch(/^4 event\(s\) were NOT delivered .*AccessDenied/);

    const named = await publishRun(noAccount, TARGET, () => [event('a')], {
      expected: 2,
      names: () => ['copied a', 'summary'],
    });
    const why = 'could not read the account id: AccessDenied';
    expect(named.lostCount).toBe(2);
    expect(named.lostEvents).toEqual([
      { event: 'copied a', errorCode: 'Error', errorMessage: why },
      { event: 'summary', errorCode: 'Error', errorMessage: why },
    ]);
    expect(named.lost[0]).toMatch(
      /^2 event\(s\) were NOT delivered .*AccessDenied\n {2}- copied a\n {2}- summary$/,
    );
  });

  it('reports a missing EventBridge client as lost events, not a crash', async () => {
    const report = await publishRun({ clients: {}, accountId: async () => '1' }, TARGET, () => [event('a')], {
      expected: 1,
    });
    expect(report.lostCount).toBe(1);
    expect(report.lost[0]).toMatch(/no EventBridge client was given/);
  });

  describe('with a last event (a Run Summary)', () => {
    const summary = (lost: readonly { event: string }[]): FeedEvent => ({
      detailType: 'CloudHSM Run Summary',
      detail: { lost: lost.map((l) => l.event) },
      resources: [],
    });

    it('sends it in a call of its own after the others, built knowing what they lost', async () => {
      const sent: FeedEvent[][] = [];
      const report = await publishRun(
        deps({
          publish: async (_client, events) => {
            sent.push(events);
            const failed =
              events.length > 1
                ? [{ event: events[1]!, errorCode: 'InternalFailure', errorMessage: 'boom' }]
                : [];
            return { published: events.length - failed.length, failed, calls: 1 };
          },
        }),
        TARGET,
        () => [event('a'), event('b')],
        {
          expected: 3,
          describe: (e) => String(e.detail.id ?? 'summary'),
          last: (_account, lost) => summary(lost),
        },
      );
      expect(sent).toEqual([[event('a'), event('b')], [summary([{ event: 'b' }])]]);
      expect(report).toMatchObject({ published: 2, calls: 2, lostCount: 1 });
      expect(report.lostEvents.map((l) => l.event)).toEqual(['b']);
    });

    it('still sends it when the first call throws, and sends it alone when there is nothing else', async () => {
      const sent: FeedEvent[][] = [];
      const publish: PublishDeps['publish'] = async (_client, events) => {
        sent.push(events);
        if (events.length > 1) throw new Error('socket hang up');
        return { published: 1, failed: [], calls: 1 };
      };
      const describeIt = (e: FeedEvent) => String(e.detail.id ?? 'summary');
      const last = (_account: string, lost: readonly { event: string }[]) => summary(lost);
      const report = await publishRun(deps({ publish }), TARGET, () => [event('a'), event('b')], {
        expected: 3,
        describe: describeIt,
        last,
      });
      expect(sent).toEqual([[event('a'), event('b')], [summary([{ event: 'a' }, { event: 'b' }])]]);
      expect(report).toMatchObject({ published: 1, calls: 1, lostCount: 2 });

      sent.length = 0;
      const alone = await publishRun(deps({ publish }), TARGET, () => [], {
        expected: 1,
        describe: describeIt,
        last,
      });
      expect(sent).toEqual([[summary([])]]);
      expect(alone).toMatchObject({ published: 1, calls: 1, lostCount: 0, lost: [] });
    });
  });
});
