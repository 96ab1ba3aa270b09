/**
 * The small runtime every handler shares: structured logs and CloudWatch metrics
 * (Powertools), configuration validated at cold start, AWS clients, the planning instant
 * and the remaining-time guard. A handler is an adapter: event in → lib call → log and
 * count → summary out, or a thrown {@link RunFailedError} so the failure destination gets it.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { DateTime, Settings } from 'luxon';
import { AwsClients, isLoopbackEndpoint } from '../../lib/aws/clients.js';
import { describeError } from '../../lib/errors.js';
import { newRunId } from '../../lib/run.js';
import {
  type ConfigSpec,
  checkHandlerForm,
  checkVariableNames,
  deadlineMarginFromEnv,
  type Env,
  endpointFromEnv,
  loadConfig,
  maxAttemptsFromEnv,
  requestTimeoutFromEnv,
} from './config.js';
import { planningTime, type ScheduleEvent, type TimeSource } from './event.js';

// Luxon otherwise asks Intl for the system locale on first use, which loads ICU locale data:
// ~30 ms and ~9 MB of a cold start (measured by bench/cold-start.ts). Lambda's locale is en-US.
Settings.defaultLocale = 'en-US';

/** The scheduled jobs. */
export type Job = 'audit' | 'copy' | 'prune';

/** The functions of organization mode: the scheduled dispatch and the queue's worker. */
export type OrgFunction = 'dispatch' | 'worker';

/** What a function's logs, metrics and failures are labelled with. */
export type FunctionJob = Job | OrgFunction;

/** CloudWatch namespace of every metric the functions emit. */
export const METRICS_NAMESPACE = 'CloudHSMOps';

/** Metric names, in one place so dashboards and alarms can rely on them. */
export const METRIC = {
  backupsCopied: 'BackupsCopied',
  copiesAlreadyPresent: 'CopiesAlreadyPresent',
  copiesNotReady: 'CopiesNotReady',
  copiesDeferred: 'CopiesDeferred',
  backupsPlannedForDeletion: 'BackupsPlannedForDeletion',
  backupsDeleted: 'BackupsDeleted',
  backupsLeftForNextRun: 'BackupsLeftForNextRun',
  findingsFailed: 'FindingsFailed',
  findingsPassed: 'FindingsPassed',
  findingsNotApplicable: 'FindingsNotApplicable',
  clustersAudited: 'ClustersAudited',
  eventsPublished: 'EventsPublished',
  eventsLost: 'EventsLost',
  failures: 'Failures',
  unitsDispatched: 'UnitsDispatched',
  unitsNotSent: 'UnitsNotSent',
  unitsSucceeded: 'UnitsSucceeded',
  unitsRetried: 'UnitsRetried',
  unitsFailed: 'UnitsFailed',
  unitMessagesRefused: 'UnitMessagesRefused',
} as const;

/** A run ended with something failed; the message says what (the async failure destination keeps it). */
export class RunFailedError extends Error {
  override name = 'RunFailedError';

  constructor(
    readonly job: FunctionJob,
    readonly runId: string,
    readonly reasons: readonly string[],
  ) {
    super(`${job} run ${runId} failed: ${reasons.join('; ')}`);
  }
}

/** What one invocation's body gets. */
export interface Invocation {
  runId: string;
  /** The instant the run is planned for (see {@link planningTime}). */
  now: DateTime;
  timeSource: TimeSource;
  /** True when less than the deadline margin is left: stop starting new work. */
  shouldStop: () => boolean;
  logger: Logger;
  /** Adds to a metric of this invocation (flushed when it ends). */
  count(name: string, value: number): void;
  /** Emits a metric with one extra dimension at once (e.g. FindingsFailed by severity). */
  countBy(name: string, dimension: string, value: string, count: number): void;
}

/** What the body returns: the handler's summary, and why the run failed when it did. */
export interface Outcome<S> {
  summary: S;
  /** Non-empty: the invocation throws {@link RunFailedError} after logging and counting. */
  failures: string[];
}

/** Per-invocation facts for the log lines (dry run or not, ...). */
export type InvocationKeys = Record<string, string | number | boolean>;

export interface RuntimeOptions<C> extends Omit<ConfigSpec, 'functionName'> {
  job: FunctionJob;
  /** The lib's parser of the job's environment. */
  parse: (env: Env) => C;
  /** Default for DEADLINE_MARGIN_SECONDS. */
  deadlineMarginSeconds: number;
  env?: Env;
  /** The function's clock (tests inject one). */
  clock?: () => DateTime;
}

/** What a handler module builds at cold start. */
export interface Runtime<C> {
  job: FunctionJob;
  functionName: string;
  config: C;
  clients: AwsClients;
  logger: Logger;
  metrics: Metrics;
  marginMs: number;
  invoke<S>(
    event: ScheduleEvent | null | undefined,
    context: Pick<Context, 'getRemainingTimeInMillis'> & Partial<Context>,
    keys: InvocationKeys,
    body: (run: Invocation) => Promise<Outcome<S>>,
  ): Promise<S & { runId: string; job: FunctionJob }>;
}

/**
 * Builds a handler's runtime at module scope: logger, metrics, validated config and clients.
 * A bad environment throws a {@link ConfigurationError} naming the variable, after logging it,
 * so the function fails to initialise instead of failing (or misbehaving) later.
 */
export function createRuntime<C>(options: RuntimeOptions<C>): Runtime<C> {
  const env = options.env ?? process.env;
  const functionName = env.POWERTOOLS_SERVICE_NAME?.trim() || `cloudhsm-ops-${options.job}`;
  const logger = new Logger({ serviceName: functionName, persistentKeys: { job: options.job } });
  const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: functionName });
  const clock = options.clock ?? (() => DateTime.utc());

  let config: C;
  let endpoint: string | undefined;
  let marginMs: number;
  let maxAttempts: number | undefined;
  let requestTimeoutMs: number | undefined;
  try {
    checkVariableNames(env, options, functionName);
    checkHandlerForm(env, functionName);
    endpoint = endpointFromEnv(env, functionName);
    maxAttempts = maxAttemptsFromEnv(env, functionName);
    requestTimeoutMs = requestTimeoutFromEnv(env, functionName);
    marginMs = deadlineMarginFromEnv(env, functionName, options.deadlineMarginSeconds);
    config = loadConfig(options.parse, env, {
      functionName,
      variables: options.variables,
      required: options.required,
    });
  } catch (error) {
    logger.error('invalid configuration: the function cannot start', { error: describeError(error) });
    throw error;
  }
  const clients = new AwsClients({
    ...(endpoint ? { endpoint } : {}),
    ...(maxAttempts ? { maxAttempts } : {}),
    ...(requestTimeoutMs ? { requestTimeoutMs } : {}),
  });
  let coldStart = true;

  return {
    job: options.job,
    functionName,
    config,
    clients,
    logger,
    metrics,
    marginMs,
    async invoke(event, context, keys, body) {
      const runId = newRunId();
      const { now, source, ignored } = planningTime(event, clock, isLoopbackEndpoint(endpoint));
      logger.resetKeys();
      if (context.awsRequestId) logger.addContext(context as Context);
      logger.appendKeys({ runId, ...keys });
      if (coldStart) {
        metrics.captureColdStartMetric();
        coldStart = false;
      }
      const run: Invocation = {
        runId,
        now,
        timeSource: source,
        shouldStop: () => context.getRemainingTimeInMillis() < marginMs,
        logger,
        count: (name, value) => {
          metrics.addMetric(name, MetricUnit.Count, value);
        },
        countBy: (name, dimension, value, count) => {
          const single = metrics.singleMetric();
          single.addDimension(dimension, value);
          single.addMetric(name, MetricUnit.Count, count);
        },
      };
      if (ignored) logger.warn(`${ignored}; planning for the clock instead`, { eventTime: event?.time });
      logger.info(`${options.job} run started`, {
        plannedFor: now.toISO(),
        timeSource: source,
        scheduleId: typeof event?.id === 'string' ? event.id : undefined,
      });
      try {
        const { summary, failures } = await body(run);
        run.count(METRIC.failures, failures.length);
        const result = { job: options.job, runId, ...summary };
        if (failures.length > 0) {
          logger.error(`${options.job} run failed`, { failures, summary: result });
          throw new RunFailedError(options.job, runId, failures);
        }
        logger.info(`${options.job} run finished`, { summary: result });
        return result;
      } catch (error) {
        if (!(error instanceof RunFailedError)) {
          run.count(METRIC.failures, 1);
          logger.error(`${options.job} run stopped by an error`, { error: describeError(error) });
        }
        throw error;
      } finally {
        metrics.publishStoredMetrics();
      }
    },
  };
}
