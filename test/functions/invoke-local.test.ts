/**
 * The local-invoke script documented in functions/README.md runs a handler against an
 * in-process sandbox and prints its outcome.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = new URL('../..', import.meta.url).pathname;

/** The pretty-printed report the script writes last on stdout. */
function reportOf(stdout: string): Record<string, unknown> {
  const lines = stdout.trimEnd().split('\n');
  return JSON.parse(lines.slice(lines.lastIndexOf('{')).join('\n'));
}

describe('functions/local/invoke.ts', () => {
  it('runs the prune handler on the demo fleet: a dry run by default, its plan published', async () => {
    // Act
    const { stdout } = await run(
      process.execPath,
      ['scripts/run-ts.mjs', 'functions/local/invoke.ts', 'prune'],
      {
        cwd: ROOT,
        env: { PATH: process.env.PATH },
      },
    );
    // Assess
    const report = reportOf(stdout);
    expect(report.result).toMatchObject({ job: 'prune', mode: 'dry-run', deleted: [] });
    expect((report.result as { planned: number }).planned).toBeGreaterThan(0);
    expect(report.eventsReceived).toEqual({
      'CloudHSM Prune Plan': expect.any(Number),
      'CloudHSM Run Summary': 1,
    });
  });

  it('exits 1 and reports the error when the environment is bad', async () => {
    // Act
    const running = run(
      process.execPath,
      ['scripts/run-ts.mjs', 'functions/local/invoke.ts', 'copy', '--env', 'COPY_SINCE=soon'],
      { cwd: ROOT, env: { PATH: process.env.PATH } },
    );
    // Assess
    const failure = (await running.then(
      () => undefined,
      (error: unknown) => error,
    )) as { code: number; stdout: string };
    expect(failure.code).toBe(1);
    expect(reportOf(failure.stdout).error).toMatchObject({
      name: 'ConfigurationError',
      message: expect.stringContaining('COPY_SINCE'),
    });
  });
});
