/** The timeline's shapes: alike days in a row are one run, so a year of daily backups is one bar. */
import { describe, expect, it } from 'vitest';
import type { DayMark } from '../../lib/report/model.js';
import { dayIndex, runsOf } from '../../lib/report/timeline.js';

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
