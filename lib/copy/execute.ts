import type { DateTime } from 'luxon';
import type { AwsClients } from '../aws/clients.js';
import { singleAttemptClients } from '../aws/cloudhsm.js';
import type { CopyConfig } from '../config/copy.js';
import type { FeedEvent, FeedTarget, PublishResult } from '../events/types.js';
import { newRunId } from '../run.js';
import { type CopyContext, type CopyProgress, type CopyTuning, DEFAULT_COPY_TUNING } from './context.js';
import { copyStep } from './copy-step.js';
import { fileThePlan, gatherAndPlan } from './gather.js';
import type { CopyPlan } from './plan.js';
import { publishCopyRun } from './publish.js';
import { addLines, type CopyLines, type CopyResult, countLines, noLines } from './result.js';
import { verifyCopies, watchedLines } from './verify.js';

export { type CopyProgress, type CopyTuning, DEFAULT_COPY_TUNING } from './context.js';
export {
  type CopyCounts,
  type CopyLine,
  type CopyResult,
  copyRunFailed,
  type DuplicateReport,
} from './result.js';

/** What a copy run needs from outside; everything but `clients` has a sensible default. */
export interface CopyDeps {
  /** Region-scoped clients with retries (adaptive): listings, tags, lookups. */
  clients: AwsClients;
  /** Clients that never resend, for CopyBackupToRegion; default: `singleAttemptClients(clients.options)`. */
  copyClients?: AwsClients;
  /** Wall clock: claim expiry and `--wait`'s deadline (the sandbox's virtual clock in tests). */
  now?: () => Date;
  /** Backoff and polling waits (tests advance a virtual clock instead of waiting). */
  sleep?: (ms: number) => Promise<void>;
  /** The claim settle wait; must really pass real time, see README. */
  settle?: (ms: number) => Promise<void>;
  /** A monotonic real-time clock in ms. */
  monotonic?: () => number;
  /** The account id for events (default: STS GetCallerIdentity in the event region). */
  account?: () => Promise<string>;
  /** More fields for every event's detail (an organization unit's `accountName`, `dispatchRunId`). */
  extraDetail?: Readonly<Record<string, string>>;
  /** Sends events (default: lib/events/publisher to `clients.eventBridge(target.region)`). */
  publish?: (events: FeedEvent[], target: FeedTarget) => Promise<PublishResult>;
  runId?: string;
  /** Checked before each copy and poll; true stops starting new work (a Lambda's deadline). */
  shouldStop?: () => boolean;
  onProgress?: (progress: CopyProgress) => void;
  tuning?: Partial<CopyTuning>;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The run's shared state, with every default filled in. */
function contextOf(deps: CopyDeps, config: CopyConfig): CopyContext {
  return {
    config,
    tuning: { ...DEFAULT_COPY_TUNING, ...deps.tuning },
    runId: deps.runId ?? newRunId(),
    clients: deps.clients,
    copyClients: deps.copyClients ?? singleAttemptClients(deps.clients.options),
    now: deps.now ?? (() => new Date()),
    sleep: deps.sleep ?? realSleep,
    settle: deps.settle ?? realSleep,
    monotonic: deps.monotonic ?? (() => performance.now()),
    stopping: () => deps.shouldStop?.() === true,
    progress: (phase, done, total) => deps.onProgress?.({ phase, done, total }),
  };
}

/**
 * One copy run: gather → plan → (unless dry run) claim → copy exactly once → release →
 * verify (and `--wait`) → publish. Failures are per line: one region failing never stops
 * the others. See lib/copy/README.md for why each step is there.
 */
export async function runCopy(deps: CopyDeps, config: CopyConfig, now: DateTime): Promise<CopyResult> {
  const ctx = contextOf(deps, config);
  try {
    const startedAt = ctx.now();
    const gathered = await gatherAndPlan(ctx, now);
    const filed = fileThePlan(gathered.plan);
    const lines = noLines();
    addLines(lines, { failed: gathered.failed, ...filed.lines });
    if (!config.dryRun && filed.pending.length > 0) {
      addLines(lines, await copyStep(ctx, filed.pending, gathered.listedAt));
    }
    if (!config.dryRun && (lines.copied.length > 0 || watchedLines(lines, config.wait).length > 0)) {
      await verifyCopies(ctx, lines);
    }
    const events = config.publish ? await publishStep(ctx, deps, gathered.plan, lines, startedAt) : undefined;
    return {
      runId: ctx.runId,
      dryRun: config.dryRun,
      startedAt: startedAt.toISOString(),
      ...lines,
      ...(events ? { events } : {}),
      plan: gathered.plan,
      finishedAt: ctx.now().toISOString(),
      counts: countLines(lines),
    };
  } finally {
    if (!deps.copyClients) ctx.copyClients.destroy();
  }
}

/** Publishes the run's events (lib/copy/publish.ts); returns what was delivered. */
async function publishStep(
  ctx: CopyContext,
  deps: CopyDeps,
  plan: CopyPlan,
  lines: CopyLines,
  startedAt: Date,
): Promise<NonNullable<CopyResult['events']>> {
  const { config } = ctx;
  const total = lines.copied.length + 1;
  ctx.progress('publish', 0, total);
  const events = await publishCopyRun({
    config,
    clients: ctx.clients,
    runId: ctx.runId,
    startedAt,
    plan,
    result: lines,
    counts: countLines(lines),
    copiedAt: ctx.now(),
    account: deps.account,
    ...(deps.extraDetail ? { extraDetail: deps.extraDetail } : {}),
    publish: deps.publish,
  });
  ctx.progress('publish', events.published, total);
  return events;
}
