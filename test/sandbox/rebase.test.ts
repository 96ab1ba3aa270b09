import { describe, expect, it } from 'vitest';
import { parseFleet } from '../../sandbox/fleet.js';
import { DEMO_NOW, demoFleet } from '../../sandbox/fleets/demo.js';
import { rebaseFleet } from '../../sandbox/rebase.js';

describe('rebaseFleet', () => {
  it('moves every timestamp so that ages relative to "now" are kept', () => {
    // Prepare
    const fleet = demoFleet();
    const to = new Date('2027-03-14T09:26:53.000Z');
    const delta = to.getTime() - Date.parse(DEMO_NOW);
    // Act
    const moved = rebaseFleet(fleet, to);
    // Assess
    expect(moved.now).toBe(to.toISOString());
    const before = Object.values(fleet.regions).flatMap((r) => r.backups ?? []);
    const after = Object.values(moved.regions).flatMap((r) => r.backups ?? []);
    expect(after).toHaveLength(before.length);
    after.forEach((backup, i) => {
      expect(Date.parse(backup.createdAt) - Date.parse(before[i]!.createdAt)).toBe(delta);
      if (before[i]!.deleteAt)
        expect(Date.parse(backup.deleteAt!) - Date.parse(before[i]!.deleteAt!)).toBe(delta);
      if (before[i]!.copiedAt)
        expect(Date.parse(backup.copiedAt!) - Date.parse(before[i]!.copiedAt!)).toBe(delta);
    });
    expect(() => parseFleet(moved)).not.toThrow();
  });

  it('leaves a fleet without "now" alone', () => {
    const fleet = { ...demoFleet(), now: undefined };
    expect(rebaseFleet(fleet, new Date())).toBe(fleet);
  });
});
