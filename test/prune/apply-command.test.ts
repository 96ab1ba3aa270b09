/**
 * The dry run's "exact command to apply it" applies exactly the reviewed plan, even when it is
 * run later: the DR-copy cutoff is pinned (not measured from the apply run's clock again), and
 * `--now` (sandbox only) is kept.
 */
import { DateTime } from 'luxon';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_NOW } from '../../sandbox/index.js';
import { runCli } from '../support/cli.js';
import { startTestSandbox, type TestSandbox } from '../support/sandbox.js';

const REGION = 'us-west-2';
const LATER = DateTime.fromISO(DEMO_NOW).plus({ days: 20 }).toUTC().toISO({ suppressMilliseconds: true })!;
let s: TestSandbox;
beforeEach(async () => {
  s = await startTestSandbox({ fleet: 'demo' });
});
afterEach(async () => {
  await s.close();
});

/** The printed command's arguments, with its --now moved to `now` (added when it was dropped). */
function later(command: string, now: string): string[] {
  const words = command.split(' ').slice(1);
  const at = words.indexOf('--now');
  if (at >= 0) words.splice(at, 2);
  return [...words, '--now', now, '--json'];
}

describe('the dry run’s apply command', () => {
  it.each([
    ['--copy-retention-days', '60'],
    ['--copy-retention', 'source'],
  ])('run 20 days later (%s %s) deletes exactly the planned deletions', async (flag, value) => {
    // Prepare: a dry run, reviewed at DEMO_NOW.
    const dry = await runCli([
      'prune',
      '--region',
      REGION,
      '--endpoint',
      s.sandbox.url,
      '--now',
      DEMO_NOW,
      flag,
      value,
      '--max-deletions',
      '500',
      '--json',
    ]);
    expect(dry.code, dry.stderr).toBe(0);
    const review = JSON.parse(dry.stdout);
    const planned = review.plan.entries
      .filter((e: { decision: string }) => e.decision === 'delete')
      .map((e: { backupId: string }) => e.backupId)
      .sort();
    expect(planned.length).toBeGreaterThan(0);
    expect(review.applyCommand).toContain(`--now ${DEMO_NOW}`);
    // Act: the printed command, applied 20 days later (by then more copies are past 60 days).
    const applied = await runCli(later(review.applyCommand, LATER));
    // Assess
    expect(applied.code, applied.stderr).toBe(0);
    const deleted = JSON.parse(applied.stdout)
      .result.succeeded.map((o: { backupId: string }) => o.backupId)
      .sort();
    expect(deleted).toEqual(planned);
  });
});
