/**
 * `npm run package`'s own arguments (scripts/package.mjs): bad ones are refused with exit 2 and a
 * message naming the flag and its accepted form, before osls is run.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('../..', import.meta.url).pathname;

/** Runs the script with a PATH that has no osls, so a run that got past its checks would show. */
function packageWith(args: string[]) {
  const run = spawnSync(process.execPath, ['scripts/package.mjs', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { PATH: '/nonexistent' },
    timeout: 20_000,
  });
  return { status: run.status, stderr: run.stderr };
}

describe('npm run package refuses bad arguments before running osls', () => {
  it.each([
    [['--package'], /--package needs a directory/],
    [['--package='], /--package needs a directory/],
    [['--package', '--verbose'], /--package needs a directory/],
    [['--param=organization=true'], /packages both modes: leave out --param="organization=\.\.\."/],
  ])('%j', (args, message) => {
    const run = packageWith(args);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toMatch(/osls package .* failed/);
    expect(run.status).toBe(2);
  });
});
