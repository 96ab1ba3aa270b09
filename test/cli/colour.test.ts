/**
 * Colour only on a terminal: no escape codes when stdout is not a TTY (a pipe, a file, CI's
 * log), whatever CI variables say, nor when NO_COLOR is set; FORCE_COLOR still forces them.
 * The CLI runs as a real process: colour libraries decide at module load.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_NOW } from '../../sandbox/fleets/demo.js';
import { buildCliBundle, type CliBundle } from '../support/cli-process.js';
import { startTestSandbox, type TestSandbox } from '../support/sandbox.js';

const ESCAPE = String.fromCharCode(27);

let test: TestSandbox;
let cli: CliBundle;
beforeAll(async () => {
  [test, cli] = await Promise.all([startTestSandbox({ fleet: 'demo' }), buildCliBundle('colour')]);
});
afterAll(async () => {
  cli?.remove();
  await test?.close();
});

const COMMANDS: [string, string[]][] = [
  [
    'copy --dry-run',
    ['copy', '--region', 'us-east-1', '--dr-region', 'us-west-2', '--dry-run', '--now', DEMO_NOW],
  ],
  ['prune (dry run)', ['prune', '--region', 'us-west-2', '--older-than', '90d', '--now', DEMO_NOW]],
  ['audit', ['audit', '--region', 'us-east-1', '--now', DEMO_NOW]],
  ['inventory', ['inventory', '--region', 'us-east-1']],
];

const run = (args: string[], env: Record<string, string | undefined>) =>
  cli.run([...args, '--endpoint', test.sandbox.url], env);

describe('colour', () => {
  it.each(COMMANDS)('%s writes no escape codes to a pipe, even with CI set', async (_, args) => {
    const result = await run(args, { CI: 'true', NO_COLOR: undefined, FORCE_COLOR: undefined });
    expect(result.code).toBe(0);
    expect(result.stdout.length).toBeGreaterThan(0);
    expect(result.stdout).not.toContain(ESCAPE);
    expect(result.stderr).not.toContain(ESCAPE);
  });

  it.each(COMMANDS)('%s writes none under NO_COLOR, even with FORCE_COLOR', async (_, args) => {
    const result = await run(args, { NO_COLOR: '1', FORCE_COLOR: '1' });
    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain(ESCAPE);
  });

  it('FORCE_COLOR colours a pipe (for people who page with less -R)', async () => {
    const result = await run(COMMANDS[1]![1], { NO_COLOR: undefined, FORCE_COLOR: '1' });
    expect(result.stdout).toContain(ESCAPE);
  });
});
