/**
 * The worker function of organization mode, built by {@link createWorker} so tests can give it
 * its environment and a runUnit of their own. It consumes the units queue through an event
 * source mapping with ReportBatchItemFailures: each record is one unit (one job in one account
 * and region), run by runUnit (lib/org/run-unit.ts), and only the records whose unit should run
 * again come back as batchItemFailures (lib/org/retry.ts says which).
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { DateTime } from 'luxon';
import { isLoopbackEndpoint } from '../../lib/aws/clients.js';
import {
  AUDIT_LAMBDA_REFUSED,
  AUDIT_LAMBDA_VARIABLES,
  type AuditConfig,
  auditConfigFromEnv,
} from '../../lib/config/audit.js';
import { COPY_LAMBDA_VARIABLES, type CopyConfig, copyConfigFromEnv } from '../../lib/config/copy.js';
import {
  PRUNE_ENV_NAMES,
  PRUNE_LAMBDA_REFUSED,
  PRUNE_LAMBDA_VARIABLES,
  type PruneConfig,
  pruneConfigFromEnv,
} from '../../lib/config/prune.js';
import { describeError, UsageError } from '../../lib/errors.js';
import { MemberCredentials } from '../../lib/org/credentials.js';
import { parseUnitMessage } from '../../lib/org/message.js';
import { unitVerdict } from '../../lib/org/retry.js';
import type { UnitDeps } from '../../lib/org/run-unit.js';
import type { RunUnit, Unit, UnitMessage } from '../../lib/org/types.js';
import type { Env } from './config.js';
import { createRuntime, METRIC, type Runtime } from './runtime.js';

/** Each job's settings, read once at cold start from the worker's one environment. */
export interface WorkerSettings {
  audit: AuditConfig;
  copy: CopyConfig;
  prune: PruneConfig;
}

/** What the worker hands runUnit (lib/org/run-unit.ts). */
export type WorkerUnitDeps = UnitDeps;

/** Every variable the worker reads: the three jobs' (one environment serves every unit). */
export const WORKER_LAMBDA_VARIABLES: readonly string[] = [
  ...new Set([...AUDIT_LAMBDA_VARIABLES, ...COPY_LAMBDA_VARIABLES, ...PRUNE_LAMBDA_VARIABLES]),
];

/**
 * What the worker refuses: the audit's and prune's refusals, except PUBLISH, which is the
 * audit's here (prune publishes whenever EVENT_BUS_NAME is set, as in its own function).
 */
export const WORKER_LAMBDA_REFUSED: Readonly<Record<string, string>> = {
  ...AUDIT_LAMBDA_REFUSED,
  ...Object.fromEntries(Object.entries(PRUNE_LAMBDA_REFUSED).filter(([name]) => name !== 'PUBLISH')),
  REPORT_BUCKET: "the fleet report is the single-account audit function's (organization=false)",
};

/**
 * The three jobs' settings from one environment, each by its own function's parser, so a
 * variable means in the worker what it means in the single-account function. A unit then
 * narrows its job's regions to its own (runUnit). Every job's problems are named at once.
 */
export function workerSettingsFromEnv(env: Env): WorkerSettings {
  const problems = new Set<string>();
  const read = <T>(parse: (env: Env) => T): T | undefined => {
    try {
      return parse(env);
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      for (const issue of error.message.split('; ')) problems.add(issue);
      return undefined;
    }
  };
  const audit = read(auditConfigFromEnv);
  const copy = read(copyConfigFromEnv);
  const prune = read(pruneConfigFromEnv);
  if (problems.size > 0 || !audit || !copy || !prune) throw new UsageError([...problems].join('; '));
  return { audit, copy, prune };
}

/** How a worker is built: its environment (default: the process's) and the unit runner. */
export interface WorkerOptions {
  runUnit: RunUnit<WorkerUnitDeps>;
  env?: Env;
  /** The wall clock (copy's claims, credential expiry); default the machine's. */
  clock?: () => Date;
}

/**
 * How many dispatch runs' member credentials a warm worker keeps: more than a batch can hold
 * (5 units), so the units of one invocation never lose their clients to each other.
 */
export const KEPT_RUNS = 8;

/**
 * One member credentials cache per dispatch run (each run assumes once per account and
 * container, with a session name carrying its id), the newest {@link KEPT_RUNS} kept: a warm
 * container serves runs for hours, and each run's member clients hold sockets.
 */
export class RunCredentials {
  private readonly runs = new Map<string, MemberCredentials>();

  constructor(private readonly build: (clock: () => Date) => MemberCredentials) {}

  /**
   * The run's cache, made on its first unit with that unit's clock (every unit of a run is
   * planned for the same instant); the oldest run's is closed beyond {@link KEPT_RUNS}.
   */
  of(runId: string, clock: () => Date): MemberCredentials {
    let members = this.runs.get(runId);
    if (!members) {
      members = this.build(clock);
      this.runs.set(runId, members);
      for (const [oldest, old] of this.runs) {
        if (this.runs.size <= KEPT_RUNS) break;
        old.destroy();
        this.runs.delete(oldest);
      }
    }
    return members;
  }

  /** The run ids kept, oldest first. */
  kept(): string[] {
    return [...this.runs.keys()];
  }
}

/** A built worker: its runtime (config, clients, logger), the member credentials per run and the handler. */
export interface Worker {
  runtime: Runtime<WorkerSettings>;
  credentials: RunCredentials;
  handler(event: SQSEvent, context: Context): Promise<SQSBatchResponse>;
}

/** A unit that should run again: its record comes back to SQS as a batch item failure. */
export class UnitRetryError extends Error {
  override name = 'UnitRetryError';
}

const unitFields = (unit: Unit) => ({
  unitJob: unit.job,
  account: unit.account.id,
  ...(unit.account.name ? { accountName: unit.account.name } : {}),
  region: unit.region,
});

/**
 * Builds the worker at cold start: the three jobs' settings are parsed here (a bad value fails
 * the init phase naming the variable); member credentials are cached per dispatch run across
 * warm invocations ({@link RunCredentials}).
 */
export function createWorker(options: WorkerOptions): Worker {
  const env = options.env ?? process.env;
  const runtime = createRuntime<WorkerSettings>({
    job: 'worker',
    parse: workerSettingsFromEnv,
    variables: WORKER_LAMBDA_VARIABLES,
    refused: WORKER_LAMBDA_REFUSED,
    required: ['REGIONS', 'DR_REGIONS'],
    // One CopyBackupToRegion may take up to a minute before it is abandoned; then claims are released.
    deadlineMarginSeconds: 120,
    env,
  });
  const local = isLoopbackEndpoint(runtime.clients.options.endpoint);
  const machine = options.clock ?? (() => new Date());
  // A local sandbox keeps its own clock: there the wall clock runs on from the unit's planned
  // instant (as the copy function's claims do); on AWS it is the machine's. Per record: the
  // records of a batch run side by side and may come from different runs.
  const wallOf = (message: UnitMessage): (() => Date) => {
    if (!local) return machine;
    const began = performance.now();
    const planned = DateTime.fromISO(message.plannedAt).toMillis();
    return () => new Date(planned + (performance.now() - began));
  };
  const credentials = new RunCredentials(
    (clock) =>
      new MemberCredentials({
        hub: runtime.clients,
        region: env.AWS_REGION?.trim() || 'us-east-1',
        now: clock,
      }),
  );
  const processor = new BatchProcessor(EventType.SQS);
  let coldStart = true;
  const { logger } = runtime;
  const count = (name: string, value: number) => runtime.metrics.addMetric(name, MetricUnit.Count, value);

  async function runRecord(record: SQSRecord, context: Pick<Context, 'getRemainingTimeInMillis'>) {
    const receive = {
      messageId: record.messageId,
      receiveCount: Number(record.attributes?.ApproximateReceiveCount ?? 1),
    };
    let message: UnitMessage;
    try {
      message = parseUnitMessage(record.body);
    } catch (error) {
      // Kept: it goes to the dead-letter queue after maxReceiveCount receives, for a person to read.
      count(METRIC.unitMessagesRefused, 1);
      logger.error('unit message refused', { ...receive, error: describeError(error) });
      throw error;
    }
    const wall = wallOf(message);
    const fields = { ...receive, runId: message.runId, ...unitFields(message.unit) };
    const deps: WorkerUnitDeps = {
      hub: runtime.clients,
      members: credentials.of(message.runId, wall),
      settings: runtime.config,
      clock: wall,
      shouldStop: () => context.getRemainingTimeInMillis() < runtime.marginMs,
      prune: {
        names: PRUNE_ENV_NAMES,
        applyCommand: () => `set PRUNE_EXECUTE=true on ${runtime.functionName} (parameter pruneExecute)`,
      },
    };
    let result: Awaited<ReturnType<typeof options.runUnit>>;
    try {
      result = await options.runUnit(deps, message);
    } catch (error) {
      // runUnit reports a unit's own failures in its result; a throw is a bug: run it again, then the DLQ.
      count(METRIC.unitsRetried, 1);
      logger.error('unit stopped by an error', { ...fields, error: describeError(error) });
      throw error;
    }
    const verdict = unitVerdict(result);
    if (verdict.kind === 'done') {
      count(METRIC.unitsSucceeded, 1);
      logger.info('unit done', fields);
      return { ...fields, exitCode: result.exitCode };
    }
    if (verdict.kind === 'permanent') {
      // Not retried: a person must fix the account (its role, a permission, the region); the next schedule tries again.
      count(METRIC.unitsFailed, 1);
      logger.error('unit failed; not retried (a retry cannot fix this)', {
        ...fields,
        failures: verdict.reasons,
      });
      return { ...fields, exitCode: result.exitCode, failures: verdict.reasons };
    }
    count(METRIC.unitsRetried, 1);
    logger.warn('unit failed; SQS delivers it again', { ...fields, failures: verdict.reasons });
    throw new UnitRetryError(
      `unit ${message.unit.account.id} ${message.unit.region} ${message.unit.job}: ${verdict.reasons.join('; ')}`,
    );
  }

  return {
    runtime,
    credentials,
    async handler(event, context) {
      logger.resetKeys();
      if (context.awsRequestId) logger.addContext(context);
      if (coldStart) {
        runtime.metrics.captureColdStartMetric();
        coldStart = false;
      }
      try {
        return await processPartialResponse(
          event,
          (record: SQSRecord) => runRecord(record, context),
          processor,
          {
            context,
            // Every record failed is still a partial response: each failed record is retried on its own.
            throwOnFullBatchFailure: false,
          },
        );
      } finally {
        runtime.metrics.publishStoredMetrics();
      }
    },
  };
}
