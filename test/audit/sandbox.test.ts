import { DateTime } from 'luxon';
import { afterEach, describe, expect, it } from 'vitest';
import { auditEvents, runAudit } from '../../lib/audit/run.js';
import { CHECKS } from '../../lib/checks/index.js';
import { parseAuditConfig } from '../../lib/config/audit.js';
import type { FleetFile } from '../../sandbox/index.js';
import { startTestSandbox, type TestSandbox } from '../support/sandbox.js';

type FleetBackups = NonNullable<NonNullable<FleetFile['regions'][string]>['backups']>;

const NOW_ISO = '2026-11-29T12:00:00Z';
const NOW = DateTime.fromISO(NOW_ISO, { zone: 'utc' });
const CLUSTERS = 30;
const ago = (hours: number) => new Date(NOW.toMillis() - hours * 3_600_000).toISOString();
const letters = 'abcdefghijklmnopqrstuvwxyz';
const suffix = (i: number) => `${letters[Math.floor(i / 26)]}${letters[i % 26]}`;
const clusterId = (i: number) => `cluster-paging${suffix(i)}aaa`;
const backupId = (i: number, n: number) => `backup-paging${suffix(i)}${letters[n]}aa`;
const copyId = (i: number, n: number) => `backup-copies${suffix(i)}${letters[n]}aa`;

/**
 * 30 clusters (two DescribeClusters pages), 4 backups each (120: three DescribeBackups pages,
 * oldest first, so every cluster's newest backup is on the last page) and 60 copies in the
 * DR region (two pages). Clusters 15–29 have no backup in the last 50 h.
 */
function pagingFleet(): FleetFile {
  const zones = ['us-east-1a', 'us-east-1b', 'us-east-1c'];
  const subnets = zones.map((zone, i) => ({ id: `subnet-0a11000${i}`, zone, vpc: 'vpc-0a11' }));
  const backups: FleetBackups = [];
  const copies: FleetBackups = [];
  for (let i = 0; i < CLUSTERS; i++) {
    const newest = i < 15 ? 3 : 50;
    const hours = [500, 200, 100, newest];
    hours.forEach((h, n) => {
      backups.push({ id: backupId(i, n), cluster: clusterId(i), createdAt: ago(h) });
    });
    const source = { sourceRegion: 'us-east-1', sourceCluster: clusterId(i) };
    copies.push(
      {
        id: copyId(i, 0),
        createdAt: ago(24 * 200),
        sourceBackup: 'backup-goneaaaaaaa',
        copiedAt: ago(24 * 200 - 1),
        ...source,
      },
      {
        id: copyId(i, 1),
        createdAt: ago(newest),
        sourceBackup: backupId(i, 3),
        copiedAt: ago(newest - 1),
        ...source,
      },
    );
  }
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
        clusters: Array.from({ length: CLUSTERS }, (_, i) => ({
          id: clusterId(i),
          subnets: subnets.map((s) => s.id),
          securityGroup: 'sg-0a110000',
          backupRetentionDays: 90,
          createdAt: ago(24 * 600),
          hsms: [
            { id: `hsm-paging${suffix(i)}aaaa`, zone: 'us-east-1a' },
            { id: `hsm-paging${suffix(i)}bbbb`, zone: 'us-east-1b' },
          ],
        })),
        backups,
      },
      'us-west-2': { zones: ['us-west-2a'], backups: copies },
    },
  };
}

const config = (extra: Record<string, string> = {}) =>
  parseAuditConfig({ regions: 'us-east-1', drRegions: 'us-west-2', ...extra });

let test: TestSandbox | undefined;
afterEach(async () => {
  await test?.close();
  test = undefined;
});

describe('runAudit against the sandbox', () => {
  it('pages through more than 25 clusters and more than 50 backups in each region', async () => {
    // Prepare
    test = await startTestSandbox({ fleet: pagingFleet() });
    // Act
    const report = await runAudit({ clients: test.clients }, config(), NOW);
    // Assess
    expect(report.errors).toEqual([]);
    expect(report.account).toBe('111122223333');
    expect(report.clusters).toHaveLength(CLUSTERS);
    expect(report.findings).toHaveLength(CLUSTERS * CHECKS.length);
    const status = (checkId: string, i: number) =>
      report.findings.find((f) => f.checkId === checkId && f.resource.id === clusterId(i))!.status;
    expect(Array.from({ length: CLUSTERS }, (_, i) => status('backup-freshness', i))).toEqual(
      Array.from({ length: CLUSTERS }, (_, i) => (i < 15 ? 'PASSED' : 'FAILED')),
    );
    expect(
      Array.from({ length: CLUSTERS }, (_, i) => status('dr-copies', i)).every((s) => s === 'PASSED'),
    ).toBe(true);
    expect(
      Array.from({ length: CLUSTERS }, (_, i) => status('stale-dr-copies', i)).every((s) => s === 'FAILED'),
    ).toBe(true);
    const calls = (operation: string, region: string) =>
      test!.sandbox.requests().filter((r) => r.operation === operation && r.region === region);
    expect(calls('DescribeClusters', 'us-east-1')).toHaveLength(2);
    expect(calls('DescribeBackups', 'us-east-1')).toHaveLength(3);
    expect(calls('DescribeBackups', 'us-west-2')).toHaveLength(2);
    expect(calls('DescribeClusters', 'us-west-2')).toHaveLength(0);
    expect(calls('DescribeAvailabilityZones', 'us-east-1')).toHaveLength(1);
  });

  it('delivers every finding and the summary despite partial PutEvents failures, each exactly once', async () => {
    // Prepare: a third of the entries fail with InternalFailure or ThrottlingException
    test = await startTestSandbox({
      fleet: pagingFleet(),
      faults: { seed: 7, rules: [], putEventsEntryFailureRate: 0.3 },
    });
    // Act
    const report = await runAudit(
      { clients: test.clients, publishOptions: { backoffMs: 0, maxAttempts: 20 } },
      config({ publish: 'true', eventBus: 'ops-feed' }),
      NOW,
    );
    // Assess
    const received = test.sandbox.events();
    expect(report.events?.failed).toEqual([]);
    expect(report.events?.calls).toBeGreaterThan(Math.ceil(auditEvents(report).length / 10));
    expect(received).toHaveLength(report.findings.length + 1);
    const ids = received
      .filter((e) => e.detailType === 'CloudHSM Finding')
      .map((e) => (e.detail as { findingId: string }).findingId);
    expect(new Set(ids)).toEqual(new Set(report.findings.map((f) => f.findingId)));
    expect(ids).toHaveLength(report.findings.length);
    expect(received.every((e) => e.busName === 'ops-feed' && e.source === 'cloudhsm-ops')).toBe(true);
  });

  it('reports every event lost when PutEvents keeps failing', async () => {
    // Prepare
    test = await startTestSandbox({
      fleet: pagingFleet(),
      faults: { rules: [], putEventsEntryFailureRate: 1 },
    });
    // Act
    const report = await runAudit(
      { clients: test.clients, publishOptions: { backoffMs: 0, maxAttempts: 2 } },
      config({ publish: 'true' }),
      NOW,
    );
    // Assess
    expect(test.sandbox.events()).toHaveLength(0);
    expect(report.events?.published).toBe(0);
    expect(report.events?.failed).toHaveLength(report.findings.length + 1);
  });
});
