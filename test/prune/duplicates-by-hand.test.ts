/**
 * Issue 17 on a fleet where the duplicates were made by hand: the AWS CLI copies backups to the
 * DR region against the sandbox (twice for one backup, once more for a held backup that already
 * had a copy) and sets the source cluster's retention policy. `prune --duplicate-copies` then
 * deletes exactly the extra copy the audit reports, under prune's guardrails (dry run first,
 * deletion record, restore undo), and `--copy-retention source` follows the source cluster's
 * policy, read from its region with DescribeClusters.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listBackups } from '../../lib/aws/cloudhsm.js';
import { duplicateCopies } from '../../lib/copies/duplicates.js';
import { awsBatch, onPath } from '../conformance/tools.js';
import { runCli } from '../helpers/cli.js';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';
import { CLUSTER_A, seqId, smallFleet } from '../sandbox/fleets.js';

const HAS_AWS_CLI = onPath('the AWS CLI', 'aws');
/** A plain backup of cluster A (3 days old) with no copy yet. */
const PLAIN = seqId('backup', 2);
/** A backup of cluster A carrying the hold tag, already copied to us-west-2 by the fleet. */
const HELD = seqId('backup', 1);
const SEEDED_COPY = seqId('backup', 2000);
/** The fleet's 120-day-old copy in us-west-2 (its source backup is long gone). */
const OLD_COPY = seqId('backup', 2001);

let test: TestSandbox;
let now: string;
let copiesOf: (source: string) => string[];
const state = (id: string) => test.sandbox.backups('us-west-2').find((b) => b.BackupId === id)?.BackupState;

function aws(...args: string[]): string[] {
  return [...args, '--endpoint-url', test.sandbox.url, '--region', 'us-east-1', '--output', 'json'];
}

const copyCommand = (backupId: string) =>
  aws('cloudhsmv2', 'copy-backup-to-region', '--backup-id', backupId, '--destination-region', 'us-west-2');

const prune = (...args: string[]) =>
  runCli(['prune', '--region', 'us-west-2', ...args, '--now', now, '--endpoint', test.sandbox.url]);

beforeAll(async () => {
  if (!HAS_AWS_CLI) return;
  test = await startTestSandbox({ fleet: smallFleet(5), copyDelaySeconds: 60 });
  const first = await awsBatch([copyCommand(PLAIN), copyCommand(HELD)]);
  test.sandbox.clock.advance(10 * 60_000);
  const second = await awsBatch([
    copyCommand(PLAIN),
    // The source cluster keeps its backups 150 days: its 120-day-old copy is not stale by it.
    aws(
      'cloudhsmv2',
      'modify-cluster',
      '--cluster-id',
      CLUSTER_A,
      '--backup-retention-policy',
      'Type=DAYS,Value=150',
    ),
  ]);
  for (const result of [...first, ...second]) expect(result.code, result.stderr).toBe(0);
  test.sandbox.clock.advance(2 * 60_000);
  now = test.sandbox.clock.now().toISOString();
  copiesOf = (source) =>
    test.sandbox
      .backups('us-west-2')
      .filter((b) => b.SourceBackup === source)
      .sort((a, b) => Number(a.CopyTimestamp) - Number(b.CopyTimestamp))
      .map((b) => b.BackupId as string);
}, 120_000);
afterAll(() => test?.close());

describe.skipIf(!HAS_AWS_CLI)('prune --duplicate-copies on duplicates made by hand with the AWS CLI', () => {
  it('dry run (the default): plans deleting exactly the extra copy duplicateCopies() finds, deletes nothing', async () => {
    // Prepare
    const [keepPlain, extraPlain] = copiesOf(PLAIN);
    const backups = await listBackups(test.clients.cloudHsm('us-west-2'), 'us-west-2');
    const expected = duplicateCopies(backups, 'cloudhsm-ops:hold').flatMap((g) => g.extra.map((b) => b.id));
    // Act
    const run = await prune('--duplicate-copies', '--json');
    // Assess
    expect(run.code, run.stderr).toBe(0);
    const plan = JSON.parse(run.stdout).plan;
    const planned = plan.entries.filter((e: { decision: string }) => e.decision === 'delete');
    expect(planned.map((e: { backupId: string }) => e.backupId)).toEqual([extraPlain]);
    expect(expected).toEqual([extraPlain]);
    expect(planned[0]).toMatchObject({ reason: 'duplicate-copy', keptCopyId: keepPlain });
    // The old copy is not a duplicate, and nothing is pruned by age without a cutoff.
    expect(plan.entries.find((e: { backupId: string }) => e.backupId === OLD_COPY).decision).toBe('keep');
    expect(state(extraPlain!)).toBe('READY');
  });

  it('--execute deletes the extra copy with a deletion record; the kept and held copies stay; restore undoes it', async () => {
    const [keepPlain, extraPlain] = copiesOf(PLAIN);
    const [seeded, heldCopy] = copiesOf(HELD);
    expect(seeded).toBe(SEEDED_COPY);
    // Act
    const run = await prune('--duplicate-copies', '--execute', '--json');
    // Assess
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result.result.succeeded.map((o: { backupId: string }) => o.backupId)).toEqual([extraPlain]);
    expect(state(extraPlain!)).toBe('PENDING_DELETION');
    expect(state(keepPlain!)).toBe('READY');
    expect(state(SEEDED_COPY)).toBe('READY');
    expect(state(heldCopy!)).toBe('READY');
    const record = test.sandbox.backups('us-west-2').find((b) => b.BackupId === extraPlain)!
      .TagList as Array<{
      Key: string;
    }>;
    expect(record.map((t) => t.Key)).toContain(`cloudhsm-ops:deleted-by:${result.runId}`);
    // Undo
    const restore = await runCli([
      'restore',
      '--region',
      'us-west-2',
      '--run-id',
      result.runId,
      '--endpoint',
      test.sandbox.url,
    ]);
    expect(restore.code, restore.stderr).toBe(0);
    expect(state(extraPlain!)).toBe('READY');
  });

  it("--copy-retention source follows the source cluster's policy read from its region (150 days keeps the 120-day copy)", async () => {
    // Act
    test.sandbox.clearRequests();
    const bySource = await prune('--copy-retention', 'source', '--json');
    const fixed = await prune('--copy-retention-days', '90', '--json');
    // Assess
    expect(bySource.code, bySource.stderr).toBe(0);
    const plan = JSON.parse(bySource.stdout).plan;
    expect(plan.copyRetention).toEqual([
      expect.objectContaining({ lineage: CLUSTER_A, sourceRegion: 'us-east-1', days: 150, basis: 'source' }),
    ]);
    const decision = (p: { entries: Array<{ backupId: string; decision: string }> }) =>
      p.entries.find((e) => e.backupId === OLD_COPY)?.decision;
    expect(decision(plan)).toBe('keep');
    expect(decision(JSON.parse(fixed.stdout).plan)).toBe('delete');
    const reads = test.sandbox.requests().filter((r) => r.operation === 'DescribeClusters');
    expect(reads.map((r) => r.region)).toEqual(['us-east-1']);
  });

  it("--copy-retention source prints each lineage's copy cutoff and where its days come from", async () => {
    const run = await prune('--copy-retention', 'source');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`Copies cutoff of ${CLUSTER_A}:`);
    expect(run.stdout).toContain("150 days (the source cluster's backup retention policy)");
  });
});
