/**
 * One prune run, the way the CLI and the scheduled Lambda both do it:
 * gather (list every backup of each region, and under `--copy-retention source` the copies'
 * source clusters) → plan → execute or dry run → publish events.
 */
import type { DateTime } from 'luxon';
import type { AwsClients } from '../aws/clients.js';
import { type CloudHsmClients, listClusters } from '../aws/cloudhsm.js';
import type { PruneConfig } from '../config/prune.js';
import { PRUNE_SETTING_NAMES, type PruneNames } from '../config/prune-table.js';
import { describeError, OperationError, UsageError } from '../errors.js';
import { jobRunSummaryEvent, RUN_SUMMARY_SCHEMA_VERSION } from '../events/summary.js';
import type { FeedEvent, FeedTarget } from '../events/types.js';
import { gatherBackupsOnly } from '../inventory/gather.js';
import { type ClusterInfo, isCopy, lineageOf, type RegionInventory } from '../inventory/types.js';
import { exitCodeOf, type JobRun, lookupAccount, type PublishDeps, publishRun } from '../jobs/run.js';
import { newRunId } from '../run.js';
import { deletedEvents, type EventContext, planEvents } from './events.js';
import { type ExecuteProgress, executePrune, type PruneOutcome, type PruneResult } from './execute.js';
import { type PrunePlan, planPrune, resolveCutoff } from './plan.js';

/** The clients a prune run uses; EventBridge and STS only when publishing. */
export type PruneClients = CloudHsmClients & Partial<Pick<AwsClients, 'eventBridge' | 'sts'>>;

/** Everything a run needs from outside; tests pass mocks. */
export interface PruneDeps extends PublishDeps {
  clients: PruneClients;
  runId?: string;
  /** Called once the plan is made, before anything is deleted (the CLI prints it). */
  onPlan?: (plan: PrunePlan) => void;
  onProgress?: (progress: ExecuteProgress) => void;
  /** The Lambda's remaining-time guard. */
  shouldStop?: () => boolean;
  /** Real-time waits (default: a timer); see `ExecuteOptions.settle`. */
  settle?: (ms: number) => Promise<void>;
  /** Extra arguments for printed commands (`--endpoint URL`). */
  commandArgs?: string[];
  /** The command that would apply a dry run's plan, carried in the plan event. */
  applyCommand?: (plan: PrunePlan) => string;
  /** What messages call the settings: the CLI's flags, the Lambda's variables (default: the library's words). */
  names?: PruneNames;
}

/** The outcome of one prune run. */
export interface PruneRun extends JobRun {
  mode: 'dry-run' | 'execute';
  plan: PrunePlan;
  /** Absent for a dry run. */
  result?: PruneResult;
}

/** Lists every backup of every configured region (all pages, any cluster: copies can carry another id). */
export async function gatherBackups(clients: CloudHsmClients, regions: string[]): Promise<RegionInventory[]> {
  return Promise.all(
    regions.map(async (region) => {
      try {
        return await gatherBackupsOnly(clients, region);
      } catch (error) {
        throw new OperationError(`listing the backups in ${region} failed: ${describeError(error)}`, {
          cause: error,
        });
      }
    }),
  );
}

/** The tag copy writes on each copy it makes (lib/copy/tags.ts), read when a copy lacks SourceRegion. */
const SOURCE_REGION_TAG = 'cloudhsm-ops:source-region';

/**
 * The source clusters of the in-scope copies, by source region: cluster ids per region, from
 * each copy's SourceRegion (or the copy job's source-region tag) and lineage.
 */
export function sourceClusterIds(
  inventories: readonly RegionInventory[],
  clusterId: string | undefined,
): Map<string, string[]> {
  const byRegion = new Map<string, Set<string>>();
  for (const backup of inventories.flatMap((inventory) => inventory.backups)) {
    if (!isCopy(backup) || backup.state !== 'READY') continue;
    const lineage = lineageOf(backup);
    if (clusterId !== undefined && lineage !== clusterId) continue;
    const region = backup.sourceRegion ?? backup.tags[SOURCE_REGION_TAG];
    if (!region || lineage.startsWith('unknown:')) continue;
    byRegion.set(region, (byRegion.get(region) ?? new Set()).add(lineage));
  }
  return new Map([...byRegion].map(([region, ids]) => [region, [...ids].sort()]));
}

/**
 * Under `--copy-retention source`: the source clusters of the copies, read from their regions
 * (DescribeClusters, `clusterIds` filter, every page), as the audit reads clusters. A region
 * that cannot be read fails the run: guessing the fallback there could delete copies the
 * source cluster still keeps.
 */
export async function gatherSourceClusters(
  clients: CloudHsmClients,
  inventories: readonly RegionInventory[],
  config: Pick<PruneConfig, 'copyRetention' | 'clusterId'>,
): Promise<ClusterInfo[]> {
  if (config.copyRetention !== 'source') return [];
  const wanted = sourceClusterIds(inventories, config.clusterId);
  const perRegion = await Promise.all(
    [...wanted].map(async ([region, clusterIds]) => {
      try {
        return await listClusters(clients.cloudHsm(region), region, { clusterIds });
      } catch (error) {
        throw new OperationError(
          `reading the source clusters ${clusterIds.join(', ')} in ${region} (their backup retention ` +
            `policies, for copy retention "source") failed: ${describeError(error)}`,
          { cause: error },
        );
      }
    }),
  );
  return perRegion.flat();
}

/** Where the run's events go. */
function feedTarget(config: PruneConfig): FeedTarget {
  return { busName: config.eventBus, source: config.eventSource, region: config.eventRegion };
}

/** Publishes the run's events with the account already known (looked up before anything was deleted). */
function publishAll(deps: PruneDeps, config: PruneConfig, context: EventContext, events: FeedEvent[]) {
  return publishRun(deps, feedTarget(config), () => events, {
    expected: events.length,
    account: context.account,
  });
}

async function eventContext(deps: PruneDeps, config: PruneConfig, runId: string, now: DateTime) {
  const account = await lookupAccount(deps, config.regions[0]!);
  return { runId, account, time: now.toJSDate() } satisfies EventContext;
}

/** Why an applied plan failed, in words (empty when it did not). */
function resultFailures(result: PruneResult): string[] {
  const failures: string[] = [];
  if (result.refused) failures.push(result.refused);
  if (result.failed.length > 0) failures.push(`${result.failed.length} deletion(s) failed`);
  // Left to another run is work undone here: that run may have stopped (its record lapses).
  const another = leftToAnotherRun(result);
  if (another.length > 0) {
    failures.push(`${another.length} deletion(s) left to another prune run that recorded them too`);
  }
  return failures;
}

/**
 * A cutoff after `now` makes every backup a candidate: that is what --deleteall is for, so a
 * future timestamp (a typo such as 03/08/68, which reads as 2068) is refused as bad input.
 */
export function refuseFutureCutoff(config: PruneConfig, now: DateTime, names: PruneNames): void {
  const cutoff = resolveCutoff(config.cutoff, now);
  if (cutoff && cutoff.utc.toMillis() > now.toMillis()) {
    throw new UsageError(
      `the cutoff ${cutoff.utc.toISO()} is in the future, which would make every backup a candidate; ` +
        `check ${names.timestamp} (MM/DD/YY is month first; 2-digit years 00-68 are 2000-2068)`,
    );
  }
}

/**
 * A cluster id that names no backup in the pruned regions is a mistake (a typo, the wrong
 * region): the run plans nothing, and saying "0 to delete" would hide it. Bad input, for dry
 * runs as well as --execute, so a scheduled dry run fails as loudly as the real one would.
 */
function refuseUnknownCluster(config: PruneConfig, inventories: RegionInventory[]): void {
  const id = config.clusterId;
  if (id === undefined) return;
  if (inventories.some((inventory) => inventory.backups.some((b) => lineageOf(b) === id))) return;
  throw new UsageError(
    `no backup of ${id} (nor any copy of one) in ${config.regions.join(', ')}: check the cluster id ` +
      'and the regions; nothing was deleted',
  );
}

/** The planned deletions this run left to another run that recorded them too. */
export function leftToAnotherRun(result: PruneResult | undefined): PruneOutcome[] {
  return result?.skipped.filter((o) => o.reason === 'recorded-by-another-run') ?? [];
}

/** The counts a prune Run Summary carries. */
function summaryCounts(plan: PrunePlan | undefined, result: PruneResult | undefined): Record<string, number> {
  const skipped = (reason: string) => result?.skipped.filter((o) => o.reason === reason).length ?? 0;
  return {
    considered: plan?.counts.considered ?? 0,
    planned: plan?.counts.delete ?? 0,
    deleted: result?.counts.succeeded ?? 0,
    failed: result?.counts.failed ?? 0,
    skipped: result?.counts.skipped ?? 0,
    changed: skipped('changed'),
    deletedElsewhere: skipped('deleted-elsewhere'),
    leftToAnotherRun: leftToAnotherRun(result).length,
    leftForNextRun: skipped('deadline'),
  };
}

function runSummary(
  config: PruneConfig,
  context: EventContext,
  now: DateTime,
  facts: { plan?: PrunePlan; result?: PruneResult; exitCode: number; error?: string },
): FeedEvent {
  return {
    ...jobRunSummaryEvent({
      schemaVersion: RUN_SUMMARY_SCHEMA_VERSION,
      job: 'prune',
      runId: context.runId,
      account: context.account,
      regions: [...config.regions],
      startedAt: now.toUTC().toISO({ suppressMilliseconds: true })!,
      dryRun: !config.execute,
      counts: summaryCounts(facts.plan, facts.result),
      exitCode: facts.exitCode,
      exitStatus: facts.exitCode === 0 ? 'succeeded' : 'failed',
      clusterId: config.clusterId ?? null,
      ...(facts.result?.refused ? { refused: facts.result.refused } : {}),
      ...(facts.error ? { error: facts.error } : {}),
    }),
    ...(context.time ? { time: context.time } : {}),
  };
}

/**
 * Gathers, plans, and (when `config.execute`) applies the plan; publishes the run's events
 * when `config.publish`, the last of them one `CloudHSM Run Summary` (dry runs, runs with
 * nothing to do and runs that stop on an error included). Listing errors throw
 * {@link OperationError}, a cluster id with no backup {@link UsageError}; per-backup errors
 * and lost events are reported in the result and make `exitCode` 1.
 */
export async function runPrune(deps: PruneDeps, config: PruneConfig, now: DateTime): Promise<PruneRun> {
  const runId = deps.runId ?? newRunId();
  const names = deps.names ?? PRUNE_SETTING_NAMES;
  refuseFutureCutoff(config, now, names);
  // Known before anything is deleted: a failed lookup afterwards would lose the deletion report.
  const context = config.publish ? await eventContext(deps, config, runId, now) : undefined;
  let plan: PrunePlan;
  try {
    const inventories = await gatherBackups(deps.clients, config.regions);
    refuseUnknownCluster(config, inventories);
    const sources = await gatherSourceClusters(deps.clients, inventories, config);
    plan = planPrune(inventories, config, now, sources);
  } catch (error) {
    if (context) {
      const exitCode = exitCodeOf({
        badInput: error instanceof UsageError,
        failures: [describeError(error)],
      });
      const summary = runSummary(config, context, now, { exitCode, error: describeError(error) });
      await publishAll(deps, config, context, [summary]);
    }
    throw error;
  }
  deps.onPlan?.(plan);

  if (!config.execute) {
    const run: PruneRun = { runId, mode: 'dry-run', plan, failures: [], exitCode: 0 };
    if (context) {
      const events = [
        ...planEvents(plan, context, deps.applyCommand?.(plan)),
        runSummary(config, context, now, { plan, exitCode: run.exitCode }),
      ];
      run.events = await publishAll(deps, config, context, events);
      run.exitCode = exitCodeOf(run);
    }
    return run;
  }

  const result = await executePrune(deps.clients, plan, {
    runId,
    concurrency: config.concurrency,
    shouldStop: deps.shouldStop,
    settle: deps.settle,
    onProgress: deps.onProgress,
    commandArgs: deps.commandArgs,
    names,
  });
  const failures = resultFailures(result);
  const run: PruneRun = {
    runId,
    mode: 'execute',
    plan,
    result,
    failures,
    exitCode: exitCodeOf({ failures }),
  };
  if (context) {
    const events = [
      ...deletedEvents(result.succeeded, context),
      runSummary(config, context, now, { plan, result, exitCode: run.exitCode }),
    ];
    run.events = await publishAll(deps, config, context, events);
    run.exitCode = exitCodeOf(run);
  }
  return run;
}
