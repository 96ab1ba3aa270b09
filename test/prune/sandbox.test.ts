/**
 * Prune and restore with the real SDK clients over HTTP against the sandbox.
 */
import { DateTime } from 'luxon';
import { afterEach, describe, expect, it } from 'vitest';
import { AwsClients } from '../../lib/aws/clients.js';
import { parsePruneConfig } from '../../lib/config/prune.js';
import { deletions } from '../../lib/prune/plan.js';
import { runPrune } from '../../lib/prune/run.js';
import { parseRestoreConfig, runRestore } from '../../lib/restore/restore.js';
import { generateFleet } from '../../sandbox/index.js';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';

const REGIONS = 'us-east-1,us-west-2';
let open: TestSandbox[] = [];
afterEach(async () => {
  await Promise.all(open.map((s) => s.close()));
  open = [];
});

async function sandbox(options: Parameters<typeof startTestSandbox>[0]): Promise<TestSandbox> {
  const started = await startTestSandbox(options);
  open.push(started);
  return started;
}

/** A generated fleet: two source regions plus copies in us-west-2, backups over 400 days. */
const fleet = () => generateFleet({ backups: 300, seed: 7 });

const nowOf = (s: TestSandbox) => DateTime.fromJSDate(s.sandbox.clock.now(), { zone: 'utc' });

const pendingIds = (s: TestSandbox, regions = REGIONS.split(',')) =>
  new Set(
    regions.flatMap((r) =>
      s.sandbox
        .backups(r)
        .filter((b) => b.BackupState === 'PENDING_DELETION')
        .map((b) => String(b.BackupId)),
    ),
  );

const settings = (extra: Record<string, string> = {}) =>
  parsePruneConfig({ regions: REGIONS, olderThan: '300d', maxDeletions: '1000', ...extra });

describe('prune against the sandbox', () => {
  it('a dry run makes no mutating call', async () => {
    // Prepare
    const s = await sandbox({ fleet: { validated: fleet() } });
    // Act
    const run = await runPrune({ clients: s.clients }, settings(), nowOf(s));
    // Assess
    expect(run.plan.counts.delete).toBeGreaterThan(20);
    const requests = s.sandbox.requests();
    expect(requests.filter((r) => r.mutating)).toEqual([]);
    expect(new Set(requests.map((r) => r.operation))).toEqual(new Set(['DescribeBackups']));
  });

  it('execute deletes exactly the plan, and restore brings every one back', async () => {
    // Prepare
    const s = await sandbox({ fleet: { validated: fleet() } });
    const before = pendingIds(s);
    // Act
    const run = await runPrune({ clients: s.clients }, settings({ execute: 'true' }), nowOf(s));
    // Assess
    const planned = new Set(deletions(run.plan).map((e) => e.backupId));
    const after = pendingIds(s);
    expect(new Set([...after].filter((id) => !before.has(id)))).toEqual(planned);
    expect(run.result?.counts).toEqual({ succeeded: planned.size, failed: 0, skipped: 0 });
    const deleteCalls = s.sandbox.requests().filter((r) => r.operation === 'DeleteBackup');
    expect(deleteCalls).toHaveLength(planned.size);

    // Act: undo, region by region, with the ids the run reported.
    for (const region of REGIONS.split(',')) {
      const ids = run.result!.succeeded.filter((o) => o.region === region).map((o) => o.backupId);
      const restored = await runRestore(
        { clients: s.clients },
        parseRestoreConfig({ region, backupIds: ids.join(',') }),
        nowOf(s),
      );
      expect(restored.exitCode).toBe(0);
      expect(restored.result.counts.succeeded).toBe(ids.length);
    }
    // Assess
    expect(pendingIds(s)).toEqual(before);
  });

  it('ends with the same deleted set under throttling, lost responses and internal failures, no error escaping', async () => {
    // Prepare: one clean sandbox gives the expected set; a second one, same fleet, misbehaves.
    const clean = await sandbox({ fleet: { validated: fleet() } });
    const expected = deletions(
      (await runPrune({ clients: clean.clients }, settings(), nowOf(clean))).plan,
    ).map((e) => e.backupId);
    const faulty = await sandbox({
      fleet: { validated: fleet() },
      seed: 3,
      faults: {
        seed: 3,
        rules: [
          { service: 'cloudhsm', operation: 'DeleteBackup', throttleRps: 15 },
          { service: 'cloudhsm', lostResponseRate: 0.15, internalFailureRate: 0.1 },
        ],
      },
    });
    const clients = new AwsClients({ endpoint: faulty.sandbox.url, maxAttempts: 10, retryMode: 'adaptive' });
    const before = pendingIds(faulty);
    try {
      // Act
      const run = await runPrune({ clients }, settings({ execute: 'true' }), nowOf(faulty));
      // Assess
      const after = pendingIds(faulty);
      expect(new Set([...after].filter((id) => !before.has(id)))).toEqual(new Set(expected));
      expect(run.result?.failed).toEqual([]);
      expect(run.exitCode).toBe(0);
      const log = faulty.sandbox.requests();
      expect(log.some((r) => r.errorCode === 'ThrottlingException')).toBe(true);
      expect(
        log.some((r) => r.operation === 'DeleteBackup' && r.errorCode === 'CloudHsmInvalidRequestException'),
      ).toBe(true);
      const outcomes = new Set(run.result!.succeeded.map((o) => o.reason));
      expect(outcomes.has('already-pending-deletion')).toBe(true);

      // Act: restore under the same faults.
      for (const region of REGIONS.split(',')) {
        const restored = await runRestore(
          { clients },
          parseRestoreConfig({ region, deletedSince: '1h' }),
          nowOf(faulty),
        );
        expect(restored.result.failed).toEqual([]);
      }
      // Assess: every backup the run deleted is back (the fleet's own pending ones may be too: it gives
      // them no DeleteTimestamp, so the sandbox dates their deletion to its start).
      const still = pendingIds(faulty);
      expect(expected.filter((id) => still.has(id))).toEqual([]);
    } finally {
      clients.destroy();
    }
  });

  it('stops before the first delete when the plan is over --max-deletions', async () => {
    const s = await sandbox({ fleet: { validated: fleet() } });
    const run = await runPrune(
      { clients: s.clients },
      settings({ execute: 'true', maxDeletions: '10' }),
      nowOf(s),
    );
    expect(run.exitCode).toBe(1);
    expect(run.result?.refused).toMatch(/more than max deletions 10; nothing was deleted/);
    expect(s.sandbox.requests().filter((r) => r.mutating)).toEqual([]);
  });

  it('publishes the dry-run plan and each deletion to EventBridge', async () => {
    // Prepare
    const s = await sandbox({ fleet: { validated: fleet() } });
    const now = nowOf(s);
    // Act
    const dry = await runPrune({ clients: s.clients }, settings({ publish: 'true' }), now);
    const wet = await runPrune(
      { clients: s.clients },
      settings({ publish: 'true', execute: 'true', regions: 'us-east-1' }),
      now,
    );
    // Assess
    expect(dry.exitCode).toBe(0);
    expect(wet.exitCode).toBe(0);
    const events = s.sandbox.events();
    const plans = events.filter((e) => e.detailType === 'CloudHSM Prune Plan');
    // One plan event per pruned region, all on the bus in the event region (the first region).
    expect(plans.map((e) => (e.detail as { region: string }).region).sort()).toEqual([
      'us-east-1',
      'us-west-2',
    ]);
    expect(plans.map((e) => e.region)).toEqual(['us-east-1', 'us-east-1']);
    const deleted = events.filter((e) => e.detailType === 'CloudHSM Backup Deleted');
    expect(deleted.map((e) => (e.detail as { backupId: string }).backupId).sort()).toEqual(
      wet.result!.succeeded.map((o) => o.backupId).sort(),
    );
    expect(deleted[0]).toMatchObject({ source: 'cloudhsm-ops', region: 'us-east-1' });
    expect((deleted[0]!.detail as { account: string }).account).toBe('111122223333');
  });
});
