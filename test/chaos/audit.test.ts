/**
 * Chaos for audit --publish, through the CLI: throttling, 20% internal failures, 5% lost
 * responses and added latency on every service, seeded. Every finding reaches EventBridge,
 * or the run exits 1 naming it. A finding arrives more than once only when a PutEvents call
 * carrying it was answered 500 after EventBridge took it (a lost response: the SDK resends,
 * and PutEvents has no idempotency key), and then no more often than such calls allow.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { CHECKS } from '../../lib/checks/index.js';
import type { Sandbox } from '../../sandbox/index.js';
import { runCli as cli } from '../support/cli.js';
import { chaosFaults, chaosFleet, DR, NOW, SOURCES } from '../support/fleet.js';
import { startTestSandbox, type TestSandbox } from '../support/sandbox.js';

interface AuditDocument {
  runId: string;
  findings: { findingId: string; status: string; checkId: string }[];
  errors: { message: string }[];
  publish: { published: number; failed: { event: string }[] };
}

let test: TestSandbox | undefined;
afterEach(async () => {
  await test?.close();
  test = undefined;
});

/** Finding id → PutEvents calls that carried it and were answered 500 (outcome unknown to the caller). */
function ambiguousCalls(sandbox: Sandbox): Map<string, number> {
  const counts = new Map<string, number>();
  for (const request of sandbox.requests()) {
    if (request.operation !== 'PutEvents' || request.status !== 500) continue;
    for (const entry of (request.params as { Entries: { Detail: string }[] }).Entries) {
      const id = (JSON.parse(entry.Detail) as { findingId?: string }).findingId ?? 'summary';
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
  }
  return counts;
}

describe('audit under chaos', () => {
  it.each([
    // Seeds chosen so PutEvents meets the faults early: with 17 the second call's answer is lost
    // (a duplicate is expected) and the third fails outright; with 49 calls fail back to back.
    { seed: 17, attempts: 8 },
    { seed: 49, attempts: 2 },
  ])(
    'seed $seed, $attempts attempts: publishes every finding at least once, duplicates only after lost answers, or names what it lost',
    async ({ seed, attempts }) => {
      // Prepare
      test = await startTestSandbox({ fleet: chaosFleet(), seed, faults: chaosFaults(seed, 3, 'all') });
      const { sandbox } = test;

      // Act
      const run = await cli([
        'audit',
        '--endpoint',
        sandbox.url,
        '--region',
        SOURCES.join(','),
        '--dr-region',
        DR,
        '--publish',
        '--event-bus',
        'ops-feed',
        '--now',
        NOW,
        '--max-attempts',
        String(attempts),
        '--json',
      ]);

      // Assess
      const doc = JSON.parse(run.stdout) as AuditDocument;
      const lost = doc.publish.failed.map((f) => f.event);
      const received = sandbox.events();
      const deliveries = new Map<string, number>();
      for (const event of received) {
        const detail = event.detail as { findingId?: string; runId: string };
        expect(detail.runId).toBe(doc.runId);
        const id = detail.findingId ?? 'summary';
        deliveries.set(id, (deliveries.get(id) ?? 0) + 1);
      }
      const ambiguous = ambiguousCalls(sandbox);
      const ids = [...doc.findings.map((f) => f.findingId), 'summary'];
      expect(new Set(deliveries.keys()).size).toBeLessThanOrEqual(ids.length);
      for (const id of deliveries.keys()) expect(ids).toContain(id);
      for (const id of ids) {
        const named = lost.some((event) =>
          id === 'summary' ? /Run Summary/.test(event) : event.includes(id),
        );
        if (named) {
          expect(run.stderr).toContain(id === 'summary' ? 'CloudHSM Run Summary' : id);
        } else {
          expect(deliveries.get(id) ?? 0, id).toBeGreaterThanOrEqual(1);
          expect(deliveries.get(id) ?? 0, id).toBeLessThanOrEqual(1 + (ambiguous.get(id) ?? 0));
        }
      }
      const complete = doc.errors.length === 0 && lost.length === 0;
      expect(run.code).toBe(complete ? 0 : 1);
      if (!complete) expect(run.stderr).toMatch(/audit failed: /);
      for (const error of doc.errors) expect(run.stderr).toContain(error.message);
      if (doc.errors.length === 0) expect(doc.findings).toHaveLength(5 * CHECKS.length);
      const log = sandbox.requests();
      expect(log.some((r) => r.errorCode === 'ThrottlingException')).toBe(true);
      expect(log.some((r) => r.operation === 'PutEvents' && r.status === 500)).toBe(true);
      if (attempts === 8) {
        expect(run.code).toBe(0);
        expect([...deliveries.values()].some((n) => n > 1)).toBe(true);
      }
    },
  );
});
