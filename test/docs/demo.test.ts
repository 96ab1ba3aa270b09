/**
 * `npm start` is the README's first promise: the demo tour runs every job against the embedded
 * sandbox and exits 0. Run in-process, with copies finishing at once.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

/** The output of the step whose title starts with `title`, up to the next step. */
function stepOutput(stdout: string, title: string): string {
  const start = stdout.search(new RegExp(`━━ \\d+/\\d+ ${title}`));
  expect(start, `no step "${title}"`).toBeGreaterThanOrEqual(0);
  const next = stdout.indexOf('━━ ', start + 3);
  return stdout.slice(start, next === -1 ? undefined : next);
}

describe('the demo (npm start)', () => {
  it('runs every step, exits 0 and shows what the feed carried', { timeout: 180_000 }, async () => {
    // Act
    const reportFile = join(mkdtempSync(join(tmpdir(), 'demo-report-')), 'fleet.html');
    const run = await runCli(['demo', '--copy-delay-seconds', '0', '--report-file', reportFile]);

    // Assess
    expect({ code: run.code, stderr: run.stderr.slice(-2000) }).toMatchObject({ code: 0 });
    const steps = [...run.stdout.matchAll(/━━ (\d+)\/(\d+) /g)].map((m) => Number(m[1]));
    expect(steps.length).toBeGreaterThanOrEqual(8);
    expect(steps).toEqual(steps.map((_, i) => i + 1));
    for (const command of ['inventory', 'audit', 'copy', 'prune', 'restore'])
      expect(run.stdout).toContain(`$ cloudhsm-ops ${command} `);
    expect(run.stdout).toMatch(/CloudHSM Finding/);
    // The audit step shows the duplicate DR copies another script made (issue 17).
    expect(run.stdout).toMatch(/│ MEDIUM\s+│ FAILED\s+│ duplicate-dr-copies\s+│ us-west-2: 2 source backups/);
    // The audit step shows the KMS key stores: one FAILED (with its error code), one on too few zones (issue 14).
    const audit = stepOutput(run.stdout, 'Audit against best practice');
    expect(audit).toContain('--security-hub');
    expect(audit).toMatch(/│ HIGH\s+│ FAILED\s+│ key-store-connection\s+│ cks-0a1b2c3d4e5f60002/);
    expect(audit).toMatch(/│ HIGH\s+│ FAILED\s+│ key-store-capacity\s+│ cluster cluster-sameazledger/);
    expect(audit).toMatch(/Imported \d+ finding\(s\) into Security Hub in us-east-1, eu-west-1/);
    // ... and what the sandbox's Security Hub then holds.
    const hub = run.stdout.slice(run.stdout.indexOf('━━ Security Hub'));
    expect(hub).toMatch(/us-east-1: \d+ findings? \(\d+ FAILED, \d+ PASSED/);
    expect(hub).toMatch(/HIGH\s+key-store-connection\s+cluster-partialsubnet/);
    // ... and its prune (issue 17): the three extra copies, nothing else, then deleted and restored.
    const dedupe = stepOutput(run.stdout, 'Prune the duplicate DR copies the audit found');
    expect(dedupe).toContain('$ cloudhsm-ops prune --region us-west-2 --duplicate-copies ');
    expect(dedupe).toMatch(/: 3 to delete, /);
    const real = stepOutput(run.stdout, 'Prune for real');
    expect(real).toMatch(/\$ cloudhsm-ops prune .*--duplicate-copies .*--execute/);
    const extras = [...dedupe.matchAll(/^(backup-\w+) \(copy\).* DELETE +extra copy of /gm)].map((m) => m[1]);
    expect(extras).toHaveLength(3);
    for (const id of extras) expect(real).toMatch(new RegExp(`^deleted ${id} `, 'm'));
    const restored = stepOutput(run.stdout, 'Undo');
    for (const id of extras) expect(restored).toContain(id!);
    expect(run.stdout).toMatch(/CloudHSM Backup Deleted/);
    expect(run.stdout).toMatch(/CloudHSM Backup Restored/);
    // The organization step (issue 13): the demo organization audited account by account; the
    // account whose member role was never deployed is named, and the tour still ends well.
    const org = stepOutput(run.stdout, 'Audit an organization');
    expect(org).toMatch(/\$ cloudhsm-ops audit .*--organization/);
    expect(org).toMatch(/^222222222222\s+payments\s+us-east-1\s+ok\s+\d+ cluster/m);
    expect(org).toMatch(/^333333333333\s+europe\s+eu-west-1\s+ok\s+\d+ cluster/m);
    expect(org).toMatch(
      /^444444444444\s+legacy\s+ap-southeast-2\s+FAILED\s+account 444444444444: sts:AssumeRole/m,
    );
    expect(run.stderr).toMatch(/unit failed: 444444444444 \(legacy\) ap-southeast-2: .*AccessDenied/);
    // It ends by writing the demo fleet's report (issue 15) and printing its path.
    expect(run.stdout.trimEnd().split('\n').at(-1)).toBe(`The demo fleet's report: ${reportFile}`);
    expect(readFileSync(reportFile, 'utf8')).toMatch(
      /^<!DOCTYPE html>[\s\S]*cluster-paymentsprod[\s\S]*<\/html>\n$/,
    );
  });
});
