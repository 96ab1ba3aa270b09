import { DeleteBackupCommand, DescribeClustersCommand } from '@aws-sdk/client-cloudhsm-v2';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FeedEvent, FeedTarget, PublishResult } from '../../lib/events/types.js';
import { PLAN_EVENT_MAX_LISTED, planEvents } from '../../lib/prune/events.js';
import { planPrune } from '../../lib/prune/plan.js';
import { type PruneDeps, runPrune } from '../../lib/prune/run.js';
import { backup, CLUSTER_A, config, inventory, NOW } from '../support/backups.js';
import { FakeCloudHsm } from '../support/fake-cloudhsm.js';

let hsm: FakeCloudHsm;
beforeEach(() => {
  hsm = new FakeCloudHsm();
});
afterEach(() => {
  hsm.restoreMocks();
});

interface Published {
  events: FeedEvent[];
  target: FeedTarget;
}

/** A publish stand-in recording what it was given; `lose` names backup ids whose events fail. */
function recorder(lose: Set<string> = new Set()) {
  const sent: Published[] = [];
  const publish = async (_client: EventBridgeClient, events: FeedEvent[], target: FeedTarget) => {
    sent.push({ events, target });
    const failed = events
      .filter((e) => lose.has(String(e.detail.backupId)))
      .map((event) => ({ event, errorCode: 'InternalFailure', errorMessage: 'gave up' }));
    return { published: events.length - failed.length, failed, calls: 1 } satisfies PublishResult;
  };
  return { sent, publish };
}

function deps(extra: Partial<PruneDeps> = {}): PruneDeps {
  const clients = hsm.clients();
  return {
    clients: { ...clients, eventBridge: () => ({}) as EventBridgeClient },
    runId: 'run-1',
    accountId: async () => '111122223333',
    ...extra,
  };
}

describe('runPrune', () => {
  it('a dry run lists, plans and changes nothing', async () => {
    // Prepare
    hsm.add(backup(100), backup(90), backup(1));
    // Act
    const run = await runPrune(deps(), config({ olderThan: '30d' }), NOW);
    // Assess
    expect(run.mode).toBe('dry-run');
    expect(run.exitCode).toBe(0);
    expect(run.plan.counts.delete).toBe(2);
    expect(run.result).toBeUndefined();
    expect(hsm.calls(DeleteBackupCommand)).toHaveLength(0);
    expect(hsm.describeInputs).toEqual([{ MaxResults: 50, SortAscending: true }]);
  });

  it('pages through more than 50 backups and finds candidates on later pages, in any listing order', async () => {
    // Prepare: 130 backups, listed newest first, so the 10 candidates sit on the last page.
    const backups = Array.from({ length: 130 }, (_, i) => backup(i));
    hsm.add(...backups);
    hsm.newestFirst = true;
    // Act
    const run = await runPrune(deps(), config({ olderThan: '120d', execute: 'true' }), NOW);
    // Assess
    const listing = hsm.describeInputs.filter((input) => !input.Filters);
    expect(listing.map((input) => input.NextToken)).toEqual([undefined, '50', '100']);
    expect(
      hsm
        .calls(DeleteBackupCommand)
        .map((i) => i.BackupId)
        .sort(),
    ).toEqual(
      backups
        .slice(120)
        .map((b) => b.id)
        .sort(),
    );
    expect(run.result?.counts).toEqual({ succeeded: 10, failed: 0, skipped: 0 });
  });

  it('publishes one plan event per region for a dry run, summarised, with the apply command', async () => {
    // Prepare
    hsm.add(...Array.from({ length: 30 }, (_, i) => backup(100 + i)), backup(1));
    const { sent, publish } = recorder();
    // Act
    const run = await runPrune(
      deps({ publish, applyCommand: () => 'cloudhsm-ops prune --execute' }),
      config({ olderThan: '30d', publish: 'true', eventBus: 'ops' }),
      NOW,
    );
    // Assess
    expect(run.exitCode).toBe(0);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.target).toEqual({ busName: 'ops', source: 'cloudhsm-ops', region: 'us-east-1' });
    expect(sent[0]!.events.map((e) => e.detailType)).toEqual(['CloudHSM Prune Plan', 'CloudHSM Run Summary']);
    expect(sent[0]!.events[0]).toMatchObject({
      detailType: 'CloudHSM Prune Plan',
      detail: {
        runId: 'run-1',
        account: '111122223333',
        region: 'us-east-1',
        dryRun: true,
        counts: { considered: 31, delete: 30, keep: 1 },
        applyCommand: 'cloudhsm-ops prune --execute',
        deletionsNotListed: 0,
      },
    });
    expect(sent[0]!.events[1]).toMatchObject({
      detail: {
        job: 'prune',
        runId: 'run-1',
        dryRun: true,
        counts: { considered: 31, planned: 30, deleted: 0 },
        exitCode: 0,
        exitStatus: 'succeeded',
      },
    });
    expect(run.events).toEqual({
      target: sent[0]!.target,
      published: 2,
      calls: 1,
      failed: [],
      lost: [],
      lostCount: 0,
      lostEvents: [],
    });
  });

  it('publishes one Backup Deleted event per deletion, and fails the run naming any lost event', async () => {
    // Prepare
    const old = [backup(100), backup(90)];
    hsm.add(...old, backup(1));
    const { sent, publish } = recorder(new Set([old[1]!.id]));
    // Act
    const run = await runPrune(
      deps({ publish }),
      config({ olderThan: '30d', execute: 'true', publish: 'true' }),
      NOW,
    );
    // Assess
    expect(sent[0]!.events.map((e) => e.detailType)).toEqual([
      'CloudHSM Backup Deleted',
      'CloudHSM Backup Deleted',
      'CloudHSM Run Summary',
    ]);
    expect(sent[0]!.events[0]).toMatchObject({
      detail: {
        runId: 'run-1',
        account: '111122223333',
        region: 'us-east-1',
        backupId: old[0]!.id,
        clusterId: CLUSTER_A,
        lineage: CLUSTER_A,
        createdAt: '2026-08-21T12:00:00Z',
        deleteTimestamp: '2026-12-06T12:00:00.000Z',
        restoreCommand: `cloudhsm-ops restore --region us-east-1 --backup-id ${old[0]!.id}`,
      },
      resources: [`arn:aws:cloudhsm:us-east-1:111122223333:backup/${old[0]!.id}`],
    });
    expect(run.result?.counts.succeeded).toBe(2);
    expect(run.exitCode).toBe(1);
    expect(run.events?.lost).toHaveLength(1);
    expect(run.events?.lost[0]).toMatch(new RegExp(`CloudHSM Backup Deleted ${old[1]!.id}: InternalFailure`));
  });

  it('exits 1 when a plan over max deletions is refused, having deleted nothing', async () => {
    hsm.add(...Array.from({ length: 8 }, (_, i) => backup(100 + i)), backup(1));
    const run = await runPrune(deps(), config({ olderThan: '30d', execute: 'true', maxDeletions: '5' }), NOW);
    expect(run.exitCode).toBe(1);
    expect(run.result?.refused).toMatch(/raise max deletions to 8/);
    expect(run.failures).toEqual([run.result?.refused]);
    expect(hsm.calls(DeleteBackupCommand)).toHaveLength(0);
  });
});

describe('plan events', () => {
  it('stay far under 256 KB for 500 deletions, listing only the first ones', () => {
    // Prepare
    const backups = Array.from({ length: 501 }, (_, i) => backup(100 + i));
    const plan = planPrune(inventory(backups), config({ olderThan: '30d', maxDeletions: '1000' }), NOW);
    // Act
    const [event] = planEvents(plan, { runId: 'r', account: '111122223333' });
    // Assess
    const bytes = Buffer.byteLength(JSON.stringify(event!.detail), 'utf8');
    expect(bytes).toBeLessThan(64 * 1024);
    expect(event!.detail.deletions).toHaveLength(PLAN_EVENT_MAX_LISTED);
    expect(event!.detail.deletionsNotListed).toBe(500 - PLAN_EVENT_MAX_LISTED);
    expect(event!.detail.counts).toEqual({ considered: 501, delete: 500, keep: 1 });
  });
});

describe('runPrune --copy-retention source: reading the source clusters', () => {
  /** An old READY copy in us-east-1 of a cluster in eu-west-1, plus a new one (keep-last). */
  function copies() {
    const make = (daysAgo: number) =>
      backup(daysAgo, {
        clusterId: undefined,
        sourceRegion: 'eu-west-1',
        sourceClusterId: CLUSTER_A,
        sourceBackupId: `backup-src${String(daysAgo).padStart(8, 'x')}`,
      });
    const old = make(100);
    hsm.add(old, make(1));
    return old;
  }

  it('reads them with DescribeClusters filtered to the lineages, and follows the policy', async () => {
    const old = copies();
    const asked: unknown[] = [];
    hsm.mock.on(DescribeClustersCommand).callsFake(async (input) => {
      asked.push(input.Filters);
      return {
        Clusters: [
          { ClusterId: CLUSTER_A, State: 'ACTIVE', BackupRetentionPolicy: { Type: 'DAYS', Value: '365' } },
        ],
      };
    });
    const run = await runPrune(deps(), config({ copyRetention: 'source', copyRetentionDays: '30' }), NOW);
    expect(asked).toEqual([{ clusterIds: [CLUSTER_A] }]);
    expect(run.plan.entries.find((e) => e.backupId === old.id)?.decision).toBe('keep');
    expect(run.plan.copyRetention).toEqual([expect.objectContaining({ days: 365, basis: 'source' })]);
  });

  it('fails the run, deleting nothing, when a source region cannot be read (no guessed fallback)', async () => {
    copies();
    hsm.mock.on(DescribeClustersCommand).rejects(new Error('AccessDenied: not in this region'));
    await expect(
      runPrune(deps(), config({ copyRetention: 'source', copyRetentionDays: '30', execute: 'true' }), NOW),
    ).rejects.toThrow(
      /reading the source clusters cluster-aaaaaaaaaaa in eu-west-1 \(their backup retention policies, for copy retention "source"\) failed/,
    );
    expect(hsm.calls(DeleteBackupCommand)).toEqual([]);
  });

  it('never calls DescribeClusters under a fixed copy retention', async () => {
    copies();
    hsm.mock.on(DescribeClustersCommand).rejects(new Error('must not be called'));
    const run = await runPrune(deps(), config({ copyRetentionDays: '30' }), NOW);
    expect(run.plan.counts.delete).toBe(1);
  });
});
