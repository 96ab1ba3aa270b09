/**
 * Restore's settings: parsed from raw strings (CLI flags or an environment) straight to a
 * {@link RestoreConfig}. Bad or contradictory input is a {@link UsageError} naming the flag.
 */
import * as z from 'zod';
import {
  EVENT_SOURCE,
  PATTERNS,
  parseBackupId,
  parseClusterId,
  parseCount,
  parseDuration,
  parseRegion,
} from '../config/common.js';
import { UsageError } from '../errors.js';
import { DEFAULT_EVENT_SOURCE } from '../events/types.js';
import { RUN_ID_PATTERN } from '../prune/record.js';

/** Which backups to restore. */
export type RestoreSelection =
  /** Exactly these, whoever deleted them. */
  | { kind: 'ids'; backupIds: string[] }
  /**
   * Every backup cloudhsm-ops prune deleted within this age (`2h`): DeleteTimestamp − 7 days
   * ≥ now − age, and a deletion record on the backup. Others deleted in the window are reported.
   */
  | { kind: 'deleted-since'; deletedSince: string }
  /** Exactly the deletions of one prune run: the backups carrying its deletion record. */
  | { kind: 'run'; runId: string };

export interface RestoreConfig {
  region: string;
  selection: RestoreSelection;
  /** Only this lineage (cluster) when restoring by age. */
  clusterId?: string;
  concurrency: number;
  /** List what would be restored; change nothing. */
  dryRun: boolean;
  /** Add the hold tag to what is restored, so the next prune keeps it. */
  hold: boolean;
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
  runId?: string;
  clusterId?: string;
  concurrency?: string;
  /** `true` or `false`. */
  dryRun?: string;
  /** `true` or `false`. */
  hold?: string;
  publish?: string;
  eventBus?: string;
  eventSource?: string;
}

const rawRestoreSchema = z.strictObject({
  region: z.string().optional(),
  backupIds: z.string().optional(),
  deletedSince: z.string().optional(),
  runId: z.string().optional(),
  clusterId: z.string().optional(),
  concurrency: z.string().optional(),
  dryRun: z.string().optional(),
  hold: z.string().optional(),
  publish: z.string().optional(),
  eventBus: z.string().optional(),
  eventSource: z.string().optional(),
});

const given = (v: string | undefined): v is string => v !== undefined && v.trim() !== '';

function readFlag(value: string | undefined, name: string): boolean {
  if (!given(value)) return false;
  const text = value.trim();
  if (text !== 'true' && text !== 'false')
    throw new UsageError(`${name} must be "true" or "false", got "${value}"`);
  return text === 'true';
}

/** Parses restore settings. Bad or contradictory input is a {@link UsageError}. */
export function parseRestoreConfig(input: Record<string, string | undefined>): RestoreConfig {
  const shape = rawRestoreSchema.safeParse(input);
  if (!shape.success) throw new UsageError(`invalid restore settings: ${z.prettifyError(shape.error)}`);
  const raw = shape.data;
  if (!given(raw.region)) throw new UsageError('--region is required');
  const region = parseRegion(raw.region, '--region');
  const byIds = given(raw.backupIds);
  const byAge = given(raw.deletedSince);
  if (raw.runId !== undefined && !given(raw.runId)) {
    throw new UsageError('--run-id is empty: give the run id a prune run printed');
  }
  const byRun = given(raw.runId);
  if (byIds && byAge) throw new UsageError('give either --backup-id or --deleted-since, not both');
  if (byRun && (byIds || byAge)) {
    throw new UsageError('give only one of --backup-id, --deleted-since or --run-id');
  }
  if (!byIds && !byAge && !byRun) {
    throw new UsageError(
      'say what to restore: --backup-id <id> (repeatable) or --deleted-since <age>, or --run-id <prune run id>',
    );
  }
  let selection: RestoreSelection;
  if (byIds) {
    const ids = raw
      .backupIds!.split(',')
      .map((id) => id.trim())
      .filter(Boolean)
      .map(parseBackupId);
    selection = { kind: 'ids', backupIds: [...new Set(ids)] };
  } else if (byRun) {
    const runId = raw.runId!.trim();
    if (!RUN_ID_PATTERN.test(runId)) {
      throw new UsageError(
        `--run-id "${raw.runId}" is not a run id (1-100 letters, digits, "-", "_" or "."; prune prints it)`,
      );
    }
    selection = { kind: 'run', runId };
  } else {
    parseDuration(raw.deletedSince!, '--deleted-since');
    selection = { kind: 'deleted-since', deletedSince: raw.deletedSince!.trim() };
  }
  if (given(raw.clusterId) && byIds) {
    throw new UsageError('--cluster-id only narrows --deleted-since or --run-id');
  }
  const dryRun = readFlag(raw.dryRun, '--dry-run');
  const hold = readFlag(raw.hold, '--hold');
  if (dryRun && hold) throw new UsageError('--hold changes tags: it cannot go with --dry-run');
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
    dryRun,
    hold,
    publish,
    eventBus: given(raw.eventBus) ? raw.eventBus.trim() : 'default',
    eventSource: given(raw.eventSource) ? raw.eventSource.trim() : DEFAULT_EVENT_SOURCE,
  };
}
