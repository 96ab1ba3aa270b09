import { appendFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DeleteBackupCommand,
  DescribeBackupsCommand,
  DescribeClustersCommand,
} from '@aws-sdk/client-cloudhsm-v2';
import { DescribeSubnetsCommand } from '@aws-sdk/client-ec2';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { afterEach, describe, expect, it } from 'vitest';
import type { FaultConfig } from '../../sandbox/index.js';
import { seqId, smallFleet } from '../support/fleet.js';
import { startTestSandbox, type TestSandbox } from '../support/sandbox.js';

let t: TestSandbox | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

async function outcome(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'ok';
  } catch (error) {
    return `${(error as Error).name}/${(error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode}`;
  }
}

/** Sends `n` DescribeClusters calls one after another and lists what each one met. */
async function outcomes(faults: FaultConfig, n: number): Promise<string[]> {
  t = await startTestSandbox({ fleet: smallFleet(3), faults });
  const client = t.clients.cloudHsm('us-east-1');
  const seen: string[] = [];
  for (let i = 0; i < n; i++) seen.push(await outcome(client.send(new DescribeClustersCommand({}))));
  await t.close();
  t = undefined;
  return seen;
}

describe('internal failures', () => {
  it('fail a seeded, repeatable share of calls with HTTP 500 CloudHsmInternalFailureException', async () => {
    // Prepare
    const faults = { seed: 7, rules: [{ operation: 'DescribeClusters', internalFailureRate: 0.3 }] };
    // Act
    const first = await outcomes(faults, 100);
    const second = await outcomes(faults, 100);
    const otherSeed = await outcomes({ ...faults, seed: 8 }, 100);
    // Assess
    expect(first).toEqual(second);
    expect(first).not.toEqual(otherSeed);
    const failures = first.filter((o) => o !== 'ok');
    expect(new Set(failures)).toEqual(new Set(['CloudHsmInternalFailureException/500']));
    expect(failures.length).toBeGreaterThan(10);
    expect(failures.length).toBeLessThan(50);
  });

  it('leave other operations and regions alone', async () => {
    // Prepare
    t = await startTestSandbox({
      fleet: smallFleet(3),
      faults: { rules: [{ operation: 'DescribeClusters', region: 'us-east-1', internalFailureRate: 1 }] },
    });
    // Act
    const hit = await outcome(t.clients.cloudHsm('us-east-1').send(new DescribeClustersCommand({})));
    const otherOperation = await outcome(
      t.clients.cloudHsm('us-east-1').send(new DescribeBackupsCommand({})),
    );
    const otherRegion = await outcome(t.clients.cloudHsm('us-west-2').send(new DescribeClustersCommand({})));
    // Assess
    expect([hit, otherOperation, otherRegion]).toEqual(['CloudHsmInternalFailureException/500', 'ok', 'ok']);
  });

  it('are retried by the SDK (HTTP 500 is retryable)', async () => {
    // Prepare
    t = await startTestSandbox({
      fleet: smallFleet(3),
      maxAttempts: 5,
      faults: { seed: 3, rules: [{ operation: 'DescribeClusters', internalFailureRate: 0.5 }] },
    });
    // Act
    const results = await Promise.all(
      Array.from({ length: 5 }, () =>
        outcome(t!.clients.cloudHsm('us-east-1').send(new DescribeClustersCommand({}))),
      ),
    );
    // Assess
    expect(results.filter((r) => r === 'ok').length).toBeGreaterThanOrEqual(4);
    expect(t.sandbox.requests().filter((r) => r.status === 500).length).toBeGreaterThan(0);
  });
});

describe('throttling', () => {
  it("lets a burst of one second's worth through, then answers ThrottlingException", async () => {
    // Prepare
    t = await startTestSandbox({ fleet: smallFleet(3), faults: { rules: [{ throttleRps: 3 }] } });
    const hsm = t.clients.cloudHsm('us-east-1');
    // Act
    const burst = await Promise.all(
      Array.from({ length: 5 }, () => outcome(hsm.send(new DescribeClustersCommand({})))),
    );
    // Assess
    expect(burst.filter((o) => o === 'ok')).toHaveLength(3);
    expect(burst.filter((o) => o === 'ThrottlingException/400')).toHaveLength(2);
  });

  it('refills at the configured rate; EC2 answers RequestLimitExceeded', async () => {
    // Prepare
    t = await startTestSandbox({ fleet: smallFleet(3), faults: { rules: [{ throttleRps: 2 }] } });
    const ec2 = t.clients.ec2('us-east-1');
    const call = () => outcome(ec2.send(new DescribeSubnetsCommand({})));
    // Act
    const burst = await Promise.all([call(), call(), call()]);
    await new Promise((resolve) => setTimeout(resolve, 600));
    const afterRefill = await call();
    // Assess
    expect(burst.sort()).toEqual(['RequestLimitExceeded/503', 'ok', 'ok']);
    expect(afterRefill).toBe('ok');
  });

  it('lets the SDK recover with retries', async () => {
    // Prepare
    t = await startTestSandbox({
      fleet: smallFleet(3),
      maxAttempts: 6,
      retryMode: 'adaptive',
      faults: { rules: [{ operation: 'DescribeClusters', throttleRps: 20 }] },
    });
    // Act
    const results = await Promise.all(
      Array.from({ length: 30 }, () =>
        outcome(t!.clients.cloudHsm('us-east-1').send(new DescribeClustersCommand({}))),
      ),
    );
    // Assess
    expect(results.every((r) => r === 'ok')).toBe(true);
    expect(t.sandbox.requests().some((r) => r.errorCode === 'ThrottlingException')).toBe(true);
  });
});

describe('latency and lost responses', () => {
  it('adds latency', async () => {
    // Prepare
    t = await startTestSandbox({ fleet: smallFleet(3), faults: { rules: [{ latencyMs: 150 }] } });
    // Act
    const started = performance.now();
    await t.clients.cloudHsm('us-east-1').send(new DescribeClustersCommand({}));
    const elapsed = performance.now() - started;
    // Assess
    expect(elapsed).toBeGreaterThanOrEqual(140);
  });

  it('applies the change but answers HTTP 500', async () => {
    // Prepare
    t = await startTestSandbox({
      fleet: smallFleet(3),
      faults: { rules: [{ operation: 'DeleteBackup', lostResponseRate: 1 }] },
    });
    const client = t.clients.cloudHsm('us-east-1');
    // Act
    const result = await outcome(client.send(new DeleteBackupCommand({ BackupId: seqId('backup', 2) })));
    const [after] = (
      await client.send(new DescribeBackupsCommand({ Filters: { backupIds: [seqId('backup', 2)] } }))
    ).Backups!;
    // Assess
    expect(result).toBe('CloudHsmInternalFailureException/500');
    expect(after!.BackupState).toBe('PENDING_DELETION');
  });
});

describe('PutEvents entry failures', () => {
  it('fail a seeded share of entries with retryable codes; FailedEntryCount matches', async () => {
    // Prepare
    const run = async (seed: number) => {
      t = await startTestSandbox({
        fleet: smallFleet(1),
        faults: { seed, rules: [], putEventsEntryFailureRate: 0.4 },
      });
      const entries = Array.from({ length: 10 }, (_, i) => ({
        Source: 's',
        DetailType: 'd',
        Detail: `{"i":${i}}`,
      }));
      const results = [];
      for (let i = 0; i < 3; i++) {
        results.push(
          await t.clients.eventBridge('us-east-1').send(new PutEventsCommand({ Entries: entries })),
        );
      }
      const accepted = t.sandbox.events().length;
      await t.close();
      t = undefined;
      return { results, accepted };
    };
    // Act
    const first = await run(11);
    const again = await run(11);
    // Assess
    const codes = first.results.flatMap((r) => r.Entries!.map((e) => e.ErrorCode ?? 'ok'));
    expect(codes).toEqual(again.results.flatMap((r) => r.Entries!.map((e) => e.ErrorCode ?? 'ok')));
    expect(new Set(codes)).toEqual(new Set(['ok', 'InternalFailure', 'ThrottlingException']));
    const failed = first.results.reduce((sum, r) => sum + r.FailedEntryCount!, 0);
    expect(failed).toBe(codes.filter((c) => c !== 'ok').length);
    expect(first.accepted).toBe(30 - failed);
  });
});

describe('admin routes and the events file', () => {
  it('serve events, requests, state, clock and faults over HTTP, and append events as JSON lines', async () => {
    // Prepare
    const eventsFile = join(mkdtempSync(join(tmpdir(), 'sandbox-')), 'events.jsonl');
    appendFileSync(eventsFile, '');
    t = await startTestSandbox({ fleet: smallFleet(1), eventsFile });
    const url = t.sandbox.url;
    await t.clients
      .eventBridge('us-east-1')
      .send(new PutEventsCommand({ Entries: [{ Source: 's', DetailType: 'd', Detail: '{"x":1}' }] }));
    // Act
    const events = await (await fetch(`${url}/_sandbox/events`)).json();
    const requests = await (await fetch(`${url}/_sandbox/requests`)).json();
    const advanced = await (
      await fetch(`${url}/_sandbox/clock/advance`, { method: 'POST', body: '{"seconds":3600}' })
    ).json();
    const faults = await fetch(`${url}/_sandbox/faults`, {
      method: 'POST',
      body: JSON.stringify({ rules: [{ operation: 'DescribeClusters', internalFailureRate: 1 }] }),
    });
    const badFaults = await fetch(`${url}/_sandbox/faults`, {
      method: 'POST',
      body: '{"rules":[{"throttleRps":-1}]}',
    });
    const failing = await outcome(t.clients.cloudHsm('us-east-1').send(new DescribeClustersCommand({})));
    const state = (await (await fetch(`${url}/_sandbox/state`)).json()) as {
      regions: Record<string, { backups: Record<string, number> }>;
    };
    // Assess
    expect(events).toEqual([expect.objectContaining({ source: 's', detail: { x: 1 } })]);
    expect(requests).toEqual([
      expect.objectContaining({ service: 'events', operation: 'PutEvents', status: 200 }),
    ]);
    expect(advanced).toEqual({ now: '2026-11-29T13:00:00.000Z' });
    expect(faults.status).toBe(200);
    expect(badFaults.status).toBe(400);
    expect(failing).toBe('CloudHsmInternalFailureException/500');
    expect(state).toMatchObject({
      account: '111122223333',
      now: '2026-11-29T13:00:00.000Z',
      clock: 'virtual',
    });
    expect(state.regions['us-east-1']?.backups).toEqual({ READY: 3, PENDING_DELETION: 1 });
    const lines = readFileSync(eventsFile, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toEqual([expect.objectContaining({ source: 's', detail: { x: 1 } })]);
  });
});
