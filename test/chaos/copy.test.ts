/**
 * Chaos for copy: throttling, 20% internal failures, 5% lost responses and added latency, all
 * at once and seeded, through `runCopy` with the clients and exit logic the CLI uses (the CLI
 * itself sleeps in real time and reads the real clock for --since). Whatever a run manages,
 * no DR region ever holds two live copies of a backup, every copy a run claims exists, and
 * every copy still missing is named in the run's failures or skips.
 */
import { DateTime } from 'luxon';
import { afterEach, describe, expect, it } from 'vitest';
import { parseCopyConfig } from '../../lib/config/copy.js';
import { type CopyLine, type CopyResult, copyRunFailed, runCopy } from '../../lib/copy/execute.js';
import type { Sandbox } from '../../sandbox/index.js';
import { chaosFaults, chaosFleet, copyCandidates, DR, liveCopies, NOW, SOURCES } from '../support/fleet.js';
import { startTestSandbox, type TestSandbox } from '../support/sandbox.js';

const DRS = [DR, 'eu-central-1'];
const CLAIM_TTL_MS = 10 * 60_000;

let test: TestSandbox | undefined;
afterEach(async () => {
  await test?.close();
  test = undefined;
});

/** Source ids → region of the source, for lines that name only a source region. */
function sourceRegions(sandbox: Sandbox, ids: string[]): Map<string, string> {
  const regions = new Map<string, string>();
  for (const region of SOURCES) {
    for (const b of sandbox.backups(region)) {
      if (ids.includes(String(b.BackupId))) regions.set(String(b.BackupId), region);
    }
  }
  return regions;
}

/** True when a failed or skipped line of `result` accounts for (source, destination). */
function named(result: CopyResult, source: string, sourceRegion: string, destination: string): boolean {
  const covers = (line: CopyLine) =>
    (line.sourceBackupId === source &&
      (line.destinationRegion === destination || line.destinationRegion === undefined)) ||
    (line.sourceBackupId === undefined && line.sourceRegion === sourceRegion);
  return (
    result.failed.some(covers) ||
    result.deferred.some(covers) ||
    result.skipped.some((l) => covers(l) && l.reason !== 'outside-window')
  );
}

describe('copy under chaos', () => {
  it('never leaves two live copies, never claims a copy it did not make, names every gap, and converges', async () => {
    // Prepare
    test = await startTestSandbox({
      fleet: chaosFleet(),
      seed: 21,
      faults: chaosFaults(21),
      maxAttempts: 8,
      retryMode: 'adaptive',
    });
    const { sandbox, clients } = test;
    const candidates = copyCandidates(sandbox);
    const regionOf = sourceRegions(sandbox, candidates);
    const otherCopies = Object.fromEntries(
      DRS.map((r) => [r, [...liveCopies(sandbox, r)].filter(([s]) => !candidates.includes(s))]),
    );
    const config = parseCopyConfig({ regions: SOURCES.join(','), drRegions: DRS.join(',') });
    const deps = {
      clients,
      now: () => sandbox.clock.now(),
      sleep: async (ms: number) => sandbox.clock.advance(ms),
      tuning: { claimSettleMs: 400 },
    };

    // Act: scheduled runs, the clock moving past the claim TTL between them (at most 6).
    const runs: { result: CopyResult; exitCode: number; live: Record<string, Map<string, number>> }[] = [];
    for (let i = 0; i < 6; i++) {
      const result = await runCopy(deps, config, DateTime.fromISO(NOW, { zone: 'utc' }));
      runs.push({
        result,
        exitCode: copyRunFailed(result) ? 1 : 0,
        live: Object.fromEntries(DRS.map((r) => [r, liveCopies(sandbox, r)])),
      });
      const unfinished = result.deferred.length > 0;
      if (result.failed.length === 0 && !unfinished) break;
      sandbox.clock.advance(CLAIM_TTL_MS + 60_000);
    }

    // Assess: after every run
    expect(candidates).toHaveLength(9);
    for (const { result, exitCode, live } of runs) {
      for (const region of DRS) {
        expect([...live[region]!.values()].every((n) => n === 1)).toBe(true);
        expect([...live[region]!].filter(([s]) => !candidates.includes(s))).toEqual(otherCopies[region]);
      }
      for (const line of result.copied)
        expect(live[line.destinationRegion!]!.get(line.sourceBackupId!)).toBe(1);
      for (const source of candidates) {
        for (const region of DRS) {
          if (live[region]!.has(source)) continue;
          expect(named(result, source, regionOf.get(source)!, region), `${source} → ${region}`).toBe(true);
        }
      }
      expect(exitCode).toBe(
        result.failed.length > 0 || result.notReady.length > 0 || result.deferred.length > 0 ? 1 : 0,
      );
    }

    // Assess: the end state, and that the faults really happened
    const last = runs.at(-1)!;
    expect(last.exitCode).toBe(0);
    for (const region of DRS) {
      expect([...last.live[region]!.keys()].filter((s) => candidates.includes(s)).sort()).toEqual(candidates);
    }
    const log = sandbox.requests();
    expect(log.some((r) => r.errorCode === 'ThrottlingException')).toBe(true);
    expect(log.some((r) => r.operation === 'CopyBackupToRegion' && r.status === 500)).toBe(true);
    const copied = runs.flatMap((r) => r.result.copied);
    expect(copied.some((l) => l.recovered || (l.attempts ?? 1) > 1)).toBe(true);
  });
});
