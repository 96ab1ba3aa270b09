/**
 * `npm start` as it ships: the demo tour run by the bundled CLI (split chunks, as scripts/build.mjs
 * builds dist/cli) in a child process. The in-process demo test runs the sources, where a lazily
 * imported CommonJS package has named exports; in the split bundle it has a default export only,
 * and a step that destructured one failed there alone.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCliBundle, type CliBundle } from '../support/cli-process.js';

let cli: CliBundle;
beforeAll(async () => {
  cli = await buildCliBundle('demo');
}, 120_000);
afterAll(() => cli?.remove());

describe('the demo as npm start runs it (the bundled CLI)', () => {
  it('runs every step to the end and exits 0, Security Hub step included', async () => {
    const reportFile = join(mkdtempSync(join(tmpdir(), 'demo-process-')), 'fleet.html');
    const run = await cli.run(['demo', '--copy-delay-seconds', '0', '--report-file', reportFile]);
    expect(run.stderr).not.toMatch(/TypeError|is not a function|is not a constructor/);
    expect(run.stdout).toMatch(/us-east-1: \d+ findings \(\d+ FAILED, \d+ PASSED/);
    expect(run.stdout.trimEnd().split('\n').at(-1)).toBe(`The demo fleet's report: ${reportFile}`);
    expect(run.code).toBe(0);
  }, 120_000);
});
