import { describe, expect, it } from 'vitest';
import { backupActionEvent } from '../../lib/events/backup-action.js';
import { deletedEvents } from '../../lib/prune/events.js';
import type { PruneOutcome } from '../../lib/prune/execute.js';
import { restoredEvents } from '../../lib/restore/events.js';

const context = { runId: 'run-1', account: '111122223333', time: new Date('2026-11-29T12:00:00Z') };
const backup = {
  region: 'cn-north-1',
  backupId: 'backup-aaaaaaaaaaa',
  clusterId: 'cluster-abcdefghijk',
  lineage: 'cluster-abcdefghijk',
  createdAt: '2026-11-01T00:00:00.000Z',
};

describe('backupActionEvent', () => {
  it('gives every action on a backup the same head, resource and time, then the action’s own fields', () => {
    const event = backupActionEvent('CloudHSM Backup Restored', backup, context, { outcome: 'restored' });
    expect(event).toEqual({
      detailType: 'CloudHSM Backup Restored',
      detail: {
        schemaVersion: '1.0',
        runId: 'run-1',
        account: '111122223333',
        region: 'cn-north-1',
        backupId: 'backup-aaaaaaaaaaa',
        clusterId: 'cluster-abcdefghijk',
        lineage: 'cluster-abcdefghijk',
        createdAt: '2026-11-01T00:00:00.000Z',
        outcome: 'restored',
      },
      resources: ['arn:aws-cn:cloudhsm:cn-north-1:111122223333:backup/backup-aaaaaaaaaaa'],
      time: context.time,
    });
  });

  it('names an unknown cluster, lineage or creation time as null, and leaves the time out without a run clock', () => {
    const event = backupActionEvent(
      'CloudHSM Backup Deleted',
      { region: 'us-east-1', backupId: 'backup-bbbbbbbbbbb' },
      {
        runId: 'run-2',
        account: '111122223333',
      },
      {},
    );
    expect(event.detail).toMatchObject({ clusterId: null, lineage: null, createdAt: null });
    expect(event).not.toHaveProperty('time');
  });

  it('is what prune’s Backup Deleted and restore’s Backup Restored events are built from', () => {
    const deleted = deletedEvents(
      [
        {
          ...backup,
          status: 'succeeded',
          reason: 'deleted',
          detail: '',
          restoreCommand: 'cloudhsm-ops restore',
        } as PruneOutcome,
      ],
      context,
    );
    const restored = restoredEvents(
      [{ ...backup, status: 'succeeded', reason: 'restored', held: true }],
      context,
    );
    const head = backupActionEvent('CloudHSM Backup Deleted', backup, context, {});
    for (const event of [...deleted, ...restored]) {
      expect(event.detail).toMatchObject(head.detail);
      expect(event.resources).toEqual(head.resources);
      expect(event.time).toEqual(head.time);
    }
    expect(deleted[0]!.detail).toMatchObject({ restoreCommand: 'cloudhsm-ops restore', outcome: 'deleted' });
    expect(restored[0]!.detail).toMatchObject({ outcome: 'restored', held: true });
  });
});
