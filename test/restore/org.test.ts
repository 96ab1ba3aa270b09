/**
 * Undoing a member account's prune: the CLI signs with the hub's credentials, so `restore`
 * reaches a member account only through `--accounts <id>` (the member role, as prune reached
 * it); without it the run is looked for in the hub, and the message says which account it
 * looked in.
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

const cli = (args: string[]) => runCli([...args, '--endpoint', sandbox.url, '--now', NOW]);
const states = (account: string) =>
  new Map(sandbox.backups('us-east-1', account).map((b) => [b.BackupId as string, b.BackupState as string]));

describe('restore --accounts: undoing a member account’s prune', () => {
  it('restores the member’s backups by the unit’s run id; without --accounts it says it looked in the hub', async () => {
    const before = states(PAYMENTS);
    const pruned = await cli([
      'prune',
      '--region',
      'us-east-1',
      '--accounts',
      PAYMENTS,
      '--older-than',
      '1d',
      '--execute',
      '--json',
    ]);
    expect(pruned.code).toBe(0);
    const unit = (JSON.parse(pruned.stdout) as { units: { result: { runId: string } }[] }).units[0]!;
    const runId = unit.result.runId;
    const deleted = [...states(PAYMENTS)]
      .filter(([id, s]) => s === 'PENDING_DELETION' && before.get(id) !== 'PENDING_DELETION')
      .map(([id]) => id);
    expect(deleted.length).toBeGreaterThan(0);

    const inHub = await cli(['restore', '--region', 'us-east-1', '--run-id', runId]);
    expect(inHub.code).toBe(2);
    expect(inHub.stderr).toMatch(new RegExp(`account ${MANAGEMENT}`));
    expect(inHub.stderr).toMatch(/--accounts/);

    sandbox.clearRequests();
    const restored = await cli([
      'restore',
      '--region',
      'us-east-1',
      '--run-id',
      runId,
      '--accounts',
      PAYMENTS,
    ]);
    expect(restored.code).toBe(0);
    expect(restored.stdout).toMatch(new RegExp(`${deleted.length} restored, 0 failed`));
    expect(states(PAYMENTS)).toEqual(before);
    const restores = sandbox.requests().filter((r) => r.operation === 'RestoreBackup');
    expect(new Set(restores.map((r) => r.account))).toEqual(new Set([PAYMENTS]));
    expect(sandbox.requests().filter((r) => r.operation === 'AssumeRole')).toHaveLength(1);
  });

  it('a run id unknown in the member account names that account', async () => {
    const run = await cli([
      'restore',
      '--region',
      'us-east-1',
      '--run-id',
      '0b6f3c1e-3f1a-4c7e-9d2b-5a8e4f1c2d3b',
      '--accounts',
      PAYMENTS,
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(new RegExp(`no backup in us-east-1 of account ${PAYMENTS} carries`));
  });

  it('takes one account, and --role-name / --external-id only with it', async () => {
    const base = ['restore', '--region', 'us-east-1', '--deleted-since', '1d'];
    const two = await cli([...base, '--accounts', `${PAYMENTS},${MANAGEMENT}`]);
    expect(two.code).toBe(2);
    expect(two.stderr).toMatch(/--accounts takes one account for restore/);
    const alone = await cli([...base, '--role-name', 'ops-member']);
    expect(alone.code).toBe(2);
    expect(alone.stderr).toMatch(/--role-name needs --accounts\n/); // restore has no --organization
  });
});
