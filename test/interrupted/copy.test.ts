/**
 * A copy run stopped half-way — told to stop (the Lambda's deadline hook), or cut off because
 * every call starts failing, leaving its claims behind — and then run again ends with the
 * same copies one uninterrupted run makes on an identical fleet: one per backup per DR region.
 */
import { DateTime } from 'luxon';
import { afterEach, describe, expect, it } from 'vitest';
import { AwsClients } from '../../lib/aws/clients.js';
import { parseCopyConfig } from '../../lib/config/copy.js';
import { type CopyDeps, copyRunFailed, DEFAULT_COPY_TUNING, runCopy } from '../../lib/copy/execute.js';
import type { Sandbox } from '../../sandbox/index.js';
import { chaosFleet, DR, liveCopies, NOW, SOURCES } from '../support/fleet.js';
import { startTestSandbox, type TestSandbox } from '../support/sandbox.js';

const DRS = [DR, 'eu-central-1'];
const CONFIG = parseCopyConfig({ regions: SOURCES.join(','), drRegions: DRS.join(','), concurrency: '2' });
const now = DateTime.fromISO(NOW, { zone: 'utc' });
const STOP_AFTER = 6;
const CLAIM_TTL_MS = DEFAULT_COPY_TUNING.claimTtlMs;

let open: TestSandbox[] = [];
afterEach(async () => {
  await Promise.all(open.map((t) => t.close()));
  open = [];
});

async function sandbox(): Promise<TestSandbox> {
  const started = await startTestSandbox({ fleet: chaosFleet() });
  open.push(started);
  return started;
}

function deps(s: Sandbox, clients: AwsClients, extra: Partial<CopyDeps> = {}): CopyDeps {
  return {
    clients,
    now: () => s.clock.now(),
    sleep: async (ms) => s.clock.advance(ms),
    // Real time, as in production: long enough that a loaded machine still confirms its claims.
    tuning: { claimSettleMs: 400 },
    ...extra,
  };
}

/** DR region → source backup id → live copies. */
function copies(s: Sandbox): Record<string, Record<string, number>> {
  return Object.fromEntries(DRS.map((r) => [r, Object.fromEntries([...liveCopies(s, r)].sort())]));
}

/** The expiry (ms) of every copy claim still tagged on a source backup. */
function claimTags(s: Sandbox): number[] {
  return SOURCES.flatMap((r) => s.backups(r)).flatMap((b) =>
    ((b.TagList ?? []) as { Key: string; Value: string }[])
      .filter((t) => t.Key === 'cloudhsm-ops:copy-claim')
      .map((t) => Date.parse(/until=(\S+)/.exec(t.Value)?.[1] ?? '')),
  );
}

/** What one uninterrupted run leaves. */
async function uninterrupted(): Promise<Record<string, Record<string, number>>> {
  const reference = await sandbox();
  const result = await runCopy(deps(reference.sandbox, reference.clients), CONFIG, now);
  expect(copyRunFailed(result)).toBe(false);
  expect(result.counts.copied).toBe(18);
  return copies(reference.sandbox);
}

describe('an interrupted copy, run again', () => {
  it('stopped by its deadline hook half-way: the rest is deferred as "stopped" (exit 1), and the next run copies it once', async () => {
    // Prepare
    const expected = await uninterrupted();
    const { sandbox: s, clients } = await sandbox();
    let copied = 0;

    // Act
    const first = await runCopy(
      deps(s, clients, {
        onProgress: (p) => {
          if (p.phase === 'copy') copied = p.done;
        },
        shouldStop: () => copied >= STOP_AFTER,
      }),
      CONFIG,
      now,
    );
    const midway = copies(s);
    const second = await runCopy(deps(s, clients), CONFIG, now);

    // Assess
    expect(first.counts.copied).toBeGreaterThanOrEqual(STOP_AFTER);
    expect(first.counts.copied).toBeLessThan(18);
    const stopped = first.deferred.filter((l) => l.reason === 'stopped');
    expect(stopped).toHaveLength(18 - first.counts.copied);
    expect(copyRunFailed(first)).toBe(true);
    expect(
      Object.values(midway)
        .flatMap(Object.values)
        .every((n) => n === 1),
    ).toBe(true);
    expect(second.counts.copied).toBe(stopped.length);
    expect(second.counts.alreadyPresent).toBe(first.counts.copied);
    expect(copyRunFailed(second)).toBe(false);
    expect(copies(s)).toEqual(expected);
    expect(claimTags(s)).toEqual([]);
  });

  it('cut off when every call starts failing: exits 1, its claims expire, and a later run copies the rest once', async () => {
    // Prepare
    const expected = await uninterrupted();
    const { sandbox: s } = await sandbox();
    const clients = new AwsClients({ endpoint: s.url, maxAttempts: 2, retryMode: 'standard' });
    let copied = 0;

    // Act: after STOP_AFTER copies the "network" dies; claims cannot be released.
    const first = await runCopy(
      deps(s, clients, {
        onProgress: (p) => {
          if (p.phase === 'copy' && p.done > copied) {
            copied = p.done;
            if (copied === STOP_AFTER) s.setFaults({ rules: [{ internalFailureRate: 1 }] });
          }
        },
      }),
      CONFIG,
      now,
    );
    s.setFaults({ rules: [] });
    const midway = copies(s);
    const tooSoon = await runCopy(deps(s, clients), CONFIG, now);
    s.clock.advance(CLAIM_TTL_MS + 60_000);
    const later = await runCopy(deps(s, clients), CONFIG, now);
    clients.destroy();

    // Assess
    expect(copyRunFailed(first)).toBe(true);
    expect(first.failed.length).toBeGreaterThan(0);
    expect(first.failed.every((l) => /not retried, to avoid a duplicate/.test(l.detail ?? ''))).toBe(true);
    expect(first.warnings.some((w) => /could not remove the claim tag/.test(w))).toBe(true);
    expect(
      Object.values(midway)
        .flatMap(Object.values)
        .every((n) => n === 1),
    ).toBe(true);
    // Until they expire, the dead run's claims defer its backups: named, and not a success.
    expect(tooSoon.deferred.some((l) => l.reason === 'claimed-by-another-run')).toBe(true);
    expect(copyRunFailed(tooSoon)).toBe(true);
    expect(copyRunFailed(later)).toBe(false);
    expect(later.counts.copied).toBeGreaterThan(0);
    expect(copies(s)).toEqual(expected);
    // Claims the dead run could not release stay on sources that needed nothing more; they
    // must at least be expired, so no run is ever kept off a backup by them.
    const leftover = claimTags(s);
    expect(leftover.every((until) => until <= s.clock.now().getTime())).toBe(true);
  });
});
