/** The data the fleet report is drawn from: pure functions of an inventory, findings and an instant. */
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../lib/events/findings.js';
import type { BackupInfo, ClusterInfo, RegionInventory } from '../../lib/inventory/types.js';
import { buildFleetReport, lineageView, scoreOf, sortFindings, zonesOf } from '../../lib/report/model.js';

const NOW = DateTime.fromISO('2026-11-29T12:00:00Z', { zone: 'utc' });
const DAY = 86_400_000;

function backup(id: string, daysAgo: number, extra: Partial<BackupInfo> = {}): BackupInfo {
  return {
    id,
    region: 'us-east-1',
    clusterId: 'cluster-a',
    state: 'READY',
    createdAt: new Date(NOW.toMillis() - daysAgo * DAY),
    neverExpires: false,
    tags: {},
    ...extra,
  };
}

function cluster(extra: Partial<ClusterInfo> = {}): ClusterInfo {
  return {
    id: 'cluster-a',
    region: 'us-east-1',
    state: 'ACTIVE',
    subnetMapping: { 'us-east-1a': 'subnet-a', 'us-east-1b': 'subnet-b' },
    hsms: [
      { id: 'hsm-1', zone: 'us-east-1a', state: 'ACTIVE' },
      { id: 'hsm-2', zone: 'us-east-1a', state: 'ACTIVE' },
      { id: 'hsm-3', zone: 'us-east-1b', state: 'DEGRADED' },
    ],
    tags: {},
    retentionDays: 7,
    ...extra,
  };
}

const zones = ['us-east-1a', 'us-east-1b', 'us-east-1c'].map((name) => ({
  name,
  state: 'available',
  type: 'availability-zone',
}));

function finding(checkId: string, status: Finding['status'], severity: Finding['severity']): Finding {
  return {
    checkId,
    status,
    severity,
    region: 'us-east-1',
    resource: { id: 'cluster-a' },
  } as Finding;
}

describe('zonesOf', () => {
  it('tells serving zones, zones with a subnet but no serving HSM, and zones with neither', () => {
    const inventory: RegionInventory = { region: 'us-east-1', clusters: [cluster()], backups: [], zones };
    expect(zonesOf(cluster(), inventory)).toEqual([
      { name: 'us-east-1a', coverage: 'serving', hsms: 2, notServing: 0, subnetId: 'subnet-a' },
      { name: 'us-east-1b', coverage: 'subnet-only', hsms: 0, notServing: 1, subnetId: 'subnet-b' },
      { name: 'us-east-1c', coverage: 'none', hsms: 0, notServing: 0 },
    ]);
  });

  it('leaves out zones that are not available Availability Zones', () => {
    const more = [...zones, { name: 'us-east-1-lax-1a', state: 'available', type: 'local-zone' }];
    const inventory: RegionInventory = { region: 'us-east-1', clusters: [], backups: [], zones: more };
    expect(zonesOf(cluster(), inventory).map((z) => z.name)).toEqual([
      'us-east-1a',
      'us-east-1b',
      'us-east-1c',
    ]);
  });
});

describe('lineageView', () => {
  it('aggregates to one mark per day, counts states, days without a READY backup and the older ones', () => {
    const backups = [
      backup('b1', 0.1),
      backup('b2', 0.2),
      backup('b3', 1, { state: 'PENDING_DELETION' }),
      backup('b4', 2, { state: 'CREATE_IN_PROGRESS' }),
      backup('b5', 3),
      backup('b6', 40),
      backup('b7', 3, { state: 'DELETED' }),
    ];
    const view = lineageView(backups, 'us-east-1', 'original', NOW, 5, 7);
    expect(view.days).toEqual([
      { day: '2026-11-26', ready: 1, pendingDeletion: 0, other: 0 },
      { day: '2026-11-27', ready: 0, pendingDeletion: 0, other: 1 },
      { day: '2026-11-28', ready: 0, pendingDeletion: 1, other: 0 },
      { day: '2026-11-29', ready: 2, pendingDeletion: 0, other: 0 },
    ]);
    // Window 2026-11-25..29; today is not judged: 25, 27 and 28 have no READY backup.
    expect(view).toMatchObject({ older: 1, total: 6, missingDays: 3, newestReady: '2026-11-29' });
    expect(view.retentionFrom).toBe('2026-11-22');
  });

  it('keeps the report small: 10,000 backups of one lineage over 30 days give at most 30 marks', () => {
    const many = Array.from({ length: 10_000 }, (_, i) => backup(`b${i}`, (i % 300) / 10));
    expect(lineageView(many, 'us-east-1', 'original', NOW, 30).days.length).toBeLessThanOrEqual(30);
  });
});

describe('findings order and score', () => {
  const findings = [
    finding('a', 'PASSED', 'HIGH'),
    finding('b', 'FAILED', 'LOW'),
    finding('c', 'NOT_APPLICABLE', 'CRITICAL'),
    finding('d', 'FAILED', 'CRITICAL'),
    finding('e', 'FAILED', 'MEDIUM'),
  ];

  it('lists FAILED worst first, then PASSED, then NOT_APPLICABLE', () => {
    expect(sortFindings(findings).map((f) => f.checkId)).toEqual(['d', 'e', 'b', 'a', 'c']);
  });

  it('counts FAILED findings by severity', () => {
    expect(scoreOf(findings)).toEqual({
      failed: { INFORMATIONAL: 0, LOW: 1, MEDIUM: 1, HIGH: 0, CRITICAL: 1 },
      passed: 1,
      notApplicable: 1,
      total: 5,
    });
  });
});

describe('buildFleetReport', () => {
  it('lists each cluster with its originals and its copies per DR region, and the prune cutoff', () => {
    const copy = backup('copy-1', 1, {
      region: 'us-west-2',
      clusterId: undefined,
      sourceClusterId: 'cluster-a',
      sourceRegion: 'us-east-1',
      sourceBackupId: 'b1',
    });
    const stranger = { ...copy, id: 'copy-2', sourceClusterId: 'cluster-other' };
    const report = buildFleetReport({
      account: '111122223333',
      inventories: [
        {
          region: 'us-east-1',
          clusters: [cluster(), cluster({ id: 'cluster-gone', state: 'DELETED' })],
          backups: [backup('b1', 1)],
          zones,
        },
      ],
      drBackups: new Map([['us-west-2', [copy, stranger]]]),
      drRegions: ['us-west-2'],
      findings: [finding('a', 'FAILED', 'HIGH')],
      errors: [],
      now: NOW,
      command: 'cloudhsm-ops report --region us-east-1',
      days: 10,
      copyRetentionDays: 90,
      pruneOlderThanDays: 3,
    });
    expect(report.clusters.map((c) => c.id)).toEqual(['cluster-a']);
    const [a] = report.clusters;
    expect(a!.failed).toBe(1);
    expect(a!.lineages.map((l) => [l.region, l.kind, l.total])).toEqual([
      ['us-east-1', 'original', 1],
      ['us-west-2', 'copy', 1],
    ]);
    expect(report).toMatchObject({
      generatedAt: '2026-11-29T12:00:00Z',
      window: { from: '2026-11-20', to: '2026-11-29', days: 10 },
      pruneCutoff: '2026-11-26',
    });
  });
});
