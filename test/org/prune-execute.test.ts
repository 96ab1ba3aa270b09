/**
 * prune --execute across accounts: the guardrails hold per unit (--max-deletions refuses a unit's
 * plan before its first delete), deletions happen in the member's account, and the run id that
 * undoes each unit is said before its first delete.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../sandbox/index.js';
import { runCli } from '../support/cli.js';
import { NOW } from '../support/fleet.js';
import { MANAGEMENT, orgFleet, PAYMENTS } from '../support/org-fleet.js';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ fleet: orgFleet() });
});
afterAll(() => sandbox?.close());

const prune = (extra: string[]) =>
  runCli([
    'prune',
    '--endpoint',
    sandbox.url,
    '--now',
    NOW,
    '--region',
    'us-east-1',
    '--accounts',
    `${MANAGEMENT},${PAYMENTS}`,
    '--older-than',
    '1d',
    '--execute',
    '--json',
    ...extra,
  ]);

interface PruneUnit {
  account: string;
  exitCode: number;
  result: { runId: string; plan: { counts: { delete: number } }; result?: { counts: { succeeded: number } } };
}

describe('prune --execute across accounts', () => {
  it('--max-deletions refuses a unit’s plan before any delete, and names the unit', async () => {
    const run = await prune(['--max-deletions', '1']);
    const doc = JSON.parse(run.stdout) as { units: PruneUnit[]; failedUnits: string[] };
    expect(run.code).toBe(1);
    expect(doc.failedUnits).toEqual([expect.stringMatching(/^222222222222 us-east-1: .*max-deletions/)]);
    expect(sandbox.requests().filter((r) => r.operation === 'DeleteBackup')).toEqual([]);
  });

  it('deletes in the member’s account only, keeping each lineage’s newest, and says the run id first', async () => {
    const before = sandbox.backups('us-east-1', PAYMENTS).filter((b) => b.BackupState === 'READY');
    sandbox.clearRequests();
    const run = await prune([]);
    const doc = JSON.parse(run.stdout) as { units: PruneUnit[] };
    expect(run.code).toBe(0);
    const unit = doc.units.find((u) => u.account === PAYMENTS)!;
    const planned = unit.result.plan.counts.delete;
    expect(planned).toBeGreaterThan(0);
    expect(unit.result.result!.counts.succeeded).toBe(planned);
    const deletes = sandbox.requests().filter((r) => r.operation === 'DeleteBackup');
    expect(deletes).toHaveLength(planned);
    expect(new Set(deletes.map((r) => r.account))).toEqual(new Set([PAYMENTS]));
    expect(run.stderr).toContain(
      `prune run ${unit.result.runId} in ${PAYMENTS} us-east-1: deleting up to ${planned} backup(s); this undoes it: ` +
        `cloudhsm-ops restore --region us-east-1 --run-id ${unit.result.runId} --accounts ${PAYMENTS} --endpoint ${sandbox.url} --now ${NOW}`,
    );
    // --keep-last 1 (the default) per lineage: every cluster that had a READY backup still has one.
    const after = sandbox.backups('us-east-1', PAYMENTS).filter((b) => b.BackupState === 'READY');
    const lineages = (list: Array<Record<string, unknown>>) => new Set(list.map((b) => b.ClusterId));
    expect(lineages(after)).toEqual(lineages(before));
  });
});
