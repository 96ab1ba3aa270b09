import { describe, expect, it } from 'vitest';
import { duplicateCopies } from '../../lib/copies/duplicates.js';
import type { BackupInfo, ClusterInfo } from '../../lib/inventory/types.js';
import { type PrunePlan, planPrune } from '../../lib/prune/plan.js';
import { cutoffLines, planSummary } from '../../lib/prune/report.js';
import { backup, backupId, CLUSTER_A, CLUSTER_B, config, inventory, NOW } from '../support/backups.js';

const DR = 'us-west-2';

const decisionOf = (plan: PrunePlan, id: string) => {
  const entry = plan.entries.find((e) => e.backupId === id);
  return entry && `${entry.decision}:${entry.reason}`;
};

/** A copy in the DR region of `source`, made `copiedDaysAgo` before NOW. */
function copyOf(source: BackupInfo, copiedDaysAgo: number, overrides: Partial<BackupInfo> = {}): BackupInfo {
  return {
    ...source,
    id: backupId(),
    region: DR,
    clusterId: undefined,
    tags: {},
    copiedAt: NOW.minus({ days: copiedDaysAgo }).toJSDate(),
    sourceRegion: source.region,
    sourceBackupId: source.id,
    sourceClusterId: source.clusterId,
    ...overrides,
  };
}

const drConfig = (settings: Record<string, string>) => config({ regions: DR, ...settings });

describe('prune --duplicate-copies (the planner)', () => {
  it('deletes the extra copies duplicateCopies() finds and keeps the oldest READY copy', () => {
    // Prepare: three copies of one source backup, one of another (no duplicate).
    const source = backup(3);
    const other = backup(2);
    const kept = copyOf(source, 3);
    const extra1 = copyOf(source, 2);
    const extra2 = copyOf(source, 1);
    const single = copyOf(other, 2);
    const copies = [extra2, single, kept, extra1];
    // Act
    const plan = planPrune(inventory(copies, DR), drConfig({ duplicateCopies: 'true' }), NOW);
    // Assess: exactly the audit's extras, nothing else.
    const [group] = duplicateCopies(copies, 'cloudhsm-ops:hold');
    expect(plan.entries.filter((e) => e.decision === 'delete').map((e) => e.backupId)).toEqual(
      group!.extra.map((b) => b.id).sort((a, b) => a.localeCompare(b)),
    );
    expect(decisionOf(plan, extra1.id)).toBe('delete:duplicate-copy');
    expect(decisionOf(plan, extra2.id)).toBe('delete:duplicate-copy');
    expect(decisionOf(plan, kept.id)).toBe('keep:not-a-duplicate');
    expect(decisionOf(plan, single.id)).toBe('keep:not-a-duplicate');
    expect(plan.entries.find((e) => e.backupId === extra1.id)?.keptCopyId).toBe(kept.id);
    expect(plan.duplicateCopies).toBe(true);
  });

  it('never deletes a held, NeverExpires or non-READY duplicate', () => {
    const source = backup(3);
    const kept = copyOf(source, 3);
    const held = copyOf(source, 2, { tags: { 'cloudhsm-ops:hold': 'legal' } });
    const customHeld = copyOf(source, 2, { tags: { 'legal-hold': '' } });
    const forever = copyOf(source, 2, { neverExpires: true });
    const creating = copyOf(source, 0, { state: 'CREATE_IN_PROGRESS' });
    const pending = copyOf(source, 1, { state: 'PENDING_DELETION' });
    const plan = planPrune(
      inventory([kept, held, customHeld, forever, creating, pending], DR),
      drConfig({ duplicateCopies: 'true', holdTag: 'legal-hold' }),
      NOW,
    );
    expect(decisionOf(plan, kept.id)).toMatch(/^keep/);
    // duplicateCopies() never counts these as extra; a custom hold tag is prune's guardrail.
    expect(decisionOf(plan, held.id)).toBe('keep:not-a-duplicate');
    expect(decisionOf(plan, forever.id)).toBe('keep:not-a-duplicate');
    expect(decisionOf(plan, customHeld.id)).toBe('keep:hold-tag');
    expect(decisionOf(plan, creating.id)).toBe('keep:not-ready');
    expect(decisionOf(plan, pending.id)).toBe('keep:not-ready');
    expect(plan.counts.delete).toBe(0);
  });

  it('keeps the oldest READY copy even when an older copy is not READY', () => {
    const source = backup(3);
    const olderPending = copyOf(source, 5, { state: 'PENDING_DELETION' });
    const oldestReady = copyOf(source, 3);
    const extra = copyOf(source, 1);
    const plan = planPrune(
      inventory([olderPending, oldestReady, extra], DR),
      drConfig({ duplicateCopies: 'true' }),
      NOW,
    );
    expect(decisionOf(plan, oldestReady.id)).toMatch(/^keep/);
    expect(decisionOf(plan, extra.id)).toBe('delete:duplicate-copy');
  });

  it('keep-last never keeps an extra copy in place of the kept one (an extra copy is no further backup)', () => {
    // Prepare: the newest source backup's extra copy has the smaller id, so by id it would rank first.
    const older = backup(10);
    const newest = backup(1);
    const extra = copyOf(newest, 0.5);
    const kept = copyOf(newest, 1);
    expect(extra.id.localeCompare(kept.id)).toBeLessThan(0);
    const olderCopy = copyOf(older, 10);
    // Act
    const plan = planPrune(
      inventory([olderCopy, kept, extra], DR),
      drConfig({ duplicateCopies: 'true' }),
      NOW,
    );
    // Assess
    expect(decisionOf(plan, extra.id)).toBe('delete:duplicate-copy');
    expect(decisionOf(plan, kept.id)).toBe('keep:not-a-duplicate');
  });

  it('keep-last holds per lineage: with a cutoff past both copies, the kept copy of the newest stays', () => {
    const older = backup(120);
    const newest = backup(100);
    const olderCopy = copyOf(older, 120);
    const kept = copyOf(newest, 100);
    const extra = copyOf(newest, 99);
    const plan = planPrune(
      inventory([olderCopy, kept, extra], DR),
      drConfig({ olderThan: '90d', duplicateCopies: 'true' }),
      NOW,
    );
    expect(decisionOf(plan, kept.id)).toBe('keep:keep-last');
    expect(decisionOf(plan, extra.id)).toBe('delete:older-than-cutoff');
    expect(decisionOf(plan, olderCopy.id)).toBe('delete:older-than-cutoff');
  });

  it('with keep-last 2 the newest two distinct source backups stay, whatever their copies', () => {
    const a = backup(100);
    const b = backup(95);
    const aExtra = copyOf(a, 0.1);
    const bExtra = copyOf(b, 0.2);
    const aKept = copyOf(a, 100);
    const bKept = copyOf(b, 95);
    const plan = planPrune(
      inventory([aKept, aExtra, bKept, bExtra], DR),
      drConfig({ olderThan: '90d', duplicateCopies: 'true', keepLast: '2' }),
      NOW,
    );
    expect(decisionOf(plan, aKept.id)).toBe('keep:keep-last');
    expect(decisionOf(plan, bKept.id)).toBe('keep:keep-last');
    expect(plan.counts.delete).toBe(2);
  });

  it('with a cutoff, deletes both: what is past the cutoff and the extra copies newer than it', () => {
    const old = backup(100);
    const recent = backup(5);
    const newest = backup(1);
    const oldCopy = copyOf(old, 100);
    const oldCopy2 = copyOf(old, 99);
    const recentKept = copyOf(recent, 5);
    const recentExtra = copyOf(recent, 4);
    const newestCopy = copyOf(newest, 1);
    const plan = planPrune(
      inventory([oldCopy, oldCopy2, recentKept, recentExtra, newestCopy], DR),
      drConfig({ olderThan: '90d', duplicateCopies: 'true' }),
      NOW,
    );
    expect(decisionOf(plan, oldCopy.id)).toBe('delete:older-than-cutoff');
    expect(decisionOf(plan, oldCopy2.id)).toBe('delete:older-than-cutoff');
    expect(decisionOf(plan, recentKept.id)).toBe('keep:newer-than-cutoff');
    expect(decisionOf(plan, recentExtra.id)).toBe('delete:duplicate-copy');
    expect(decisionOf(plan, newestCopy.id)).toBe('keep:newer-than-cutoff');
  });

  it('without --duplicate-copies a duplicate newer than the cutoff is kept', () => {
    const source = backup(5);
    const kept = copyOf(source, 5);
    const extra = copyOf(source, 4);
    const newest = copyOf(backup(1), 1);
    const plan = planPrune(inventory([kept, extra, newest], DR), drConfig({ olderThan: '90d' }), NOW);
    expect(plan.counts.delete).toBe(0);
  });

  it('respects --cluster-id: duplicates of another lineage are not touched', () => {
    const a = backup(3);
    const b = backup(3, { clusterId: CLUSTER_B });
    const copies = [copyOf(a, 3), copyOf(a, 2), copyOf(b, 3), copyOf(b, 2)];
    const plan = planPrune(
      inventory(copies, DR),
      drConfig({ duplicateCopies: 'true', clusterId: CLUSTER_A }),
      NOW,
    );
    expect(plan.entries.filter((e) => e.decision === 'delete').map((e) => e.lineage)).toEqual([CLUSTER_A]);
  });

  it('counts duplicate deletions against --max-deletions', () => {
    const source = backup(3);
    const copies = [copyOf(source, 3), copyOf(source, 2), copyOf(source, 1.5), copyOf(backup(1), 1)];
    const plan = planPrune(
      inventory(copies, DR),
      drConfig({ duplicateCopies: 'true', maxDeletions: '1' }),
      NOW,
    );
    expect(plan.counts.delete).toBe(2);
    expect(plan.overLimit).toBe(true);
  });
});

describe('prune --copy-retention source (the planner)', () => {
  const cluster = (id: string, retentionDays: number | undefined, state = 'ACTIVE'): ClusterInfo => ({
    id,
    region: 'us-east-1',
    state,
    subnetMapping: {},
    hsms: [],
    tags: {},
    ...(retentionDays !== undefined ? { retentionDays } : {}),
  });

  it("deletes a lineage's copies past its source cluster's retention, using copyRetentionFor()", () => {
    // Prepare: A keeps 7 days, B has no policy (fallback 30).
    const a10 = copyOf(backup(10), 10);
    const a5 = copyOf(backup(5), 5);
    const a1 = copyOf(backup(1), 1);
    const b40 = copyOf(backup(40, { clusterId: CLUSTER_B }), 40);
    const b20 = copyOf(backup(20, { clusterId: CLUSTER_B }), 20);
    const b1 = copyOf(backup(1, { clusterId: CLUSTER_B }), 1);
    const plan = planPrune(
      inventory([a10, a5, a1, b40, b20, b1], DR),
      drConfig({ copyRetention: 'source', copyRetentionDays: '30' }),
      NOW,
      [cluster(CLUSTER_A, 7), cluster(CLUSTER_B, undefined)],
    );
    expect(decisionOf(plan, a10.id)).toBe('delete:older-than-cutoff');
    expect(decisionOf(plan, a5.id)).toBe('keep:newer-than-cutoff');
    expect(decisionOf(plan, b40.id)).toBe('delete:older-than-cutoff');
    expect(decisionOf(plan, b20.id)).toBe('keep:newer-than-cutoff');
    expect(plan.copyRetention).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ lineage: CLUSTER_A, days: 7, basis: 'source' }),
        expect.objectContaining({ lineage: CLUSTER_B, days: 30, basis: 'fallback' }),
      ]),
    );
    expect(plan.entries.find((e) => e.backupId === a10.id)?.detail).toMatch(/7 days/);
  });

  it('falls back to the fixed days when the source cluster is gone or DELETED', () => {
    const gone = copyOf(backup(50), 50);
    const goneNew = copyOf(backup(1), 1);
    const plan = planPrune(
      inventory([gone, goneNew], DR),
      drConfig({ copyRetention: 'source', copyRetentionDays: '60' }),
      NOW,
      [cluster(CLUSTER_A, 7, 'DELETED')],
    );
    expect(decisionOf(plan, gone.id)).toBe('keep:newer-than-cutoff');
  });

  it('a source keeping copies longer than the fixed days keeps them (no early deletion)', () => {
    const c100 = copyOf(backup(100), 100);
    const c1 = copyOf(backup(1), 1);
    const plan = planPrune(
      inventory([c100, c1], DR),
      drConfig({ copyRetention: 'source', copyRetentionDays: '30' }),
      NOW,
      [cluster(CLUSTER_A, 365)],
    );
    expect(decisionOf(plan, c100.id)).toBe('keep:newer-than-cutoff');
  });

  it('originals are not touched by source copy retention', () => {
    const original = backup(400);
    const plan = planPrune(inventory([original, backup(1)]), config({ copyRetention: 'source' }), NOW, [
      cluster(CLUSTER_A, 7),
    ]);
    expect(decisionOf(plan, original.id)).toBe('keep:not-a-copy');
  });
});

describe('prune --duplicate-copies (the report)', () => {
  it('counts duplicate copies as deletions, never among the kept reasons', () => {
    const source = backup(3);
    const copies = [copyOf(source, 3), copyOf(source, 2), copyOf(backup(1), 1)];
    const plan = planPrune(inventory(copies, DR), drConfig({ duplicateCopies: 'true' }), NOW);
    expect(planSummary(plan)).toBe('3 backup(s) considered: 1 to delete, 2 kept (not a duplicate 2)');
    expect(cutoffLines(plan)).toEqual([
      'Cutoff: none (only duplicate DR copies are pruned)',
      'Duplicate DR copies: the extra copies of each source backup (the oldest READY copy stays)',
    ]);
  });
});
