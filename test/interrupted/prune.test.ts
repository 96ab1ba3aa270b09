/**
 * A prune stopped half-way — told to stop (the Lambda's deadline hook), or cut off because
 * every call starts failing — and then run again ends in exactly the state one uninterrupted
 * run leaves on an identical fleet.
 */
import { DateTime } from 'luxon';
import { afterEach, describe, expect, it } from 'vitest';
import { AwsClients } from '../../lib/aws/clients.js';
import { parsePruneConfig } from '../../lib/config/prune.js';
import { runPrune } from '../../lib/prune/run.js';
import { restoreBackups } from '../../lib/restore/restore.js';
import { chaosFleet, DR, NOW, SOURCES, states } from '../support/fleet.js';
import { startTestSandbox, type TestSandbox } from '../support/sandbox.js';

const CONFIG = parsePruneConfig({
  regions: [...SOURCES, DR].join(','),
  olderThan: '300d',
  maxDeletions: '1000',
  execute: 'true',
  concurrency: '2',
});
const now = DateTime.fromISO(NOW, { zone: 'utc' });
const STOP_AFTER = 12;

let open: TestSandbox[] = [];
afterEach(async () => {
  await Promise.all(open.map((t) => t.close()));
  open = [];
});

async function sandbox(): Promise<TestSandbox> {
  const started = await startTestSandbox({ fleet: chaosFleet() });
  open.push(started);
  return started;
}

/** The state one uninterrupted run leaves. */
async function uninterrupted(): Promise<Map<string, string>> {
  const reference = await sandbox();
  const run = await runPrune({ clients: reference.clients }, CONFIG, now);
  expect(run.exitCode).toBe(0);
  return states(reference.sandbox);
}

describe('an interrupted prune, run again', () => {
  it('stopped by its deadline hook half-way: reports the rest as not started, and the next run finishes the same', async () => {
    // Prepare
    const expected = await uninterrupted();
    const { sandbox: s, clients } = await sandbox();
    const before = states(s);
    let deleted = 0;

    // Act
    const first = await runPrune(
      {
        clients,
        onProgress: (p) => {
          if (p.outcome.status === 'succeeded') deleted++;
        },
        shouldStop: () => deleted >= STOP_AFTER,
      },
      CONFIG,
      now,
    );
    const midway = states(s);
    const second = await runPrune({ clients }, CONFIG, now);

    // Assess
    const planned = first.plan.counts.delete;
    expect(first.result!.counts.succeeded).toBeGreaterThanOrEqual(STOP_AFTER);
    expect(first.result!.counts.succeeded).toBeLessThan(planned);
    expect(first.result!.skipped.every((o) => o.reason === 'deadline')).toBe(true);
    expect(first.result!.counts.succeeded + first.result!.counts.skipped).toBe(planned);
    const changedMidway = [...midway].filter(([id, state]) => before.get(id) !== state).map(([id]) => id);
    expect(changedMidway.sort()).toEqual(first.result!.succeeded.map((o) => o.backupId).sort());
    expect(second.plan.counts.delete).toBe(planned - first.result!.counts.succeeded);
    expect(second.exitCode).toBe(0);
    expect(states(s)).toEqual(expected);
    // Each run's deletion record names exactly its own deletions: `restore --run-id` can undo either.
    for (const run of [first, second]) {
      const listed: string[] = [];
      for (const region of CONFIG.regions) {
        const dry = await restoreBackups(
          clients,
          { region, selection: { kind: 'run', runId: run.runId }, concurrency: 2, dryRun: true },
          now,
        );
        listed.push(...dry.skipped.filter((o) => o.reason === 'dry-run').map((o) => o.backupId));
      }
      expect(listed.sort()).toEqual(run.result!.succeeded.map((o) => o.backupId).sort());
    }
  });

  it('cut off when every call starts failing: exits 1 naming the failures, and the next run finishes the same', async () => {
    // Prepare
    const expected = await uninterrupted();
    const { sandbox: s } = await sandbox();
    const clients = new AwsClients({ endpoint: s.url, maxAttempts: 2, retryMode: 'standard' });
    let deleted = 0;

    // Act: after STOP_AFTER deletions the "network" dies.
    const first = await runPrune(
      {
        clients,
        runId: 'run-1',
        onProgress: (p) => {
          if (p.outcome.status === 'succeeded' && ++deleted === STOP_AFTER) {
            s.setFaults({ rules: [{ internalFailureRate: 1 }] });
          }
        },
      },
      CONFIG,
      now,
    );
    s.setFaults({ rules: [] });
    // Run again at once: the records run-1 could not take back still keep this run away.
    const again = await runPrune({ clients, runId: 'run-2' }, CONFIG, now);
    // The next run, once those records have lapsed (15 minutes).
    const second = await runPrune({ clients, runId: 'run-3' }, CONFIG, now.plus({ minutes: 16 }));
    clients.destroy();

    // Assess
    expect(first.exitCode).toBe(1);
    expect(first.result!.counts.failed).toBeGreaterThan(0);
    expect(first.result!.counts.succeeded).toBeLessThan(first.plan.counts.delete);
    expect(first.result!.failed.every((o) => o.errorCode === 'CloudHsmInternalFailureException')).toBe(true);
    const left = again.result!.skipped.filter((o) => o.reason === 'recorded-by-another-run');
    for (const o of left) expect(o.detail).toMatch(/prune run run-1 recorded it too/);
    expect(again.result!.failed).toEqual([]);
    expect(second.exitCode).toBe(0);
    expect(second.result!.failed).toEqual([]);
    expect(states(s)).toEqual(expected);
  });
});
