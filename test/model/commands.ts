/**
 * The soak's commands: each acts on the real system (the World: sandbox, SDK clients, real job
 * code) and on the model (what the test knows of the fleet and of the runs), then every
 * invariant is checked. Jobs: prune (dry run and execute, random valid policies), copy (with or
 * without --wait), restore (a run's reported deletions, or a window), audit with publish; several
 * jobs at once under fc.scheduler, which orders their sandbox requests and the world's actions.
 * The world: manual deletes, hold tags added and removed, NeverExpires toggled, new backups, a
 * killed copy run's claims, the clock advancing (copies finishing, deletions expiring), faults.
 */
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { formatClaim } from '../../lib/copy/tags.js';
import type { FaultConfig } from '../../sandbox/index.js';
import { CLUSTERS, CUSTOM_HOLD_TAG, DAY, DEFAULT_HOLD_TAG, DR_REGIONS, HOUR, SOURCE } from './fleet.js';
import { checkInvariants, type Violation } from './invariants.js';
import { type JobRecord, newJob, runJob } from './jobs.js';
import type { Snapshot, World } from './world.js';

/** What the test knows: the fleet after the last command, and what each prune run reported. */
export interface Model {
  fleet: Snapshot;
  reported: { label: string; region: string; ids: string[] }[];
}

/** The system under test and the soak's bookkeeping for one command sequence. */
export interface Real {
  world: World;
  jobs: Map<string, JobRecord>;
  appliedFrom: number;
  violations: Violation[];
  /** Known-open violations fail too (to shrink them): all (`true`), or those whose hole names this text. */
  strict: boolean | string;
  operations: number;
}

// ---------------------------------------------------------------- world actions

export type WorldAction =
  | { kind: 'delete'; pick: number }
  | { kind: 'hold'; pick: number; custom: boolean }
  | { kind: 'unhold'; pick: number }
  | { kind: 'never-expires'; pick: number; value: boolean }
  | { kind: 'new-backup'; cluster: number; ageHours: number }
  | { kind: 'dead-claim'; pick: number }
  /** Lets copies finish (2 min), then deletes a READY DR copy, newest first: a copy a run waits for. */
  | { kind: 'delete-copy'; pick: number }
  /** Time passes in the middle of a run (copies finish). */
  | { kind: 'advance'; minutes: number };

export const worldActionArb: fc.Arbitrary<WorldAction> = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), pick: fc.nat(99) }),
  fc.record({ kind: fc.constant('hold' as const), pick: fc.nat(99), custom: fc.boolean() }),
  fc.record({ kind: fc.constant('unhold' as const), pick: fc.nat(99) }),
  fc.record({ kind: fc.constant('never-expires' as const), pick: fc.nat(99), value: fc.boolean() }),
  fc.record({ kind: fc.constant('new-backup' as const), cluster: fc.nat(1), ageHours: fc.nat(5) }),
  fc.record({ kind: fc.constant('dead-claim' as const), pick: fc.nat(99) }),
  fc.record({ kind: fc.constant('delete-copy' as const), pick: fc.nat(3) }),
  fc.record({ kind: fc.constant('advance' as const), minutes: fc.integer({ min: 1, max: 5 }) }),
);

function pickFrom<T>(list: T[], pick: number): T | undefined {
  return list.length > 0 ? list[pick % list.length] : undefined;
}

const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id);

/** Applies one world action through the API; returns what it did, for logs. */
export async function applyWorldAction(world: World, action: WorldAction): Promise<string> {
  const all = [...world.snapshot().values()].sort(byId);
  switch (action.kind) {
    case 'delete': {
      const b = pickFrom(
        all.filter((x) => x.state === 'READY'),
        action.pick,
      );
      return b ? `delete ${b.id}: ${await world.deleteBackup(b.region, b.id)}` : 'delete: nothing READY';
    }
    case 'hold': {
      const b = pickFrom(
        all.filter((x) => x.state !== 'DELETED'),
        action.pick,
      );
      const key = action.custom ? CUSTOM_HOLD_TAG : DEFAULT_HOLD_TAG;
      return b ? `hold ${b.id} ${key}: ${await world.setTag(b.region, b.id, key, 'soak')}` : 'hold: none';
    }
    case 'unhold': {
      const b = pickFrom(
        all.filter((x) => DEFAULT_HOLD_TAG in x.tags || CUSTOM_HOLD_TAG in x.tags),
        action.pick,
      );
      if (!b) return 'unhold: none held';
      const key = DEFAULT_HOLD_TAG in b.tags ? DEFAULT_HOLD_TAG : CUSTOM_HOLD_TAG;
      return `unhold ${b.id} ${key}: ${await world.removeTag(b.region, b.id, key)}`;
    }
    case 'never-expires': {
      const b = pickFrom(
        all.filter((x) => x.state === 'READY'),
        action.pick,
      );
      return b
        ? `NeverExpires=${action.value} ${b.id}: ${await world.setNeverExpires(b.region, b.id, action.value)}`
        : 'never-expires: nothing READY';
    }
    case 'new-backup': {
      const id = world.sandbox.addBackup(SOURCE, {
        clusterId: CLUSTERS[action.cluster]!,
        createdAt: new Date(world.nowMs() - action.ageHours * HOUR),
        tags: { env: 'prod' },
      });
      return `new backup ${id}`;
    }
    case 'delete-copy': {
      world.sandbox.clock.advance(2 * 60_000);
      const b = pickFrom(
        [...world.snapshot().values()]
          .filter((x) => x.sourceBackup !== undefined && x.state === 'READY')
          .sort((x, y) => y.createdMs - x.createdMs || byId(x, y)),
        action.pick,
      );
      return b
        ? `delete copy ${b.id}: ${await world.deleteBackup(b.region, b.id)}`
        : 'delete-copy: none READY';
    }
    case 'advance':
      world.sandbox.clock.advance(action.minutes * 60_000);
      return `advance ${action.minutes} min`;
    case 'dead-claim': {
      const b = pickFrom(
        all.filter(
          (x) => x.region === SOURCE && x.state === 'READY' && x.createdMs >= world.nowMs() - 3 * DAY,
        ),
        action.pick,
      );
      if (!b) return 'dead-claim: no recent backup';
      const claim = formatClaim({ runId: 'killed-run', until: new Date(world.nowMs() + 10 * 60_000) });
      return `dead run's claim on ${b.id}: ${await world.setTag(b.region, b.id, 'cloudhsm-ops:copy-claim', claim)}`;
    }
  }
}

function describeAction(action: WorldAction): string {
  const { kind, ...rest } = action;
  return `${kind}${JSON.stringify(rest)}`;
}

// ---------------------------------------------------------------- job specs

const ZONES = ['UTC', 'America/New_York', 'Asia/Kolkata', 'Europe/London', '-0200', '+05:30'] as const;
const LUXON_ZONE: Record<string, string> = { '-0200': 'UTC-2', '+05:30': 'UTC+5:30' };

export type CutoffSpec =
  | { kind: 'older-than'; days: number; zone?: string }
  | { kind: 'timestamp'; hoursAgo: number; zone?: string; iso: boolean }
  | { kind: 'delete-all'; keepLast: number }
  | { kind: 'copies-only' };

export interface PruneSpec {
  regions: string;
  /** undefined: every cluster; '' or blanks: a script's unset variable. */
  clusterId?: string;
  cutoff: CutoffSpec;
  copyRetentionDays?: number;
  keepLast?: number;
  maxDeletions?: number;
  customHold: boolean;
  execute: boolean;
  publish: boolean;
  concurrency?: number;
}

const zoneArb = fc.option(fc.constantFrom(...ZONES), { nil: undefined });

export const pruneSpecArb: fc.Arbitrary<PruneSpec> = fc.record(
  {
    regions: fc.constantFrom(SOURCE, DR_REGIONS[0], `${SOURCE},${DR_REGIONS[0]}`),
    clusterId: fc.oneof(
      { weight: 3, arbitrary: fc.constant(undefined) },
      { weight: 3, arbitrary: fc.constantFrom(...CLUSTERS) },
      { weight: 1, arbitrary: fc.constantFrom('', '  ') },
    ),
    cutoff: fc.oneof(
      {
        weight: 3,
        arbitrary: fc.record({
          kind: fc.constant('older-than' as const),
          days: fc.integer({ min: 1, max: 45 }),
          zone: zoneArb,
        }),
      },
      {
        weight: 3,
        arbitrary: fc.record({
          kind: fc.constant('timestamp' as const),
          hoursAgo: fc.integer({ min: 1, max: 45 * 24 }),
          zone: zoneArb,
          iso: fc.boolean(),
        }),
      },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete-all' as const), keepLast: fc.nat(1) }) },
      { weight: 1, arbitrary: fc.constant({ kind: 'copies-only' as const }) },
    ),
    copyRetentionDays: fc.option(fc.integer({ min: 1, max: 30 }), { nil: undefined }),
    keepLast: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
    maxDeletions: fc.option(fc.integer({ min: 1, max: 40 }), { nil: undefined }),
    customHold: fc.boolean(),
    execute: fc.boolean(),
    publish: fc.boolean(),
    concurrency: fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }),
  },
  { requiredKeys: ['regions', 'cutoff', 'customHold', 'execute', 'publish'] },
);

/** The CLI's flags for a prune spec at `nowMs`, and the cutoff instant the oracle judges by. */
export function pruneInput(
  spec: PruneSpec,
  nowMs: number,
): { input: Record<string, string>; cutoffMs?: number } {
  const input: Record<string, string> = { regions: spec.regions };
  let cutoffMs: number | undefined;
  if (spec.clusterId !== undefined) input.clusterId = spec.clusterId;
  const c = spec.cutoff;
  if (c.kind === 'older-than') {
    input.olderThan = `${c.days}d`;
    if (c.zone) input.timezone = c.zone;
    cutoffMs = nowMs - c.days * DAY;
  } else if (c.kind === 'timestamp') {
    const instant = Math.floor((nowMs - c.hoursAgo * HOUR) / 60_000) * 60_000;
    const zone = c.zone ? (LUXON_ZONE[c.zone] ?? c.zone) : 'UTC';
    const local = DateTime.fromMillis(instant, { zone });
    input.timestamp = c.iso ? local.toFormat("yyyy-MM-dd'T'HH:mm") : local.toFormat('MM/dd/yyyy HH:mm');
    if (c.zone) input.timezone = c.zone;
    cutoffMs = instant;
  } else if (c.kind === 'delete-all') {
    const cluster = spec.clusterId ?? CLUSTERS[0];
    input.clusterId = cluster;
    input.deleteAll = 'true';
    input.confirm = cluster;
    input.keepLast = String(c.keepLast);
  }
  if (c.kind === 'copies-only' || (spec.copyRetentionDays !== undefined && c.kind !== 'delete-all'))
    input.copyRetentionDays = String(spec.copyRetentionDays ?? 7);
  if (spec.keepLast !== undefined && c.kind !== 'delete-all') input.keepLast = String(spec.keepLast);
  if (spec.maxDeletions !== undefined) input.maxDeletions = String(spec.maxDeletions);
  if (spec.customHold) input.holdTag = CUSTOM_HOLD_TAG;
  if (spec.execute) input.execute = 'true';
  if (spec.publish) input.publish = 'true';
  if (spec.concurrency !== undefined) input.concurrency = String(spec.concurrency);
  return { input, ...(cutoffMs !== undefined ? { cutoffMs } : {}) };
}

export interface CopySpec {
  drRegions: string[];
  clusterId?: string;
  sinceHours: 24 | 48 | 72;
  wait: boolean;
  publish: boolean;
  dryRun: boolean;
}

export const copySpecArb: fc.Arbitrary<CopySpec> = fc.record(
  {
    drRegions: fc.subarray([...DR_REGIONS], { minLength: 1 }),
    clusterId: fc.option(fc.constantFrom(...CLUSTERS), { nil: undefined }),
    sinceHours: fc.constantFrom(24 as const, 48 as const, 72 as const),
    wait: fc.boolean(),
    publish: fc.boolean(),
    dryRun: fc.constantFrom(false, false, false, true),
  },
  { requiredKeys: ['drRegions', 'sinceHours', 'wait', 'publish', 'dryRun'] },
);

export function copyInput(spec: CopySpec): Record<string, string> {
  return {
    regions: SOURCE,
    drRegions: spec.drRegions.join(','),
    since: `${spec.sinceHours}h`,
    ...(spec.clusterId ? { clusterIds: spec.clusterId } : {}),
    ...(spec.wait ? { wait: 'true' } : {}),
    ...(spec.publish ? { publish: 'true' } : {}),
    ...(spec.dryRun ? { dryRun: 'true' } : {}),
  };
}

export type RestoreSpec =
  | { kind: 'reported'; pick: number; publish: boolean }
  | { kind: 'window'; region: string; hours: number; clusterId?: string; publish: boolean };

export const restoreSpecArb: fc.Arbitrary<RestoreSpec> = fc.oneof(
  fc.record({ kind: fc.constant('reported' as const), pick: fc.nat(20), publish: fc.boolean() }),
  fc.record(
    {
      kind: fc.constant('window' as const),
      region: fc.constantFrom(SOURCE, DR_REGIONS[0]),
      hours: fc.integer({ min: 1, max: 96 }),
      clusterId: fc.option(fc.constantFrom(...CLUSTERS), { nil: undefined }),
      publish: fc.boolean(),
    },
    { requiredKeys: ['kind', 'region', 'hours', 'publish'] },
  ),
);

function restoreInput(spec: RestoreSpec, model: Model): Record<string, string> | undefined {
  const publish: Record<string, string> = spec.publish ? { publish: 'true' } : {};
  if (spec.kind === 'window') {
    return {
      region: spec.region,
      deletedSince: `${spec.hours}h`,
      ...(spec.clusterId ? { clusterId: spec.clusterId } : {}),
      ...publish,
    };
  }
  const report = pickFrom(model.reported, spec.pick);
  return report ? { region: report.region, backupIds: report.ids.join(','), ...publish } : undefined;
}

/** A job of a concurrent command. */
export type JobSpec =
  | { kind: 'prune'; spec: PruneSpec }
  | { kind: 'copy'; spec: CopySpec }
  | { kind: 'restore'; spec: RestoreSpec }
  | { kind: 'audit'; publish: boolean };

function prepareJob(real: Real, model: Model, job: JobSpec, concurrent: boolean): JobRecord | undefined {
  const { world } = real;
  switch (job.kind) {
    case 'prune': {
      const { input, cutoffMs } = pruneInput(job.spec, world.nowMs());
      const record = newJob(world, 'prune', input, concurrent);
      if (cutoffMs !== undefined) record.oracle = { cutoffMs };
      return record;
    }
    case 'copy':
      return newJob(world, 'copy', copyInput(job.spec), concurrent);
    case 'restore': {
      const input = restoreInput(job.spec, model);
      return input ? newJob(world, 'restore', input, concurrent) : undefined;
    }
    case 'audit':
      return newJob(
        world,
        'audit',
        { regions: SOURCE, drRegions: DR_REGIONS.join(','), ...(job.publish ? { publish: 'true' } : {}) },
        concurrent,
      );
  }
}

function describeJob(job: JobSpec): string {
  const { kind, ...rest } = job;
  return `${kind}${JSON.stringify('spec' in rest ? rest.spec : rest)}`;
}

// ---------------------------------------------------------------- after every command

/** A command broke an invariant the known-open list does not explain (fast-check shrinks it). */
class InvariantViolated extends Error {}

/** Checks every invariant over what the command did, updates the model, throws on a new violation. */
function settle(model: Model, real: Real, jobs: JobRecord[]): void {
  const { world } = real;
  for (const job of jobs) real.jobs.set(job.label, job);
  const end = world.snapshot();
  const found = checkInvariants(
    { applied: world.applied, appliedFrom: real.appliedFrom, jobs: real.jobs, newJobs: jobs, end },
    (actor) => world.requestCount.get(actor) ?? 0,
  );
  real.appliedFrom = world.applied.length;
  real.violations.push(...found);
  model.fleet = end;
  for (const job of jobs) {
    const result = job.prune?.result;
    if (!result) continue;
    const byRegion = new Map<string, string[]>();
    for (const o of result.succeeded.filter((s) => s.restoreCommand))
      byRegion.set(o.region, [...(byRegion.get(o.region) ?? []), o.backupId]);
    for (const [region, ids] of byRegion) model.reported.push({ label: job.label, region, ids });
  }
  const strict = real.strict;
  const failing = found.filter(
    (v) => !v.knownHole || strict === true || (typeof strict === 'string' && v.knownHole.includes(strict)),
  );
  if (failing.length > 0) {
    throw new InvariantViolated(
      failing
        .map((v) => `[${v.invariant}${v.knownHole ? ` — known: ${v.knownHole}` : ''}] ${v.message}`)
        .join('\n'),
    );
  }
}

// ---------------------------------------------------------------- the commands

type Cmd = fc.AsyncCommand<Model, Real, false>;

/** Where a world action interrupts a single run: after its n-th request. */
export interface Interrupt {
  after: number;
  action: WorldAction;
}

/** In the middle of a run, what can change its outcome is weighted up: deletes, holds, copies finishing. */
const interruptActionArb: fc.Arbitrary<WorldAction> = fc.oneof(
  { weight: 3, arbitrary: worldActionArb },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete-copy' as const), pick: fc.nat(1) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), pick: fc.nat(99) }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('hold' as const), pick: fc.nat(99), custom: fc.boolean() }),
  },
);

const interruptsArb = fc.array(
  fc.record({ after: fc.integer({ min: 1, max: 20 }), action: interruptActionArb }),
  { maxLength: 3 },
);

/** One job, alone, with the world acting at chosen points of its run. */
class JobCommand implements Cmd {
  constructor(
    readonly job: JobSpec,
    readonly interrupts: Interrupt[],
  ) {}
  check(model: Readonly<Model>): boolean {
    return this.job.kind !== 'restore' || this.job.spec.kind !== 'reported' || model.reported.length > 0;
  }
  async run(model: Model, real: Real): Promise<void> {
    real.operations += 1;
    const record = prepareJob(real, model, this.job, false);
    if (!record) return;
    const pending = [...this.interrupts].sort((a, b) => a.after - b.after);
    let seen = 0;
    real.world.beforeJobRequest = async (actor) => {
      if (actor !== record.label) return;
      seen += 1;
      while (pending.length > 0 && pending[0]!.after <= seen) {
        const next = pending.shift()!;
        record.disturbed = true;
        await applyWorldAction(real.world, next.action);
      }
    };
    try {
      await runJob(real.world, record);
    } finally {
      real.world.beforeJobRequest = undefined;
    }
    settle(model, real, [record]);
  }
  toString(): string {
    const during = this.interrupts
      .map((i) => ` [after request ${i.after}: ${describeAction(i.action)}]`)
      .join('');
    return `${describeJob(this.job)}${during}`;
  }
}

/** Several jobs at once, their requests and the world's actions ordered by fc.scheduler. */
class ConcurrentCommand implements Cmd {
  constructor(
    readonly jobs: JobSpec[],
    readonly actions: WorldAction[],
    readonly scheduler: fc.Scheduler,
  ) {}
  check(): boolean {
    return true;
  }
  async run(model: Model, real: Real): Promise<void> {
    real.operations += 1;
    const s = this.scheduler;
    const records = this.jobs
      .map((job) => prepareJob(real, model, job, true))
      .filter((r): r is JobRecord => r !== undefined);
    real.world.beforeJobRequest = (actor, call) =>
      s.schedule(Promise.resolve(), `${actor} ${call.operation}`).then(() => {});
    const running = records.map((record) => runJob(real.world, record));
    const acting = this.actions.map((action) =>
      s.schedule(Promise.resolve(), describeAction(action)).then(() => {
        for (const r of records) if (r.endMs === undefined) r.disturbed = true;
        return applyWorldAction(real.world, action);
      }),
    );
    try {
      await s.waitFor(Promise.all([...running, ...acting]));
    } finally {
      real.world.beforeJobRequest = undefined;
    }
    settle(model, real, records);
  }
  toString(): string {
    return `concurrently(${this.jobs.map(describeJob).join(' | ')}${this.actions.length ? ` | world: ${this.actions.map(describeAction).join(', ')}` : ''})`;
  }
}

/** The world acts, no run in flight. */
class WorldCommand implements Cmd {
  constructor(readonly action: WorldAction) {}
  check(): boolean {
    return true;
  }
  async run(model: Model, real: Real): Promise<void> {
    real.operations += 1;
    await applyWorldAction(real.world, this.action);
    settle(model, real, []);
  }
  toString(): string {
    return `world ${describeAction(this.action)}`;
  }
}

/** Time passes: copies finish (120 s), deletions expire (7 days). */
class AdvanceClock implements Cmd {
  constructor(readonly hours: number) {}
  check(): boolean {
    return true;
  }
  async run(model: Model, real: Real): Promise<void> {
    real.operations += 1;
    real.world.sandbox.clock.advance(this.hours * HOUR);
    settle(model, real, []);
  }
  toString(): string {
    return `advance ${this.hours}h`;
  }
}

/** Faults on (throttling, internal failures, latency, lost responses, PutEvents entry failures) or off. */
class SetFaults implements Cmd {
  constructor(readonly faults: FaultConfig | undefined) {}
  check(): boolean {
    return true;
  }
  async run(model: Model, real: Real): Promise<void> {
    real.operations += 1;
    real.world.setFaults(this.faults);
    settle(model, real, []);
  }
  toString(): string {
    return `faults ${this.faults ? JSON.stringify(this.faults) : 'off'}`;
  }
}

const OPERATIONS = [
  'DeleteBackup',
  'CopyBackupToRegion',
  'PutEvents',
  'DescribeBackups',
  'TagResource',
  'RestoreBackup',
];

export const faultsArb: fc.Arbitrary<FaultConfig | undefined> = fc.oneof(
  { weight: 2, arbitrary: fc.constant(undefined) },
  {
    weight: 3,
    arbitrary: fc
      .record({
        seed: fc.nat(1000),
        rules: fc.array(
          fc.oneof(
            fc.record({
              service: fc.constant('cloudhsm' as const),
              throttleRps: fc.integer({ min: 15, max: 60 }),
            }),
            fc.record({ internalFailureRate: fc.double({ min: 0.02, max: 0.15, noNaN: true }) }),
            fc.record({ latencyMs: fc.integer({ min: 1, max: 5 }) }),
            fc.record(
              {
                operation: fc.constantFrom(...OPERATIONS),
                lostResponseRate: fc.double({ min: 0.1, max: 0.5, noNaN: true }),
              },
              { requiredKeys: ['lostResponseRate'] },
            ),
          ),
          { minLength: 0, maxLength: 2 },
        ),
        putEventsEntryFailureRate: fc.option(fc.double({ min: 0.1, max: 0.5, noNaN: true }), {
          nil: undefined,
        }),
      })
      .map((c) => {
        const { putEventsEntryFailureRate, ...rest } = c;
        return putEventsEntryFailureRate === undefined ? rest : { ...rest, putEventsEntryFailureRate };
      }),
  },
);

const jobSpecArb: fc.Arbitrary<JobSpec> = fc.oneof(
  { weight: 4, arbitrary: pruneSpecArb.map((spec) => ({ kind: 'prune' as const, spec })) },
  { weight: 3, arbitrary: copySpecArb.map((spec) => ({ kind: 'copy' as const, spec })) },
  { weight: 1, arbitrary: restoreSpecArb.map((spec) => ({ kind: 'restore' as const, spec })) },
  { weight: 1, arbitrary: fc.boolean().map((publish) => ({ kind: 'audit' as const, publish })) },
);

/** A job that changes things, for the concurrent command. */
const racingJobArb: fc.Arbitrary<JobSpec> = fc.oneof(
  pruneSpecArb.map((spec) => ({ kind: 'prune' as const, spec: { ...spec, execute: true } })),
  copySpecArb.map((spec) => ({ kind: 'copy' as const, spec: { ...spec, dryRun: false } })),
  restoreSpecArb.map((spec) => ({ kind: 'restore' as const, spec })),
);

/** Lets requests already on the wire reach the sandbox before the scheduler picks the next one. */
const act = async (release: () => Promise<void>) => {
  await new Promise((resolve) => setImmediate(resolve));
  await new Promise((resolve) => setImmediate(resolve));
  await release();
};

/** Every command, weighted. */
export const commandArbs: fc.Arbitrary<Cmd>[] = [
  fc.tuple(jobSpecArb, interruptsArb).map(([job, interrupts]) => new JobCommand(job, interrupts)),
  fc.tuple(jobSpecArb, interruptsArb).map(([job, interrupts]) => new JobCommand(job, interrupts)),
  fc
    .tuple(
      fc.array(racingJobArb, { minLength: 2, maxLength: 3 }),
      fc.array(worldActionArb, { maxLength: 2 }),
      fc.scheduler({ act }),
    )
    .map(([jobs, actions, s]) => new ConcurrentCommand(jobs, actions, s)),
  worldActionArb.map((action) => new WorldCommand(action)),
  fc.oneof(fc.integer({ min: 1, max: 72 }), fc.constant(8 * 24)).map((hours) => new AdvanceClock(hours)),
  faultsArb.map((faults) => new SetFaults(faults)),
];
