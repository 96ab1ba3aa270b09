/**
 * Restore racing someone else (found by the model-based soak, test/model/): a backup another
 * run or person restored between this run's lookup and its RestoreBackup was not restored by
 * this run, so it must not say so, in its result or in a Backup Restored event.
 */
import { RestoreBackupCommand } from '@aws-sdk/client-cloudhsm-v2';
import { DateTime } from 'luxon';
import { afterEach, describe, expect, it } from 'vitest';
import { AwsClients } from '../../lib/aws/clients.js';
import { parseRestoreConfig, runRestore } from '../../lib/restore/restore.js';
import type { FleetFile } from '../../sandbox/index.js';
import { startTestSandbox, type TestSandbox } from '../support/sandbox.js';

const NOW = '2026-11-29T12:00:00Z';
const ID = 'backup-raceaaaaaaa';
const fleet: FleetFile = {
  account: '111122223333',
  now: NOW,
  regions: {
    'us-east-1': {
      zones: ['us-east-1a'],
      subnets: [{ id: 'subnet-1001', zone: 'us-east-1a', vpc: 'vpc-101' }],
      securityGroups: [{ id: 'sg-2001', ingress: [] }],
      clusters: [
        {
          id: 'cluster-raceaaaaaaa',
          state: 'ACTIVE',
          subnets: ['subnet-1001'],
          securityGroup: 'sg-2001',
          hsms: [],
        },
      ],
      backups: [
        {
          id: ID,
          cluster: 'cluster-raceaaaaaaa',
          createdAt: '2026-10-01T00:00:00Z',
          state: 'PENDING_DELETION',
          deleteAt: '2026-12-04T00:00:00Z',
        },
      ],
    },
  },
};

let test: TestSandbox | undefined;
afterEach(async () => {
  await test?.close();
  test = undefined;
});

describe('restore racing another restore', () => {
  it('does not report or publish a restore that someone else made first', async () => {
    // Prepare: the other party restores the backup just before this run's RestoreBackup lands.
    test = await startTestSandbox({ fleet, maxAttempts: 3 });
    const { sandbox, clients } = test;
    const other = new AwsClients({ endpoint: `${sandbox.url}/other`, maxAttempts: 1 });
    let raced = false;
    sandbox.setHooks({
      async beforeRequest(call) {
        if (call.operation !== 'RestoreBackup' || call.path.startsWith('/other') || raced) return;
        raced = true;
        await other.cloudHsm('us-east-1').send(new RestoreBackupCommand({ BackupId: ID }));
      },
    });
    const config = parseRestoreConfig({ region: 'us-east-1', backupIds: ID, publish: 'true' });

    // Act
    const run = await runRestore(
      { clients, runId: 'restore-race', accountId: async () => sandbox.account },
      config,
      DateTime.fromISO(NOW, { zone: 'utc' }),
    );
    other.destroy();

    // Assess: READY (restored by the other party), not claimed by this run
    expect(raced).toBe(true);
    expect(sandbox.backups('us-east-1')[0]!.BackupState).toBe('READY');
    expect(run.result.succeeded).toEqual([]);
    expect(run.result.skipped).toEqual([
      expect.objectContaining({ backupId: ID, reason: 'restored-by-another' }),
    ]);
    expect(sandbox.events().filter((e) => e.detailType === 'CloudHSM Backup Restored')).toEqual([]);
    expect(run.exitCode).toBe(0);
  });

  it('still counts its own restore whose answer was lost (the retry finds it READY), without an event claiming it', async () => {
    // Prepare: every RestoreBackup is applied, then answered 500; the SDK's retry is refused.
    test = await startTestSandbox({
      fleet,
      maxAttempts: 3,
      faults: { rules: [{ operation: 'RestoreBackup', lostResponseRate: 1 }] },
    });
    const { sandbox, clients } = test;
    const config = parseRestoreConfig({ region: 'us-east-1', backupIds: ID, publish: 'true' });

    // Act
    const run = await runRestore(
      { clients, runId: 'restore-lost', accountId: async () => sandbox.account },
      config,
      DateTime.fromISO(NOW, { zone: 'utc' }),
    );

    // Assess
    expect(run.result.succeeded).toEqual([
      expect.objectContaining({ backupId: ID, reason: 'ready-outcome-unknown' }),
    ]);
    // Counted as done, but a 5xx says nothing of who restored it (a racing restorer could have):
    // the feed never claims a restore this run may not have made.
    expect(sandbox.events().filter((e) => e.detailType === 'CloudHSM Backup Restored')).toHaveLength(0);
    expect(run.exitCode).toBe(0);
  });
});
