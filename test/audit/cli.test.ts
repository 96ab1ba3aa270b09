import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { registerAudit } from '../../cli/commands/audit.js';
import { CHECKS } from '../../lib/checks/index.js';
import { startTestSandbox, type TestSandbox } from '../support/sandbox.js';

const NOW = '2026-11-29T12:00:00Z';

/** Runs `cloudhsm-ops audit …` in-process and captures what it prints and its exit code. */
async function audit(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const program = new Command('cloudhsm-ops').exitOverride();
  registerAudit(program);
  for (const command of program.commands) command.exitOverride();
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
  process.exitCode = undefined;
  try {
    await program.parseAsync(['node', 'cloudhsm-ops', 'audit', ...args]);
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
  const code = Number(process.exitCode ?? 0);
  process.exitCode = undefined;
  return { code, stdout, stderr };
}

let test: TestSandbox | undefined;
beforeEach(() => {
  vi.stubEnv('NO_COLOR', '');
  vi.stubEnv('FORCE_COLOR', undefined);
});
afterEach(async () => {
  vi.unstubAllEnvs();
  await test?.close();
  test = undefined;
});

describe('cloudhsm-ops audit', () => {
  it('prints a table per cluster without colour when not on a terminal, and a summary line', async () => {
    // Prepare
    test = await startTestSandbox({ fleet: 'demo' });
    // Act
    const run = await audit([
      '--endpoint',
      test.sandbox.url,
      '--region',
      'eu-west-1',
      '--dr-region',
      'us-west-2',
      '--now',
      NOW,
    ]);
    // Assess
    expect(run.code).toBe(0);
    expect(run.stdout.includes('\u001b[')).toBe(false);
    expect(run.stdout).toContain('cluster-degradedeuro  eu-west-1  DEGRADED');
    expect(run.stdout).toMatch(/│ HIGH\s+│ FAILED\s+│ degraded\s+│ cluster is DEGRADED/);
    expect(run.stdout).toMatch(
      /Audited 2 clusters in 1 region \(eu-west-1\) in \d+\.\ds: 36 findings, 6 FAILED \(1 CRITICAL, 4 HIGH, 1 MEDIUM\), 23 PASSED, 7 NOT_APPLICABLE/,
    );
  });

  it('prints the findings as JSON and exits 1 when --fail-on trips', async () => {
    // Prepare
    test = await startTestSandbox({ fleet: 'demo' });
    // Act
    const run = await audit([
      '--endpoint',
      test.sandbox.url,
      '--region',
      'us-east-1',
      '--dr-region',
      'us-west-2',
      '--now',
      NOW,
      '--json',
      '--fail-on',
      'critical',
    ]);
    // Assess
    expect(run.code).toBe(1);
    const document = JSON.parse(run.stdout);
    expect(document.findings).toHaveLength(5 * CHECKS.length);
    expect(
      document.findings.filter(
        (f: { severity: string; status: string }) => f.status === 'FAILED' && f.severity === 'CRITICAL',
      ),
    ).toHaveLength(1);
    expect(run.stderr).toContain('audit failed: 1 FAILED finding(s) at or above CRITICAL');
  });

  it('exits 0 with --fail-on when nothing reaches the threshold', async () => {
    test = await startTestSandbox({ fleet: 'demo' });
    const run = await audit([
      '--endpoint',
      test.sandbox.url,
      '--region',
      'eu-west-1',
      '--dr-region',
      'us-west-2',
      '--now',
      NOW,
      '--fail-on',
      'HIGH',
    ]);
    expect(run.code).toBe(1);
    const healthy = await audit([
      '--endpoint',
      test.sandbox.url,
      '--region',
      'us-west-2',
      '--now',
      NOW,
      '--fail-on',
      'LOW',
    ]);
    expect(healthy.code).toBe(0);
  });

  it('reports the demo parked cluster once, as INFORMATIONAL', async () => {
    test = await startTestSandbox({ fleet: 'demo' });
    const run = await audit([
      '--endpoint',
      test.sandbox.url,
      '--region',
      'us-east-1',
      '--now',
      NOW,
      '--json',
    ]);
    const parked = JSON.parse(run.stdout).findings.filter(
      (f: { resource: { id: string }; status: string }) =>
        f.resource.id === 'cluster-nohsmsarchive' && f.status === 'FAILED',
    );
    expect(parked.map((f: { checkId: string; severity: string }) => `${f.checkId} ${f.severity}`)).toEqual([
      'hsm-count INFORMATIONAL',
    ]);
  });

  it('publishes to the sandbox and exits 1 naming the events it could not deliver', async () => {
    // Prepare
    test = await startTestSandbox({ fleet: 'demo', faults: { rules: [], putEventsEntryFailureRate: 1 } });
    // Act
    const run = await audit([
      '--endpoint',
      test.sandbox.url,
      '--region',
      'eu-west-1',
      '--now',
      NOW,
      '--publish',
      '--event-bus',
      'ops-feed',
      '--max-attempts',
      '1',
    ]);
    // Assess
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      `${2 * CHECKS.length + 1} event(s) were NOT delivered to EventBridge bus "ops-feed" in eu-west-1`,
    );
    expect(run.stderr).toContain('CloudHSM Finding 111122223333/eu-west-1/cluster-degradedeuro/degraded: ');
    expect(run.stderr).toContain(`audit failed: ${2 * CHECKS.length + 1} event(s) not delivered`);
  }, 60_000);

  it('publishes every finding and the summary to the sandbox EventBridge', async () => {
    test = await startTestSandbox({ fleet: 'demo' });
    const run = await audit([
      '--endpoint',
      test.sandbox.url,
      '--region',
      'eu-west-1',
      '--now',
      NOW,
      '--publish',
    ]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      `Published ${2 * CHECKS.length + 1} event(s) to EventBridge bus "default" in eu-west-1`,
    );
    expect(
      test.sandbox
        .events()
        .map((e) => e.detailType)
        .filter((t) => t === 'CloudHSM Run Summary'),
    ).toHaveLength(1);
    expect(test.sandbox.events()).toHaveLength(2 * CHECKS.length + 1);
  });

  it('rejects bad input with exit 2 before calling AWS', async () => {
    const run = await audit([
      '--region',
      'us-east-1',
      '--fail-on',
      'urgent',
      '--endpoint',
      'http://127.0.0.1:9',
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('severity "urgent" is not one of');
  });
});

describe('cloudhsm-ops audit --copy-retention source', () => {
  /** stale-dr-copies per cluster of the demo's us-east-1, with the given retention flags. */
  async function staleFindings(flags: string[]) {
    test = await startTestSandbox({ fleet: 'demo' });
    const run = await audit([
      '--endpoint',
      test.sandbox.url,
      '--region',
      'us-east-1',
      '--dr-region',
      'us-west-2',
      '--now',
      NOW,
      '--json',
      ...flags,
    ]);
    expect(run.code, run.stderr).toBe(0);
    const findings = JSON.parse(run.stdout).findings as {
      checkId: string;
      resource: { id: string };
      status: string;
      expected: string;
      observed: string;
    }[];
    await test.close();
    test = undefined;
    return new Map(findings.filter((f) => f.checkId === 'stale-dr-copies').map((f) => [f.resource.id, f]));
  }

  it('keeps each lineage copies as long as its source cluster keeps backups, and falls back to the days where it has no policy', async () => {
    // Fixed 5 days: the ledger's 7-day-old copy is stale (its cluster keeps backups 14 days).
    const fixed = await staleFindings(['--copy-retention-days', '5']);
    expect(fixed.get('cluster-sameazledger')?.status).toBe('FAILED');
    // Following the source: 14 days for the ledger (passes); no policy on partialsubnet: the 5-day fallback.
    const source = await staleFindings(['--copy-retention', 'source', '--copy-retention-days', '5']);
    const ledger = source.get('cluster-sameazledger')!;
    expect(ledger.status).toBe('PASSED');
    expect(ledger.expected).toContain("older than 14 days (the source cluster's backup retention policy)");
    const partial = source.get('cluster-partialsubnet')!;
    expect(partial.status).toBe('FAILED');
    expect(partial.expected).toContain(
      'older than 5 days (fallback: the source cluster has no backup retention policy)',
    );
    expect(source.get('cluster-paymentsprod')?.expected).toContain('older than 90 days (the source cluster');
  });

  it('takes --copy-retention-days source alone as the same thing', async () => {
    const source = await staleFindings(['--copy-retention-days', 'source']);
    expect(source.get('cluster-sameazledger')?.expected).toContain(
      "older than 14 days (the source cluster's",
    );
    expect(source.get('cluster-partialsubnet')?.expected).toContain('older than 90 days (fallback: ');
  });

  it('refuses a mode it does not know with exit 2, before calling AWS', async () => {
    const run = await audit([
      '--region',
      'us-east-1',
      '--copy-retention',
      'cluster',
      '--endpoint',
      'http://127.0.0.1:9',
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--copy-retention "cluster" is not "fixed" or "source"');
  });
});

describe('cloudhsm-ops audit with a DR region that is also an audited region', () => {
  it('exits 2 with the message copy gives, before calling AWS', async () => {
    const run = await audit([
      '--region',
      'us-east-1',
      '--dr-region',
      'us-east-1',
      '--endpoint',
      'http://127.0.0.1:9',
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      '--dr-region us-east-1 is also a source region: a backup cannot be copied to its own region',
    );
  });
});

describe('cloudhsm-ops audit --help', () => {
  it('says --endpoint takes every service and region to one URL, and claims no VPC endpoint support', () => {
    const program = new Command('cloudhsm-ops');
    registerAudit(program);
    const help = program.commands[0]!.helpInformation().replace(/\s+/g, ' ');
    expect(help).toContain('to every service in every region, to this one URL');
    expect(help).toContain('not a VPC endpoint');
  });
});
