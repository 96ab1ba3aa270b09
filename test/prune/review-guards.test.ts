import { DeleteBackupCommand } from '@aws-sdk/client-cloudhsm-v2';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RESTORE_FLAG_NAMES } from '../../lib/config/restore.js';
import { UsageError } from '../../lib/errors.js';
import type { FeedEvent, PublishResult } from '../../lib/events/types.js';
import { planPrune } from '../../lib/prune/plan.js';
import { applyCommand } from '../../lib/prune/report.js';
import { runPrune } from '../../lib/prune/run.js';
import { parseRestoreConfig, runRestore } from '../../lib/restore/restore.js';
import { FakeHsm } from './fake-hsm.js';
import { backup, config, inventory, NOW } from './fixtures.js';

let hsm: FakeHsm;
beforeEach(() => {
  hsm = new FakeHsm();
});
afterEach(() => {
  hsm.restoreMocks();
});

/** A publish function that records what it was given and loses every event. */
function losingPublish(seen: FeedEvent[][]) {
  return async (_client: unknown, events: FeedEvent[]): Promise<PublishResult> => {
    seen.push(events);
    return {
      published: 0,
      calls: 1,
      failed: events.map((event) => ({ event, errorCode: 'InternalFailure', errorMessage: 'lost' })),
    };
  };
}

describe('prune with --publish', () => {
  it('looks the account up before deleting: a failed lookup deletes nothing', async () => {
    // Prepare
    hsm.add(backup(200), backup(150), backup(1));
    const settings = config({ olderThan: '90d', execute: 'true', publish: 'true' });
    // Act
    const run = runPrune(
      { clients: hsm.clients(), accountId: () => Promise.reject(new Error('sts down')) },
      settings,
      NOW,
    );
    // Assess
    await expect(run).rejects.toThrow(/sts down/);
    expect(hsm.calls(DeleteBackupCommand)).toEqual([]);
  });

  it('counts every lost deletion event, not the regions that lost some', async () => {
    // Prepare
    hsm.add(backup(200), backup(150), backup(120), backup(1));
    const seen: FeedEvent[][] = [];
    // Act
    const run = await runPrune(
      {
        clients: { ...hsm.clients(), eventBridge: () => ({}) as never },
        accountId: async () => '111122223333',
        publish: losingPublish(seen) as never,
      },
      config({ olderThan: '90d', execute: 'true', publish: 'true' }),
      NOW,
    );
    // Assess
    expect(run.result?.counts.succeeded).toBe(3);
    // Three Backup Deleted events and the Run Summary.
    expect(run.events?.lostCount).toBe(4);
    expect(run.events?.lost).toHaveLength(1);
    expect(run.exitCode).toBe(1);
  });

  it('prints an apply command that keeps a custom event source', () => {
    const settings = config({ olderThan: '90d', publish: 'true', eventSource: 'acme.ops' });
    const plan = planPrune(inventory([backup(200), backup(1)]), settings, NOW);
    expect(applyCommand(plan, settings)).toContain('--event-source acme.ops');
  });
});

describe('restore with --publish', () => {
  it('publishes one Restored event per restored backup and fails loudly when they are lost', async () => {
    // Prepare
    const deleted = [1, 2].map(() =>
      backup(30, { state: 'PENDING_DELETION', deleteAt: NOW.plus({ days: 6 }).toJSDate() }),
    );
    hsm.add(...deleted);
    const seen: FeedEvent[][] = [];
    // Act
    const run = await runRestore(
      {
        clients: { ...hsm.clients(), eventBridge: () => ({}) as never },
        accountId: async () => '111122223333',
        publish: losingPublish(seen) as never,
      },
      parseRestoreConfig({
        region: 'us-east-1',
        backupIds: deleted.map((b) => b.id).join(','),
        publish: 'true',
      }),
      NOW,
    );
    // Assess
    expect(seen.flat().map((e) => [e.detailType, e.detail.backupId])).toEqual([
      ...deleted.map((b) => ['CloudHSM Backup Restored', b.id]),
      ['CloudHSM Run Summary', undefined],
    ]);
    expect(run.events?.lostCount).toBe(3);
    expect(run.exitCode).toBe(1);
  });

  it.each([
    [{ publish: 'yes' }, /--publish must be "true" or "false"/],
    [{ publish: 'true', eventSource: 'aws.cloudhsm' }, /--event-source/],
    [{ publish: 'true', eventSource: 'has space' }, /--event-source/],
    [{ publish: 'true', eventBus: 'bad bus!' }, /--event-bus "bad bus!"/],
  ])('refuses bad event settings before restoring anything: %j', (settings, message) => {
    const parse = () =>
      parseRestoreConfig({ region: 'us-east-1', deletedSince: '2h', ...settings }, RESTORE_FLAG_NAMES);
    expect(parse).toThrow(UsageError);
    expect(parse).toThrow(message);
  });
});
