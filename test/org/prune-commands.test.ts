/**
 * prune across accounts says, per unit, what the single-account prune says: the plan, the
 * command that applies it (scoped to the unit's account and region, the cutoff pinned as a
 * --timestamp), and after --execute the exact command that undoes it (restore --accounts).
 * Each printed command is run here as printed.
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

const common = () => ['--endpoint', sandbox.url, '--now', NOW];
const dryRun = (extra: string[]) =>
  runCli([
    'prune',
    '--region',
    'us-east-1',
    '--accounts',
    `${MANAGEMENT},${PAYMENTS}`,
    '--older-than',
    '1d',
    ...common(),
    ...extra,
  ]);
/** Runs a printed command line (its words need no quoting here). */
const runPrinted = (line: string) => {
  const words = line.trim().split(' ');
  expect(words[0]).toBe('cloudhsm-ops');
  return runCli(words.slice(1));
};
const states = () =>
  new Map(sandbox.backups('us-east-1', PAYMENTS).map((b) => [b.BackupId as string, b.BackupState as string]));

interface PruneUnit {
  account: string;
  result: {
    runId: string;
    plan: {
      cutoff: { utc: string };
      counts: { delete: number };
      entries: { backupId: string; decision: string }[];
    };
    applyCommand?: string;
    undoCommand?: string;
    result?: { restoreCommands: string[] };
  };
}

describe('prune across accounts: the plan, the apply command and the undo command per unit', () => {
  it('a dry run prints each unit’s plan and a command to apply it, in text and in --json', async () => {
    const doc = JSON.parse((await dryRun(['--json'])).stdout) as { units: PruneUnit[] };
    const unit = doc.units.find((u) => u.account === PAYMENTS)!;
    const cutoff = unit.result.plan.cutoff.utc;
    const apply =
      `cloudhsm-ops prune --region us-east-1 --timestamp ${cutoff} --accounts ${PAYMENTS} ` +
      `--endpoint ${sandbox.url} --now ${NOW} --execute`;
    expect(unit.result.applyCommand).toBe(apply);

    const text = await dryRun([]);
    expect(text.code).toBe(0);
    const section = text.stdout.slice(text.stdout.indexOf(`== ${PAYMENTS}`));
    const doomed = unit.result.plan.entries.filter((e) => e.decision === 'delete').map((e) => e.backupId);
    expect(doomed.length).toBeGreaterThan(0);
    for (const id of doomed) expect(section).toContain(id);
    expect(section).toContain(`To apply this plan, run:\n  ${apply}`);

    // The printed command deletes what was reviewed, in that account only.
    const before = states();
    sandbox.clearRequests();
    const applied = await runPrinted(apply);
    expect(applied.code).toBe(0);
    const deletes = sandbox.requests().filter((r) => r.operation === 'DeleteBackup');
    expect(deletes.map((r) => (r.params as { BackupId: string }).BackupId).sort()).toEqual(
      [...doomed].sort(),
    );
    expect(new Set(deletes.map((r) => r.account))).toEqual(new Set([PAYMENTS]));

    // --execute across accounts says the exact undo command, which restores them.
    const runId = applied.stdout.match(/run id (\S+)/)?.[1];
    const undo = `cloudhsm-ops restore --region us-east-1 --run-id ${runId} --accounts ${PAYMENTS} --endpoint ${sandbox.url} --now ${NOW}`;
    expect(applied.stdout).toContain(`To undo this run (within the 7-day restore window):\n  ${undo}`);
    expect(applied.stderr).toContain(undo);
    const restored = await runPrinted(undo);
    expect(restored.code).toBe(0);
    expect(states()).toEqual(before);
  });

  it('--execute --json gives each unit its undo command', async () => {
    const run = await runCli([
      'prune',
      '--region',
      'us-east-1',
      '--accounts',
      PAYMENTS,
      '--older-than',
      '1d',
      '--execute',
      '--json',
      ...common(),
    ]);
    const unit = (JSON.parse(run.stdout) as { units: PruneUnit[] }).units[0]!;
    expect(unit.result.undoCommand).toBe(
      `cloudhsm-ops restore --region us-east-1 --run-id ${unit.result.runId} --accounts ${PAYMENTS} --endpoint ${sandbox.url} --now ${NOW}`,
    );
    expect(unit.result.applyCommand).toBeUndefined();
    // Each deletion's own restore command reaches the member account too.
    expect(unit.result.result!.restoreCommands.length).toBeGreaterThan(0);
    for (const command of unit.result.result!.restoreCommands)
      expect(command).toContain(`--accounts ${PAYMENTS} `);
  });
});
