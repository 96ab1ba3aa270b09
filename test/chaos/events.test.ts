/**
 * EventBridge partial failures: PutEvents accepts the call but fails a share of its entries
 * (InternalFailure / ThrottlingException, FailedEntryCount set). At 30% every event must end
 * up delivered exactly once after retries, or the run must exit 1 naming each one it lost; at
 * 100% the second must happen. Failed entries are not recorded by the sandbox, so a retry
 * can never duplicate one.
 */
import { DateTime } from 'luxon';
import { afterEach, describe, expect, it } from 'vitest';
import { CHECKS } from '../../lib/checks/index.js';
import { parseCopyConfig } from '../../lib/config/copy.js';
import { copyRunFailed, runCopy } from '../../lib/copy/execute.js';
import { runCli as cli } from '../support/cli.js';
import { chaosFleet, DR, NOW, SOURCES } from '../support/fleet.js';
import { startTestSandbox, type TestSandbox } from '../support/sandbox.js';

/** Five clusters, one finding per check each. */
const FINDINGS = 5 * CHECKS.length;

let test: TestSandbox | undefined;
afterEach(async () => {
  await test?.close();
  test = undefined;
});

async function sandboxFailing(rate: number, seed = 4) {
  test = await startTestSandbox({
    fleet: chaosFleet(),
    seed,
    faults: { seed, rules: [], putEventsEntryFailureRate: rate },
    maxAttempts: 8,
  });
  return test;
}

/** How many times each key was delivered, keyed by `key(detail)`. */
function deliveries(events: { detail: unknown }[], key: (detail: Record<string, unknown>) => string) {
  const counts = new Map<string, number>();
  for (const event of events) {
    const k = key(event.detail as Record<string, unknown>);
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return counts;
}

const putEventsCalls = (t: TestSandbox) => t.sandbox.requests().filter((r) => r.operation === 'PutEvents');

describe('audit --publish with PutEvents failing entries', () => {
  const args = (url: string) => [
    'audit',
    '--endpoint',
    url,
    '--region',
    SOURCES.join(','),
    '--dr-region',
    DR,
    '--publish',
    '--now',
    NOW,
    '--json',
  ];

  it('30% of entries failing: every finding and the summary exactly once, or exit 1 naming the lost', async () => {
    // Prepare
    const t = await sandboxFailing(0.3);
    // Act
    const run = await cli(args(t.sandbox.url));
    // Assess
    const doc = JSON.parse(run.stdout) as {
      findings: { findingId: string }[];
      publish: { failed: { event: string }[] };
    };
    const lost = doc.publish.failed.map((f) => f.event);
    const counts = deliveries(t.sandbox.events(), (d) => String(d.findingId ?? 'summary'));
    for (const id of [...doc.findings.map((f) => f.findingId), 'summary']) {
      const named = lost.some((e) => (id === 'summary' ? e.includes('Run Summary') : e.includes(id)));
      expect(counts.get(id) ?? 0, id).toBe(named ? 0 : 1);
      if (named) expect(run.stderr).toContain(id === 'summary' ? 'CloudHSM Run Summary' : id);
    }
    expect(run.code).toBe(lost.length === 0 ? 0 : 1);
    expect(doc.findings).toHaveLength(FINDINGS);
    expect(putEventsCalls(t).length).toBeGreaterThan(Math.ceil((FINDINGS + 1) / 10));
  });

  it('every entry failing: exit 1, stderr says how many were lost and names them, the JSON names all', async () => {
    // Prepare
    const t = await sandboxFailing(1);
    // Act
    const run = await cli(args(t.sandbox.url));
    // Assess
    const doc = JSON.parse(run.stdout) as {
      findings: { findingId: string }[];
      publish: { failed: { event: string; errorCode: string }[] };
    };
    expect(run.code).toBe(1);
    expect(t.sandbox.events()).toEqual([]);
    expect(run.stderr).toMatch(
      new RegExp(
        `error: ${FINDINGS + 1} event\\(s\\) were NOT delivered to EventBridge bus "default" in us-east-1`,
      ),
    );
    expect(run.stderr).toMatch(new RegExp(`audit failed: .*${FINDINGS + 1} event\\(s\\) not delivered`));
    const named = doc.findings.filter((f) => run.stderr.includes(f.findingId));
    expect(named.length).toBeGreaterThanOrEqual(20);
    expect(run.stderr).toMatch(new RegExp(`\\.\\.\\. and ${FINDINGS + 1 - 20} more`));
    expect(doc.publish.failed).toHaveLength(FINDINGS + 1);
    for (const finding of doc.findings) {
      expect(doc.publish.failed.some((f) => f.event.includes(finding.findingId))).toBe(true);
    }
    expect(new Set(doc.publish.failed.map((f) => f.errorCode))).toEqual(
      new Set(['InternalFailure', 'ThrottlingException']),
    );
  });
});

describe('prune --execute --publish with PutEvents failing entries', () => {
  const args = (url: string, region: string) => [
    'prune',
    '--endpoint',
    url,
    '--region',
    region,
    '--older-than',
    '300d',
    '--max-deletions',
    '1000',
    '--execute',
    '--publish',
    '--now',
    NOW,
    '--json',
  ];

  it.each([
    { rate: 0.3, region: SOURCES.join(',') },
    { rate: 1, region: 'eu-west-1' },
  ])(
    '$rate of entries failing: one "Backup Deleted" per deletion, or exit 1 naming each lost one',
    async ({ rate, region }) => {
      // Prepare
      const t = await sandboxFailing(rate);
      // Act
      const run = await cli(args(t.sandbox.url, region));
      // Assess
      const doc = JSON.parse(run.stdout) as {
        result: { succeeded: { backupId: string }[]; failed: unknown[] };
        events: { lost: string[] };
      };
      const deleted = doc.result.succeeded.map((o) => o.backupId);
      expect(deleted.length).toBeGreaterThan(5);
      expect(doc.result.failed).toEqual([]);
      const counts = deliveries(t.sandbox.events(), (d) => String(d.backupId));
      const lost = doc.events.lost.join('\n');
      for (const id of deleted) {
        const named = lost.includes(id);
        expect(counts.get(id) ?? 0, id).toBe(named ? 0 : 1);
        if (named) expect(run.stderr).toContain(id);
      }
      expect(run.code).toBe(lost === '' ? 0 : 1);
      if (rate === 1) {
        expect(run.code).toBe(1);
        // Every Backup Deleted event and the run's one Run Summary.
        expect(run.stderr).toContain(`${deleted.length + 1} event(s) were NOT delivered`);
      }
    },
  );
});

describe('copy --publish with PutEvents failing entries', () => {
  it.each([0.3, 1])(
    '%s of entries failing: one "Backup Copied" per copy, or the run fails naming each lost one',
    async (rate) => {
      // Prepare
      const { sandbox, clients } = await sandboxFailing(rate);
      const config = parseCopyConfig({
        regions: SOURCES.join(','),
        drRegions: [DR, 'eu-central-1'].join(','),
        publish: 'true',
      });
      // Act
      const result = await runCopy(
        {
          clients,
          now: () => sandbox.clock.now(),
          sleep: async (ms) => sandbox.clock.advance(ms),
          tuning: { claimSettleMs: 200 },
        },
        config,
        DateTime.fromISO(NOW, { zone: 'utc' }),
      );
      // Assess
      expect(result.copied).toHaveLength(18);
      const counts = deliveries(sandbox.events(), (d) => `${d.sourceBackupId} → ${d.destinationRegion}`);
      const lost = result.events!.failed.map((f) => f.event);
      for (const line of result.copied) {
        const key = `${line.sourceBackupId} → ${line.destinationRegion}`;
        const named = lost.some(
          (event) => event.includes(line.sourceBackupId!) && event.includes(line.destinationRegion!),
        );
        expect(counts.get(key) ?? 0, key).toBe(named ? 0 : 1);
      }
      expect(copyRunFailed(result)).toBe(lost.length > 0);
      if (rate === 1) expect(lost).toHaveLength(18 + 1); // every copy, and the Run Summary
    },
  );
});
