/**
 * Chaos for prune, through the CLI: throttling, 20% internal failures, 5% lost responses and
 * added latency, all at once and seeded. Whatever a run manages, it deletes only what its plan
 * lists, never a guarded backup, and its exit code and messages say what it did not manage.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { runCli as cli } from '../support/cli.js';
import {
  changes,
  chaosFaults,
  chaosFleet,
  DR,
  NOW,
  pruneExpectation,
  SOURCES,
  states,
} from '../support/fleet.js';
import { startTestSandbox, type TestSandbox } from '../support/sandbox.js';

const REGIONS = [...SOURCES, DR];

interface PruneDocument {
  exitCode: number;
  plan: { entries: { backupId: string; decision: string }[] };
  result: {
    succeeded: { backupId: string; reason: string }[];
    failed: { backupId: string }[];
    skipped: { backupId: string }[];
  };
}

let test: TestSandbox | undefined;
afterEach(async () => {
  await test?.close();
  test = undefined;
});

describe('prune under chaos', () => {
  it.each([
    { attempts: 8, seed: 11, runs: 3 },
    { attempts: 2, seed: 5, runs: 20 },
  ])(
    'with $attempts attempts per call: deletes exactly its plan, nothing guarded, and reports honestly what it could not do',
    async ({ attempts, seed, runs: maxRuns }) => {
      // Prepare
      test = await startTestSandbox({ fleet: chaosFleet(), seed, faults: chaosFaults(seed) });
      const { sandbox } = test;
      const { deletable, guarded } = pruneExpectation(sandbox, REGIONS, 300);
      const initial = states(sandbox);
      // One cutoff for every run; each run starts 16 minutes after the one before, so the
      // records of a run cut off by the faults have lapsed (15 minutes) when the next one looks.
      const cutoff = new Date(Date.parse(NOW) - 300 * 86_400_000).toISOString();
      const args = (run: number) => [
        'prune',
        '--endpoint',
        sandbox.url,
        '--region',
        REGIONS.join(','),
        '--timestamp',
        cutoff,
        '--max-deletions',
        '1000',
        '--execute',
        '--json',
        '--now',
        new Date(Date.parse(NOW) + run * 16 * 60_000).toISOString(),
        '--max-attempts',
        String(attempts),
      ];

      // Act: the next scheduled run picks up whatever one run could not finish.
      const runs: { code: number; stderr: string; doc?: PruneDocument; changed: Map<string, string> }[] = [];
      for (let i = 0; i < maxRuns; i++) {
        const before = states(sandbox);
        const run = await cli(args(i));
        const doc = run.stdout.trim() ? (JSON.parse(run.stdout) as PruneDocument) : undefined;
        runs.push({ ...run, doc, changed: changes(before, states(sandbox)) });
        if (run.code === 0) break;
      }

      // Assess: every run
      expect(deletable.size).toBeGreaterThan(30);
      expect([...guarded].filter((id) => initial.get(id) === 'READY').length).toBeGreaterThan(10);
      let remaining = new Set(deletable);
      for (const { code, stderr, doc, changed } of runs) {
        if (!doc?.plan) {
          // The listing itself failed: nothing may have changed, and the run must say why (on
          // stderr, and as the --json error document on stdout).
          expect(doc).toMatchObject({ exitCode: 1, error: { kind: 'failed' } });
          expect(code).toBe(1);
          expect(stderr).toMatch(/error: (OperationError: )?listing the backups in [a-z0-9-]+ failed/);
          expect(changed.size).toBe(0);
          continue;
        }
        const planned = new Set(
          doc.plan.entries.filter((e) => e.decision === 'delete').map((e) => e.backupId),
        );
        expect(planned).toEqual(remaining);
        expect([...changed.values()].every((change) => change === 'READY→PENDING_DELETION')).toBe(true);
        expect([...changed.keys()].filter((id) => !planned.has(id))).toEqual([]);
        expect([...changed.keys()].filter((id) => guarded.has(id))).toEqual([]);
        const succeeded = new Set(doc.result.succeeded.map((o) => o.backupId));
        const failed = doc.result.failed.map((o) => o.backupId);
        expect([...succeeded].filter((id) => states(sandbox).get(id) !== 'PENDING_DELETION')).toEqual([]);
        expect([...changed.keys()].filter((id) => !succeeded.has(id) && !failed.includes(id))).toEqual([]);
        expect(doc.exitCode).toBe(code);
        if (code === 0) {
          expect(failed).toEqual([]);
          expect(new Set(changed.keys())).toEqual(planned);
        } else {
          expect(code).toBe(1);
          expect(failed.length).toBeGreaterThan(0);
          for (const id of failed) expect(stderr).toContain(id);
        }
        remaining = new Set([...remaining].filter((id) => !changed.has(id)));
      }

      // Assess: the end state, and that the faults really happened
      expect(runs.at(-1)!.code).toBe(0);
      expect(new Set(changes(initial, states(sandbox)).keys())).toEqual(deletable);
      const log = sandbox.requests();
      const deletes = log.filter((r) => r.operation === 'DeleteBackup');
      expect(log.some((r) => r.errorCode === 'ThrottlingException')).toBe(true);
      expect(deletes.some((r) => r.status === 500)).toBe(true);
      const recovered = runs
        .flatMap((r) => r.doc?.result?.succeeded ?? [])
        .filter((o) => o.reason !== 'deleted');
      if (attempts === 8) expect(recovered.length).toBeGreaterThan(0);
      if (attempts === 2) expect(runs.some((r) => r.code === 1 && r.doc?.result)).toBe(true);
    },
  );
});
