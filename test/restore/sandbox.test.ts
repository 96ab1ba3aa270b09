/**
 * prune → restore end to end through the CLI against the demo sandbox: the deletion record
 * survives lost DeleteBackup answers and a lost event feed, `restore --run-id` undoes exactly
 * one run, `--deleted-since` never restores what cloudhsm-ops did not delete, and `--hold`
 * keeps the next prune off what was restored.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_NOW } from '../../sandbox/index.js';
import { runCli } from '../support/cli.js';
import { startTestSandbox, type TestSandbox } from '../support/sandbox.js';

const REGION = 'us-west-2';
let s: TestSandbox;
beforeEach(async () => {
  s = await startTestSandbox({ fleet: 'demo' });
});
afterEach(async () => {
  await s.close();
});

const cli = (command: string, ...args: string[]) =>
  runCli([command, '--region', REGION, '--endpoint', s.sandbox.url, '--now', DEMO_NOW, ...args]);
const pendingIds = () =>
  new Set(
    s.sandbox
      .backups(REGION)
      .filter((b) => b.BackupState === 'PENDING_DELETION')
      .map((b) => String(b.BackupId)),
  );
const pruneArgs = ['--cluster-id', 'cluster-paymentsprod', '--older-than', '200d'];

describe('restore after prune', () => {
  it('--run-id restores exactly the run, though every DeleteBackup answer and every event was lost', async () => {
    // Prepare
    const before = pendingIds();
    s.sandbox.setFaults({
      rules: [{ service: 'cloudhsm', operation: 'DeleteBackup', lostResponseRate: 1 }],
      putEventsEntryFailureRate: 1,
    });
    // Act
    const pruned = await cli('prune', ...pruneArgs, '--execute', '--publish', '--max-attempts', '3');
    s.sandbox.setFaults({ rules: [] });
    // Assess: the run deleted, could not publish, and says so (exit 1)
    expect(pruned.code).toBe(1);
    const runId = /^run id (\S+)$/m.exec(pruned.stdout)![1]!;
    const deleted = [...pendingIds()].filter((id) => !before.has(id));
    expect(deleted.length).toBeGreaterThan(0);
    expect(pruned.stdout).toContain(`cloudhsm-ops restore --region ${REGION} --run-id ${runId}`);

    // Act: a dry run first, then the restore.
    const dry = await cli('restore', '--run-id', runId, '--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain(`dry run: ${deleted.length} would be restored`);
    expect(pendingIds()).toEqual(new Set([...before, ...deleted]));
    const restored = await cli('restore', '--run-id', runId);
    // Assess
    expect(restored.code).toBe(0);
    expect(restored.stdout).toContain(`${deleted.length} restored, 0 failed`);
    expect(restored.stdout).toMatch(/next prune: not held: the next prune with the same settings plans them/);
    expect(pendingIds()).toEqual(before);
  });

  it('--run-id that no backup in the region carries a record of: exit 2, said plainly, nothing restored', async () => {
    // Prepare: a real run, then a typo of its id and the right id in the wrong region.
    const pruned = await cli('prune', ...pruneArgs, '--execute');
    const runId = /^run id (\S+)$/m.exec(pruned.stdout)![1]!;
    const before = pendingIds();
    s.sandbox.clearRequests();
    // Act
    const typo = await cli('restore', '--run-id', `${runId.slice(0, 8)}-typo`);
    const wrongRegion = await runCli([
      'restore',
      '--region',
      'us-east-1',
      '--endpoint',
      s.sandbox.url,
      '--now',
      DEMO_NOW,
      '--run-id',
      runId,
      '--json',
    ]);
    // Assess
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain(
      `no backup in ${REGION} carries a deletion record of prune run ${runId.slice(0, 8)}-typo: ` +
        'check the run id and the region; nothing was restored',
    );
    expect(wrongRegion.code).toBe(2);
    expect(JSON.parse(wrongRegion.stdout).error.message).toContain(
      `no backup in us-east-1 carries a deletion record of prune run ${runId}`,
    );
    expect(s.sandbox.requests().filter((r) => r.mutating)).toEqual([]);
    expect(pendingIds()).toEqual(before);
  });

  it('--run-id of a run already restored says so and exits 0', async () => {
    // Prepare: restore the run while its records cannot be removed, so they stay on READY backups.
    const pruned = await cli('prune', ...pruneArgs, '--execute');
    const runId = /^run id (\S+)$/m.exec(pruned.stdout)![1]!;
    const deleted = [...pruned.stdout.matchAll(/^deleted (backup-\S+)/gm)].map((m) => m[1]!);
    s.sandbox.setFaults({
      rules: [{ service: 'cloudhsm', operation: 'UntagResource', internalFailureRate: 1 }],
    });
    const first = await cli('restore', '--run-id', runId, '--max-attempts', '1');
    s.sandbox.setFaults({ rules: [] });
    expect(first.code, first.stderr).toBe(0);
    // Act
    const again = await cli('restore', '--run-id', runId);
    // Assess
    expect(again.code, again.stderr).toBe(0);
    for (const id of deleted)
      expect(again.stdout).toContain(
        `not attempted ${id}: READY with run ${runId}'s record: that run did not delete it`,
      );
    expect(again.stdout).toContain(`no backup of prune run ${runId} in ${REGION} is deleted now`);
  });

  it('--deleted-since never restores a backup cloudhsm-ops did not delete', async () => {
    // Prepare: the demo fleet has a copy in PENDING_DELETION that no prune deleted.
    const notOurs = pendingIds();
    expect(notOurs.size).toBeGreaterThan(0);
    const pruned = await cli('prune', ...pruneArgs, '--execute');
    expect(pruned.code).toBe(0);
    // Act
    const run = await cli('restore', '--deleted-since', '400d');
    // Assess
    expect(run.code).toBe(0);
    expect(pendingIds()).toEqual(notOurs);
    for (const id of notOurs)
      expect(run.stdout).toContain(
        `not attempted ${id}: deleted in the window, but not by cloudhsm-ops prune`,
      );
  });

  it('--hold keeps the next prune from planning the restored backups again', async () => {
    // Prepare
    const pruned = await cli('prune', ...pruneArgs, '--execute');
    const runId = /^run id (\S+)$/m.exec(pruned.stdout)![1]!;
    const deleted = [...pruned.stdout.matchAll(/^deleted (backup-\S+)/gm)].map((m) => m[1]!);
    // Act
    const restored = await cli('restore', '--run-id', runId, '--hold', '--publish');
    const again = await cli('prune', ...pruneArgs, '--json');
    // Assess
    expect(restored.stdout).toMatch(/next prune: held with cloudhsm-ops:hold/);
    const plan = JSON.parse(again.stdout).plan;
    for (const id of deleted) {
      expect(plan.entries.find((e: { backupId: string }) => e.backupId === id)).toMatchObject({
        decision: 'keep',
        reason: 'hold-tag',
      });
    }
    const events = s.sandbox.events();
    expect(events.filter((e) => e.detailType === 'CloudHSM Backup Restored')).toHaveLength(deleted.length);
    expect(events.filter((e) => e.detailType === 'CloudHSM Run Summary').map((e) => e.detail)).toEqual([
      expect.objectContaining({
        job: 'restore',
        exitCode: 0,
        counts: expect.objectContaining({ restored: deleted.length, held: deleted.length }),
      }),
    ]);
  });
});
