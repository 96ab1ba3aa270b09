import {
  type Backup,
  type CloudHSMV2Client,
  CloudHsmInvalidRequestException,
  CloudHsmResourceNotFoundException,
  CopyBackupToRegionCommand,
  DeleteBackupCommand,
  DescribeBackupsCommand,
  type DescribeBackupsCommandInput,
  ModifyBackupAttributesCommand,
  paginateDescribeBackups,
  RestoreBackupCommand,
} from '@aws-sdk/client-cloudhsm-v2';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLUSTER_A, CLUSTER_B, DAY_MS, NOW_MS, seqId, smallFleet } from '../support/fleet.js';
import { startTestSandbox, type TestSandbox } from '../support/sandbox.js';

const EAST = 'us-east-1';
const WEST = 'us-west-2';
let t: TestSandbox;
let east: CloudHSMV2Client;

beforeEach(async () => {
  t = await startTestSandbox({ fleet: smallFleet(60), copyDelaySeconds: 120 });
  east = t.clients.cloudHsm(EAST);
});
afterEach(() => t.close());

async function all(
  client: CloudHSMV2Client,
  input: ConstructorParameters<typeof DescribeBackupsCommand>[0],
  pageSize = 50,
) {
  const backups: Backup[] = [];
  let pages = 0;
  for await (const page of paginateDescribeBackups({ client, pageSize }, input)) {
    pages++;
    backups.push(...(page.Backups ?? []));
  }
  return { backups, pages };
}

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

describe('DescribeBackups', () => {
  it('pages through more than 50 backups, newest first by default, with no repeats', async () => {
    // Act
    const { backups, pages } = await all(east, {});
    // Assess
    expect(pages).toBe(2);
    expect(backups).toHaveLength(63);
    expect(new Set(backups.map((b) => b.BackupId)).size).toBe(63);
    const times = backups.map((b) => b.CreateTimestamp!.getTime());
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  it('sorts oldest first with SortAscending and pages in small steps', async () => {
    // Act
    const { backups, pages } = await all(east, { SortAscending: true }, 7);
    // Assess
    expect(pages).toBe(9);
    const times = backups.map((b) => b.CreateTimestamp!.getTime());
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(backups[0]!.BackupId).toBe(seqId('backup', 1001));
  });

  it('returns epoch timestamps, tags and NeverExpires as AWS does', async () => {
    // Act
    const [newest] = (
      await east.send(new DescribeBackupsCommand({ Filters: { backupIds: [seqId('backup', 1)] } }))
    ).Backups!;
    // Assess
    expect(newest).toMatchObject({
      BackupId: seqId('backup', 1),
      BackupState: 'READY',
      ClusterId: CLUSTER_A,
      NeverExpires: false,
      TagList: [
        { Key: 'env', Value: 'prod' },
        { Key: 'cloudhsm-ops:hold', Value: 'yes' },
      ],
    });
    expect(newest!.CreateTimestamp).toEqual(new Date(NOW_MS - 2 * DAY_MS));
  });

  it.each([
    [{ clusterIds: [CLUSTER_B] }, 3],
    [{ clusterIds: [CLUSTER_A, CLUSTER_B] }, 63],
    [{ states: ['PENDING_DELETION', 'CREATE_IN_PROGRESS'] }, 2],
    [{ neverExpires: ['true'] }, 1],
    [{ neverExpires: ['false'] }, 62],
    [{ backupIds: [seqId('backup', 5), seqId('backup', 6), 'backup-zzzzzzzzzzz'] }, 2],
    [{ clusterIds: [CLUSTER_A], states: ['READY'], neverExpires: ['false'] }, 59],
  ])('filters %j', async (Filters, expected) => {
    // Act
    const { backups } = await all(east, { Filters }, 10);
    // Assess
    expect(backups).toHaveLength(expected);
  });

  it('finds DR copies by sourceBackupIds in the destination region', async () => {
    // Act
    const { backups } = await all(t.clients.cloudHsm(WEST), {
      Filters: { sourceBackupIds: [seqId('backup', 1)] },
    });
    // Assess
    expect(backups).toHaveLength(1);
    expect(backups[0]).toMatchObject({
      SourceBackup: seqId('backup', 1),
      SourceRegion: EAST,
      SourceCluster: CLUSTER_A,
    });
  });

  it.each([0, 51])('rejects MaxResults %i', async (MaxResults) => {
    // Act
    const error = await errorOf(east.send(new DescribeBackupsCommand({ MaxResults })));
    // Assess
    expect(error).toBeInstanceOf(CloudHsmInvalidRequestException);
    expect(error.$metadata?.httpStatusCode).toBe(400);
  });

  it('rejects a forged NextToken, an unknown filter key and a bad neverExpires value', async () => {
    const inputs: DescribeBackupsCommandInput[] = [
      { NextToken: 'not-a-token' },
      { NextToken: Buffer.from('{"f":"x","t":1,"i":"backup-a"}').toString('base64url') },
      { Filters: { cluster: [CLUSTER_A] } },
      { Filters: { neverExpires: ['yes'] } },
    ];
    for (const input of inputs) {
      // Act
      const error = await errorOf(east.send(new DescribeBackupsCommand(input)));
      // Assess
      expect(error, JSON.stringify(input)).toBeInstanceOf(CloudHsmInvalidRequestException);
    }
  });

  it('rejects a NextToken reused with different filters', async () => {
    // Prepare
    const first = await east.send(new DescribeBackupsCommand({ MaxResults: 5 }));
    // Act
    const error = await errorOf(
      east.send(
        new DescribeBackupsCommand({ MaxResults: 5, NextToken: first.NextToken, SortAscending: true }),
      ),
    );
    // Assess
    expect(error).toBeInstanceOf(CloudHsmInvalidRequestException);
  });
});

describe('CopyBackupToRegion', () => {
  it('creates a CREATE_IN_PROGRESS copy that turns READY after the copy delay', async () => {
    // Prepare
    const source = seqId('backup', 3);
    // Act
    const result = await east.send(
      new CopyBackupToRegionCommand({ BackupId: source, DestinationRegion: WEST }),
    );
    const west = t.clients.cloudHsm(WEST);
    const find = async () =>
      (await west.send(new DescribeBackupsCommand({ Filters: { sourceBackupIds: [source] } }))).Backups!;
    const during = await find();
    t.sandbox.clock.advance(119_000);
    const almost = await find();
    t.sandbox.clock.advance(1_000);
    const after = await find();
    // Assess
    expect(result.DestinationBackup).toEqual({
      CreateTimestamp: new Date(NOW_MS - 4 * DAY_MS),
      SourceRegion: EAST,
      SourceBackup: source,
      SourceCluster: CLUSTER_A,
    });
    expect(during).toHaveLength(1);
    expect(during[0]).toMatchObject({
      BackupState: 'CREATE_IN_PROGRESS',
      ClusterId: CLUSTER_A,
      SourceBackup: source,
      SourceRegion: EAST,
      SourceCluster: CLUSTER_A,
      CreateTimestamp: new Date(NOW_MS - 4 * DAY_MS),
      CopyTimestamp: new Date(NOW_MS),
    });
    expect(during[0]!.BackupId).toMatch(/^backup-[2-7a-z]{11}$/);
    expect(during[0]!.BackupId).not.toBe(source);
    expect(almost[0]!.BackupState).toBe('CREATE_IN_PROGRESS');
    expect(after[0]!.BackupState).toBe('READY');
  });

  it("copies the source's tags, or the request's TagList instead", async () => {
    // Act
    await east.send(new CopyBackupToRegionCommand({ BackupId: seqId('backup', 1), DestinationRegion: WEST }));
    await east.send(
      new CopyBackupToRegionCommand({
        BackupId: seqId('backup', 1),
        DestinationRegion: 'eu-west-1',
        TagList: [{ Key: 'copied-by', Value: 'test' }],
      }),
    );
    // Assess
    const isNew = (b: Record<string, unknown>) =>
      b.SourceBackup === seqId('backup', 1) && b.CopyTimestamp === NOW_MS / 1000;
    const [west] = t.sandbox.backups(WEST).filter(isNew);
    const [eu] = t.sandbox.backups('eu-west-1').filter(isNew);
    expect(west!.TagList).toEqual([
      { Key: 'env', Value: 'prod' },
      { Key: 'cloudhsm-ops:hold', Value: 'yes' },
    ]);
    expect(eu!.TagList).toEqual([{ Key: 'copied-by', Value: 'test' }]);
  });

  it.each([
    ['to its own region', seqId('backup', 3), EAST, CloudHsmInvalidRequestException],
    ['a backup that is not READY', seqId('backup', 1001), WEST, CloudHsmInvalidRequestException],
    ['an unknown backup', 'backup-zzzzzzzzzzz', WEST, CloudHsmResourceNotFoundException],
    ['to a malformed region', seqId('backup', 3), 'mars-1', CloudHsmInvalidRequestException],
  ])('refuses to copy %s', async (_, BackupId, DestinationRegion, type) => {
    // Act
    const error = await errorOf(east.send(new CopyBackupToRegionCommand({ BackupId, DestinationRegion })));
    // Assess
    expect(error).toBeInstanceOf(type);
    expect(t.sandbox.backups(WEST)).toHaveLength(2);
  });
});

describe('DeleteBackup and RestoreBackup', () => {
  it('moves a READY backup to PENDING_DELETION for 7 days, and restore brings it back', async () => {
    // Prepare
    const id = seqId('backup', 4);
    // Act
    const deleted = (await east.send(new DeleteBackupCommand({ BackupId: id }))).Backup!;
    const again = await errorOf(east.send(new DeleteBackupCommand({ BackupId: id })));
    const restored = (await east.send(new RestoreBackupCommand({ BackupId: id }))).Backup!;
    // Assess
    expect(deleted.BackupState).toBe('PENDING_DELETION');
    expect(deleted.DeleteTimestamp).toEqual(new Date(NOW_MS + 7 * DAY_MS));
    expect(again).toBeInstanceOf(CloudHsmInvalidRequestException);
    expect(restored.BackupState).toBe('READY');
    expect(restored.DeleteTimestamp).toBeUndefined();
  });

  it('makes a pending deletion final after 7 days: DELETED, no longer restorable', async () => {
    // Prepare
    const id = seqId('backup', 4);
    await east.send(new DeleteBackupCommand({ BackupId: id }));
    // Act
    t.sandbox.clock.advance(7 * DAY_MS - 1);
    const [stillPending] = (await east.send(new DescribeBackupsCommand({ Filters: { backupIds: [id] } })))
      .Backups!;
    t.sandbox.clock.advance(1);
    const [gone] = (await east.send(new DescribeBackupsCommand({ Filters: { backupIds: [id] } }))).Backups!;
    const restore = await errorOf(east.send(new RestoreBackupCommand({ BackupId: id })));
    // Assess
    expect(stillPending!.BackupState).toBe('PENDING_DELETION');
    expect(gone!.BackupState).toBe('DELETED');
    expect(restore).toBeInstanceOf(CloudHsmInvalidRequestException);
  });

  it('does not let an old expiry delete a backup that was restored and deleted again', async () => {
    // Prepare
    const id = seqId('backup', 4);
    await east.send(new DeleteBackupCommand({ BackupId: id }));
    await east.send(new RestoreBackupCommand({ BackupId: id }));
    t.sandbox.clock.advance(DAY_MS);
    await east.send(new DeleteBackupCommand({ BackupId: id }));
    // Act
    t.sandbox.clock.advance(7 * DAY_MS - DAY_MS);
    const [backup] = (await east.send(new DescribeBackupsCommand({ Filters: { backupIds: [id] } }))).Backups!;
    // Assess
    expect(backup!.BackupState).toBe('PENDING_DELETION');
  });

  it.each([
    ['DeleteBackup', 'CREATE_IN_PROGRESS', seqId('backup', 1002), CloudHsmInvalidRequestException],
    ['DeleteBackup', 'unknown', 'backup-zzzzzzzzzzz', CloudHsmResourceNotFoundException],
    ['RestoreBackup', 'READY', seqId('backup', 4), CloudHsmInvalidRequestException],
    ['RestoreBackup', 'unknown', 'backup-zzzzzzzzzzz', CloudHsmResourceNotFoundException],
  ])('%s of a %s backup fails', async (operation, _, BackupId, type) => {
    // Act
    const command =
      operation === 'DeleteBackup'
        ? new DeleteBackupCommand({ BackupId })
        : new RestoreBackupCommand({ BackupId });
    const error = await errorOf(east.send(command as DeleteBackupCommand));
    // Assess
    expect(error).toBeInstanceOf(type);
    expect(error.$metadata?.httpStatusCode).toBe(400);
  });

  it('records every request, mutating or not, in the request log', async () => {
    // Act
    await east.send(new DescribeBackupsCommand({ MaxResults: 1 }));
    await errorOf(east.send(new DeleteBackupCommand({ BackupId: 'backup-zzzzzzzzzzz' })));
    // Assess
    expect(
      t.sandbox.requests().map(({ service, operation, region, status, errorCode, mutating }) => ({
        service,
        operation,
        region,
        status,
        errorCode,
        mutating,
      })),
    ).toEqual([
      {
        service: 'cloudhsm',
        operation: 'DescribeBackups',
        region: EAST,
        status: 200,
        errorCode: undefined,
        mutating: false,
      },
      {
        service: 'cloudhsm',
        operation: 'DeleteBackup',
        region: EAST,
        status: 400,
        errorCode: 'CloudHsmResourceNotFoundException',
        mutating: true,
      },
    ]);
    expect(t.sandbox.requests()[1]!.params).toEqual({ BackupId: 'backup-zzzzzzzzzzz' });
  });
});

describe('ModifyBackupAttributes', () => {
  it('sets and clears NeverExpires', async () => {
    // Act
    const set = (
      await east.send(new ModifyBackupAttributesCommand({ BackupId: seqId('backup', 5), NeverExpires: true }))
    ).Backup!;
    const filtered = (await east.send(new DescribeBackupsCommand({ Filters: { neverExpires: ['true'] } })))
      .Backups!;
    const cleared = (
      await east.send(
        new ModifyBackupAttributesCommand({ BackupId: seqId('backup', 5), NeverExpires: false }),
      )
    ).Backup!;
    // Assess
    expect(set.NeverExpires).toBe(true);
    expect(filtered.map((b) => b.BackupId).sort()).toEqual([seqId('backup', 0), seqId('backup', 5)]);
    expect(cleared.NeverExpires).toBe(false);
  });

  it('fails for an unknown backup', async () => {
    // Act
    const error = await errorOf(
      east.send(new ModifyBackupAttributesCommand({ BackupId: 'backup-zzzzzzzzzzz', NeverExpires: true })),
    );
    // Assess
    expect(error).toBeInstanceOf(CloudHsmResourceNotFoundException);
  });
});
