/**
 * `npm start` is the README's first promise: the demo tour runs every job against the embedded
 * sandbox and exits 0. Run in-process, with copies finishing at once.
 */
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

describe('the demo (npm start)', () => {
  it('runs every step, exits 0 and shows what the feed carried', { timeout: 180_000 }, async () => {
    // Act
    const run = await runCli(['demo', '--copy-delay-seconds', '0']);

    // Assess
    expect({ code: run.code, stderr: run.stderr.slice(-2000) }).toMatchObject({ code: 0 });
    const steps = [...run.stdout.matchAll(/━━ (\d+)\/(\d+) /g)].map((m) => Number(m[1]));
    expect(steps.length).toBeGreaterThanOrEqual(7);
    expect(steps).toEqual(steps.map((_, i) => i + 1));
    for (const command of ['inventory', 'audit', 'copy', 'prune', 'restore'])
      expect(run.stdout).toContain(`$ cloudhsm-ops ${command} `);
    expect(run.stdout).toMatch(/CloudHSM Finding/);
    // The audit step shows the duplicate DR copies another script made (issue 17).
    expect(run.stdout).toMatch(/│ MEDIUM\s+│ FAILED\s+│ duplicate-dr-copies\s+│ us-west-2: 2 source backups/);
    expect(run.stdout).toMatch(/CloudHSM Backup Deleted/);
    expect(run.stdout).toMatch(/CloudHSM Backup Restored/);
  });
});
