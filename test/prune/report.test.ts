/**
 * How a plan is printed for people: a summary per lineage, the first rows of each decision,
 * every row with `--all`, and times precise enough that a cutoff never splits two equal-looking rows.
 */
import { describe, expect, it } from 'vitest';
import { planPrune } from '../../lib/prune/plan.js';
import { planLines, ROWS_PER_DECISION } from '../../lib/prune/report.js';
import { backup, CLUSTER_A, CLUSTER_B, config, inventory, NOW } from '../support/backups.js';

const plain = { paint: (_: unknown, text: string) => text, include: () => true };

/** A plan over `perLineage` old backups in each of two lineages. */
function bigPlan(perLineage: number) {
  const backups = [CLUSTER_A, CLUSTER_B].flatMap((clusterId) =>
    Array.from({ length: perLineage }, (_, i) => backup(100 + i / 100, { clusterId })),
  );
  return planPrune(inventory(backups), config({ olderThan: '30d', maxDeletions: '100000' }), NOW);
}

describe('planLines', () => {
  it('summarises each lineage and lists only the first rows of each decision by default', () => {
    // Prepare
    const plan = bigPlan(10_000);

    // Act
    const lines = planLines(plan, { ...plain, all: false });

    // Assess: 2 summaries, a blank line, the header, 10 deletions and 1 kept row per lineage, the note.
    expect(lines.filter((l) => / to delete /.test(l))).toHaveLength(2);
    expect(lines.filter((l) => l.startsWith('backup-'))).toHaveLength(2 * (ROWS_PER_DECISION + 1));
    expect(lines.at(-1)).toMatch(/19978 more rows not listed.*--all lists every row/);
    expect(lines.find((l) => l.includes(CLUSTER_A))).toMatch(
      /9999 to delete \(created .* … .*\), 1 kept \(keep-last 1\)/,
    );
  });

  it('counts the kept backups of a lineage even when only the deletions are listed (an execute run)', () => {
    // Prepare
    const plan = bigPlan(5);
    // Act
    const lines = planLines(plan, { ...plain, all: true, include: (e) => e.decision === 'delete' });
    // Assess (found by an operator pass: an execute run said "0 kept")
    expect(lines.find((l) => l.includes(CLUSTER_A))).toMatch(
      /4 to delete \(created .*\), 1 kept \(keep-last 1\)/,
    );
    expect(lines.filter((l) => l.includes('KEEP'))).toEqual([]);
  });

  it('lists every row with all', () => {
    // Prepare
    const plan = bigPlan(10_000);

    // Act
    const lines = planLines(plan, { ...plain, all: true });

    // Assess
    expect(lines.filter((l) => l.startsWith('backup-'))).toHaveLength(20_000);
    expect(lines.some((l) => /not listed/.test(l))).toBe(false);
  });

  it('shows milliseconds when a cutoff falls between two backups of the same second', () => {
    // Prepare: the cutoff is 05:00:00.500; one backup just before it, one just after.
    const early = backup(0, { createdAt: new Date('2026-03-01T05:00:00.250Z') });
    const late = backup(0, { createdAt: new Date('2026-03-01T05:00:00.750Z') });
    const newest = backup(1);
    const plan = planPrune(
      inventory([early, late, newest]),
      config({ timestamp: '2026-03-01T05:00:00.500Z' }),
      NOW,
    );

    // Act
    const lines = planLines(plan, { ...plain, all: true });

    // Assess
    const row = (id: string) => lines.find((l) => l.startsWith(id))!;
    expect(row(early.id)).toMatch(/2026-03-01 05:00:00\.250 .* DELETE/);
    expect(row(late.id)).toMatch(/2026-03-01 05:00:00\.750 .* KEEP/);
  });

  it('shows whole seconds when no time has milliseconds', () => {
    const plan = planPrune(inventory([backup(40), backup(1)]), config({ olderThan: '30d' }), NOW);
    const lines = planLines(plan, { ...plain, all: true });
    expect(lines.filter((l) => l.startsWith('backup-')).every((l) => / \d\d:\d\d:\d\d {2}/.test(l))).toBe(
      true,
    );
  });
});
