/**
 * What every job run (prune, restore, copy, audit) has in common: the run result, the one exit
 * decision, and publishing the run's events (account lookup, PutEvents, the lost-event report).
 * The CLI printers and the Lambda handlers read the result; none of them decides an exit code.
 */
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { accountId as lookupAccountId } from '../aws/account.js';
import type { AwsClients } from '../aws/clients.js';
import { describeError, errorCode, OperationError } from '../errors.js';
import { describeEvent, publishEvents } from '../events/publisher.js';
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
  /** What was lost, one message per call (or account lookup) that lost events, each event named; non-empty fails the run. */
  lost: string[];
  /** How many events were lost. */
  lostCount: number;
  /** Every lost event by name, with why: refused by the bus, in a call that threw, or never built. */
  lostEvents: LostEvent[];
}

/** One lost event, named (a lost deletion record must be traceable). */
export interface LostEvent {
  event: string;
  errorCode: string;
  errorMessage: string;
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
  /**
   * More fields every event's detail carries, for an organization unit: `accountName` where the
   * account's name is known (so one rule on the hub's bus can say whose), and for copy and prune,
   * which run under a run id of their own, `dispatchRunId`, the organization run's id.
   */
  extraDetail?: Readonly<Record<string, string>>;
  publish?: PublishFn;
  publishOptions?: PublishOptions;
}

/** The account id: `deps.accountId()`, else STS GetCallerIdentity in `region`. */
export async function lookupAccount(deps: PublishDeps, region: string): Promise<string> {
  if (deps.accountId) return deps.accountId();
  if (deps.clients.sts) return lookupAccountId(deps.clients as AwsClients, region);
  throw new OperationError('publishing needs the account id: no STS client or accountId() was given');
}

/** How {@link publishRun} builds, names and orders the events. */
export interface PublishRunOptions {
  /** How many events `build` makes (counted lost when none could be built). */
  expected: number;
  /** The account id when it is already known (no lookup). */
  account?: string;
  /** Names an event in the lost-event report (default: its detail type and backup, finding or run). */
  describe?: (event: FeedEvent) => string;
  /** Names every event the run would publish, so that each is named lost when none could be built. */
  names?: () => string[];
  /**
   * An event sent in a call of its own after the others, so it arrives last (a Run Summary),
   * built knowing which of them were lost; sent even when there are no others.
   */
  last?: (account: string, lost: readonly LostEvent[]) => FeedEvent;
}

/**
 * Publishes the events `build` makes for the account (looked up in the target's region unless
 * `options.account` gives it), then `options.last` on its own. Never throws: an account that
 * cannot be read, a missing client or a failed call counts every event lost, by name where it
 * can (`options.expected` of them when none could be built and no `names` were given).
 */
export async function publishRun(
  deps: PublishDeps,
  target: FeedTarget,
  build: (account: string) => FeedEvent[],
  options: PublishRunOptions,
): Promise<PublishReport> {
  const report: PublishReport = {
    target,
    published: 0,
    calls: 0,
    failed: [],
    lost: [],
    lostCount: 0,
    lostEvents: [],
  };
  let account: string;
  let events: FeedEvent[];
  try {
    account = options.account ?? (await lookupAccount(deps, target.region));
  } catch (error) {
    noneBuilt(report, options, error, `could not read the account id: ${describeError(error)}`);
    return report;
  }
  try {
    events = withDetail(build(account), deps.extraDetail);
  } catch (error) {
    noneBuilt(report, options, error, `could not build the events: ${describeError(error)}`);
    return report;
  }
  if (events.length > 0) await send(deps, report, events, options);
  if (options.last) {
    await send(
      deps,
      report,
      withDetail([options.last(account, report.lostEvents)], deps.extraDetail),
      options,
    );
  }
  return report;
}

/** The events with the extra fields in each detail. */
function withDetail(events: FeedEvent[], extra: PublishDeps['extraDetail']): FeedEvent[] {
  if (!extra || Object.keys(extra).length === 0) return events;
  return events.map((event) => ({ ...event, detail: { ...event.detail, ...extra } }));
}

/** One PutEvents batch (lib/events/publisher.ts retries within it); what it loses goes into the report. */
async function send(
  deps: PublishDeps,
  report: PublishReport,
  events: FeedEvent[],
  options: PublishRunOptions,
): Promise<void> {
  const name = options.describe ?? describeEvent;
  try {
    if (!deps.clients.eventBridge) throw new OperationError('no EventBridge client was given');
    const outcome = await (deps.publish ?? publishEvents)(
      deps.clients.eventBridge(report.target.region),
      events,
      report.target,
      deps.publishOptions,
    );
    report.published += outcome.published;
    report.calls += outcome.calls;
    report.failed.push(...outcome.failed);
    const refused = outcome.failed.map((f) => ({
      event: name(f.event),
      errorCode: f.errorCode,
      errorMessage: f.errorMessage,
    }));
    if (refused.length > 0) addLoss(report, refused, refused.length);
  } catch (error) {
    const message = describeError(error);
    const lost = events.map((event) => ({
      event: name(event),
      errorCode: errorCode(error) ?? 'Error',
      errorMessage: message,
    }));
    addLoss(report, lost, lost.length, message);
  }
}

/** No event could be built: every one the run would publish is lost, named when `options.names` says. */
function noneBuilt(report: PublishReport, options: PublishRunOptions, error: unknown, why: string): void {
  const names = options.names?.() ?? [];
  const lost = names.map((event) => ({ event, errorCode: errorCode(error) ?? 'Error', errorMessage: why }));
  addLoss(report, lost, names.length > 0 ? names.length : options.expected, why);
}

/**
 * Files a loss: the named events, the count, and one message naming each event — with its own
 * error when the bus refused it, or after the one `cause` shared by all of them.
 */
function addLoss(report: PublishReport, lost: LostEvent[], count: number, cause?: string): void {
  report.lostEvents.push(...lost);
  report.lostCount += count;
  const bus = report.target.busName || 'default';
  const head = `${count} event(s) were NOT delivered to EventBridge bus "${bus}" in ${report.target.region}:`;
  const lines = lost.map((l) =>
    cause ? `  - ${l.event}` : `  - ${l.event}: ${l.errorCode}: ${l.errorMessage}`,
  );
  report.lost.push([cause ? `${head} ${cause}` : head, ...lines].join('\n'));
}
