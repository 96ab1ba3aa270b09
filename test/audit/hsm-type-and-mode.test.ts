/**
 * The findings issue 16 §3 asks for, end to end: the sandbox answers with the members the pinned
 * SDK drops (Cluster Mode and HsmTypeRollbackExpiration, Backup HsmType and Mode), the client reads
 * them back (lib/aws/dropped-members.ts) and runAudit judges cluster-mode, hsm-type-migration and
 * dr-restore-compat from them. The migration is started with ModifyCluster and aged with the
 * sandbox's clock, so the rollback deadline is the sandbox's own.
 */
import { DateTime } from 'luxon';
import { afterEach, describe, expect, it } from 'vitest';
import { runAudit } from '../../lib/audit/run.js';
import { parseAuditConfig } from '../../lib/config/audit.js';
import type { Finding } from '../../lib/events/findings.js';
import type { FleetFile } from '../../sandbox/index.js';
import { jsonCall } from '../support/raw-aws.js';
import { startTestSandbox, type TestSandbox } from '../support/sandbox.js';

const NOW_ISO = '2026-11-29T12:00:00Z';
const NOW = DateTime.fromISO(NOW_ISO, { zone: 'utc' });
const HOUR = 3_600_000;
const ago = (hours: number) => new Date(NOW.toMillis() - hours * HOUR).toISOString();

/** An hsm1 cluster about to migrate, a NON_FIPS hsm2m cluster, and an hsm2m cluster migrated yesterday. */
const MIGRATING = 'cluster-migratingaaa';
const NON_FIPS = 'cluster-nonfipsaaaaa';
const MIGRATED = 'cluster-migratedaaaa';

function fleet(): FleetFile {
  const zones = ['us-east-1a', 'us-east-1b', 'us-east-1c'];
  const subnets = zones.map((zone, i) => ({ id: `subnet-0a11000${i}`, zone, vpc: 'vpc-0a11' }));
  const cluster = (id: string, n: number, extra: { hsmType?: string; mode?: 'FIPS' | 'NON_FIPS' }) => ({
    id,
    ...extra,
    subnets: subnets.map((s) => s.id),
    securityGroup: 'sg-0a110000',
    backupRetentionDays: 90,
    createdAt: ago(24 * 400),
    hsms: [
      { id: `hsm-${'abc'[n]}aaaaaaaaaaa`, zone: 'us-east-1a' },
      { id: `hsm-${'abc'[n]}bbbbbbbbbbb`, zone: 'us-east-1b' },
    ],
  });
  const copyOf = (id: string, source: string, cluster: string, hours: number) => ({
    id,
    createdAt: ago(hours),
    sourceRegion: 'us-east-1',
    sourceBackup: source,
    sourceCluster: cluster,
    copiedAt: ago(hours - 1),
  });
  return {
    account: '111122223333',
    now: NOW_ISO,
    regions: {
      'us-east-1': {
        zones,
        subnets,
        securityGroups: [
          { id: 'sg-0a110000', ingress: [{ protocol: 'tcp', from: 2223, to: 2225, cidr: '10.0.0.0/16' }] },
        ],
        clusters: [
          cluster(MIGRATING, 0, { hsmType: 'hsm1.medium' }),
          cluster(NON_FIPS, 1, { mode: 'NON_FIPS' }),
          cluster(MIGRATED, 2, {}),
        ],
        backups: [
          // hsmType and mode default to the cluster's: hsm1.medium FIPS, hsm2m.medium NON_FIPS.
          { id: 'backup-migratingaaa', cluster: MIGRATING, createdAt: ago(3) },
          { id: 'backup-nonfipsaaaaa', cluster: NON_FIPS, createdAt: ago(3) },
          // Taken before the migration (hsm1), and the first one since (hsm2m), not copied yet.
          { id: 'backup-migratedolda', cluster: MIGRATED, createdAt: ago(20), hsmType: 'hsm1.medium' },
          { id: 'backup-migratednewa', cluster: MIGRATED, createdAt: ago(2) },
        ],
      },
      'us-west-2': {
        zones: ['us-west-2a'],
        backups: [
          copyOf('backup-copymigrating', 'backup-migratingaaa', MIGRATING, 3),
          copyOf('backup-copynonfipsaa', 'backup-nonfipsaaaaa', NON_FIPS, 3),
          // A fleet copy's type defaults to its cluster's current one, not its source backup's: say it.
          { ...copyOf('backup-copymigrateda', 'backup-migratedolda', MIGRATED, 20), hsmType: 'hsm1.medium' },
        ],
      },
    },
  };
}

const config = (extra: Record<string, string> = {}) =>
  parseAuditConfig({ regions: 'us-east-1', drRegions: 'us-west-2', ...extra });

const findingOf = (findings: readonly Finding[], cluster: string, checkId: string) => {
  const found = findings.find((f) => f.resource.id === cluster && f.checkId === checkId);
  if (!found) throw new Error(`no ${checkId} finding for ${cluster}`);
  return found;
};

let test: TestSandbox | undefined;
afterEach(async () => {
  await test?.close();
  test = undefined;
});

describe('HSM type and mode findings against the sandbox', () => {
  it('fails a NON_FIPS cluster only under --require-fips, and passes it otherwise naming its mode', async () => {
    // Prepare
    test = await startTestSandbox({ fleet: fleet() });
    // Act
    const plain = await runAudit({ clients: test.clients }, config(), NOW);
    const strict = await runAudit({ clients: test.clients }, config({ requireFips: 'true' }), NOW);
    // Assess
    expect(plain.errors).toEqual([]);
    expect(findingOf(plain.findings, NON_FIPS, 'cluster-mode')).toMatchObject({
      status: 'PASSED',
      observed: expect.stringMatching(/^NON_FIPS \(FIPS mode is not required/),
    });
    expect(findingOf(strict.findings, NON_FIPS, 'cluster-mode')).toMatchObject({
      status: 'FAILED',
      severity: 'HIGH',
      observed: 'NON_FIPS (FIPS mode is required)',
    });
    expect(findingOf(strict.findings, MIGRATING, 'cluster-mode')).toMatchObject({
      status: 'PASSED',
      observed: 'FIPS',
    });
    expect(findingOf(strict.findings, MIGRATED, 'cluster-mode').status).toBe('PASSED');
  });

  it('fails a DR region holding only copies of the HSM type a cluster migrated away from, which dr-copies passes', async () => {
    // Prepare
    test = await startTestSandbox({ fleet: fleet() });
    // Act
    const report = await runAudit({ clients: test.clients }, config(), NOW);
    // Assess: the hsm1 copy is within the RPO, so dr-copies is satisfied, but it restores hsm1.medium
    expect(findingOf(report.findings, MIGRATED, 'dr-copies').status).toBe('PASSED');
    expect(findingOf(report.findings, MIGRATED, 'dr-restore-compat')).toMatchObject({
      status: 'FAILED',
      severity: 'HIGH',
      observed:
        'us-west-2: 1 READY copy, all hsm1.medium FIPS; none restores the cluster as it runs (hsm2m.medium FIPS)',
    });
    expect(findingOf(report.findings, NON_FIPS, 'dr-restore-compat')).toMatchObject({
      status: 'PASSED',
      observed: 'us-west-2: backup-copynonfipsaa restores hsm2m.medium NON_FIPS',
    });
    expect(findingOf(report.findings, MIGRATING, 'dr-restore-compat').status).toBe('PASSED');
  });

  it('follows a migration: in progress with its rollback deadline, then the open window, then nothing', async () => {
    // Prepare: start the hsm1 → hsm2m migration the way AWS's console or CLI does
    test = await startTestSandbox({ fleet: fleet() });
    // The pinned SDK's ModifyCluster has no HsmType member: the call goes on the wire as AWS's CLI sends it.
    const started = await jsonCall(
      test.sandbox.url,
      'cloudhsm',
      'BaldrApiService.ModifyCluster',
      'us-east-1',
      {
        ClusterId: MIGRATING,
        HsmType: 'hsm2m.medium',
      },
    );
    expect(started.status).toBe(200);
    const deadline = test.sandbox.clusters('us-east-1').find((c) => c.ClusterId === MIGRATING)!
      .HsmTypeRollbackExpiration as number;
    const deadlineIso = DateTime.fromSeconds(deadline, { zone: 'utc' }).toISO({ suppressMilliseconds: true });
    const at = (ms: number) => NOW.plus({ milliseconds: ms });
    // Act
    const during = await runAudit({ clients: test.clients }, config(), NOW);
    test.sandbox.clock.advance(HOUR + 1000);
    const after = await runAudit({ clients: test.clients }, config(), at(HOUR + 1000));
    test.sandbox.clock.advance(deadline * 1000 - NOW.toMillis());
    const settled = await runAudit(
      { clients: test.clients },
      config(),
      at(deadline * 1000 - NOW.toMillis() + HOUR + 1000),
    );
    // Assess
    expect(deadline * 1000).toBeGreaterThan(NOW.toMillis());
    expect(findingOf(during.findings, MIGRATING, 'hsm-type-migration')).toMatchObject({
      status: 'FAILED',
      severity: 'MEDIUM',
      observed: expect.stringMatching(
        new RegExp(
          `^MODIFY_IN_PROGRESS: .* limited-write mode; it can be rolled back until ${deadlineIso} \\(in `,
        ),
      ),
      remediation: {
        url: 'https://docs.aws.amazon.com/cloudhsm/latest/userguide/hsm1-to-hsm2-migration.html',
      },
    });
    expect(findingOf(during.findings, MIGRATING, 'dr-restore-compat').status).toBe('NOT_APPLICABLE');
    expect(findingOf(after.findings, MIGRATING, 'hsm-type-migration')).toMatchObject({
      status: 'FAILED',
      severity: 'INFORMATIONAL',
      observed: expect.stringMatching(
        new RegExp(`^migrated to hsm2m\\.medium; it can be rolled back until ${deadlineIso}`),
      ),
    });
    // The DR region still holds only the hsm1 copy made before the migration.
    expect(findingOf(after.findings, MIGRATING, 'dr-restore-compat')).toMatchObject({
      status: 'FAILED',
      observed: expect.stringContaining(
        'all hsm1.medium FIPS; none restores the cluster as it runs (hsm2m.medium FIPS)',
      ),
    });
    expect(findingOf(settled.findings, MIGRATING, 'hsm-type-migration')).toMatchObject({
      status: 'PASSED',
      observed: expect.stringMatching(/^no HSM-type migration in progress \(hsm2m\.medium\)/),
    });
    expect(findingOf(settled.findings, MIGRATING, 'hsm-type').status).toBe('PASSED');
  });
});
