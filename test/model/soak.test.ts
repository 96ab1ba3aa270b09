/**
 * The model-based soak, CI-sized: a fixed seed, then a fresh one (printed, to replay a failure:
 * `npm run soak -- --seed S`). Fails on any invariant violation the known-open list in
 * test/model/invariants.ts does not explain; see test/model/README.md.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { newStats, soakProperty, summarize } from './soak.js';

const SETTINGS = { maxCommands: 10, strict: false };

function report(label: string, seed: number, stats: ReturnType<typeof newStats>): void {
  console.log(
    `soak ${label}: ${stats.operations} operations, ${stats.sequences} sequences, ${stats.violations.filter((v) => !v.acceptedLimit).length} invariant violations (seed ${seed})\n${summarize(stats.violations).join('\n')}`,
  );
}

describe('model-based soak: every job racing every other, the world changing underneath', () => {
  it('keeps every invariant over 200 sequences from the fixed seed', async () => {
    // Prepare
    const seed = 20261129;
    const stats = newStats();

    // Act
    await fc.assert(soakProperty(stats, SETTINGS), { seed, numRuns: 200 });

    // Assess: the run did real work (the invariants were judged on something)
    report('fixed', seed, stats);
    expect(stats.sequences).toBe(200);
    expect(stats.operations).toBeGreaterThan(600);
  }, 180_000);

  it('keeps every invariant over 100 sequences from a fresh seed', async () => {
    // Prepare: fresh each run (not a clock reading: fast-check's own seed source)
    const seed = (Math.random() * 2 ** 31) | 0;
    console.log(`soak fresh seed ${seed} (replay: npm run soak -- --seconds 60 --seed ${seed})`);
    const stats = newStats();

    // Act
    await fc.assert(soakProperty(stats, SETTINGS), { seed, numRuns: 100 });

    // Assess
    report('fresh', seed, stats);
    expect(stats.sequences).toBe(100);
  }, 180_000);
});
