/**
 * The dispatch function of organization mode, built by {@link createDispatch} so tests can give
 * it its environment. Scheduled once per job (the schedule's input names it in `detail.job`):
 * it resolves the accounts (lib/org/accounts.ts), makes one unit per account × the job's
 * regions, all planned for the schedule's instant, and sends them to the units queue. Units it
 * could not send fail the invocation (RunFailedError), each named.
 */
import type { Context } from 'aws-lambda';
import { accountId } from '../../lib/aws/account.js';
import {
  DISPATCH_LAMBDA_VARIABLES,
  type DispatchConfig,
  dispatchConfigFromEnv,
  queueRegion,
} from '../../lib/config/dispatch.js';
import { ORG_ENV_NAMES } from '../../lib/config/org.js';
import { describeError } from '../../lib/errors.js';
import { organizationsRegion, resolveAccounts } from '../../lib/org/accounts.js';
import { type SendOptions, sendUnits } from '../../lib/org/queue.js';
import type { OrgAccount, OrgJob } from '../../lib/org/types.js';
import { unitMessages } from '../../lib/org/units.js';
import type { Env } from './config.js';
import type { ScheduleEvent } from './event.js';
import { createRuntime, METRIC, type Runtime } from './runtime.js';

/** The jobs a schedule may dispatch: the ones the worker runs. */
export const DISPATCHED_JOBS: readonly OrgJob[] = ['audit', 'copy', 'prune'];

/** A unit not sent, as the summary names it. */
export interface NotSentLine {
  account: string;
  region: string;
  reason: string;
}

/** What a dispatch invocation returns. */
export interface DispatchSummary {
  dispatchedJob: OrgJob;
  accounts: number;
  regions: string[];
  units: number;
  sent: number;
  /** SendMessageBatch calls, retries included. */
  calls: number;
  notSent: NotSentLine[];
  /** What the person should hear about the scope (an exclusion that matched nothing). */
  notes: string[];
}

export interface DispatchOptions {
  env?: Env;
  /** How units are sent again (tests make the backoff 0). */
  send?: SendOptions;
}

/** A built dispatch: its runtime and the handler. */
export interface Dispatch {
  runtime: Runtime<DispatchConfig>;
  handler(event: ScheduleEvent, context: Context): Promise<DispatchSummary & { runId: string }>;
}

/** The job a schedule names (`detail.job`); anything else is refused, naming what is accepted. */
export function dispatchedJob(event: ScheduleEvent | null | undefined): OrgJob {
  const job = (event?.detail as { job?: unknown } | undefined)?.job;
  if (typeof job === 'string' && (DISPATCHED_JOBS as readonly string[]).includes(job)) return job as OrgJob;
  throw new Error(
    `the dispatch event names no job it dispatches: detail.job is ${JSON.stringify(job)} ` +
      `(expected one of ${DISPATCHED_JOBS.join(', ')}; serverless.yml's schedules send infra/dispatch-input.yml)`,
  );
}

/** Builds the dispatch at cold start: a bad environment fails the init phase naming the variable. */
export function createDispatch(options: DispatchOptions = {}): Dispatch {
  const env = options.env ?? process.env;
  const runtime = createRuntime<DispatchConfig>({
    job: 'dispatch',
    parse: dispatchConfigFromEnv,
    variables: DISPATCH_LAMBDA_VARIABLES,
    required: ['QUEUE_URL'],
    deadlineMarginSeconds: 30,
    env,
  });
  const home = env.AWS_REGION?.trim() || 'us-east-1';
  const { config, clients } = runtime;

  async function accountsOf(): Promise<{ accounts: OrgAccount[]; notes: string[] }> {
    return resolveAccounts(config.org.scope, {
      organizations: clients.organizations(organizationsRegion(home)),
      callerAccount: () => accountId(clients, home),
      names: ORG_ENV_NAMES,
    });
  }

  return {
    runtime,
    async handler(event, context) {
      const named = (event?.detail as { job?: unknown } | undefined)?.job;
      const keys = { dispatchedJob: typeof named === 'string' ? named : 'none' };
      return runtime.invoke<DispatchSummary>(event, context, keys, async (run) => {
        // Refused inside the run: logged and counted (Failures) like any failed run.
        const job = dispatchedJob(event);
        const regions = config.regions[job];
        const empty = { dispatchedJob: job, regions, units: 0, sent: 0, calls: 0, notSent: [], notes: [] };
        let resolved: { accounts: OrgAccount[]; notes: string[] };
        try {
          resolved = await accountsOf();
        } catch (error) {
          // Nothing to send: the invocation fails naming why (unknown OU, Organizations denied, ...).
          return { summary: { ...empty, accounts: 0 }, failures: [`accounts: ${describeError(error)}`] };
        }
        for (const note of resolved.notes) run.logger.warn(note);
        const messages = unitMessages({
          job,
          runId: run.runId,
          plannedAt: run.now,
          accounts: resolved.accounts,
          regions,
          access: config.org.access,
        });
        const sqs = clients.sqs(queueRegion(config.queueUrl, home));
        const sent = await sendUnits(sqs, config.queueUrl, messages, options.send);
        const notSent = sent.failed.map((f) => ({
          account: f.unit.account.id,
          region: f.unit.region,
          reason: f.reason,
        }));
        for (const line of notSent) run.logger.error('unit not sent', { ...line });
        run.count(METRIC.unitsDispatched, sent.sent);
        run.count(METRIC.unitsNotSent, notSent.length);
        return {
          summary: {
            ...empty,
            accounts: resolved.accounts.length,
            units: messages.length,
            sent: sent.sent,
            calls: sent.calls,
            notSent,
            notes: resolved.notes,
          },
          failures: notSent.map((line) => `unit ${line.account} ${line.region} not sent: ${line.reason}`),
        };
      });
    },
  };
}
