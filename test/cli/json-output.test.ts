/**
 * `--json`: stdout carries exactly one JSON document, on success and on error alike
 * (`{"error": {...}, "exitCode": N}`), and stderr carries only logs.
 */
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

/** The one JSON document stdout must hold. */
function documentOf(stdout: string): Record<string, unknown> {
  return JSON.parse(stdout) as Record<string, unknown>;
}

describe('--json on error', () => {
  it.each([
    [['prune', '--region', 'us-east-9', '--older-than', '90d', '--json'], /not a known AWS region/],
    [['copy', '--region', 'us-east-1', '--json'], /no --dr-region given/],
    [['audit', '--region', 'us-east-1', '--fail-on', 'SEVERE', '--json'], /severity "SEVERE"/],
    [['restore', '--region', 'us-east-1', '--json'], /backup-id|deleted-since/],
    [['report', '--region', 'us-east-1', '--json', '--days', '0'], /--days must be between 1 and 400/],
  ])('bad input %j: one JSON document with the error and exit code 2', async (args, message) => {
    // Act
    const run = await runCli(args);

    // Assess
    expect(run.code).toBe(2);
    const document = documentOf(run.stdout);
    expect(document).toMatchObject({ exitCode: 2, error: { kind: 'usage' } });
    expect(String((document.error as { message: string }).message)).toMatch(message);
    expect(run.stderr).toMatch(message);
  });

  it('an unknown option under --json: one JSON document, exit 2', async () => {
    const run = await runCli(['audit', '--region', 'us-east-1', '--json', '--bogus']);
    expect(run.code).toBe(2);
    expect(documentOf(run.stdout)).toMatchObject({ exitCode: 2, error: { kind: 'usage' } });
    expect(String((documentOf(run.stdout).error as { message: string }).message)).toMatch(/--bogus/);
  });

  it('a failed run under --json: one JSON document with the error and exit code 1', async () => {
    // Prepare: nothing listens on port 9, so the first call fails.
    const args = [
      'inventory',
      '--region',
      'us-east-1',
      '--endpoint',
      'http://127.0.0.1:9',
      '--max-attempts',
      '1',
    ];

    // Act
    const run = await runCli([...args, '--json']);

    // Assess
    expect(run.code).toBe(1);
    expect(documentOf(run.stdout)).toMatchObject({ exitCode: 1, error: { kind: 'failed' } });
  });

  it('without --json, stdout stays empty on error', async () => {
    const run = await runCli(['prune', '--region', 'us-east-9', '--older-than', '90d']);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
  });
});

describe('--json on success', () => {
  it('inventory --json: the JSON document on stdout and no human report on stderr', async () => {
    // Prepare
    const { startTestSandbox } = await import('../helpers/sandbox.js');
    const test = await startTestSandbox({ fleet: 'demo' });
    try {
      // Act
      const run = await runCli([
        'inventory',
        '--region',
        'us-east-1',
        '--endpoint',
        test.sandbox.url,
        '--json',
      ]);

      // Assess
      expect(run.code).toBe(0);
      expect(documentOf(run.stdout)).toHaveProperty('regions');
      expect(run.stderr).toBe('');
    } finally {
      await test.close();
    }
  });
});
