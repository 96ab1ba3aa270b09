/** The timeline's shapes: alike days in a row are one run, so a year of daily backups is one bar. */
import { describe, expect, it } from 'vitest';
import type { ClusterView, DayMark, FleetReport } from '../../lib/report/model.js';
import { dayIndex, runsOf, timelineSvg } from '../../lib/report/timeline.js';

const WINDOW = { from: '2026-11-01', to: '2026-11-30', days: 30 };

function mark(day: string, ready = 1, pendingDeletion = 0): DayMark {
  return { day, ready, pendingDeletion, other: 0 };
}

describe('runsOf', () => {
  it('joins consecutive days with the same counts and breaks at a missing day or a different count', () => {
    const days = [
      mark('2026-11-01'),
      mark('2026-11-02'),
      mark('2026-11-03'),
      // 2026-11-04 has no backup: a hole.
      mark('2026-11-05'),
      mark('2026-11-06', 2),
      mark('2026-11-07', 1, 1),
    ];
    expect(runsOf(WINDOW, days).map((r) => [r.from, r.to, r.start, r.length])).toEqual([
      ['2026-11-01', '2026-11-03', 0, 3],
      ['2026-11-05', '2026-11-05', 4, 1],
      ['2026-11-06', '2026-11-06', 5, 1],
      ['2026-11-07', '2026-11-07', 6, 1],
    ]);
  });

  it('places a day by its offset from the window start', () => {
    expect(dayIndex(WINDOW, '2026-11-30')).toBe(29);
    expect(dayIndex(WINDOW, '2026-10-31')).toBe(-1);
  });
});

describe('timelineSvg', () => {
  it('draws a day with more than one READY backup (a duplicate copy) as a taller bar, and names the count', () => {
    const lineage = { region: 'us-west-2', kind: 'copy' as const, older: 0, total: 4, missingDays: 0 };
    const cluster = {
      region: 'us-east-1',
      id: 'cluster-a',
      state: 'ACTIVE',
      zones: [],
      failed: 0,
      lineages: [{ ...lineage, days: [mark('2026-11-01'), mark('2026-11-02'), mark('2026-11-03', 2)] }],
    } as ClusterView;
    const svg = timelineSvg({ window: WINDOW } as FleetReport, cluster, 't');
    expect(svg.match(/class="m-ready m-many"/g)).toHaveLength(1);
    expect(svg).toContain('<title>2026-11-01 to 2026-11-02, each day: 1 READY</title>');
    expect(svg).toContain('<title>2026-11-03: 2 READY</title>');
  });
});
