/**
 * The seed script's four bugs (shared/seeds, "delete all backups older than a point in time"),
 * each pinned by a test of the code that replaces it.
 */
import {
  CloudHsmAccessDeniedException,
  CloudHsmServiceException,
  DeleteBackupCommand,
} from '@aws-sdk/client-cloudhsm-v2';
import { Settings } from 'luxon';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OperationError } from '../../lib/errors.js';
import { planPrune } from '../../lib/prune/plan.js';
import { runPrune } from '../../lib/prune/run.js';
import { backup, config, inventory, NOW } from '../support/backups.js';
import { runCli } from '../support/cli.js';
import { FakeCloudHsm } from '../support/fake-cloudhsm.js';

let hsm: FakeCloudHsm;
beforeEach(() => {
  hsm = new FakeCloudHsm();
});
afterEach(() => {
  hsm.restoreMocks();
  Settings.defaultZone = 'system';
});

/** `--now` is a sandbox aid, so it goes with a loopback endpoint (the mocks answer before any socket opens). */
const NOW_FLAG = ['--endpoint', 'http://127.0.0.1:9', '--now', NOW.toISO()!];

describe('bug 1: printing failed deletions crashed (`"FAILED ...: " + failed_deletions`, str + list)', () => {
  it('reports every failed deletion by id, finishes the others, and exits 1', async () => {
    // Prepare
    const old = [backup(100), backup(90), backup(80)];
    hsm.add(...old, backup(1));
    hsm.beforeDelete = ({ BackupId }) => {
      if (BackupId !== old[1]!.id)
        throw new CloudHsmAccessDeniedException({ message: 'denied', $metadata: {} });
    };
    // Act
    const run = await runCli([
      'prune',
      '--region',
      'us-east-1',
      '--older-than',
      '30d',
      '--execute',
      ...NOW_FLAG,
    ]);
    // Assess
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`error: 2 deletion(s) failed: ${old[0]!.id}, ${old[2]!.id}`);
    expect(run.stdout).toContain(`FAILED  ${old[0]!.id}  us-east-1: CloudHsmAccessDeniedException: denied`);
    expect(run.stdout).toContain(`deleted ${old[1]!.id}`);
    expect(run.stdout).toContain('1 deleted, 2 failed, 0 skipped');
    expect(run.stdout).toContain(`cloudhsm-ops restore --region us-east-1 --backup-id ${old[1]!.id}`);
  });
});

describe('bug 2: a failed page request looped forever (the loop re-used the old response)', () => {
  it('stops at the failed page with an error, having deleted nothing', async () => {
    // Prepare: 120 backups = 3 pages; the second page fails.
    hsm.add(...Array.from({ length: 120 }, (_, i) => backup(100 + i)));
    hsm.beforeDescribe = (_input, call) => {
      if (call === 2) throw new CloudHsmServiceException({ message: 'page failed', $metadata: {} });
    };
    // Act
    const attempt = runPrune({ clients: hsm.clients() }, config({ olderThan: '30d', execute: 'true' }), NOW);
    // Assess
    await expect(attempt).rejects.toThrow(OperationError);
    await expect(attempt).rejects.toThrow(/listing the backups in us-east-1 failed: .*page failed/);
    expect(hsm.describeCalls).toBe(2);
    expect(hsm.calls(DeleteBackupCommand)).toHaveLength(0);
  });

  it('exits 1 from the CLI instead of hanging', async () => {
    hsm.add(...Array.from({ length: 60 }, (_, i) => backup(100 + i)));
    hsm.beforeDescribe = (_input, call) => {
      if (call === 2) throw new CloudHsmServiceException({ message: 'page failed', $metadata: {} });
    };
    const run = await runCli(['prune', '--region', 'us-east-1', '--older-than', '30d', ...NOW_FLAG]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/error: (OperationError: )?listing the backups in us-east-1 failed/);
    expect(hsm.describeCalls).toBe(2);
  });
});

describe('bug 3: times were compared without a real zone', () => {
  it('reads the cutoff in the named zone with its DST rules, whatever the machine zone', () => {
    // Prepare: 12:00 in New York on 2026-03-08 (after the switch to EDT) is 16:00Z.
    Settings.defaultZone = 'Asia/Tokyo';
    const justBefore = backup(0, { createdAt: new Date('2026-03-08T15:59:00Z') });
    const justAfter = backup(0, { createdAt: new Date('2026-03-08T16:01:00Z') });
    const newest = backup(0, { createdAt: new Date('2026-11-01T00:00:00Z') });
    // Act
    const plan = planPrune(
      inventory([justBefore, justAfter, newest]),
      config({ timestamp: '03/08/2026 12:00', timezone: 'America/New_York' }),
      NOW,
    );
    // Assess
    expect(plan.cutoff?.utc).toBe('2026-03-08T16:00:00Z');
    expect(plan.entries.map((e) => [e.backupId, e.decision])).toEqual([
      [justBefore.id, 'delete'],
      [justAfter.id, 'keep'],
      [newest.id, 'keep'],
    ]);
  });

  it('reads a timestamp without --timezone as UTC, not the zone the listing happens to carry', () => {
    Settings.defaultZone = 'America/Los_Angeles';
    const atMidnightUtc = backup(0, { createdAt: new Date('2026-03-08T00:00:00Z') });
    const plan = planPrune(inventory([atMidnightUtc, backup(1)]), config({ timestamp: '03/08/2026' }), NOW);
    expect(plan.cutoff?.utc).toBe('2026-03-08T00:00:00Z');
    expect(plan.entries[0]).toMatchObject({ backupId: atMidnightUtc.id, decision: 'delete' });
  });
});

describe('bug 4: backups that were not READY were sent to DeleteBackup', () => {
  it('deletes only READY backups, even with --deleteall --keep-last 0', async () => {
    // Prepare
    const ready = backup(50);
    const creating = backup(50, { state: 'CREATE_IN_PROGRESS' });
    const pending = backup(50, { state: 'PENDING_DELETION', deleteAt: new Date('2026-12-01T00:00:00Z') });
    hsm.add(ready, creating, pending);
    const cluster = ready.clusterId!;
    // Act
    const run = await runPrune(
      { clients: hsm.clients() },
      config({ clusterId: cluster, deleteAll: 'true', keepLast: '0', confirm: cluster, execute: 'true' }),
      NOW,
    );
    // Assess
    expect(hsm.calls(DeleteBackupCommand).map((i) => i.BackupId)).toEqual([ready.id]);
    expect(run.result?.counts).toEqual({ succeeded: 1, failed: 0, skipped: 0 });
    expect(
      run.plan.entries
        .filter((e) => e.reason === 'not-ready')
        .map((e) => e.backupId)
        .sort(),
    ).toEqual([creating.id, pending.id].sort());
  });
});
