import type { AwsClients } from '../aws/clients.js';
import type { CopyConfig } from '../config/copy.js';
import type { FeedEvent, FeedTarget, PublishResult } from '../events/types.js';
import { exitCodeOf, type LostEvent, type PublishDeps, publishRun } from '../jobs/run.js';
import { backupCopiedEvent, copiedEventName, copyRunSummaryEvent, describeCopyEvent } from './events.js';
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
  /** The account id for events (default: STS GetCallerIdentity in the event region). */
  account?: () => Promise<string>;
  /** More fields for every event's detail (an organization unit's `accountName`, `dispatchRunId`). */
  extraDetail?: Readonly<Record<string, string>>;
  /** Sends events (default: lib/events/publisher to `clients.eventBridge(target.region)`). */
  publish?: (events: FeedEvent[], target: FeedTarget) => Promise<PublishResult>;
}

/**
 * Publishes one `CloudHSM Backup Copied` per copy made, then — in a second call, so it
 * arrives last — exactly one `CloudHSM Run Summary` (dry runs and runs with nothing to do
 * included), whose exit status counts the copy events that could not be delivered. Goes
 * through lib/jobs/run.ts `publishRun`, which names every lost event.
 */
export async function publishCopyRun(run: CopyPublication): Promise<NonNullable<CopyResult['events']>> {
  const { config, publish } = run;
  const target: FeedTarget = {
    busName: config.eventBus,
    source: config.eventSource,
    region: config.eventRegion,
  };
  const deps: PublishDeps = {
    clients: run.clients,
    accountId: run.account,
    ...(run.extraDetail ? { extraDetail: run.extraDetail } : {}),
    ...(publish ? { publish: (_client, events, to) => publish(events, to) } : {}),
  };
  const report = await publishRun(deps, target, (account) => copiedEvents(run, account), {
    expected: run.result.copied.length + 1,
    describe: describeCopyEvent,
    names: () => [
      ...run.result.copied.map((line) =>
        copiedEventName(line.sourceBackupId, line.sourceRegion, line.destinationRegion),
      ),
      describeCopyEvent(summaryEvent(run, '?', [])),
    ],
    last: (account, lost) => summaryEvent(run, account, lost),
  });
  return { published: report.published, calls: report.calls, failed: report.lostEvents };
}

/** One `CloudHSM Backup Copied` per copy made. */
function copiedEvents(run: CopyPublication, account: string): FeedEvent[] {
  return run.result.copied.map((line) =>
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
}

/** The run's summary; its exit code counts the copy events just lost (its own fate is unknown yet). */
function summaryEvent(run: CopyPublication, account: string, lost: readonly LostEvent[]): FeedEvent {
  const { config } = run;
  const exitCode = exitCodeOf({
    failures: copyRunFailures(run.result),
    events: { lost: lost.map((l) => l.event) },
  });
  return copyRunSummaryEvent({
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
}
