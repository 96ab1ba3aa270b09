/**
 * Copy and prune units run under a fresh run id each; every event they publish carries the
 * organization run's id as `dispatchRunId`, so one rule on the hub's bus can group a run's units.
 * Against the sandbox's organization (test/support/org-fleet.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../sandbox/index.js';
import { runCli } from '../support/cli.js';
import { NOW } from '../support/fleet.js';
import { MANAGEMENT, orgFleet, PAYMENTS } from '../support/org-fleet.js';

interface OrgDoc {
  runId: string;
  units: { account: string; exitCode: number; result: { runId: string; dispatchRunId: string } }[];
}

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ fleet: orgFleet() });
});
afterAll(() => sandbox?.close());

const cli = (args: string[]) => runCli([...args, '--endpoint', sandbox.url, '--now', NOW]);

describe('dispatchRunId in every event of a copy or prune unit', () => {
  it.each([
    ['prune', ['--older-than', '1d', '--publish']],
    ['copy', ['--dr-region', 'us-west-2', '--dry-run', '--publish', '--event-bus', 'default']],
  ] as const)('%s', async (job, extra) => {
    const before = sandbox.events().length;
    const run = await cli([
      job,
      '--region',
      'us-east-1',
      '--accounts',
      `${PAYMENTS},${MANAGEMENT}`,
      ...extra,
      '--json',
    ]);
    expect(run.code).toBe(0);
    const doc = JSON.parse(run.stdout) as OrgDoc;
    const events = sandbox.events().slice(before);
    expect(events.length).toBeGreaterThanOrEqual(doc.units.length);
    const unitRunIds = new Map(doc.units.map((u) => [u.account, u.result.runId]));
    for (const event of events) {
      const detail = event.detail as { account: string; runId: string; dispatchRunId?: string };
      expect(detail.dispatchRunId).toBe(doc.runId);
      expect(detail.runId).toBe(unitRunIds.get(detail.account));
    }
    expect(new Set(events.map((e) => (e.detail as { account: string }).account))).toEqual(
      new Set([PAYMENTS, MANAGEMENT]),
    );
  });
});
