/**
 * Prune racing the world, against the sandbox with DeleteBackup slowed: a hold added, the kept
 * newest backup deleted by hand and another prune run, all while a run is deleting; and the
 * one Run Summary every published run ends with.
 */
import { DeleteBackupCommand, TagResourceCommand, UntagResourceCommand } from '@aws-sdk/client-cloudhsm-v2';
import { DateTime } from 'luxon';
import { afterEach, describe, expect, it } from 'vitest';
import { AwsClients } from '../../lib/aws/clients.js';
import { parsePruneConfig } from '../../lib/config/prune.js';
import { resultLines } from '../../lib/prune/report.js';
import { runPrune } from '../../lib/prune/run.js';
import type { FleetFile } from '../../sandbox/index.js';
import { idOf } from '../chaos/fleet.js';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';

const NOW = '2026-11-29T12:00:00Z';
const REGION = 'us-east-1';
const CLUSTER = idOf('cluster', 7);
const now = DateTime.fromISO(NOW, { zone: 'utc' });

/** One cluster with 11 READY backups, one a day from 10 days back: older than 5d, all but the newest go. */
function fleet(): FleetFile {
  const nowMs = Date.parse(NOW);
  return {
    account: '111122223333',
    now: NOW,
    regions: {
      [REGION]: {
        zones: ['us-east-1a'],
        subnets: [{ id: 'subnet-1001', zone: 'us-east-1a', vpc: 'vpc-101' }],
        securityGroups: [{ id: 'sg-2001', ingress: [] }],
        clusters: [
          { id: CLUSTER, state: 'ACTIVE', subnets: ['subnet-1001'], securityGroup: 'sg-2001', hsms: [] },
        ],
        backups: Array.from({ length: 11 }, (_, i) => ({
          id: idOf('backup', 500 + i),
          cluster: CLUSTER,
          createdAt: new Date(nowMs - (10 + i) * 86_400_000).toISOString(),
        })),
      },
    },
  };
}
const NEWEST = idOf('backup', 500);

let open: TestSandbox[] = [];
afterEach(async () => {
  await Promise.all(open.map((s) => s.close()));
  open = [];
});

async function slowSandbox(latencyMs = 300): Promise<TestSandbox> {
  const started = await startTestSandbox({
    fleet: fleet(),
    faults: { rules: [{ service: 'cloudhsm', operation: 'DeleteBackup', latencyMs }] },
  });
  open.push(started);
  return started;
}

const settings = (extra: Record<string, string> = {}) =>
  parsePruneConfig({
    regions: REGION,
    clusterId: CLUSTER,
    olderThan: '5d',
    execute: 'true',
    concurrency: '1',
    ...extra,
  });

const states = (s: TestSandbox) =>
  new Map(s.sandbox.backups(REGION).map((b) => [String(b.BackupId), String(b.BackupState)]));

describe('prune re-reads right before deleting', () => {
  it('skips a backup held while the run is deleting', async () => {
    // Prepare
    const s = await slowSandbox();
    const late = idOf('backup', 501); // the youngest planned deletion: deleted last
    let hold: Promise<unknown> | undefined;
    // Act
    const run = await runPrune(
      {
        clients: s.clients,
        onProgress: () => {
          hold ??= s.clients.cloudHsm(REGION).send(
            new TagResourceCommand({
              ResourceId: late,
              TagList: [{ Key: 'cloudhsm-ops:hold', Value: 'x' }],
            }),
          );
        },
      },
      settings(),
      now,
    );
    await hold;
    // Assess
    expect(states(s).get(late)).toBe('READY');
    expect(run.result!.skipped).toEqual([
      expect.objectContaining({
        backupId: late,
        reason: 'changed',
        detail: 'changed since planning: now carries the hold tag cloudhsm-ops:hold',
      }),
    ]);
  });

  it('stops short of emptying a lineage whose kept newest backup was deleted by hand mid-run', async () => {
    // Prepare
    const s = await slowSandbox();
    let manual: Promise<unknown> | undefined;
    // Act
    const run = await runPrune(
      {
        clients: s.clients,
        onProgress: () => {
          manual ??= s.clients.cloudHsm(REGION).send(new DeleteBackupCommand({ BackupId: NEWEST }));
        },
      },
      settings(),
      now,
    );
    await manual;
    // Assess
    const ready = [...states(s).values()].filter((state) => state === 'READY');
    expect(ready.length).toBeGreaterThanOrEqual(1);
    const skipped = run.result!.skipped;
    expect(skipped.length).toBeGreaterThan(0);
    // The message states what the re-read saw: none of the kept backups READY, but READY planned ones.
    const detail = skipped[0]!.detail ?? '';
    expect(detail).toMatch(
      /changed since planning: keep-last 1: 0 of the \d+ backup\(s\) this run keeps in lineage /,
    );
    const seen = Number(/the (\d+) READY backup\(s\) of the lineage seen/.exec(detail)?.[1]);
    expect(seen).toBeGreaterThan(0);
    expect(seen).toBeLessThanOrEqual(ready.length);
    expect(detail).not.toMatch(/only 0 READY/);
  });
});

describe('overlapping prune runs', () => {
  it('claim each deletion once: the other run reports it as deleted by someone else, with no event', async () => {
    // Prepare
    const s = await slowSandbox(50);
    const config = settings({ concurrency: '3', publish: 'true' });
    // Act
    const [a, b] = await Promise.all([
      runPrune({ clients: s.clients, runId: 'run-a' }, config, now),
      runPrune({ clients: s.clients, runId: 'run-b' }, config, now),
    ]);
    // Assess
    const pending = [...states(s)].filter(([, state]) => state === 'PENDING_DELETION').map(([id]) => id);
    expect(pending).toHaveLength(10);
    const claimed = [...a.result!.succeeded, ...b.result!.succeeded].map((o) => o.backupId);
    expect(claimed.sort()).toEqual(pending.sort());
    const others = [...a.result!.skipped, ...b.result!.skipped].filter(
      (o) => o.reason === 'deleted-elsewhere',
    );
    for (const o of others) expect(o.detail).toMatch(/deleted by someone else/);
    const deletedEvents = s.sandbox.events().filter((e) => e.detailType === 'CloudHSM Backup Deleted');
    expect(deletedEvents).toHaveLength(10);
    for (const run of [a, b]) {
      const mine = new Set(run.result!.succeeded.map((o) => o.backupId));
      const inCommands = run.result!.restoreCommands.join(' ').match(/backup-[a-z2-7]{11,17}/g) ?? [];
      expect(new Set(inCommands)).toEqual(mine);
    }
    expect([...a.result!.failed, ...b.result!.failed]).toEqual([]);
  });
});

describe('overlapping prune runs on one backup (both answers lost)', () => {
  const OLDEST = idOf('backup', 510);
  const record = (runId: string, at = NOW) => ({ [`cloudhsm-ops:deleted-by:${runId}`]: at });

  /** A sandbox whose backups carry `tags`, with DeleteBackup slowed by `latencyMs`. */
  async function taggedSandbox(tags: Record<string, string>, faults: object[] = []): Promise<TestSandbox> {
    const base = fleet();
    const region = base.regions[REGION]!;
    region.backups = region.backups!.map((b) => ({ ...b, tags }));
    const started = await startTestSandbox({
      fleet: base,
      faults: {
        rules: [{ service: 'cloudhsm', operation: 'DeleteBackup', latencyMs: 20 }, ...faults],
      } as never,
    });
    open.push(started);
    return started;
  }

  const recordsOn = (s: TestSandbox, id: string) => {
    const backup = s.sandbox.backups(REGION).find((b) => b.BackupId === id);
    const tags = (backup?.TagList ?? []) as { Key: string }[];
    return tags.map((t) => t.Key).filter((k) => k.startsWith('cloudhsm-ops:deleted-by:'));
  };

  it('leaves a backup another live run has recorded to that run when this run is not the lowest id', async () => {
    // Prepare: run-0's record on every backup, as if run-0 were deleting them right now.
    const s = await taggedSandbox(record('run-0'));
    // Act
    const run = await runPrune(
      { clients: s.clients, runId: 'run-z', settle: async () => {} },
      settings(),
      now,
    );
    // Assess
    expect(run.result!.succeeded).toEqual([]);
    expect(run.exitCode).toBe(1); // work left undone here: run-0 may have stopped
    expect(run.result!.skipped.map((o) => o.reason)).toEqual(Array(10).fill('recorded-by-another-run'));
    expect(run.result!.skipped[0]!.detail).toMatch(/prune run run-0 recorded it too/);
    expect([...states(s).values()].every((state) => state === 'READY')).toBe(true);
    expect(recordsOn(s, OLDEST)).toEqual(['cloudhsm-ops:deleted-by:run-0']);
    expect(resultLines(run.result!)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^10 of the skipped were left to another prune run that recorded them too: this run exits 1/,
        ),
      ]),
    );
  });

  it('as the lowest id, deletes once the other run has taken its record back during the settle wait', async () => {
    // Prepare
    const s = await taggedSandbox(record('run-z'));
    let settles = 0;
    const settle = async () => {
      settles += 1;
      for (const b of s.sandbox.backups(REGION))
        await s.clients.cloudHsm(REGION).send(
          new UntagResourceCommand({
            ResourceId: String(b.BackupId),
            TagKeyList: ['cloudhsm-ops:deleted-by:run-z'],
          }),
        );
    };
    // Act
    const run = await runPrune({ clients: s.clients, runId: 'run-a', settle }, settings(), now);
    // Assess
    expect(settles).toBeGreaterThan(0);
    expect(run.result!.succeeded).toHaveLength(10);
    expect(run.exitCode).toBe(0);
  });

  it('as the lowest id, still leaves it when the other run keeps its record (it may be deleting it)', async () => {
    // Prepare
    const s = await taggedSandbox(record('run-z'));
    // Act
    const run = await runPrune(
      { clients: s.clients, runId: 'run-a', settle: async () => {} },
      settings(),
      now,
    );
    // Assess
    expect(run.result!.succeeded).toEqual([]);
    expect(run.result!.skipped.map((o) => o.reason)).toEqual(Array(10).fill('recorded-by-another-run'));
    expect(recordsOn(s, OLDEST)).toEqual(['cloudhsm-ops:deleted-by:run-z']);
  });

  it('ignores a record written over 15 minutes ago: a run that stopped before deleting blocks it no longer', async () => {
    // Prepare: run-0 recorded them 16 minutes ago and never deleted (it acts within 10 minutes).
    const s = await taggedSandbox(record('run-0', '2026-11-29T11:44:00.000Z'));
    // Act
    const run = await runPrune(
      { clients: s.clients, runId: 'run-z', settle: async () => {} },
      settings(),
      now,
    );
    // Assess
    expect(run.result!.succeeded).toHaveLength(10);
  });

  it('reports each real deletion once, by the run whose DeleteBackup made it (soak seed 2026)', async () => {
    // Prepare: every DeleteBackup answer is lost; the SDK's second attempt finds PENDING_DELETION.
    const s = await taggedSandbox({}, [
      { service: 'cloudhsm', operation: 'DeleteBackup', lostResponseRate: 1 },
    ]);
    const madeBy = new Map<string, string>();
    s.sandbox.setHooks({
      aroundHandle(call, handle) {
        const id = (call.params as { BackupId?: string }).BackupId;
        const before = id ? states(s).get(id) : undefined;
        const result = handle();
        if (
          call.operation === 'DeleteBackup' &&
          before === 'READY' &&
          states(s).get(id!) === 'PENDING_DELETION'
        )
          madeBy.set(id!, call.path.split('/').filter(Boolean)[0]!);
        return result;
      },
    });
    const clientsFor = (runId: string) =>
      new AwsClients({ endpoint: `${s.sandbox.url}/${runId}`, maxAttempts: 2, retryMode: 'standard' });
    const runs = ['run-a', 'run-b'];
    const all = runs.map(clientsFor);
    // Act
    const results = await Promise.all(
      runs.map((runId, i) =>
        runPrune(
          {
            clients: all[i]!,
            runId,
            settle: (ms: number) => new Promise((r) => setTimeout(r, Math.min(ms, 50))),
          },
          settings({ concurrency: '3' }),
          now,
        ),
      ),
    );
    for (const c of all) c.destroy();
    // Assess
    expect(madeBy.size).toBeGreaterThan(0);
    const reportedBy = new Map<string, string[]>();
    for (const [i, run] of results.entries())
      for (const o of run.result!.succeeded)
        reportedBy.set(o.backupId, [...(reportedBy.get(o.backupId) ?? []), runs[i]!]);
    expect(Object.fromEntries(reportedBy)).toEqual(
      Object.fromEntries([...madeBy].map(([id, runId]) => [id, [runId]])),
    );
  });
});

describe('the Run Summary', () => {
  it('is published exactly once by a dry run, an execute run and a run with nothing to do', async () => {
    // Prepare
    const s = await slowSandbox(0);
    // Act
    const dry = await runPrune({ clients: s.clients }, settings({ execute: 'false', publish: 'true' }), now);
    const wet = await runPrune({ clients: s.clients }, settings({ publish: 'true' }), now);
    const idle = await runPrune({ clients: s.clients }, settings({ publish: 'true' }), now);
    // Assess
    const summaries = s.sandbox.events().filter((e) => e.detailType === 'CloudHSM Run Summary');
    expect(summaries.map((e) => (e.detail as { runId: string }).runId)).toEqual([
      dry.runId,
      wet.runId,
      idle.runId,
    ]);
    expect(summaries.map((e) => e.detail)).toEqual([
      expect.objectContaining({
        job: 'prune',
        dryRun: true,
        exitCode: 0,
        counts: expect.objectContaining({ planned: 10, deleted: 0 }),
      }),
      expect.objectContaining({
        job: 'prune',
        dryRun: false,
        exitCode: 0,
        counts: expect.objectContaining({ deleted: 10 }),
      }),
      expect.objectContaining({
        job: 'prune',
        dryRun: false,
        exitStatus: 'succeeded',
        counts: expect.objectContaining({ planned: 0 }),
      }),
    ]);
  });
});
