import { DateTime, Duration } from 'luxon';
import { describe, expect, it } from 'vitest';
import {
  type CopyPlanConfig,
  copiesBySource,
  copyCandidates,
  planCopies,
  summarisePlan,
} from '../../lib/copy/plan.js';
import type { BackupInfo, RegionInventory } from '../../lib/inventory/types.js';

const NOW = DateTime.fromISO('2026-11-29T12:00:00Z', { zone: 'utc' });
const CLUSTER = 'cluster-abcdefghijk';
const OTHER_CLUSTER = 'cluster-bcdefghijkl';

function backup(id: string, overrides: Partial<BackupInfo> = {}): BackupInfo {
  return {
    id,
    region: 'us-east-1',
    clusterId: CLUSTER,
    state: 'READY',
    createdAt: new Date('2026-11-29T03:00:00Z'),
    neverExpires: false,
    tags: {},
    ...overrides,
  };
}

function copyOf(
  source: BackupInfo,
  region: string,
  id: string,
  state: BackupInfo['state'] = 'READY',
): BackupInfo {
  return backup(id, {
    region,
    clusterId: undefined,
    state,
    sourceBackupId: source.id,
    sourceRegion: source.region,
    sourceClusterId: source.clusterId,
  });
}

function inventory(region: string, backups: BackupInfo[]): RegionInventory {
  return { region, clusters: [], backups };
}

const config: CopyPlanConfig = {
  drRegions: ['us-west-2', 'eu-west-1'],
  clusterIds: [],
  since: Duration.fromObject({ hours: 48 }),
};
const noCopies = { 'us-west-2': [], 'eu-west-1': [] };

describe('planCopies', () => {
  it('copies a recent READY backup to every DR region', () => {
    // Prepare
    const source = backup('backup-aaaaaaaaaaa');

    // Act
    const plan = planCopies([inventory('us-east-1', [source])], noCopies, config, NOW);

    // Assess
    expect(plan.items.map((i) => [i.action, i.source.id, i.destinationRegion])).toEqual([
      ['copy', 'backup-aaaaaaaaaaa', 'us-west-2'],
      ['copy', 'backup-aaaaaaaaaaa', 'eu-west-1'],
    ]);
    expect(plan.windowStart.toISOString()).toBe('2026-11-27T12:00:00.000Z');
  });

  it('treats a copy in any state but DELETED as present, and copies again only where it is gone', () => {
    // Prepare
    const a = backup('backup-aaaaaaaaaaa');
    const b = backup('backup-bbbbbbbbbbb');
    const c = backup('backup-ccccccccccc');
    const destinations = {
      'us-west-2': [
        copyOf(a, 'us-west-2', 'backup-waaaaaaaaaa', 'CREATE_IN_PROGRESS'),
        copyOf(b, 'us-west-2', 'backup-wbbbbbbbbbb', 'PENDING_DELETION'),
        copyOf(c, 'us-west-2', 'backup-wcccccccccc', 'DELETED'),
      ],
      'eu-west-1': [copyOf(a, 'eu-west-1', 'backup-eaaaaaaaaaa')],
    };

    // Act
    const plan = planCopies([inventory('us-east-1', [a, b, c])], destinations, config, NOW);

    // Assess
    const byKey = Object.fromEntries(plan.items.map((i) => [`${i.source.id}/${i.destinationRegion}`, i]));
    expect(byKey['backup-aaaaaaaaaaa/us-west-2']?.action).toBe('already-present');
    expect(byKey['backup-aaaaaaaaaaa/us-west-2']?.existing).toEqual([
      { backupId: 'backup-waaaaaaaaaa', state: 'CREATE_IN_PROGRESS' },
    ]);
    expect(byKey['backup-aaaaaaaaaaa/eu-west-1']?.action).toBe('already-present');
    expect(byKey['backup-bbbbbbbbbbb/us-west-2']?.action).toBe('already-present');
    expect(byKey['backup-bbbbbbbbbbb/us-west-2']?.detail).toMatch(/pending deletion, restore it/);
    expect(byKey['backup-ccccccccccc/us-west-2']?.action).toBe('copy');
    expect(summarisePlan(plan)).toEqual({ copy: 3, 'already-present': 3, skip: 0 });
  });

  it('says why a backup is skipped: not READY, older than the window, itself a copy', () => {
    // Prepare
    const creating = backup('backup-aaaaaaaaaaa', { state: 'CREATE_IN_PROGRESS' });
    const pending = backup('backup-bbbbbbbbbbb', { state: 'PENDING_DELETION' });
    const old = backup('backup-ccccccccccc', { createdAt: new Date('2026-11-27T11:59:59Z') });
    const edge = backup('backup-ddddddddddd', { createdAt: new Date('2026-11-27T12:00:00Z') });
    const incoming = copyOf(
      backup('backup-eeeeeeeeeee', { region: 'ap-south-1' }),
      'us-east-1',
      'backup-fffffffffff',
    );

    // Act
    const plan = planCopies(
      [inventory('us-east-1', [creating, pending, old, edge, incoming])],
      noCopies,
      config,
      NOW,
    );

    // Assess
    const skips = plan.items.filter((i) => i.action === 'skip').map((i) => [i.source.id, i.reason]);
    expect(skips).toEqual([
      ['backup-ccccccccccc', 'outside-window'],
      ['backup-aaaaaaaaaaa', 'not-ready'],
      ['backup-bbbbbbbbbbb', 'not-ready'],
      ['backup-fffffffffff', 'is-a-copy'],
    ]);
    expect(plan.items.filter((i) => i.action === 'copy').map((i) => i.source.id)).toEqual([
      'backup-ddddddddddd',
      'backup-ddddddddddd',
    ]);
    expect(plan.items.every((i) => i.action !== 'skip' || i.destinationRegion === undefined)).toBe(true);
  });

  it('reports a DR region equal to the source region as skipped, and copies to the others', () => {
    // Prepare
    const east = backup('backup-aaaaaaaaaaa');
    const west = backup('backup-bbbbbbbbbbb', { region: 'us-west-2' });

    // Act
    const plan = planCopies(
      [inventory('us-east-1', [east]), inventory('us-west-2', [west])],
      { 'us-west-2': [], 'us-east-1': [] },
      { ...config, drRegions: ['us-west-2', 'us-east-1'] },
      NOW,
    );

    // Assess
    expect(plan.items.map((i) => [i.source.id, i.destinationRegion, i.action, i.reason])).toEqual([
      ['backup-aaaaaaaaaaa', 'us-west-2', 'copy', undefined],
      ['backup-aaaaaaaaaaa', 'us-east-1', 'skip', 'same-region'],
      ['backup-bbbbbbbbbbb', 'us-west-2', 'skip', 'same-region'],
      ['backup-bbbbbbbbbbb', 'us-east-1', 'copy', undefined],
    ]);
  });

  it('keeps only the chosen clusters', () => {
    // Prepare
    const mine = backup('backup-aaaaaaaaaaa');
    const theirs = backup('backup-bbbbbbbbbbb', { clusterId: OTHER_CLUSTER });

    // Act
    const plan = planCopies(
      [inventory('us-east-1', [mine, theirs])],
      noCopies,
      { ...config, clusterIds: [CLUSTER] },
      NOW,
    );

    // Assess
    expect(new Set(plan.items.map((i) => i.source.id))).toEqual(new Set(['backup-aaaaaaaaaaa']));
  });

  it('flags duplicates already in a DR region', () => {
    // Prepare
    const source = backup('backup-aaaaaaaaaaa');
    const destinations = {
      'us-west-2': [
        copyOf(source, 'us-west-2', 'backup-wzzzzzzzzzz'),
        copyOf(source, 'us-west-2', 'backup-waaaaaaaaaa'),
      ],
      'eu-west-1': [],
    };

    // Act
    const plan = planCopies([inventory('us-east-1', [source])], destinations, config, NOW);

    // Assess
    const present = plan.items.find((i) => i.destinationRegion === 'us-west-2');
    expect(present?.existing?.map((c) => c.backupId)).toEqual(['backup-waaaaaaaaaa', 'backup-wzzzzzzzzzz']);
    expect(present?.detail).toMatch(/2 copies, duplicates/);
  });

  it('refuses to plan without a listing for every DR region', () => {
    // Prepare
    const source = backup('backup-aaaaaaaaaaa');

    // Act + Assess
    expect(() => planCopies([inventory('us-east-1', [source])], { 'us-west-2': [] }, config, NOW)).toThrow(
      /no listing for DR region eu-west-1/,
    );
  });

  it('is pure: the same input gives the same plan and the input is not changed', () => {
    // Prepare
    const backups = [backup('backup-bbbbbbbbbbb'), backup('backup-aaaaaaaaaaa')];
    const before = JSON.stringify(backups);

    // Act
    const first = planCopies([inventory('us-east-1', backups)], noCopies, config, NOW);
    const second = planCopies([inventory('us-east-1', backups)], noCopies, config, NOW);

    // Assess
    expect(first).toEqual(second);
    expect(JSON.stringify(backups)).toBe(before);
    expect(first.items[0]?.source.id).toBe('backup-aaaaaaaaaaa');
  });
});

describe('copiesBySource', () => {
  it('ignores backups that are not copies and copies that are DELETED', () => {
    // Prepare
    const source = backup('backup-aaaaaaaaaaa');

    // Act
    const index = copiesBySource([
      backup('backup-xxxxxxxxxxx', { region: 'us-west-2' }),
      copyOf(source, 'us-west-2', 'backup-wdddddddddd', 'DELETED'),
    ]);

    // Assess
    expect(index.size).toBe(0);
  });
});

describe('copyCandidates', () => {
  it('names exactly the pairs the plan copies when no DR region holds a copy yet', () => {
    // Prepare: in the window and READY, too old, not READY, a copy, another cluster, a DR region's own backup
    const sources = [
      inventory('us-east-1', [
        backup('backup-aaaaaaaaaaa'),
        backup('backup-bbbbbbbbbbb', { createdAt: new Date('2026-11-01T00:00:00Z') }),
        backup('backup-ccccccccccc', { state: 'CREATE_IN_PROGRESS' }),
        backup('backup-ddddddddddd', { sourceBackupId: 'backup-zzzzzzzzzzz', sourceRegion: 'eu-west-1' }),
        backup('backup-eeeeeeeeeee', { clusterId: OTHER_CLUSTER }),
      ]),
      inventory('us-west-2', [backup('backup-fffffffffff', { region: 'us-west-2' })]),
    ];
    const narrowed = { ...config, clusterIds: [CLUSTER] };

    // Act
    const candidates = copyCandidates(sources, narrowed, NOW);
    const planned = planCopies(sources, noCopies, narrowed, NOW).items.filter((i) => i.action === 'copy');

    // Assess
    const pairs = candidates.map((c) => [c.source.id, c.destinationRegion]);
    expect(pairs).toEqual(planned.map((i) => [i.source.id, i.destinationRegion]));
    expect(pairs).toEqual([
      ['backup-aaaaaaaaaaa', 'us-west-2'],
      ['backup-aaaaaaaaaaa', 'eu-west-1'],
      ['backup-fffffffffff', 'eu-west-1'],
    ]);
  });
});
