/**
 * What every job run (prune, restore, copy, audit) has in common: the run result, the one exit
 * decision, and publishing the run's events (account lookup, PutEvents, the lost-event report).
 * The CLI printers and the Lambda handlers read the result; none of them decides an exit code.
 */
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { accountId as lookupAccountId } from '../aws/account.js';
import type { AwsClients } from '../aws/clients.js';
import { describeError, OperationError } from '../errors.js';
import { describeUndelivered, publishEvents } from '../events/publisher.js';
import type {
  FeedEvent,
  FeedTarget,
  PublishOptions,
  PublishResult,
  UndeliveredEvent,
} from '../events/types.js';

/** 0 done, 1 something failed or an event was lost, 2 bad input. */
export type ExitCode = 0 | 1 | 2;

/** What publishing a run's events did. */
export interface PublishReport {
  target: FeedTarget;
  published: number;
  /** PutEvents calls made, retries included. */
  calls: number;
  /** The events the bus refused after every retry (empty when the call itself failed: see `lost`). */
  failed: UndeliveredEvent[];
  /** What was lost, every event named (a lost deletion record must be traceable); non-empty fails the run. */
  lost: string[];
  /** How many events were lost. */
  lostCount: number;
}

/** The shape every job's run result shares. */
export interface JobRun {
  runId: string;
  /** Why the run's own work failed, in words (empty when it did not); lost events are in `events.lost`. */
  failures: string[];
  /** Present when the run published. */
  events?: PublishReport;
  exitCode: ExitCode;
}

/** What the exit decision reads. */
export interface RunOutcome {
  /** The input was refused (nothing was done). */
  badInput?: boolean;
  failures: readonly string[];
  events?: { lost: readonly string[] };
}

/** The one exit decision: 2 bad input, 1 any failure or lost event, 0 otherwise. */
export function exitCodeOf(run: RunOutcome): ExitCode {
  if (run.badInput) return 2;
  return run.failures.length > 0 || (run.events?.lost.length ?? 0) > 0 ? 1 : 0;
}

/** Every reason the run failed: its work first, then each lost-event report (the Lambda's failures, the CLI's errors). */
export function runFailures(run: Pick<RunOutcome, 'failures' | 'events'>): string[] {
  return [...run.failures, ...(run.events?.lost ?? [])];
}

/** `publishEvents` from lib/events/publisher.ts, or a stand-in in tests. */
export type PublishFn = (
  client: EventBridgeClient,
  events: FeedEvent[],
  target: FeedTarget,
  options?: PublishOptions,
) => Promise<PublishResult>;

/** What publishing needs from outside; tests pass stand-ins. */
export interface PublishDeps {
  clients: Partial<Pick<AwsClients, 'eventBridge' | 'sts'>>;
  /** The account id for events and ARNs; default: STS GetCallerIdentity. */
  accountId?: () => Promise<string>;
  publish?: PublishFn;
  publishOptions?: PublishOptions;
}

/** The account id: `deps.accountId()`, else STS GetCallerIdentity in `region`. */
export async function lookupAccount(deps: PublishDeps, region: string): Promise<string> {
  if (deps.accountId) return deps.accountId();
  if (deps.clients.sts) return lookupAccountId(deps.clients as AwsClients, region);
  throw new OperationError('publishing needs the account id: no STS client or accountId() was given');
}

/**
 * Publishes the events `build` makes for the account (looked up in the target's region unless
 * `options.account` gives it). Never throws: an account that cannot be read, a missing client
 * or a failed call counts every event lost (`options.expected` of them when none could be built).
 */
export async function publishRun(
  deps: PublishDeps,
  target: FeedTarget,
  build: (account: string) => FeedEvent[],
  options: { expected: number; account?: string },
): Promise<PublishReport> {
  const report: PublishReport = { target, published: 0, calls: 0, failed: [], lost: [], lostCount: 0 };
  let events: FeedEvent[] | undefined;
  try {
    const account = options.account ?? (await lookupAccount(deps, target.region));
    events = build(account);
    if (!deps.clients.eventBridge) throw new OperationError('no EventBridge client was given');
    const outcome = await (deps.publish ?? publishEvents)(
      deps.clients.eventBridge(target.region),
      events,
      target,
      deps.publishOptions,
    );
    report.published = outcome.published;
    report.calls = outcome.calls;
    report.failed = outcome.failed;
    if (outcome.failed.length > 0) {
      report.lost.push(describeUndelivered(outcome.failed, target, outcome.failed.length));
      report.lostCount = outcome.failed.length;
    }
  } catch (error) {
    report.lostCount = events?.length ?? options.expected;
    report.lost.push(
      `${report.lostCount} event(s) were NOT delivered to EventBridge bus "${target.busName}" in ${target.region}: ` +
        describeError(error),
    );
  }
  return report;
}
