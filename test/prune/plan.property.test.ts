import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type PruneConfig, parsePruneConfig } from '../../lib/config/prune.js';
import { duplicateCopies } from '../../lib/copies/duplicates.js';
import { type BackupInfo, isCopy, lineageOf, type RegionInventory } from '../../lib/inventory/types.js';
import { planPrune, resolveCutoff } from '../../lib/prune/plan.js';
import { backupId, NOW } from '../support/backups.js';

const REGIONS = ['us-east-1', 'eu-west-1'] as const;
const CLUSTERS = ['cluster-aaaaaaaaaaa', 'cluster-bbbbbbbbbbb', 'cluster-ccccccccccc'] as const;
const HOLD = 'cloudhsm-ops:hold';

const backupArb = fc
  .record({
    region: fc.constantFrom(...REGIONS),
    cluster: fc.constantFrom(...CLUSTERS),
    source: fc.option(fc.constantFrom(...CLUSTERS), { nil: undefined }),
    state: fc.constantFrom('READY', 'READY', 'READY', 'CREATE_IN_PROGRESS', 'PENDING_DELETION', 'DELETED'),
    // Whole hours, so ties with the cutoff and between backups happen.
    hoursAgo: fc.integer({ min: 0, max: 24 * 200 }),
    neverExpires: fc.boolean(),
    held: fc.boolean(),
  })
  .map(
    (b): BackupInfo => ({
      id: '',
      region: b.region,
      clusterId: b.cluster,
      state: b.state as BackupInfo['state'],
      createdAt: NOW.minus({ hours: b.hoursAgo }).toJSDate(),
      neverExpires: b.neverExpires && b.hoursAgo % 3 === 0,
      tags: b.held && b.hoursAgo % 2 === 0 ? { [HOLD]: 'yes' } : { env: 'prod' },
      ...(b.source
        ? { sourceClusterId: b.source, sourceRegion: 'ap-south-1', sourceBackupId: 'backup-srcsrcsrcsr' }
        : {}),
    }),
  );

const fleetArb = fc.array(backupArb, { maxLength: 60 }).map((backups): RegionInventory[] => {
  backups.forEach((b, i) => {
    b.id = backupId(10_000 + i);
  });
  return REGIONS.map((region) => ({
    region,
    clusters: [],
    backups: backups.filter((b) => b.region === region),
  }));
});

const configArb = fc
  .record({
    regions: fc.subarray([...REGIONS], { minLength: 1 }),
    clusterId: fc.option(fc.constantFrom(...CLUSTERS), { nil: undefined }),
    cutoff: fc.oneof(
      fc
        .integer({ min: 0, max: 24 * 200 })
        .map((h) => ({ timestamp: NOW.minus({ hours: h }).toUTC().toISO()! })),
      // Prune ages are at least one day (issue 18 §5); timestamps above still reach any hour.
      fc.integer({ min: 24, max: 24 * 200 }).map((h) => ({ olderThan: `${h}h` })),
      fc.constant({ deleteAll: 'true' }),
      fc.constant({}),
    ),
    copyRetentionDays: fc.option(fc.integer({ min: 1, max: 200 }), { nil: undefined }),
    keepLast: fc.integer({ min: 0, max: 3 }),
    maxDeletions: fc.integer({ min: 1, max: 60 }),
  })
  .map((c): PruneConfig | undefined => {
    const deleteAll = 'deleteAll' in c.cutoff;
    const clusterId = deleteAll ? (c.clusterId ?? CLUSTERS[0]) : c.clusterId;
    const settings: Record<string, string | undefined> = {
      regions: c.regions.join(','),
      clusterId,
      ...c.cutoff,
      copyRetentionDays:
        deleteAll || c.copyRetentionDays === undefined ? undefined : String(c.copyRetentionDays),
      keepLast: String(c.keepLast),
      confirm: c.keepLast === 0 && deleteAll ? clusterId : undefined,
      maxDeletions: String(c.maxDeletions),
    };
    if (
      !deleteAll &&
      !('timestamp' in c.cutoff) &&
      !('olderThan' in c.cutoff) &&
      !settings.copyRetentionDays
    ) {
      settings.olderThan = '24h';
    }
    if (c.keepLast === 0 && !deleteAll) settings.keepLast = '1';
    return parsePruneConfig(settings);
  });

const fleetAndConfig = fc.tuple(fleetArb, configArb);
const RUNS = { numRuns: 300 };

/** The cutoff instant that applies to a backup under a config, or undefined for --deleteall / originals in copies-only. */
function applicableCutoff(backup: BackupInfo, config: PruneConfig): number | undefined | 'none' {
  const cutoff = resolveCutoff(config.cutoff, NOW);
  if (isCopy(backup) && config.copyRetentionDays !== undefined) {
    return NOW.minus({ days: config.copyRetentionDays }).toMillis();
  }
  if (config.cutoff.kind === 'all') return undefined;
  return cutoff ? cutoff.utc.toMillis() : 'none';
}

function backupsOf(fleet: RegionInventory[], config: PruneConfig): BackupInfo[] {
  return fleet.filter((r) => config.regions.includes(r.region)).flatMap((r) => r.backups);
}

describe('planPrune properties', () => {
  it('never deletes a guarded backup: not READY, NeverExpires, held, or out of scope', () => {
    fc.assert(
      fc.property(fleetAndConfig, ([fleet, config]) => {
        const plan = planPrune(fleet, config!, NOW);
        const byId = new Map(backupsOf(fleet, config!).map((b) => [b.id, b]));
        for (const entry of plan.entries.filter((e) => e.decision === 'delete')) {
          const b = byId.get(entry.backupId)!;
          expect(b.state).toBe('READY');
          expect(b.neverExpires).toBe(false);
          expect(Object.hasOwn(b.tags, HOLD)).toBe(false);
          if (config!.clusterId) expect(lineageOf(b)).toBe(config!.clusterId);
        }
      }),
      RUNS,
    );
  });

  it('never deletes anything newer than the cutoff that applies to it', () => {
    fc.assert(
      fc.property(fleetAndConfig, ([fleet, config]) => {
        const plan = planPrune(fleet, config!, NOW);
        const byId = new Map(backupsOf(fleet, config!).map((b) => [b.id, b]));
        for (const entry of plan.entries.filter((e) => e.decision === 'delete')) {
          const b = byId.get(entry.backupId)!;
          const cutoff = applicableCutoff(b, config!);
          expect(cutoff).not.toBe('none');
          if (typeof cutoff === 'number') expect(b.createdAt.getTime()).toBeLessThanOrEqual(cutoff);
        }
      }),
      RUNS,
    );
  });

  it('always keeps the newest keep-last READY backups of each lineage in each region', () => {
    fc.assert(
      fc.property(fleetAndConfig, ([fleet, config]) => {
        const plan = planPrune(fleet, config!, NOW);
        const decided = new Map(plan.entries.map((e) => [e.backupId, e.decision]));
        const groups = new Map<string, BackupInfo[]>();
        for (const b of backupsOf(fleet, config!).filter((x) => x.state === 'READY')) {
          const key = `${b.region}/${lineageOf(b)}`;
          groups.set(key, [...(groups.get(key) ?? []), b]);
        }
        for (const group of groups.values()) {
          const remaining = group.filter((b) => decided.get(b.id) === 'keep').length;
          expect(remaining).toBeGreaterThanOrEqual(Math.min(config!.keepLast, group.length));
          const newest = Math.max(...group.map((b) => b.createdAt.getTime()));
          if (config!.keepLast > 0) {
            expect(group.some((b) => b.createdAt.getTime() === newest && decided.get(b.id) === 'keep')).toBe(
              true,
            );
          }
        }
      }),
      RUNS,
    );
  });

  it('keeps a backup only for a reason that is true of it (the plan is not more timid than its rules)', () => {
    fc.assert(
      fc.property(fleetAndConfig, ([fleet, config]) => {
        const c = config!;
        const plan = planPrune(fleet, c, NOW);
        const all = backupsOf(fleet, c);
        const byId = new Map(all.map((b) => [b.id, b]));
        for (const entry of plan.entries.filter((e) => e.decision === 'keep')) {
          const b = byId.get(entry.backupId)!;
          const cutoff = applicableCutoff(b, c);
          const truth: Record<string, boolean> = {
            'other-cluster': c.clusterId !== undefined && lineageOf(b) !== c.clusterId,
            'not-ready': b.state !== 'READY',
            'newer-than-cutoff': typeof cutoff === 'number' && b.createdAt.getTime() > cutoff,
            'never-expires': b.neverExpires,
            'hold-tag': Object.hasOwn(b.tags, HOLD),
            'keep-last':
              all.filter(
                (o) =>
                  o.state === 'READY' &&
                  o.region === b.region &&
                  lineageOf(o) === lineageOf(b) &&
                  o.createdAt.getTime() > b.createdAt.getTime(),
              ).length < c.keepLast,
            'not-a-copy': cutoff === 'none' && !isCopy(b),
          };
          expect(truth[entry.reason], `${entry.backupId} kept for ${entry.reason}`).toBe(true);
        }
      }),
      RUNS,
    );
  });

  it('lists every backup of the configured regions exactly once and flags plans over max-deletions', () => {
    fc.assert(
      fc.property(fleetAndConfig, ([fleet, config]) => {
        const plan = planPrune(fleet, config!, NOW);
        const ids = plan.entries.map((e) => e.backupId).sort();
        expect(ids).toEqual(
          backupsOf(fleet, config!)
            .map((b) => b.id)
            .sort(),
        );
        expect(plan.overLimit).toBe(plan.counts.delete > config!.maxDeletions);
      }),
      RUNS,
    );
  });

  it('gives the same plan whatever order the listing came in', () => {
    fc.assert(
      fc.property(fleetAndConfig, fc.integer(), ([fleet, config], seed) => {
        const shuffled = fleet.map((r) => ({
          ...r,
          backups: [...r.backups].sort(
            (a, b) => ((a.id.charCodeAt(9) ^ seed) & 7) - ((b.id.charCodeAt(9) ^ seed) & 7),
          ),
        }));
        expect(planPrune(shuffled, config!, NOW)).toEqual(planPrune(fleet, config!, NOW));
      }),
      { numRuns: 100 },
    );
  });
});

/** DR copies drawn from a small pool of source backups, so duplicates (and ties) are common. */
const copyArb = fc
  .record({
    source: fc.integer({ min: 0, max: 5 }),
    cluster: fc.constantFrom(...CLUSTERS),
    region: fc.constantFrom(...REGIONS),
    state: fc.constantFrom('READY', 'READY', 'READY', 'CREATE_IN_PROGRESS', 'PENDING_DELETION'),
    copiedHoursAgo: fc.integer({ min: 0, max: 24 * 10 }),
    neverExpires: fc.boolean(),
    held: fc.boolean(),
  })
  .map(
    (c): BackupInfo => ({
      id: '',
      region: c.region,
      state: c.state as BackupInfo['state'],
      // A copy shares its source backup's CreateTimestamp: one per source in the pool.
      createdAt: NOW.minus({ days: 10 + c.source * 30 }).toJSDate(),
      copiedAt: NOW.minus({ hours: c.copiedHoursAgo }).toJSDate(),
      neverExpires: c.neverExpires && c.copiedHoursAgo % 3 === 0,
      tags: c.held && c.copiedHoursAgo % 2 === 0 ? { [HOLD]: 'yes' } : {},
      sourceRegion: 'ap-south-1',
      sourceClusterId: CLUSTERS[c.source % CLUSTERS.length],
      sourceBackupId: backupId(90_000 + c.source),
    }),
  );

const copiesArb = fc.array(copyArb, { maxLength: 40 }).map((backups): RegionInventory[] => {
  backups.forEach((b, i) => {
    b.id = backupId(20_000 + i);
  });
  return REGIONS.map((region) => ({
    region,
    clusters: [],
    backups: backups.filter((b) => b.region === region),
  }));
});

const dedupeConfigArb = fc
  .record({
    cutoff: fc.oneof(
      fc.constant({}),
      fc.integer({ min: 1, max: 200 }).map((d) => ({ olderThan: `${d}d` })),
      fc.integer({ min: 1, max: 200 }).map((d) => ({ copyRetentionDays: String(d) })),
    ),
    keepLast: fc.integer({ min: 1, max: 3 }),
    clusterId: fc.option(fc.constantFrom(...CLUSTERS), { nil: undefined }),
  })
  .map((c) =>
    parsePruneConfig({
      regions: REGIONS.join(','),
      duplicateCopies: 'true',
      keepLast: String(c.keepLast),
      maxDeletions: '1000',
      ...(c.clusterId ? { clusterId: c.clusterId } : {}),
      ...c.cutoff,
    }),
  );

describe('planPrune properties with --duplicate-copies', () => {
  const groupsOf = (fleet: RegionInventory[]) =>
    duplicateCopies(
      fleet.flatMap((r) => r.backups),
      HOLD,
    );

  it('never deletes the kept copy of a source backup when no cutoff reaches it, and deletes only extras or what is past a cutoff', () => {
    fc.assert(
      fc.property(copiesArb, dedupeConfigArb, (fleet, config) => {
        const plan = planPrune(fleet, config, NOW);
        const decided = new Map(plan.entries.map((e) => [e.backupId, e]));
        const extras = new Set(groupsOf(fleet).flatMap((g) => g.extra.map((b) => b.id)));
        for (const group of groupsOf(fleet)) {
          const kept = decided.get(group.keep.id)!;
          if (kept.decision === 'delete') expect(kept.reason).toBe('older-than-cutoff');
          if (config.cutoff.kind === 'duplicates-only') expect(kept.decision).toBe('keep');
        }
        for (const entry of plan.entries.filter((e) => e.decision === 'delete')) {
          if (entry.reason === 'duplicate-copy') {
            expect(extras.has(entry.backupId)).toBe(true);
            // The copy that stays is kept by this very plan.
            expect(decided.get(entry.keptCopyId!)?.decision).toBe('keep');
          } else expect(entry.reason).toBe('older-than-cutoff');
        }
      }),
      RUNS,
    );
  });

  it('never deletes a held, NeverExpires or non-READY copy, nor one of another lineage than --cluster-id', () => {
    fc.assert(
      fc.property(copiesArb, dedupeConfigArb, (fleet, config) => {
        const plan = planPrune(fleet, config, NOW);
        const byId = new Map(fleet.flatMap((r) => r.backups).map((b) => [b.id, b]));
        for (const entry of plan.entries.filter((e) => e.decision === 'delete')) {
          const b = byId.get(entry.backupId)!;
          expect(b.state).toBe('READY');
          expect(b.neverExpires).toBe(false);
          expect(Object.hasOwn(b.tags, HOLD)).toBe(false);
          if (config.clusterId) expect(lineageOf(b)).toBe(config.clusterId);
        }
      }),
      RUNS,
    );
  });

  it('keeps at least keep-last READY backups of each lineage in each region, an extra copy counting for none', () => {
    fc.assert(
      fc.property(copiesArb, dedupeConfigArb, (fleet, config) => {
        const plan = planPrune(fleet, config, NOW);
        const decided = new Map(plan.entries.map((e) => [e.backupId, e.decision]));
        const extras = new Set(groupsOf(fleet).flatMap((g) => g.extra.map((b) => b.id)));
        const groups = new Map<string, BackupInfo[]>();
        for (const b of fleet.flatMap((r) => r.backups)) {
          if (b.state !== 'READY' || extras.has(b.id)) continue;
          const key = `${b.region}/${lineageOf(b)}`;
          groups.set(key, [...(groups.get(key) ?? []), b]);
        }
        for (const group of groups.values()) {
          const kept = group.filter((b) => decided.get(b.id) === 'keep');
          expect(kept.length).toBeGreaterThanOrEqual(Math.min(config.keepLast, group.length));
          // The newest source backup of the lineage keeps a copy.
          const newest = Math.max(...group.map((b) => b.createdAt.getTime()));
          expect(kept.some((b) => b.createdAt.getTime() === newest)).toBe(true);
        }
      }),
      RUNS,
    );
  });
});
