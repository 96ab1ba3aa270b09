import { describe, expect, it } from 'vitest';
import { deletions, type PrunePlan, planPrune } from '../../lib/prune/plan.js';
import { backup, CLUSTER_A, CLUSTER_B, config, inventory, NOW } from '../support/backups.js';

const decisionOf = (plan: PrunePlan, id: string) => {
  const entry = plan.entries.find((e) => e.backupId === id);
  return entry && `${entry.decision}:${entry.reason}`;
};

describe('planPrune', () => {
  it('deletes READY backups created at or before the cutoff and keeps newer ones', () => {
    // Prepare: a cutoff exactly at one backup's creation time.
    const atCutoff = backup(30);
    const older = backup(40);
    const newer = backup(29);
    const newest = backup(1);
    const cutoff = NOW.minus({ days: 30 }).toUTC().toISO()!;
    // Act
    const plan = planPrune(inventory([newest, older, atCutoff, newer]), config({ timestamp: cutoff }), NOW);
    // Assess
    expect(decisionOf(plan, older.id)).toBe('delete:older-than-cutoff');
    expect(decisionOf(plan, atCutoff.id)).toBe('delete:older-than-cutoff');
    expect(decisionOf(plan, newer.id)).toBe('keep:newer-than-cutoff');
    expect(decisionOf(plan, newest.id)).toBe('keep:newer-than-cutoff');
    expect(plan.entries.map((e) => e.backupId)).toEqual([older.id, atCutoff.id, newer.id, newest.id]);
    expect(plan.cutoff?.utc).toBe('2026-10-30T12:00:00Z');
    expect(plan.counts).toEqual({
      considered: 4,
      delete: 2,
      keep: 2,
      byReason: { 'older-than-cutoff': 2, 'newer-than-cutoff': 2 },
    });
    expect(plan.overLimit).toBe(false);
  });

  it('never deletes a backup that is not READY (script bug: it tried to)', () => {
    // Prepare
    const creating = backup(50, { state: 'CREATE_IN_PROGRESS' });
    const pending = backup(50, { state: 'PENDING_DELETION', deleteAt: NOW.plus({ days: 3 }).toJSDate() });
    const gone = backup(50, { state: 'DELETED' });
    const ready = backup(50);
    // Act
    const plan = planPrune(
      inventory([creating, pending, gone, ready, backup(1)]),
      config({ olderThan: '7d' }),
      NOW,
    );
    // Assess
    expect(deletions(plan).map((e) => e.backupId)).toEqual([ready.id]);
    for (const id of [creating.id, pending.id, gone.id]) expect(decisionOf(plan, id)).toBe('keep:not-ready');
  });

  it('never deletes NeverExpires or held backups, whatever the hold tag value', () => {
    const pinned = backup(50, { neverExpires: true });
    const held = backup(50, { tags: { 'cloudhsm-ops:hold': '' } });
    const customHeld = backup(50, { tags: { 'legal-hold': 'case-42' } });
    const plan = planPrune(
      inventory([pinned, held, customHeld, backup(1)]),
      config({ olderThan: '7d', holdTag: 'legal-hold' }),
      NOW,
    );
    expect(decisionOf(plan, pinned.id)).toBe('keep:never-expires');
    expect(decisionOf(plan, customHeld.id)).toBe('keep:hold-tag');
    // A custom key adds to the default one: no option removes a guardrail.
    expect(decisionOf(plan, held.id)).toBe('keep:hold-tag');
  });

  it('keeps the newest --keep-last READY backups of each lineage even when all are older than the cutoff', () => {
    // Prepare: every backup is old; the newest READY one is NOT the newest overall.
    const newestButPending = backup(10, { state: 'PENDING_DELETION' });
    const keptA = backup(20);
    const secondA = backup(30);
    const thirdA = backup(40);
    const onlyB = backup(25, { clusterId: CLUSTER_B });
    // Act
    const plan = planPrune(
      inventory([newestButPending, keptA, secondA, thirdA, onlyB]),
      config({ olderThan: '7d', keepLast: '2' }),
      NOW,
    );
    // Assess
    expect(decisionOf(plan, keptA.id)).toBe('keep:keep-last');
    expect(decisionOf(plan, secondA.id)).toBe('keep:keep-last');
    expect(decisionOf(plan, thirdA.id)).toBe('delete:older-than-cutoff');
    expect(decisionOf(plan, onlyB.id)).toBe('keep:keep-last');
    expect(plan.entries.find((e) => e.backupId === keptA.id)).toMatchObject({
      lineage: CLUSTER_A,
      detail: 'newest 2 READY of its lineage',
    });
  });

  it('counts a protected backup toward keep-last, so the lineage still has N READY backups after the run', () => {
    const newestPinned = backup(20, { neverExpires: true });
    const next = backup(30);
    const plan = planPrune(inventory([newestPinned, next]), config({ olderThan: '7d' }), NOW);
    expect(decisionOf(plan, newestPinned.id)).toBe('keep:never-expires');
    expect(decisionOf(plan, next.id)).toBe('delete:older-than-cutoff');
  });

  it('groups copies by their source cluster and keeps keep-last per lineage per region', () => {
    // Prepare: us-west-2 holds copies of CLUSTER_A (their ClusterId may name another cluster).
    const copy = (daysAgo: number) =>
      backup(daysAgo, {
        region: 'us-west-2',
        clusterId: CLUSTER_B,
        sourceClusterId: CLUSTER_A,
        sourceRegion: 'us-east-1',
        sourceBackupId: 'backup-srcsrcsrcsr',
      });
    const [c1, c2, c3] = [copy(100), copy(90), copy(80)];
    const localB = backup(95, { region: 'us-west-2', clusterId: CLUSTER_B });
    // Act
    const plan = planPrune(
      [inventory([c1, c2, c3, localB], 'us-west-2')],
      config({ regions: 'us-west-2', clusterId: CLUSTER_A, olderThan: '30d' }),
      NOW,
    );
    // Assess
    expect(decisionOf(plan, c1.id)).toBe('delete:older-than-cutoff');
    expect(decisionOf(plan, c2.id)).toBe('delete:older-than-cutoff');
    expect(decisionOf(plan, c3.id)).toBe('keep:keep-last');
    expect(decisionOf(plan, localB.id)).toBe('keep:other-cluster');
    expect(plan.entries.every((e) => e.region === 'us-west-2')).toBe(true);
    expect(plan.entries.find((e) => e.backupId === c1.id)).toMatchObject({ lineage: CLUSTER_A, copy: true });

    // Act: the cluster id the copies carry in their destination does not make them its backups.
    const other = planPrune(
      [inventory([c1, c2, c3, localB], 'us-west-2')],
      config({ regions: 'us-west-2', clusterId: CLUSTER_B, olderThan: '30d' }),
      NOW,
    );
    // Assess
    expect([c1, c2, c3].map((c) => decisionOf(other, c.id))).toEqual(Array(3).fill('keep:other-cluster'));
    expect(decisionOf(other, localB.id)).toBe('keep:keep-last');
  });

  it('prunes copies by copy retention days, and only copies when no cutoff is given', () => {
    const oldCopy = backup(40, { sourceClusterId: CLUSTER_B, sourceRegion: 'eu-west-1' });
    const youngCopy = backup(20, { sourceClusterId: CLUSTER_B, sourceRegion: 'eu-west-1' });
    const newestCopy = backup(10, { sourceClusterId: CLUSTER_B, sourceRegion: 'eu-west-1' });
    const original = backup(400);
    const plan = planPrune(
      inventory([oldCopy, youngCopy, newestCopy, original, backup(1)]),
      config({ copyRetentionDays: '30' }),
      NOW,
    );
    expect(plan.cutoff).toBeNull();
    expect(plan.copyCutoff?.utc).toBe('2026-10-30T12:00:00Z');
    expect(decisionOf(plan, oldCopy.id)).toBe('delete:older-than-cutoff');
    expect(decisionOf(plan, youngCopy.id)).toBe('keep:newer-than-cutoff');
    expect(decisionOf(plan, original.id)).toBe('keep:not-a-copy');
  });

  it('applies copy retention to copies and the cutoff to originals when both are set', () => {
    const copy = backup(40, { sourceClusterId: CLUSTER_B, sourceRegion: 'eu-west-1' });
    const original = backup(40);
    const plan = planPrune(
      inventory([
        copy,
        original,
        backup(1),
        backup(2, { sourceClusterId: CLUSTER_B, sourceRegion: 'eu-west-1' }),
      ]),
      config({ olderThan: '60d', copyRetentionDays: '30' }),
      NOW,
    );
    expect(decisionOf(plan, copy.id)).toBe('delete:older-than-cutoff');
    expect(decisionOf(plan, original.id)).toBe('keep:newer-than-cutoff');
  });

  it('--deleteall deletes every unprotected READY backup of the cluster, keep-last still applies', () => {
    const backups = [backup(1), backup(2), backup(3), backup(4, { clusterId: CLUSTER_B })];
    const keepOne = planPrune(inventory(backups), config({ clusterId: CLUSTER_A, deleteAll: 'true' }), NOW);
    expect(deletions(keepOne).map((e) => e.backupId)).toEqual([backups[2]!.id, backups[1]!.id]);
    expect(decisionOf(keepOne, backups[0]!.id)).toBe('keep:keep-last');
    expect(decisionOf(keepOne, backups[3]!.id)).toBe('keep:other-cluster');
    expect(keepOne.cutoff).toBeNull();
    expect(keepOne.deleteAll).toBe(true);

    const keepNone = planPrune(
      inventory(backups),
      config({ clusterId: CLUSTER_A, deleteAll: 'true', keepLast: '0', confirm: CLUSTER_A }),
      NOW,
    );
    expect(deletions(keepNone)).toHaveLength(3);
    expect(keepNone.entries.every((e) => e.decision === 'keep' || e.reason === 'delete-all')).toBe(true);
  });

  it('marks a plan over --max-deletions', () => {
    const backups = Array.from({ length: 6 }, (_, i) => backup(100 + i));
    const plan = planPrune(inventory(backups), config({ olderThan: '7d', maxDeletions: '4' }), NOW);
    expect(plan.counts.delete).toBe(5);
    expect(plan.overLimit).toBe(true);
    expect(planPrune(inventory(backups), config({ olderThan: '7d', maxDeletions: '5' }), NOW).overLimit).toBe(
      false,
    );
  });

  it('does not depend on the listing order (the script stopped at the first newer backup)', () => {
    const backups = [backup(50), backup(5), backup(60), backup(2), backup(70)];
    const settings = config({ olderThan: '30d' });
    const sorted = planPrune(inventory(backups), settings, NOW);
    const shuffled = planPrune(inventory([...backups].reverse()), settings, NOW);
    expect(shuffled).toEqual(sorted);
    expect(deletions(sorted)).toHaveLength(3);
  });

  it('only considers the configured regions', () => {
    const plan = planPrune(
      [inventory([backup(50)]), inventory([backup(50, { region: 'eu-west-1' })], 'eu-west-1')],
      config({ olderThan: '7d' }),
      NOW,
    );
    expect(plan.entries.map((e) => e.region)).toEqual(['us-east-1']);
  });

  it('is plain JSON', () => {
    const plan = planPrune(inventory([backup(50), backup(1)]), config({ olderThan: '7d' }), NOW);
    expect(JSON.parse(JSON.stringify(plan))).toEqual(plan);
  });
});
