import { DateTime } from 'luxon';
import { afterEach, describe, expect, it } from 'vitest';
import { runAudit } from '../../lib/audit/run.js';
import { parseAuditConfig } from '../../lib/config/audit.js';
import type { FleetFile } from '../../sandbox/index.js';
import { startTestSandbox, type TestSandbox } from '../support/sandbox.js';

const NOW = DateTime.fromISO('2026-11-29T12:00:00Z', { zone: 'utc' });
const zones = ['us-east-1a', 'us-east-1b'];
const subnets = zones.map((zone, i) => ({ id: `subnet-0a11000${i}`, zone, vpc: 'vpc-0a11' }));

/** Two clusters: one healthy behind a connected key store, one with a single HSM behind a failed one. */
function fleet(): FleetFile {
  const cluster = (id: string, hsms: number) => ({
    id,
    subnets: subnets.map((s) => s.id),
    securityGroup: 'sg-0a110000000000001',
    backupRetentionDays: 90,
    hsms: zones.slice(0, hsms).map((zone, i) => ({ id: `hsm-${id.slice(8, 17)}${'ab'[i]}a`, zone })),
  });
  return {
    account: '111122223333',
    now: NOW.toISO()!,
    regions: {
      'us-east-1': {
        zones,
        subnets,
        securityGroups: [
          {
            id: 'sg-0a110000000000001',
            ingress: [{ protocol: 'tcp', from: 2223, to: 2225, group: 'sg-0a110000000000001' }],
          },
        ],
        clusters: [cluster('cluster-healthyaaaa', 2), cluster('cluster-lonelyaaaaa', 1)],
        backups: [
          { id: 'backup-healthyaaaa', cluster: 'cluster-healthyaaaa', createdAt: '2026-11-29T09:00:00Z' },
          { id: 'backup-lonelyaaaaa', cluster: 'cluster-lonelyaaaaa', createdAt: '2026-11-29T09:00:00Z' },
        ],
        customKeyStores: [
          {
            id: 'cks-0000000000000000a',
            name: 'payments',
            clusterId: 'cluster-healthyaaaa',
            state: 'CONNECTED',
          },
          {
            id: 'cks-0000000000000000b',
            name: 'ledger',
            clusterId: 'cluster-lonelyaaaaa',
            state: 'FAILED',
            errorCode: 'USER_LOCKED_OUT',
          },
        ],
      },
    },
  };
}

describe('audit joins KMS custom key stores to their clusters', () => {
  let test: TestSandbox | undefined;
  afterEach(async () => {
    await test?.close();
    test = undefined;
  });

  it('reads DescribeCustomKeyStores and judges each cluster by the key store it backs', async () => {
    // Prepare
    test = await startTestSandbox({ fleet: fleet() });
    // Act
    const report = await runAudit({ clients: test.clients }, parseAuditConfig({ regions: 'us-east-1' }), NOW);
    // Assess
    expect(report.errors).toEqual([]);
    const byKey = (cluster: string, check: string) =>
      report.findings.find((f) => f.resource.id === cluster && f.checkId === check)!;
    expect(byKey('cluster-healthyaaaa', 'key-store-connection').status).toBe('PASSED');
    expect(byKey('cluster-healthyaaaa', 'key-store-capacity').status).toBe('PASSED');
    const failed = byKey('cluster-lonelyaaaaa', 'key-store-connection');
    expect(failed).toMatchObject({ status: 'FAILED', severity: 'HIGH' });
    expect(failed.observed).toContain('USER_LOCKED_OUT');
    const capacity = byKey('cluster-lonelyaaaaa', 'key-store-capacity');
    expect(capacity).toMatchObject({ status: 'FAILED', severity: 'HIGH' });
    expect(capacity.observed).toContain('cks-0000000000000000b');
    expect(byKey('cluster-lonelyaaaaa', 'hsm-count').observed).toContain(
      'backs KMS key store cks-0000000000000000b',
    );
    const kmsCalls = test.sandbox.requests().filter((r) => r.service === 'kms');
    expect(kmsCalls.map((r) => r.operation)).toEqual(['DescribeCustomKeyStores']);
  });

  it('skips the key-store checks and reports the error (exit 1) when KMS cannot be read, keeping the rest', async () => {
    // Prepare
    test = await startTestSandbox({
      fleet: fleet(),
      faults: { rules: [{ service: 'kms', internalFailureRate: 1 }] },
    });
    // Act
    const report = await runAudit({ clients: test.clients }, parseAuditConfig({ regions: 'us-east-1' }), NOW);
    // Assess
    expect(report.errors).toEqual([
      { region: 'us-east-1', message: expect.stringContaining('could not read KMS key stores in us-east-1') },
    ]);
    expect(report.summary.exitCode).toBe(1);
    expect(report.findings.some((f) => f.checkId.startsWith('key-store-'))).toBe(false);
    expect(report.skipped.filter((s) => s.checkId.startsWith('key-store-'))).toHaveLength(4);
    expect(
      report.findings.find((f) => f.checkId === 'hsm-count' && f.resource.id === 'cluster-lonelyaaaaa')
        ?.status,
    ).toBe('FAILED');
  });
});
