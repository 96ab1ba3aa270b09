/**
 * Loads a handler module the way Lambda does (a fresh module, configured from the environment
 * at import), builds scheduled events and Lambda contexts, and reads back what the handler
 * wrote to stdout: Powertools' JSON log lines and its CloudWatch EMF metric blobs.
 */
import type { Context, ScheduledEvent } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, beforeEach, vi } from 'vitest';
import type { Job } from '../../functions/shared/runtime.js';
import type { Sandbox } from '../../sandbox/index.js';
import { startTestSandbox, type TestSandbox } from './sandbox.js';

/** Every variable any handler reads; each test sets exactly the ones it means. */
const VARIABLES = [
  'AWS_REGION',
  'ENDPOINT_URL',
  'DEADLINE_MARGIN_SECONDS',
  'MAX_ATTEMPTS',
  'REQUEST_TIMEOUT_SECONDS',
  'POWERTOOLS_SERVICE_NAME',
  'POWERTOOLS_LOG_LEVEL',
  'POWERTOOLS_DEV',
  'POWERTOOLS_METRICS_DISABLED',
  'POWERTOOLS_METRICS_NAMESPACE',
  'REGIONS',
  'SOURCE_REGIONS',
  'DR_REGIONS',
  'CLUSTER_ID',
  'PUBLISH',
  'EVENT_BUS_NAME',
  'EVENT_SOURCE',
  'EVENT_REGION',
  'FAIL_ON',
  'FRESHNESS_GRACE_HOURS',
  'DR_RPO_HOURS',
  'COPY_RETENTION_DAYS',
  'DUPLICATE_COPIES',
  'HOLD_TAG',
  'COPY_SINCE',
  'CONCURRENCY',
  'OLDER_THAN',
  'TIMESTAMP',
  'TIMEZONE',
  'KEEP_LAST',
  'MAX_DELETIONS',
  'PRUNE_EXECUTE',
  'DRY_RUN',
  'ALLOW_INSECURE_ENDPOINT',
  'REPORT_BUCKET',
] as const;

const MODULES = {
  audit: () => import('../../functions/audit.js'),
  copy: () => import('../../functions/copy.js'),
  prune: () => import('../../functions/prune.js'),
};

type HandlerModule = {
  handler: (event: ScheduledEvent, context: Context) => Promise<Record<string, unknown>>;
};

/** Loads run one at a time: the environment is process-wide, and one load's clean-up must not hit another's import. */
let loading: Promise<unknown> = Promise.resolve();

/**
 * Imports `functions/<job>.ts` afresh with exactly `env` set (as Lambda's init phase would),
 * then restores the test process's environment. Rejects when the module fails to initialise.
 */
export function loadHandler(job: Job, env: Record<string, string>): Promise<HandlerModule> {
  const load = loading.then(() => loadAlone(job, env));
  loading = load.catch(() => undefined);
  return load;
}

async function loadAlone(job: Job, env: Record<string, string>): Promise<HandlerModule> {
  for (const name of VARIABLES) vi.stubEnv(name, undefined);
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  vi.resetModules();
  try {
    return (await MODULES[job]()) as unknown as HandlerModule;
  } finally {
    vi.unstubAllEnvs();
  }
}

/** A handler test's sandbox (the demo fleet) and captured output, live between its hooks. */
export interface HandlerSandbox {
  /** The running sandbox (only inside a test). */
  readonly sandbox: Sandbox;
  /** SDK clients pointed at the sandbox, for a test's own setup calls. */
  readonly clients: TestSandbox['clients'];
  /** What the handler wrote to stdout and stderr so far. */
  readonly out: Captured;
  /** What every handler needs to reach the sandbox (AWS_REGION us-east-1, ENDPOINT_URL), the file's job variables, then `vars`. */
  env(vars?: Record<string, string>): Record<string, string>;
}

/** How {@link useHandlerSandbox} sets up a file. */
export interface HandlerSandboxOptions {
  /** A sandbox (and capture) per test, or one for the whole file. Default: per test. */
  scope?: 'each' | 'file';
  /** The job's own variables, which every `env()` of the file includes. */
  env?: Record<string, string>;
}

/**
 * Registers the hooks every handler test file needs: start the demo-fleet sandbox and capture
 * stdout/stderr before each test (or once for the file, `scope: 'file'`), and restore the
 * output and stop the sandbox after. Call once at the top of the file; read the returned
 * handle inside tests.
 */
export function useHandlerSandbox({ scope = 'each', env = {} }: HandlerSandboxOptions = {}): HandlerSandbox {
  let running: { test: TestSandbox; out: Captured } | undefined;
  const [before, after] = scope === 'each' ? [beforeEach, afterEach] : [beforeAll, afterAll];
  before(async () => {
    const test = await startTestSandbox({ fleet: 'demo' });
    running = { test, out: captureOutput() };
  });
  after(async () => {
    const done = running;
    running = undefined;
    done?.out.restore();
    await done?.test.close();
  });
  const live = () => {
    if (!running) throw new Error('the handler sandbox runs only inside a test (between its hooks)');
    return running;
  };
  return {
    get sandbox() {
      return live().test.sandbox;
    },
    get clients() {
      return live().test.clients;
    },
    get out() {
      return live().out;
    },
    env: (vars = {}) => ({ AWS_REGION: 'us-east-1', ENDPOINT_URL: live().test.sandbox.url, ...env, ...vars }),
  };
}

/** An EventBridge Scheduled Event for `time` (what serverless.yml has the scheduler send). */
export function scheduledEvent(time: Date): ScheduledEvent {
  return {
    version: '0',
    id: 'c8a5fb4e-1c9a-4cf3-9a38-5fd1d4d6c2f0',
    'detail-type': 'Scheduled Event',
    source: 'aws.scheduler',
    account: '111122223333',
    time: time.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: 'us-east-1',
    resources: ['arn:aws:scheduler:us-east-1:111122223333:schedule/default/cloudhsm-ops-prod-prune'],
    detail: {},
  };
}

/**
 * A Lambda context. `remainingMs` is what each successive getRemainingTimeInMillis() call
 * returns (the last value repeats), so a test can make the deadline arrive mid-run.
 */
export function lambdaContext(remainingMs: number | (() => number) = 900_000): Context {
  const remaining = typeof remainingMs === 'number' ? () => remainingMs : remainingMs;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'cloudhsm-ops-prod-test',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:111122223333:function:cloudhsm-ops-prod-test',
    memoryLimitInMB: '256',
    awsRequestId: '5f0b5b2c-2d1b-4e0e-8a3c-2f4c1c1f9a11',
    logGroupName: '/aws/lambda/cloudhsm-ops-prod-test',
    logStreamName: '2026/11/29/[$LATEST]0123456789abcdef',
    getRemainingTimeInMillis: remaining,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** What a handler wrote while captured, parsed. */
export interface Captured {
  /** Powertools log lines (JSON objects with `level` and `message`). */
  logs(): Record<string, unknown>[];
  /** EMF metric values by name: one entry per emitted blob, with that blob's dimensions. */
  metrics(): { name: string; value: number; dimensions: Record<string, string>; namespace: string }[];
  restore(): void;
}

/**
 * Captures (and silences) everything written to stdout and stderr until `restore()`:
 * Powertools writes INFO lines and metrics to stdout, WARN and ERROR lines to stderr.
 */
export function captureOutput(): Captured {
  const chunks: string[] = [];
  const record = (chunk: string | Uint8Array) => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  };
  const spies = [
    vi.spyOn(process.stdout, 'write').mockImplementation(record),
    vi.spyOn(process.stderr, 'write').mockImplementation(record),
  ];
  const objects = () =>
    chunks
      .join('')
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return {
    logs: () => objects().filter((o) => !('_aws' in o)),
    metrics: () =>
      objects()
        .filter((o) => '_aws' in o)
        .flatMap((blob) => {
          const aws = blob._aws as {
            CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[];
          };
          return aws.CloudWatchMetrics.flatMap((set) => {
            const dimensions = Object.fromEntries(
              set.Dimensions.flat().map((name) => [name, String(blob[name])]),
            );
            return set.Metrics.map((metric) => ({
              name: metric.Name,
              value: blob[metric.Name] as number,
              dimensions,
              namespace: set.Namespace,
            }));
          });
        }),
    restore: () => {
      for (const spy of spies) spy.mockRestore();
    },
  };
}

/** The total of one metric over every blob, optionally only blobs with a given dimension value. */
export function metricTotal(
  captured: Captured,
  name: string,
  dimension?: [string, string],
): number | undefined {
  const matching = captured
    .metrics()
    .filter((m) => m.name === name && (!dimension || m.dimensions[dimension[0]] === dimension[1]));
  if (matching.length === 0) return undefined;
  return matching.reduce(
    (sum, m) => sum + (Array.isArray(m.value) ? m.value.reduce((a, b) => a + b, 0) : m.value),
    0,
  );
}
