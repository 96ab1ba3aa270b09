import type { AwsClients } from '../aws/clients.js';
import type { CopyConfig } from '../config/copy.js';
import { describeError, errorCode } from '../errors.js';
import { publishEvents } from '../events/publisher.js';
import type { FeedEvent, FeedTarget, PublishResult } from '../events/types.js';
import { exitCodeOf } from '../jobs/run.js';
import { backupCopiedEvent, copyRunSummaryEvent, describeCopyEvent } from './events.js';
import type { CopyPlan } from './plan.js';
import { type CopyCounts, type CopyResult, copyRunFailures } from './result.js';

/** What publishing needs from the run. */
export interface CopyPublication {
  config: CopyConfig;
  clients: AwsClients;
  runId: string;
  startedAt: Date;
  plan: CopyPlan;
  result: Pick<CopyResult, 'copied' | 'failed' | 'notReady' | 'deferred'>;
  counts: CopyCounts;
  /** When the copies count as made (the run's clock, after verify). */
  copiedAt: Date;
  /** The account id for events. */
  account: () => Promise<string>;
  /** Sends events (default: lib/events/publisher to `clients.eventBridge(target.region)`). */
  publish?: (events: FeedEvent[], target: FeedTarget) => Promise<PublishResult>;
}

const NOTHING: PublishResult = { published: 0, calls: 0, failed: [] };

/**
 * Publishes one `CloudHSM Backup Copied` per copy made, then — in a second call, so it
 * arrives last — exactly one `CloudHSM Run Summary` (dry runs and runs with nothing to do
 * included), whose exit status counts the copy events that could not be delivered.
 */
export async function publishCopyRun(run: CopyPublication): Promise<NonNullable<CopyResult['events']>> {
  const { config } = run;
  const target: FeedTarget = {
    busName: config.eventBus,
    source: config.eventSource,
    region: config.eventRegion,
  };
  let account: string;
  try {
    account = await run.account();
  } catch (error) {
    return accountUnknown(run, error);
  }
  const copied = run.result.copied.map((line) =>
    backupCopiedEvent({
      runId: run.runId,
      account,
      sourceRegion: line.sourceRegion,
      sourceBackupId: line.sourceBackupId!,
      sourceClusterId: line.sourceClusterId,
      destinationRegion: line.destinationRegion!,
      destinationBackupId: line.destinationBackupId,
      createdAt: line.sourceCreatedAt ? new Date(line.sourceCreatedAt) : run.copiedAt,
      copiedAt: run.copiedAt,
    }),
  );
  const first = copied.length > 0 ? await send(run, copied, target) : NOTHING;
  // The summary's exit code counts the copy events just lost (the summary's own fate is unknown yet).
  const lost = first.failed.map((f) => describeCopyEvent(f.event));
  const exitCode = exitCodeOf({ failures: copyRunFailures(run.result), events: { lost } });
  const summary = copyRunSummaryEvent({
    runId: run.runId,
    account,
    sourceRegions: config.sourceRegions,
    drRegions: config.drRegions,
    startedAt: run.startedAt,
    plannedFor: run.plan.now,
    windowStart: run.plan.windowStart,
    dryRun: config.dryRun,
    counts: run.counts,
    exitCode,
  });
  const second = await send(run, [summary], target);
  return {
    published: first.published + second.published,
    calls: first.calls + second.calls,
    failed: [...first.failed, ...second.failed].map((f) => ({
      event: describeCopyEvent(f.event),
      errorCode: f.errorCode,
      errorMessage: f.errorMessage,
    })),
  };
}

/** Without the account id no event can be built: every one of them is lost, by name. */
function accountUnknown(run: CopyPublication, error: unknown): NonNullable<CopyResult['events']> {
  const names = [
    ...run.result.copied.map(
      (line) => `CloudHSM Backup Copied ${line.sourceBackupId} → ${line.destinationRegion}`,
    ),
    `CloudHSM Run Summary (run ${run.runId})`,
  ];
  return {
    published: 0,
    calls: 0,
    failed: names.map((event) => ({
      event,
      errorCode: errorCode(error) ?? 'Error',
      errorMessage: `could not read the account id: ${describeError(error)}`,
    })),
  };
}

/** Sends a batch; a thrown error counts as every event of the batch undelivered. */
async function send(run: CopyPublication, events: FeedEvent[], target: FeedTarget): Promise<PublishResult> {
  const publish =
    run.publish ??
    ((batch: FeedEvent[], to: FeedTarget) => publishEvents(run.clients.eventBridge(to.region), batch, to));
  try {
    return await publish(events, target);
  } catch (error) {
    return {
      published: 0,
      calls: 0,
      failed: events.map((event) => ({
        event,
        errorCode: errorCode(error) ?? 'Error',
        errorMessage: describeError(error),
      })),
    };
  }
}
