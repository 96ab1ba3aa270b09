/**
 * Runs one scheduled handler locally against the sandbox, the way Lambda would: environment
 * set first, module loaded (config validated at cold start), then one invocation with a
 * scheduled event and a Lambda context.
 *
 *   node scripts/run-ts.mjs functions/local/invoke.ts <audit|copy|prune> [options]
 *
 * Options:
 *   --endpoint <url>      a running sandbox (`cloudhsm-ops sandbox`); default: start one in
 *                         process with the demo fleet and print the events it received
 *   --env NAME=VALUE      set a variable of the function's environment (repeatable); the
 *                         defaults are serverless.yml's
 *   --event <file>        the event (JSON); default: a Scheduled Event at the sandbox's "now"
 *   --remaining-ms <n>    what context.getRemainingTimeInMillis() returns (default 900000)
 *
 * `osls invoke local` cannot run these handlers: it loads only `.js`/`.cjs` handler files and
 * serverless-esbuild emits `.mjs` (ES modules), see functions/README.md.
 */
import { readFileSync } from 'node:fs';
import type { Context, ScheduledEvent } from 'aws-lambda';
import type { Job } from '../shared/runtime.js';

const HANDLERS = {
  audit: () => import('../audit.js'),
  copy: () => import('../copy.js'),
  prune: () => import('../prune.js'),
};

/** serverless.yml's defaults for each function (provider-wide ones included). */
const DEFAULT_ENV: Record<Job, Record<string, string>> = {
  audit: {
    REGIONS: 'us-east-1',
    DR_REGIONS: 'us-west-2',
    PUBLISH: 'true',
    FRESHNESS_GRACE_HOURS: '6',
    DR_RPO_HOURS: '30',
    COPY_RETENTION_DAYS: '90',
  },
  copy: { REGIONS: 'us-east-1', DR_REGIONS: 'us-west-2', COPY_SINCE: '48h' },
  prune: {
    REGIONS: 'us-east-1,us-west-2',
    DR_REGIONS: 'us-west-2',
    KEEP_LAST: '1',
    MAX_DELETIONS: '50',
    COPY_RETENTION_DAYS: '90',
    TIMEZONE: 'UTC',
    PRUNE_EXECUTE: 'false',
  },
};

const COMMON_ENV = {
  AWS_REGION: 'us-east-1',
  EVENT_BUS_NAME: 'cloudhsm-ops',
  EVENT_SOURCE: 'cloudhsm-ops',
  POWERTOOLS_METRICS_NAMESPACE: 'CloudHSMOps',
  POWERTOOLS_LOG_LEVEL: 'INFO',
};

interface Options {
  job: Job;
  endpoint?: string;
  env: Record<string, string>;
  eventFile?: string;
  remainingMs: number;
}

function usage(message: string): never {
  process.stderr.write(
    `${message}\nusage: node scripts/run-ts.mjs functions/local/invoke.ts <audit|copy|prune> ` +
      '[--endpoint URL] [--env NAME=VALUE]... [--event FILE] [--remaining-ms N]\n',
  );
  process.exit(2);
}

function parseArgs(args: string[]): Options {
  const [job, ...rest] = args;
  if (job !== 'audit' && job !== 'copy' && job !== 'prune') usage(`unknown function "${job ?? ''}"`);
  const options: Options = { job, env: {}, remainingMs: 900_000 };
  for (let i = 0; i < rest.length; i++) {
    const flag = rest[i];
    const value = rest[++i];
    if (value === undefined) usage(`${flag} needs a value`);
    if (flag === '--endpoint') options.endpoint = value;
    else if (flag === '--event') options.eventFile = value;
    else if (flag === '--remaining-ms') options.remainingMs = Number(value);
    else if (flag === '--env') {
      const at = value.indexOf('=');
      if (at < 1) usage(`--env takes NAME=VALUE, got "${value}"`);
      options.env[value.slice(0, at)] = value.slice(at + 1);
    } else usage(`unknown option ${flag}`);
  }
  if (!(options.remainingMs >= 0)) usage('--remaining-ms must be a number of milliseconds');
  return options;
}

/** The sandbox's "now" (its clock may be virtual), or the machine's when it cannot say. */
async function sandboxNow(endpoint: string): Promise<Date> {
  try {
    // A sandbox answers at once; anything that keeps silent is not one.
    const response = await fetch(`${endpoint}/_sandbox/state`, { signal: AbortSignal.timeout(5_000) });
    const state = (await response.json()) as { now?: string };
    if (state.now) return new Date(state.now);
  } catch {
    // Not a sandbox (another emulator, say): the machine's clock it is.
  }
  return new Date();
}

function scheduledEvent(time: Date): ScheduledEvent {
  return {
    version: '0',
    id: `local-${Date.now()}`,
    'detail-type': 'Scheduled Event',
    source: 'aws.scheduler',
    account: '000000000000',
    time: time.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: 'us-east-1',
    resources: [],
    detail: {},
  };
}

function context(job: Job, remainingMs: number): Context {
  const deadline = Date.now() + remainingMs;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: `cloudhsm-ops-local-${job}`,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:cloudhsm-ops-local-${job}`,
    memoryLimitInMB: '256',
    awsRequestId: `local-${process.pid}`,
    logGroupName: `/aws/lambda/cloudhsm-ops-local-${job}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  let endpoint = options.endpoint;
  let stop: (() => Promise<void>) | undefined;
  let received: (() => { detailType: string }[]) | undefined;
  if (!endpoint) {
    const { startSandbox } = await import('../../sandbox/index.js');
    const sandbox = await startSandbox({ fleet: 'demo' });
    endpoint = sandbox.url;
    stop = () => sandbox.close();
    received = () => sandbox.events();
    process.stderr.write(`started an in-process sandbox (demo fleet) at ${endpoint}\n`);
  }
  Object.assign(process.env, COMMON_ENV, DEFAULT_ENV[options.job], options.env, { ENDPOINT_URL: endpoint });
  const event = options.eventFile
    ? (JSON.parse(readFileSync(options.eventFile, 'utf8')) as ScheduledEvent)
    : scheduledEvent(await sandboxNow(endpoint));

  let exitCode = 0;
  const report: Record<string, unknown> = {};
  try {
    const { handler } = await HANDLERS[options.job]();
    report.result = await handler(event, context(options.job, options.remainingMs));
  } catch (error) {
    const named = error as { name?: string; message?: string };
    report.error = { name: named.name, message: named.message };
    exitCode = 1;
  } finally {
    if (received) {
      const byType: Record<string, number> = {};
      for (const e of received()) byType[e.detailType] = (byType[e.detailType] ?? 0) + 1;
      report.eventsReceived = byType;
    }
    await stop?.();
  }
  // Last on stdout, after the function's own log lines: the outcome, pretty-printed.
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  process.exit(exitCode);
}

await main();
