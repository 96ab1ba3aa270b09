/**
 * Restore: the undo for prune. RestoreBackup brings a backup in PENDING_DELETION (the 7-day
 * window after DeleteBackup) back to READY. Anything in another state is reported, never attempted.
 */
import { RestoreBackupCommand } from '@aws-sdk/client-cloudhsm-v2';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { DateTime, Duration } from 'luxon';
import * as z from 'zod';
import { accountId as lookupAccountId } from '../aws/account.js';
import type { AwsClients } from '../aws/clients.js';
import { mapSettled } from '../concurrency.js';
import {
  EVENT_SOURCE,
  PATTERNS,
  parseBackupId,
  parseClusterId,
  parseCount,
  parseDuration,
  parseRegion,
} from '../config/common.js';
import { describeError, errorCode, OperationError, UsageError } from '../errors.js';
import { describeUndelivered, publishEvents } from '../events/publisher.js';
import {
  DEFAULT_EVENT_SOURCE,
  type FeedEvent,
  type FeedTarget,
  type PublishOptions,
} from '../events/types.js';
import { listBackups } from '../inventory/gather.js';
import type { BackupInfo } from '../inventory/types.js';
import { lineageOf } from '../inventory/types.js';
import { restoredEvents } from '../prune/events.js';
import { attemptsOf } from '../prune/gate.js';
import { type CloudHsmClients, describeBackupsById } from '../prune/lookup.js';
import type { PublishFn, PublishReport } from '../prune/run.js';
import type { RunCounts } from '../run.js';
import { newRunId } from '../run.js';

/** How long CloudHSM keeps a deleted backup restorable (spec/aws-api.md §2). */
export const RESTORE_WINDOW = Duration.fromObject({ days: 7 });

/** Which backups to restore. */
export type RestoreSelection =
  | { kind: 'ids'; backupIds: string[] }
  /** Every backup deleted within this age (`2h`): DeleteTimestamp − 7 days ≥ now − age. */
  | { kind: 'deleted-since'; deletedSince: string };

export interface RestoreConfig {
  region: string;
  selection: RestoreSelection;
  /** Only this lineage (cluster) when restoring by age. */
  clusterId?: string;
  concurrency: number;
  publish: boolean;
  eventBus: string;
  eventSource: string;
}

/** Raw restore settings as strings (CLI flags, or an environment). */
export interface RestoreInput {
  region?: string;
  /** One id or a comma list. */
  backupIds?: string;
  deletedSince?: string;
  clusterId?: string;
  concurrency?: string;
  publish?: string;
  eventBus?: string;
  eventSource?: string;
}

const rawRestoreSchema = z.strictObject({
  region: z.string().optional(),
  backupIds: z.string().optional(),
  deletedSince: z.string().optional(),
  clusterId: z.string().optional(),
  concurrency: z.string().optional(),
  publish: z.string().optional(),
  eventBus: z.string().optional(),
  eventSource: z.string().optional(),
});

const given = (v: string | undefined): v is string => v !== undefined && v.trim() !== '';

/** Parses restore settings. Bad or contradictory input is a {@link UsageError}. */
export function parseRestoreConfig(input: Record<string, string | undefined>): RestoreConfig {
  const shape = rawRestoreSchema.safeParse(input);
  if (!shape.success) throw new UsageError(`invalid restore settings: ${z.prettifyError(shape.error)}`);
  const raw = shape.data;
  if (!given(raw.region)) throw new UsageError('--region is required');
  const region = parseRegion(raw.region, '--region');
  const byIds = given(raw.backupIds);
  const byAge = given(raw.deletedSince);
  if (byIds && byAge) throw new UsageError('give either --backup-id or --deleted-since, not both');
  if (!byIds && !byAge) {
    throw new UsageError('say what to restore: --backup-id <id> (repeatable) or --deleted-since <age>');
  }
  let selection: RestoreSelection;
  if (byIds) {
    const ids = raw
      .backupIds!.split(',')
      .map((id) => id.trim())
      .filter(Boolean)
      .map(parseBackupId);
    selection = { kind: 'ids', backupIds: [...new Set(ids)] };
  } else {
    parseDuration(raw.deletedSince!, '--deleted-since');
    selection = { kind: 'deleted-since', deletedSince: raw.deletedSince!.trim() };
  }
  if (given(raw.clusterId) && byIds) throw new UsageError('--cluster-id only narrows --deleted-since');
  const publishText = given(raw.publish) ? raw.publish.trim() : 'false';
  if (publishText !== 'true' && publishText !== 'false') {
    throw new UsageError(`--publish must be "true" or "false", got "${raw.publish}"`);
  }
  const publish = publishText === 'true';
  if (!publish && (given(raw.eventBus) || given(raw.eventSource))) {
    throw new UsageError('--event-bus and --event-source need --publish');
  }
  // Checked now, not at PutEvents time: by then the backups would already be restored.
  if (given(raw.eventBus) && !PATTERNS.eventBusName.test(raw.eventBus.trim())) {
    throw new UsageError(`--event-bus "${raw.eventBus}" is not an event bus name or ARN`);
  }
  if (given(raw.eventSource) && !EVENT_SOURCE.test(raw.eventSource.trim())) {
    throw new UsageError(
      `--event-source "${raw.eventSource}" must not start with "aws." and must be 1-256 characters without spaces`,
    );
  }
  return {
    region,
    selection,
    ...(given(raw.clusterId) ? { clusterId: parseClusterId(raw.clusterId) } : {}),
    concurrency: given(raw.concurrency)
      ? parseCount(raw.concurrency, '--concurrency', { min: 1, max: 32 })
      : 6,
    publish,
    eventBus: given(raw.eventBus) ? raw.eventBus.trim() : 'default',
    eventSource: given(raw.eventSource) ? raw.eventSource.trim() : DEFAULT_EVENT_SOURCE,
  };
}

export type RestoreReason =
  | 'restored'
  /** A lost response's retry found it READY again: the restore happened. */
  | 'already-restored'
  /** Someone else restored it between this run's lookup and its RestoreBackup: not this run's doing. */
  | 'restored-by-another'
  | 'not-pending-deletion'
  | 'not-found'
  | 'permanently-deleted'
  | 'error';

export interface RestoreOutcome {
  backupId: string;
  region: string;
  clusterId?: string;
  lineage?: string;
  createdAt?: string;
  status: 'succeeded' | 'failed' | 'skipped';
  reason: RestoreReason;
  detail: string;
  errorCode?: string;
}

export interface RestoreResult {
  succeeded: RestoreOutcome[];
  failed: RestoreOutcome[];
  /** Reported, not attempted (not in PENDING_DELETION). */
  skipped: RestoreOutcome[];
  counts: RunCounts;
}

function outcomeFor(
  backupId: string,
  region: string,
  backup: BackupInfo | undefined,
  status: RestoreOutcome['status'],
  reason: RestoreReason,
  detail: string,
  code?: string,
): RestoreOutcome {
  return {
    backupId,
    region,
    ...(backup?.clusterId !== undefined ? { clusterId: backup.clusterId } : {}),
    ...(backup ? { lineage: lineageOf(backup), createdAt: backup.createdAt.toISOString() } : {}),
    status,
    reason,
    detail,
    ...(code ? { errorCode: code } : {}),
  };
}

/** True when a PENDING_DELETION backup was deleted within `age` of `now` (DeleteTimestamp − 7 days). */
export function deletedWithin(backup: BackupInfo, age: Duration, now: DateTime): boolean {
  if (backup.state !== 'PENDING_DELETION' || !backup.deleteAt) return false;
  const deletedAt = DateTime.fromJSDate(backup.deleteAt).minus(RESTORE_WINDOW);
  return deletedAt.toMillis() >= now.minus(age).toMillis();
}

async function restoreOne(
  clients: CloudHsmClients,
  region: string,
  backup: BackupInfo,
): Promise<RestoreOutcome> {
  const client = clients.cloudHsm(region);
  try {
    await client.send(new RestoreBackupCommand({ BackupId: backup.id }));
    return outcomeFor(backup.id, region, backup, 'succeeded', 'restored', 'restored');
  } catch (error) {
    const code = errorCode(error);
    if (code === 'CloudHsmInvalidRequestException') {
      // After a lost response the SDK's retry finds the backup READY already. Refused at the first
      // attempt, though, there was no lost response of ours: someone else restored it meanwhile.
      const fresh = await describeBackupsById(client, region, [backup.id]).catch(() => undefined);
      if (fresh?.get(backup.id)?.state === 'READY') {
        if (attemptsOf(error) === 1) {
          return outcomeFor(
            backup.id,
            region,
            backup,
            'skipped',
            'restored-by-another',
            'already READY: restored by someone else since it was looked up',
          );
        }
        return outcomeFor(backup.id, region, backup, 'succeeded', 'already-restored', 'already READY');
      }
    }
    return outcomeFor(backup.id, region, backup, 'failed', 'error', describeError(error), code);
  }
}

function triage(
  region: string,
  ids: string[],
  found: Map<string, BackupInfo>,
): { restorable: BackupInfo[]; reported: RestoreOutcome[] } {
  const restorable: BackupInfo[] = [];
  const reported: RestoreOutcome[] = [];
  for (const id of ids) {
    const backup = found.get(id);
    if (!backup) {
      reported.push(outcomeFor(id, region, undefined, 'failed', 'not-found', `not found in ${region}`));
    } else if (backup.state === 'DELETED') {
      reported.push(
        outcomeFor(id, region, backup, 'failed', 'permanently-deleted', 'DELETED: past the 7-day window'),
      );
    } else if (backup.state !== 'PENDING_DELETION') {
      reported.push(
        outcomeFor(
          id,
          region,
          backup,
          'skipped',
          'not-pending-deletion',
          `state is ${backup.state}; only PENDING_DELETION can be restored`,
        ),
      );
    } else restorable.push(backup);
  }
  return { restorable, reported };
}

/**
 * Restores the selected backups of one region. By id: each is looked up first and restored
 * only when PENDING_DELETION. By age: every PENDING_DELETION backup deleted within the age.
 */
export async function restoreBackups(
  clients: CloudHsmClients,
  config: Pick<RestoreConfig, 'region' | 'selection' | 'clusterId' | 'concurrency'>,
  now: DateTime,
): Promise<RestoreResult> {
  const { region, selection } = config;
  let restorable: BackupInfo[];
  let reported: RestoreOutcome[] = [];
  if (selection.kind === 'ids') {
    const found = await describeBackupsById(clients.cloudHsm(region), region, selection.backupIds);
    ({ restorable, reported } = triage(region, selection.backupIds, found));
  } else {
    const age = parseDuration(selection.deletedSince, '--deleted-since');
    const pending = await listBackups(clients.cloudHsm(region), region, { states: ['PENDING_DELETION'] });
    restorable = pending.filter(
      (b) =>
        deletedWithin(b, age, now) && (config.clusterId === undefined || lineageOf(b) === config.clusterId),
    );
  }
  const settled = await mapSettled(restorable, config.concurrency, (backup) =>
    restoreOne(clients, region, backup),
  );
  const attempted = settled.map((s, i) =>
    s.status === 'fulfilled'
      ? s.value
      : outcomeFor(restorable[i]!.id, region, restorable[i], 'failed', 'error', describeError(s.reason)),
  );
  const all = [...reported, ...attempted];
  const by = (status: RestoreOutcome['status']) => all.filter((o) => o.status === status);
  const result = { succeeded: by('succeeded'), failed: by('failed'), skipped: by('skipped') };
  return {
    ...result,
    counts: {
      succeeded: result.succeeded.length,
      failed: result.failed.length,
      skipped: result.skipped.length,
    },
  };
}

export interface RestoreDeps {
  clients: CloudHsmClients & Partial<Pick<AwsClients, 'eventBridge' | 'sts'>>;
  runId?: string;
  accountId?: () => Promise<string>;
  publish?: PublishFn;
  publishOptions?: PublishOptions;
}

export interface RestoreRun {
  runId: string;
  region: string;
  result: RestoreResult;
  events?: PublishReport;
  exitCode: 0 | 1;
}

async function publishRestored(
  deps: RestoreDeps,
  config: RestoreConfig,
  result: RestoreResult,
  runId: string,
  now: DateTime,
): Promise<PublishReport> {
  const target: FeedTarget = { busName: config.eventBus, source: config.eventSource, region: config.region };
  const report: PublishReport = { published: 0, calls: 0, lost: [], lostCount: 0 };
  let events: FeedEvent[] = [];
  try {
    const account = deps.accountId
      ? await deps.accountId()
      : await lookupAccountId(deps.clients as AwsClients, config.region);
    events = restoredEvents(result.succeeded, { runId, account, time: now.toJSDate() });
    if (events.length === 0) return report;
    if (!deps.clients.eventBridge) throw new OperationError('no EventBridge client was given');
    const client: EventBridgeClient = deps.clients.eventBridge(config.region);
    const outcome = await (deps.publish ?? publishEvents)(client, events, target, deps.publishOptions);
    report.published = outcome.published;
    report.calls = outcome.calls;
    if (outcome.failed.length > 0) {
      report.lost.push(describeUndelivered(outcome.failed, target, outcome.failed.length));
      report.lostCount = outcome.failed.length;
    }
  } catch (error) {
    report.lostCount = events.length || result.succeeded.length;
    report.lost.push(
      `${report.lostCount} restore event(s) were NOT delivered to EventBridge bus ` +
        `"${target.busName}" in ${target.region}: ${describeError(error)}`,
    );
  }
  return report;
}

/** Restores, then publishes `CloudHSM Backup Restored` events when asked. */
export async function runRestore(
  deps: RestoreDeps,
  config: RestoreConfig,
  now: DateTime,
): Promise<RestoreRun> {
  const runId = deps.runId ?? newRunId();
  const result = await restoreBackups(deps.clients, config, now);
  const run: RestoreRun = {
    runId,
    region: config.region,
    result,
    exitCode: result.failed.length > 0 ? 1 : 0,
  };
  if (config.publish) {
    run.events = await publishRestored(deps, config, result, runId, now);
    if (run.events.lost.length > 0) run.exitCode = 1;
  }
  return run;
}
