import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../sandbox/index.js';
import { CLUSTER_A, seqId, smallFleet } from '../support/fleet.js';
import { awsBatch, onPath, type Run, run } from './tools.js';

const HAS_AWS_CLI = onPath('the AWS CLI', 'aws');

const COPIED = seqId('backup', 7);
let sandbox: Sandbox;
let viaBinary: Run;
let reads: Run[];
let lifecycle: Run[];

/**
 * Every CLI command runs once, up front: the real `aws` executable for one call, and the rest
 * in order through one CLI process (the interpreter's start-up dominates each `aws` run).
 */
beforeAll(async () => {
  if (!HAS_AWS_CLI) return;
  sandbox = await startSandbox({ fleet: smallFleet(60), copyDelaySeconds: 60 });
  const readCommands = [
    cmd('us-east-1', 'cloudhsmv2', 'describe-clusters'),
    cmd('us-east-1', 'cloudhsmv2', 'describe-backups', '--page-size', '7'),
    cmd(
      'us-east-1',
      'cloudhsmv2',
      'describe-backups',
      '--filters',
      JSON.stringify({ clusterIds: [CLUSTER_A], neverExpires: ['false'] }),
      '--sort-ascending',
    ),
    cmd(
      'us-east-1',
      'ec2',
      'describe-subnets',
      '--filters',
      'Name=availability-zone,Values=us-east-1a,us-east-1c',
    ),
    cmd(
      'eu-west-1',
      'events',
      'put-events',
      '--entries',
      JSON.stringify([{ Source: 'cli-test', DetailType: 'Conformance', Detail: '{"ok":true}' }]),
    ),
  ];
  const lifecycleCommands = [
    cmd(
      'us-east-1',
      'cloudhsmv2',
      'copy-backup-to-region',
      '--backup-id',
      COPIED,
      '--destination-region',
      'us-west-2',
    ),
    cmd(
      'us-west-2',
      'cloudhsmv2',
      'describe-backups',
      '--filters',
      JSON.stringify({ sourceBackupIds: [COPIED] }),
    ),
    cmd('us-east-1', 'cloudhsmv2', 'delete-backup', '--backup-id', COPIED),
    cmd('us-east-1', 'cloudhsmv2', 'restore-backup', '--backup-id', COPIED),
    cmd('us-east-1', 'cloudhsmv2', 'delete-backup', '--backup-id', 'backup-zzzzzzzzzzz'),
    cmd(
      'us-east-1',
      'cloudhsmv2',
      'copy-backup-to-region',
      '--backup-id',
      COPIED,
      '--destination-region',
      'us-east-1',
    ),
  ];
  const [binary, all] = await Promise.all([
    run('aws', cmd('us-east-1', 'sts', 'get-caller-identity')),
    awsBatch([...readCommands, ...lifecycleCommands]),
  ]);
  viaBinary = binary;
  reads = all.slice(0, readCommands.length);
  lifecycle = all.slice(readCommands.length);
});
afterAll(() => sandbox?.close());

/** Arguments for one `aws` command against the sandbox in `region`. */
function cmd(region: string, ...args: string[]): string[] {
  return [...args, '--endpoint-url', sandbox.url, '--region', region, '--output', 'json'];
}

/** The fields of the CLI's JSON output these tests read. */
interface CliOutput {
  Account: string;
  Clusters: Array<{ ClusterId: string; State: string; Hsms: unknown[] }>;
  Backups: Array<{ BackupId: string; BackupState: string; CreateTimestamp: string | number }>;
  Backup: { BackupState: string; DeleteTimestamp: string | number };
  DestinationBackup: { SourceBackup: string; CreateTimestamp: string | number };
  Subnets: Array<{ AvailabilityZone: string }>;
  FailedEntryCount: number;
}

function json(result: Run): CliOutput {
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as CliOutput;
}

const epoch = (value: string | number) => (typeof value === 'number' ? value : Date.parse(value) / 1000);

describe.skipIf(!HAS_AWS_CLI)('AWS CLI v1 against the sandbox', () => {
  it('reads clusters, backups (filtered, paged), subnets, events and identity as the sandbox holds them', async () => {
    // Act (the commands ran in beforeAll)
    const [clusters, backups, filtered, subnets, events] = reads;
    // Assess
    expect(json(viaBinary).Account).toBe('111122223333');
    expect(json(clusters!).Clusters.map((c) => [c.ClusterId, c.State, c.Hsms.length])).toEqual(
      sandbox.clusters('us-east-1').map((c) => [c.ClusterId, c.State, (c.Hsms as unknown[]).length]),
    );
    const held = sandbox.backups('us-east-1');
    const listed = json(backups!).Backups;
    expect(listed).toHaveLength(held.length);
    expect(listed.map((b) => b.BackupId)).toEqual([...held].reverse().map((b) => b.BackupId));
    expect(listed.map((b) => epoch(b.CreateTimestamp))).toEqual(
      [...held].reverse().map((b) => b.CreateTimestamp),
    );
    expect(
      sandbox.requests().filter((r) => r.operation === 'DescribeBackups' && r.region === 'us-east-1').length,
    ).toBeGreaterThan(9);
    const ascending = json(filtered!).Backups;
    expect(ascending.map((b) => b.BackupId)).toEqual(
      held.filter((b) => b.ClusterId === CLUSTER_A && b.NeverExpires === false).map((b) => b.BackupId),
    );
    expect(json(subnets!).Subnets.map((s) => s.AvailabilityZone)).toEqual(['us-east-1a', 'us-east-1c']);
    expect(json(events!)).toMatchObject({ FailedEntryCount: 0, Entries: [{ EventId: expect.any(String) }] });
    expect(sandbox.events()).toEqual([
      expect.objectContaining({ region: 'eu-west-1', source: 'cli-test', detail: { ok: true } }),
    ]);
  });

  it('copies, deletes and restores a backup; errors carry the AWS code', async () => {
    // Act (the commands ran in beforeAll)
    const [copy, copies, deleted, restored, missing, sameRegion] = lifecycle;
    const id = COPIED;
    // Assess
    const source = sandbox.backups('us-east-1').find((b) => b.BackupId === id)!;
    const destination = json(copy!).DestinationBackup;
    expect(destination).toMatchObject({
      SourceBackup: id,
      SourceRegion: 'us-east-1',
      SourceCluster: CLUSTER_A,
    });
    expect(epoch(destination.CreateTimestamp)).toBe(source.CreateTimestamp);
    expect(json(copies!).Backups).toEqual([
      expect.objectContaining({ BackupState: 'CREATE_IN_PROGRESS', SourceBackup: id, ClusterId: CLUSTER_A }),
    ]);
    expect(json(deleted!).Backup.BackupState).toBe('PENDING_DELETION');
    expect(epoch(json(deleted!).Backup.DeleteTimestamp)).toBe(Date.parse('2026-12-06T12:00:00Z') / 1000);
    expect(json(restored!).Backup.BackupState).toBe('READY');
    expect(source.BackupState).toBe('READY');
    expect(missing!.code).toBe(255);
    expect(missing!.stderr).toContain('(CloudHsmResourceNotFoundException)');
    expect(sameRegion!.code).toBe(255);
    expect(sameRegion!.stderr).toContain('(CloudHsmInvalidRequestException)');
  });
});
