import { DateTime } from 'luxon';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AwsClients } from '../../lib/aws/clients.js';
import { copyBackupToRegion, singleAttemptClients } from '../../lib/aws/cloudhsm.js';
import { parseCopyConfig } from '../../lib/config/copy.js';
import { type CopyDeps, runCopy } from '../../lib/copy/execute.js';
import type { Sandbox } from '../../sandbox/index.js';
import { runCli } from '../support/cli.js';
import { copyFleet, NOW as FLEET_NOW, idOf } from '../support/fleet.js';
import { startTestSandbox, type TestSandbox } from '../support/sandbox.js';

const NOW = DateTime.fromISO(FLEET_NOW, { zone: 'utc' });
const SOURCES = ['us-east-1', 'eu-central-1'];
const DRS = ['us-west-2', 'eu-west-1'];

let current: TestSandbox | undefined;

afterEach(async () => {
  await current?.close();
  current = undefined;
  process.exitCode = undefined;
  vi.restoreAllMocks();
});

async function start(options: Partial<Parameters<typeof startTestSandbox>[0]> = {}, recentPerRegion = 3) {
  current = await startTestSandbox({
    fleet: copyFleet({ sourceRegions: SOURCES, drRegions: DRS, recentPerRegion, extras: true }),
    maxAttempts: 8,
    retryMode: 'adaptive',
    ...options,
  });
  return current;
}

function deps(sandbox: Sandbox, clients: AwsClients, extra: Partial<CopyDeps> = {}): CopyDeps {
  return {
    clients,
    now: () => sandbox.clock.now(),
    sleep: async (ms) => sandbox.clock.advance(ms),
    tuning: { claimSettleMs: 400, retryBaseMs: 1_000 },
    ...extra,
  };
}

const config = (extra: Record<string, string> = {}) =>
  parseCopyConfig({ regions: SOURCES.join(','), drRegions: DRS.join(','), ...extra });

/** Source id → number of live copies, per DR region. */
function copyCounts(sandbox: Sandbox): Record<string, Record<string, number>> {
  const counts: Record<string, Record<string, number>> = {};
  for (const region of DRS) {
    counts[region] = {};
    for (const backup of sandbox.backups(region)) {
      if (backup.BackupState === 'DELETED' || backup.BackupState === 'PENDING_DELETION') continue;
      const source = String(backup.SourceBackup);
      counts[region][source] = (counts[region][source] ?? 0) + 1;
    }
  }
  return counts;
}

/** The READY originals created in the last 48 h: what must end up copied. */
function eligible(sandbox: Sandbox): string[] {
  const windowStart = NOW.minus({ hours: 48 }).toSeconds();
  return SOURCES.flatMap((region) =>
    sandbox
      .backups(region)
      .filter((b) => b.BackupState === 'READY' && !b.SourceBackup && Number(b.CreateTimestamp) >= windowStart)
      .map((b) => String(b.BackupId)),
  ).sort();
}

function expectExactlyOneCopyEach(sandbox: Sandbox, sources: string[]): void {
  const counts = copyCounts(sandbox);
  for (const region of DRS) {
    expect(Object.keys(counts[region]!).sort()).toEqual(sources);
    expect(Object.values(counts[region]!).every((n) => n === 1)).toBe(true);
  }
}

describe('copy against the sandbox', () => {
  it('copies every recent READY original once, tagged; a second run copies nothing', async () => {
    // Prepare
    const { sandbox, clients } = await start();
    const sources = eligible(sandbox);

    // Act
    const first = await runCopy(deps(sandbox, clients), config(), NOW);
    sandbox.clearRequests();
    const second = await runCopy(deps(sandbox, clients), config(), NOW);

    // Assess
    expect(sources).toHaveLength(6);
    expect(first.counts).toMatchObject({ copied: 12, alreadyPresent: 0, failed: 0 });
    expect(first.skipped.map((l) => l.reason).sort()).toEqual([
      'is-a-copy',
      'is-a-copy',
      'not-ready',
      'not-ready',
      'outside-window',
      'outside-window',
    ]);
    expectExactlyOneCopyEach(sandbox, sources);
    const copy = sandbox.backups('us-west-2')[0]!;
    const tags = Object.fromEntries(
      (copy.TagList as { Key: string; Value: string }[]).map((t) => [t.Key, t.Value]),
    );
    expect(tags).toMatchObject({
      'cloudhsm-ops:copy-of': copy.SourceBackup,
      'cloudhsm-ops:source-region': copy.SourceRegion,
      'cloudhsm-ops:source-cluster': copy.SourceCluster,
      'cloudhsm-ops:copy-run': first.runId,
      env: 'prod',
      team: 'payments',
    });
    expect(tags['cloudhsm-ops:copy-claim']).toBeUndefined();
    expect(second.counts).toMatchObject({ copied: 0, alreadyPresent: 12, failed: 0 });
    expect(new Set(sandbox.requests().map((r) => r.operation))).toEqual(new Set(['DescribeBackups']));
    for (const region of SOURCES) {
      for (const backup of sandbox.backups(region)) {
        expect(((backup.TagList ?? []) as { Key: string }[]).map((t) => t.Key)).not.toContain(
          'cloudhsm-ops:copy-claim',
        );
      }
    }
  });

  it('ends with exactly one copy per DR region under lost responses, throttling and internal failures', async () => {
    // Prepare
    const { sandbox, clients } = await start(
      {
        seed: 7,
        faults: {
          seed: 7,
          rules: [
            { service: 'cloudhsm', throttleRps: 6 },
            { operation: 'CopyBackupToRegion', lostResponseRate: 0.35, internalFailureRate: 0.2 },
            { operation: 'DescribeBackups', internalFailureRate: 0.1 },
            { operation: 'ListTags', internalFailureRate: 0.1 },
          ],
        },
      },
      5,
    );

    // Act: a run may leave work undone (outcome unknown, claim not confirmed under throttling);
    // the next scheduled run, after the claims have expired, picks it up.
    const runs = [];
    for (let i = 0; i < 5; i++) {
      const result = await runCopy(deps(sandbox, clients, { tuning: { claimSettleMs: 400 } }), config(), NOW);
      runs.push(result);
      if (result.counts.copied + result.counts.failed + result.counts.deferred === 0) break;
      sandbox.clock.advance(11 * 60_000);
    }

    // Assess
    const requests = sandbox.requests();
    expect(requests.some((r) => r.operation === 'CopyBackupToRegion' && r.status === 500)).toBe(true);
    expect(requests.some((r) => r.errorCode === 'ThrottlingException')).toBe(true);
    expect(runs[0]!.copied.some((l) => l.recovered)).toBe(true);
    // The two CREATE_IN_PROGRESS sources turned READY as the clock moved on, and were copied too.
    const sources = eligible(sandbox);
    expect(sources).toHaveLength(runs.length > 1 ? 12 : 10);
    expectExactlyOneCopyEach(sandbox, sources);
    expect(runs.at(-1)!.failed).toEqual([]);
  });

  it('sends CopyBackupToRegion once even when its answer is lost', async () => {
    // Prepare
    const { sandbox, clients } = await start(
      { faults: { rules: [{ operation: 'CopyBackupToRegion', lostResponseRate: 1 }] } },
      1,
    );
    const source = String(
      sandbox.backups('us-east-1').find((b) => b.BackupState === 'READY' && !b.SourceBackup)!.BackupId,
    );
    const single = singleAttemptClients(clients.options);

    // Act
    const once = await copyBackupToRegion(
      single.cloudHsm('us-east-1'),
      source,
      'us-west-2',
      [{ Key: 'k', Value: 'v' }],
      5_000,
    ).catch((e) => e);
    single.destroy();

    // Assess
    const calls = sandbox.requests().filter((r) => r.operation === 'CopyBackupToRegion');
    expect(once).toMatchObject({ name: 'CloudHsmInternalFailureException' });
    expect(
      calls.filter((r) => (r.params as { DestinationRegion: string }).DestinationRegion === 'us-west-2'),
    ).toHaveLength(1);
    expect(copyCounts(sandbox)['us-west-2']).toEqual({ [source]: 1 });
  });

  it('two overlapping runs leave exactly one copy', async () => {
    // Prepare
    const { sandbox, clients } = await start({ faults: { rules: [{ service: 'cloudhsm', latencyMs: 15 }] } });
    const other = new AwsClients(clients.options);
    const sources = eligible(sandbox);

    // Act
    const [a, b] = await Promise.all([
      runCopy(deps(sandbox, clients), config(), NOW),
      runCopy(deps(sandbox, other), config(), NOW),
    ]);
    other.destroy();

    // Assess
    expectExactlyOneCopyEach(sandbox, sources);
    expect(a.counts.copied + b.counts.copied).toBe(12);
    expect(a.failed).toEqual([]);
    expect(b.failed).toEqual([]);
    const copyCalls = sandbox.requests().filter((r) => r.operation === 'CopyBackupToRegion');
    expect(copyCalls).toHaveLength(12);
  });

  it('a run that starts while another holds its claims defers every backup to it; one copy each', async () => {
    // Prepare
    const { sandbox, clients } = await start();
    const other = new AwsClients(clients.options);
    const sources = eligible(sandbox);
    let second: Awaited<ReturnType<typeof runCopy>> | undefined;
    const settle = async (ms: number) => {
      second = await runCopy(deps(sandbox, other), config(), NOW);
      await new Promise((resolve) => setTimeout(resolve, ms));
    };

    // Act: the second run plans, claims and ends inside the first run's settle wait.
    const first = await runCopy(deps(sandbox, clients, { settle, runId: 'run-first' }), config(), NOW);
    other.destroy();

    // Assess
    expectExactlyOneCopyEach(sandbox, sources);
    expect(first.counts).toMatchObject({ copied: 12, deferred: 0, failed: 0 });
    expect(second!.counts).toMatchObject({ copied: 0, deferred: 12, failed: 0 });
    expect(second!.deferred.every((l) => l.holderRunId === 'run-first')).toBe(true);
  });

  it('--wait sees CREATE_IN_PROGRESS turn READY as the sandbox clock advances', async () => {
    // Prepare
    const { sandbox, clients } = await start({ copyDelaySeconds: 60 });
    const before = sandbox.clock.now().getTime();

    // Act
    const result = await runCopy(deps(sandbox, clients), config({ wait: 'true' }), NOW);

    // Assess
    expect(result.copied).toHaveLength(12);
    expect(
      result.copied.every((l) => l.state === 'READY' && l.destinationBackupId?.startsWith('backup-')),
    ).toBe(true);
    expect(result.notReady).toEqual([]);
    expect(sandbox.clock.now().getTime() - before).toBeGreaterThanOrEqual(60_000);
    const states = sandbox
      .requests()
      .filter((r) => r.operation === 'DescribeBackups' && r.region === 'us-west-2').length;
    expect(states).toBeGreaterThanOrEqual(4);
  });

  it('publishes one event per copy, then the Run Summary, to the sandbox’s EventBridge', async () => {
    // Prepare
    const { sandbox, clients } = await start({}, 1);

    // Act
    const result = await runCopy(deps(sandbox, clients), config({ publish: 'true' }), NOW);

    // Assess
    const events = sandbox.events().filter((e) => e.detailType === 'CloudHSM Backup Copied');
    expect(result.events).toMatchObject({ published: 5, failed: [] });
    expect(sandbox.events().map((e) => e.detailType)).toEqual([
      ...Array(4).fill('CloudHSM Backup Copied'),
      'CloudHSM Run Summary',
    ]);
    expect(events[0]).toMatchObject({ source: 'cloudhsm-ops', region: 'us-east-1' });
    expect(events[0]?.detail).toMatchObject({ account: '111122223333', runId: result.runId });
    expect(
      events.every((e) =>
        String((e.detail as { destinationBackupId?: string }).destinationBackupId).startsWith('backup-'),
      ),
    ).toBe(true);
  });
});

describe('cloudhsm-ops copy (CLI) against the sandbox', () => {
  /** The CLI against the sandbox, at the fleet's instant: no test reads the machine's clock. */
  const cli = (args: string[]) =>
    runCli(['copy', '--endpoint', current!.sandbox.url, '--now', FLEET_NOW, ...args]);

  it.each([
    [['--region', 'us-east-1', '--dr-region', 'us-east-1'], /--dr-region us-east-1 is also a source region/],
    [
      ['--region', 'us-east-9', '--dr-region', 'us-west-2'],
      /--region value "us-east-9" is not a known AWS region/,
    ],
    [['--region', 'us-east-1', '--dr-region', 'west'], /--dr-region value "west" is not valid/],
    [
      ['--region', 'us-east-1', '--dr-region', 'us-west-2', '--cluster-id', 'cluster-1'],
      /--cluster-id "cluster-1" is not valid/,
    ],
    [
      ['--region', 'us-east-1', '--dr-region', 'us-west-2', '--since', 'two days'],
      /--since "two days" is not valid/,
    ],
    [
      ['--region', 'us-east-1', '--dr-region', 'us-west-2', '--wait-timeout', '0s'],
      /--wait-timeout "0s" is not valid/,
    ],
    [['--region', 'us-east-1'], /no --dr-region given/],
  ])('refuses %j with exit 2 and touches nothing', async (args, message) => {
    // Prepare
    const { sandbox } = await start();

    // Act
    const run = await cli(args);

    // Assess
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).toMatch(/nothing was changed/);
    expect(sandbox.requests()).toEqual([]);
  });

  it('refuses a --cluster-id no source region knows (exit 2, nothing copied); one of another region is unknown here too', async () => {
    // Prepare: a typo in a schedule's CLUSTER_ID would otherwise copy nothing, silently (operator pass).
    const { sandbox } = await start();
    const base = ['--region', 'us-east-1', '--dr-region', 'us-west-2'];
    // Act
    const unknown = await cli([...base, '--cluster-id', 'cluster-abcdefghijk']);
    // Assess
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/no cluster cluster-abcdefghijk \(nor any backup of it\) in us-east-1/);
    const elsewhere = await cli([...base, '--cluster-id', idOf('cluster', 2)]);
    expect(elsewhere.code).toBe(2);
    expect(sandbox.requests().filter((r) => r.operation === 'CopyBackupToRegion')).toEqual([]);
    const known = await cli([...base, '--cluster-id', idOf('cluster', 1)]);
    expect(known.code, known.stderr).toBe(0);
  });

  it('copies with --json, then finds everything present', async () => {
    // Prepare
    const { sandbox } = await start({}, 1);
    const args = [
      '--region',
      'us-east-1',
      '--region',
      'eu-central-1',
      '--dr-region',
      'us-west-2,eu-west-1',
      '--json',
    ];

    // Act
    const first = await cli(args);
    const second = await cli(args);

    // Assess
    expect(first.code).toBe(0);
    const document = JSON.parse(first.stdout);
    expect(document.counts).toMatchObject({ copied: 4, failed: 0 });
    expect(JSON.parse(second.stdout).counts).toMatchObject({ copied: 0, alreadyPresent: 4 });
    expect(copyCounts(sandbox)['us-west-2']).toEqual(
      Object.fromEntries(
        document.copied
          .filter((l: { destinationRegion: string }) => l.destinationRegion === 'us-west-2')
          .map((l: { sourceBackupId: string }) => [l.sourceBackupId, 1]),
      ),
    );
  });

  it('prints a table and a summary, and exits 1 when a copy fails', async () => {
    // Prepare
    const { sandbox } = await start({}, 1);
    sandbox.setFaults({
      rules: [{ operation: 'DescribeBackups', region: 'eu-west-1', internalFailureRate: 1 }],
    });

    // Act
    const run = await cli([
      '--region',
      'us-east-1',
      '--dr-region',
      'us-west-2',
      '--dr-region',
      'eu-west-1',
      '--max-attempts',
      '1',
    ]);

    // Assess
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /copied 1, already present 0, skipped \d+ \(\d+ created before the window: counted, not listed\), failed 1/,
    );
    // Those are only counted: no row of the table is a backup older than the window.
    expect(run.stdout).not.toMatch(/outside-window/);
    expect(run.stdout).toMatch(/FAILED/);
    expect(run.stdout).toMatch(/could not look for existing copies/);
  });

  it('a dry run says what it would copy and changes nothing', async () => {
    // Prepare
    const { sandbox } = await start({}, 1);

    // Act
    const run = await cli(['--region', 'us-east-1', '--dr-region', 'us-west-2', '--dry-run']);

    // Assess
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/would copy/);
    expect(run.stdout).toMatch(/Run again without --dry-run/);
    expect(sandbox.requests().every((r) => !r.mutating)).toBe(true);
  });
});
