/**
 * The prune job's configuration, parsed once from a plain record of strings. The CLI maps its
 * flags onto {@link PruneInput}; the Lambda handler maps its environment through
 * {@link pruneConfigFromEnv}. Both get the same validated {@link PruneConfig} and the same
 * messages, naming the flag or the variable the user actually set.
 */
import { DateTime, type Duration } from 'luxon';
import * as z from 'zod';
import type { CopyRetentionMode } from '../copies/retention.js';
import { UsageError } from '../errors.js';
import { DEFAULT_EVENT_SOURCE } from '../events/types.js';
import { type CutoffLabels, parseAge, parseTimestamp, parseTimeZone } from '../time/cutoff.js';
import {
  checkEnvForm,
  DEFAULT_HOLD_TAG,
  EVENT_SOURCE,
  PATTERNS,
  parseClusterId,
  parseCount,
  parseRegion,
  uniqueRegions,
} from './common.js';

/** Raw prune settings, every value a string as it arrives from flags or the environment. */
export interface PruneInput {
  /** One region, or a comma-separated list. */
  regions?: string;
  clusterId?: string;
  timestamp?: string;
  timezone?: string;
  olderThan?: string;
  /** `true` or `false`. */
  deleteAll?: string;
  confirm?: string;
  keepLast?: string;
  maxDeletions?: string;
  /** DR copies: copies older than this many days are candidates, grouped by lineage (`source`: as `copyRetention: 'source'`). */
  copyRetentionDays?: string;
  /** `fixed` or `source`: copy retention follows each lineage's source-cluster retention policy. */
  copyRetention?: string;
  /** An ISO 8601 instant: copy retention days are counted back from it, not from now (a dry run's apply command pins it). */
  copiesAsOf?: string;
  /** `true` or `false`: delete the extra DR copies of a source backup (lib/copies/duplicates.ts). */
  duplicateCopies?: string;
  /** Extra hold tag keys, a comma list; the default hold tag always applies as well. */
  holdTag?: string;
  /** `true` or `false`. */
  execute?: string;
  /** `true` or `false`; wins over `execute`. */
  dryRun?: string;
  concurrency?: string;
  /** `true` or `false`. */
  publish?: string;
  eventBus?: string;
  eventSource?: string;
  /** The region whose EventBridge bus receives the run's events (default: the first region). */
  eventRegion?: string;
}

type InputKey = keyof PruneInput;

/** How the cutoff is chosen. */
export type CutoffRule =
  /** `timezone` reads the timestamp; elsewhere it only sets the zone the cutoff is printed in. */
  | { kind: 'timestamp'; timestamp: string; timezone?: string }
  | { kind: 'older-than'; olderThan: string; timezone?: string }
  /** `--deleteall`: every backup of the cluster, guardrails still apply. */
  | { kind: 'all' }
  /** Only copy retention is set: copies are pruned, originals are left to managed retention. */
  | { kind: 'copies-only'; timezone?: string }
  /** Only `--duplicate-copies`: the extra DR copies are pruned, nothing by age. */
  | { kind: 'duplicates-only'; timezone?: string };

/** The validated prune configuration every front end hands to {@link runPrune}. */
export interface PruneConfig {
  regions: string[];
  /** Absent: every cluster (every lineage) in the region. */
  clusterId?: string;
  cutoff: CutoffRule;
  /**
   * Days after which a DR copy is a candidate; under `copyRetention: 'source'`, the fallback
   * where the source cluster is gone or has no policy. Absent: no copy retention.
   */
  copyRetentionDays?: number;
  /** Present (`source`) when copy retention follows each lineage's source cluster; absent: fixed. */
  copyRetention?: CopyRetentionMode;
  /**
   * The instant (ISO 8601, UTC) copy retention days are counted back from; absent: the run's
   * `now`. A dry run's apply command pins it, so a later apply deletes the copies reviewed.
   */
  copiesAsOf?: string;
  /** Also delete the extra DR copies {@link duplicateCopies} finds (lib/copies/duplicates.ts). */
  duplicateCopies?: boolean;
  keepLast: number;
  maxDeletions: number;
  /**
   * Tag keys that hold a backup: the default `cloudhsm-ops:hold` first, then any the user
   * added. No option removes the default (a guardrail).
   */
  holdTags: string[];
  /** True only when execute was asked for and no dry run was. */
  execute: boolean;
  /** Execute was asked for but a dry run won. */
  dryRunOverrode: boolean;
  confirm?: string;
  concurrency: number;
  publish: boolean;
  eventBus: string;
  eventSource: string;
  /** Every event of the run goes to the bus in this region, as with audit and copy. */
  eventRegion: string;
}

export const PRUNE_DEFAULTS = {
  keepLast: 1,
  maxDeletions: 50,
  holdTag: DEFAULT_HOLD_TAG,
  concurrency: 6,
  eventBus: 'default',
  /** The fallback under `--copy-retention source` without `--copy-retention-days` (the audit's default too). */
  copyRetentionFallbackDays: 90,
} as const;

/** Flag names, for messages when the input came from the command line. */
export const PRUNE_FLAG_NAMES: Record<InputKey, string> = {
  regions: '--region',
  clusterId: '--cluster-id',
  timestamp: '--timestamp',
  timezone: '--timezone',
  olderThan: '--older-than',
  deleteAll: '--deleteall',
  confirm: '--confirm',
  keepLast: '--keep-last',
  maxDeletions: '--max-deletions',
  copyRetentionDays: '--copy-retention-days',
  copyRetention: '--copy-retention',
  copiesAsOf: '--copies-as-of',
  duplicateCopies: '--duplicate-copies',
  holdTag: '--hold-tag',
  execute: '--execute',
  dryRun: '--dry-run',
  concurrency: '--concurrency',
  publish: '--publish',
  eventBus: '--event-bus',
  eventSource: '--event-source',
  eventRegion: '--event-region',
};

/** Environment variable names (the scheduled Lambda), for messages and {@link pruneConfigFromEnv}. */
export const PRUNE_ENV_NAMES: Record<InputKey, string> = {
  regions: 'REGIONS',
  clusterId: 'CLUSTER_ID',
  timestamp: 'TIMESTAMP',
  timezone: 'TIMEZONE',
  olderThan: 'OLDER_THAN',
  deleteAll: 'DELETE_ALL',
  confirm: 'CONFIRM',
  keepLast: 'KEEP_LAST',
  maxDeletions: 'MAX_DELETIONS',
  copyRetentionDays: 'COPY_RETENTION_DAYS',
  // CLI-only: the Lambda says COPY_RETENTION_DAYS=source, as the audit Lambda does.
  copyRetention: 'COPY_RETENTION',
  // CLI-only: a schedule measures from its own time; only a reviewed dry run pins an instant.
  copiesAsOf: 'COPIES_AS_OF',
  duplicateCopies: 'DUPLICATE_COPIES',
  holdTag: 'HOLD_TAG',
  execute: 'PRUNE_EXECUTE',
  dryRun: 'DRY_RUN',
  concurrency: 'CONCURRENCY',
  publish: 'PUBLISH',
  eventBus: 'EVENT_BUS_NAME',
  eventSource: 'EVENT_SOURCE',
  eventRegion: 'EVENT_REGION',
};

/** The variables a Lambda may set; the rest of {@link PRUNE_ENV_NAMES} are CLI-only on purpose. */
const LAMBDA_ENV_KEYS: InputKey[] = [
  'regions',
  'clusterId',
  'olderThan',
  'timestamp',
  'timezone',
  'keepLast',
  'maxDeletions',
  'copyRetentionDays',
  'duplicateCopies',
  'holdTag',
  'execute',
  'eventBus',
  'eventSource',
  'eventRegion',
  // DRY_RUN wins over PRUNE_EXECUTE, as --dry-run wins over --execute.
  'dryRun',
  'concurrency',
];

/** The environment variables the prune Lambda reads (the handler logs and checks these). */
export const PRUNE_LAMBDA_VARIABLES: readonly string[] = LAMBDA_ENV_KEYS.map((key) => PRUNE_ENV_NAMES[key]);

/** Variables the prune Lambda refuses to read, and why (set on the function, they fail its cold start). */
export const PRUNE_LAMBDA_REFUSED: Readonly<Record<string, string>> = {
  DELETE_ALL:
    "deleting every backup of a cluster is the CLI's --deleteall --confirm <cluster-id>, never a schedule",
  CONFIRM: "it only confirms the CLI's --deleteall, which has no environment form",
  PUBLISH: 'the prune function publishes whenever EVENT_BUS_NAME is set',
};

const optionalText = z.string().optional();
const rawSchema = z.strictObject(
  Object.fromEntries(Object.keys(PRUNE_FLAG_NAMES).map((key) => [key, optionalText])) as Record<
    InputKey,
    typeof optionalText
  >,
);

const HOLD_TAG_KEY = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u;

function given(value: string | undefined): value is string {
  return value !== undefined && value.trim() !== '';
}

function readBoolean(value: string | undefined, name: string): boolean {
  if (!given(value)) return false;
  const text = value.trim();
  if (text === 'true') return true;
  if (text === 'false') return false;
  throw new UsageError(`${name} must be "true" or "false", got "${value}"`);
}

/** Collects every problem instead of stopping at the first, so one run names them all. */
class Problems {
  readonly messages: string[] = [];

  /** Runs `read`, keeping its UsageError message; returns undefined when it failed. */
  attempt<T>(read: () => T): T | undefined {
    try {
      return read();
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      this.messages.push(error.message);
      return undefined;
    }
  }

  add(message: string): void {
    this.messages.push(message);
  }
}

function cutoffRule(
  raw: PruneInput,
  names: Record<InputKey, string>,
  problems: Problems,
): CutoffRule | undefined {
  const deleteAll = problems.attempt(() => readBoolean(raw.deleteAll, names.deleteAll)) ?? false;
  const hasTimestamp = given(raw.timestamp);
  const hasAge = given(raw.olderThan);
  const hasCopyRetention = given(raw.copyRetentionDays) || given(raw.copyRetention);
  const duplicates = problems.attempt(() => readBoolean(raw.duplicateCopies, names.duplicateCopies)) ?? false;
  if (deleteAll && hasTimestamp) {
    // The seed script's rule, kept: "--timestamp and --deleteall cannot be used in the same invocation".
    problems.add(`${names.timestamp} and ${names.deleteAll} cannot be used together`);
    return undefined;
  }
  const chosen = [hasTimestamp, hasAge, deleteAll].filter(Boolean).length;
  if (chosen > 1) {
    problems.add(`give only one of ${names.timestamp}, ${names.olderThan} or ${names.deleteAll}`);
    return undefined;
  }
  // Without a timestamp the zone only changes how the cutoff is printed; it must still be valid.
  const timezone = given(raw.timezone) ? raw.timezone.trim() : undefined;
  if (timezone !== undefined && !hasTimestamp)
    problems.attempt(() => parseTimeZone(timezone, names.timezone));
  if (deleteAll && hasCopyRetention) {
    problems.add(`${names.deleteAll} and ${names.copyRetentionDays} cannot be used together`);
    return undefined;
  }
  if (deleteAll && duplicates) {
    problems.add(`${names.deleteAll} and ${names.duplicateCopies} cannot be used together`);
    return undefined;
  }
  const labels: CutoffLabels = {
    timestamp: names.timestamp,
    timezone: names.timezone,
    olderThan: names.olderThan,
  };
  if (hasTimestamp) {
    // Parsed now so a bad date is bad input before anything is listed; resolved again by the planner.
    problems.attempt(() => parseTimestamp(raw.timestamp!, raw.timezone, labels));
    return { kind: 'timestamp', timestamp: raw.timestamp!.trim(), ...(timezone ? { timezone } : {}) };
  }
  if (hasAge) {
    problems.attempt(() => atLeastOneDay(parseAge(raw.olderThan!, names.olderThan), raw.olderThan!, names));
    return { kind: 'older-than', olderThan: raw.olderThan!.trim(), ...(timezone ? { timezone } : {}) };
  }
  if (deleteAll) return { kind: 'all' };
  if (hasCopyRetention) return { kind: 'copies-only', ...(timezone ? { timezone } : {}) };
  if (duplicates) return { kind: 'duplicates-only', ...(timezone ? { timezone } : {}) };
  problems.add(
    `say which backups are stale: ${names.timestamp} <date>, ${names.olderThan} <age such as 90d>, ` +
      `${names.duplicateCopies}, or ${names.deleteAll} (with ${names.clusterId})`,
  );
  return undefined;
}

/**
 * A prune age is at least one day: a shorter one is almost always a unit mistake (`6m` meaning
 * months) and would plan nearly every backup; a finer cutoff is an explicit timestamp.
 */
function atLeastOneDay(age: Duration, text: string, names: Record<InputKey, string>): void {
  if (age.toMillis() >= 86_400_000) return;
  const minutes = /^(\d+(?:\.\d+)?)\s*m$/.exec(text.trim());
  const hint = minutes
    ? ` (${minutes[1]}m is ${minutes[1]} minutes; for months write P${minutes[1]}M or ${Number(minutes[1]) * 30}d)`
    : '';
  throw new UsageError(
    `${names.olderThan} "${text.trim()}" is under one day: prune ages are at least 1d, ` +
      `and a finer cutoff is a ${names.timestamp}${hint}`,
  );
}

function keepLastRules(config: Partial<PruneConfig>, names: Record<InputKey, string>, problems: Problems) {
  const deleteAll = config.cutoff?.kind === 'all';
  if (deleteAll && !config.clusterId) {
    problems.add(`${names.deleteAll} needs ${names.clusterId}: it removes the backups of one cluster`);
  }
  if (config.confirm !== undefined) {
    if (!deleteAll) problems.add(`${names.confirm} only applies to ${names.deleteAll}`);
    else if (config.confirm !== config.clusterId) {
      problems.add(
        `${names.confirm} "${config.confirm}" does not match ${names.clusterId} "${config.clusterId}"`,
      );
    }
  }
  if (
    config.keepLast === 0 &&
    !(deleteAll && config.confirm !== undefined && config.confirm === config.clusterId)
  ) {
    problems.add(
      `${names.keepLast} 0 would leave a lineage with no backup; it is accepted only with ` +
        `${names.deleteAll} ${names.confirm} <cluster-id> naming the same cluster as ${names.clusterId}`,
    );
  }
}

const configSchema = z.object({
  regions: z.array(z.string().regex(PATTERNS.region)).min(1),
  clusterId: z.string().regex(PATTERNS.clusterId).optional(),
  cutoff: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('timestamp'), timestamp: z.string().min(1), timezone: z.string().optional() }),
    z.object({
      kind: z.literal('older-than'),
      olderThan: z.string().min(1),
      timezone: z.string().optional(),
    }),
    z.object({ kind: z.literal('all') }),
    z.object({ kind: z.literal('copies-only'), timezone: z.string().optional() }),
    z.object({ kind: z.literal('duplicates-only'), timezone: z.string().optional() }),
  ]),
  copyRetentionDays: z.number().int().min(1).optional(),
  copyRetention: z.literal('source').optional(),
  copiesAsOf: z.string().optional(),
  duplicateCopies: z.literal(true).optional(),
  keepLast: z.number().int().min(0),
  maxDeletions: z.number().int().min(1),
  holdTags: z.array(z.string().regex(HOLD_TAG_KEY)).min(1),
  execute: z.boolean(),
  dryRunOverrode: z.boolean(),
  confirm: z.string().optional(),
  concurrency: z.number().int().min(1).max(32),
  publish: z.boolean(),
  eventBus: z.string().regex(PATTERNS.eventBusName),
  eventSource: z.string().min(1).max(256),
  eventRegion: z.string(),
});

/**
 * The hold tags: the default always, plus the keys given (a comma list: a tag key cannot hold
 * a comma). A custom key adds to the default; it never replaces it.
 */
function holdTagsOf(value: string | undefined, name: string, problems: Problems): string[] {
  const tags: string[] = [PRUNE_DEFAULTS.holdTag];
  for (const key of (value ?? '').split(',').map((k) => k.trim())) {
    if (key === '') continue;
    if (!HOLD_TAG_KEY.test(key)) {
      problems.add(`${name} "${key}" is not a valid tag key (1–128 letters, digits, spaces and _.:/=+-@)`);
    } else if (!tags.includes(key)) tags.push(key);
  }
  return tags;
}

/**
 * Copy retention as the audit reads it: `--copy-retention fixed|source` and
 * `--copy-retention-days N|source` (`source` there means `--copy-retention source`). Under
 * `source` the days are the fallback (90 when not given); `fixed` needs the days, since prune
 * deletes by them.
 */
function copyRetentionOf(
  raw: PruneInput,
  names: Record<InputKey, string>,
  problems: Problems,
): Pick<PruneConfig, 'copyRetention' | 'copyRetentionDays'> {
  let mode: CopyRetentionMode | undefined;
  if (given(raw.copyRetention)) {
    const text = raw.copyRetention.trim().toLowerCase();
    if (text === 'fixed' || text === 'source') mode = text;
    else {
      problems.add(`${names.copyRetention} "${raw.copyRetention}" is not "fixed" or "source"`);
      return {};
    }
  }
  const daysText = given(raw.copyRetentionDays) ? raw.copyRetentionDays.trim() : undefined;
  const daysSaySource = daysText?.toLowerCase() === 'source';
  if (mode === 'fixed' && daysSaySource) {
    problems.add(
      `${names.copyRetention} fixed and ${names.copyRetentionDays} source contradict each other ` +
        `(give ${names.copyRetention} source, or a number of days)`,
    );
    return {};
  }
  if (mode === 'fixed' && daysText === undefined) {
    problems.add(`${names.copyRetention} fixed needs ${names.copyRetentionDays} <days>`);
    return {};
  }
  if (daysSaySource) mode = 'source';
  const days =
    daysText !== undefined && !daysSaySource
      ? problems.attempt(() => parseCount(daysText, names.copyRetentionDays, { min: 1, max: 36_500 }))
      : mode === 'source'
        ? PRUNE_DEFAULTS.copyRetentionFallbackDays
        : undefined;
  return { copyRetentionDays: days, ...(mode === 'source' ? { copyRetention: 'source' as const } : {}) };
}

/** Ends in `Z` or a UTC offset: an instant, not a wall-clock time in some unnamed zone. */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:?\d{2})$/i;

/**
 * `--copies-as-of`: the instant copy retention is measured from, as an ISO 8601 UTC string.
 * Only with copy retention (it changes nothing else). Whether it lies after the run's `now`
 * is checked where `now` is known (it would make more copies candidates than any review saw).
 */
function copiesAsOfOf(
  raw: PruneInput,
  names: Record<InputKey, string>,
  problems: Problems,
  copyRetention: boolean,
): string | undefined {
  if (raw.copiesAsOf === undefined) return undefined;
  const text = raw.copiesAsOf.trim();
  const instant = ISO_INSTANT.test(text) ? DateTime.fromISO(text, { setZone: true }) : undefined;
  if (!instant?.isValid) {
    problems.add(
      `${names.copiesAsOf} "${raw.copiesAsOf}" is not an ISO 8601 instant with Z or an offset (e.g. 2026-11-29T12:00:00Z)`,
    );
    return undefined;
  }
  if (!copyRetention) {
    problems.add(
      `${names.copiesAsOf} only applies to copy retention: give ${names.copyRetentionDays} or ${names.copyRetention} source`,
    );
    return undefined;
  }
  return instant.toUTC().toISO({ suppressMilliseconds: true })!;
}

function build(raw: PruneInput, names: Record<InputKey, string>): PruneConfig {
  const problems = new Problems();
  const count = (key: InputKey, fallback: number, bounds: { min?: number; max?: number }) =>
    given(raw[key]) ? problems.attempt(() => parseCount(raw[key]!, names[key], bounds)) : fallback;

  if (!given(raw.regions)) problems.add(`${names.regions} is required`);
  const regions = given(raw.regions)
    ? problems.attempt(() =>
        uniqueRegions(
          raw
            .regions!.split(',')
            .map((r) => r.trim())
            .filter(Boolean),
          names.regions,
        ),
      )
    : undefined;
  // Present but blank is a mistake (`--cluster-id "$UNSET"`), never "every cluster".
  if (raw.clusterId !== undefined && !given(raw.clusterId)) {
    problems.add(
      `${names.clusterId} is empty: give a cluster id such as cluster-abcdefghijk, ` +
        `or leave ${names.clusterId} out to prune every cluster of the region`,
    );
  }
  const clusterId = given(raw.clusterId) ? problems.attempt(() => parseClusterId(raw.clusterId!)) : undefined;
  const cutoff = cutoffRule(raw, names, problems);
  const execute = problems.attempt(() => readBoolean(raw.execute, names.execute)) ?? false;
  const dryRun = problems.attempt(() => readBoolean(raw.dryRun, names.dryRun)) ?? false;
  const publish = problems.attempt(() => readBoolean(raw.publish, names.publish)) ?? false;
  const holdTags = holdTagsOf(raw.holdTag, names.holdTag, problems);
  const eventBus = given(raw.eventBus) ? raw.eventBus.trim() : PRUNE_DEFAULTS.eventBus;
  if (!PATTERNS.eventBusName.test(eventBus)) {
    problems.add(`${names.eventBus} "${eventBus}" is not an event bus name or ARN`);
  }
  const eventSource = given(raw.eventSource) ? raw.eventSource.trim() : DEFAULT_EVENT_SOURCE;
  if (!EVENT_SOURCE.test(eventSource)) {
    problems.add(
      `${names.eventSource} must not start with "aws." and must be 1-256 characters without spaces, got "${eventSource}"`,
    );
  }

  const copyRetention = copyRetentionOf(raw, names, problems);
  const partial: Partial<PruneConfig> = {
    regions,
    clusterId,
    cutoff,
    ...copyRetention,
    copiesAsOf: copiesAsOfOf(raw, names, problems, copyRetention.copyRetentionDays !== undefined),
    duplicateCopies:
      problems.attempt(() => readBoolean(raw.duplicateCopies, names.duplicateCopies)) || undefined,
    keepLast: count('keepLast', PRUNE_DEFAULTS.keepLast, { max: 1000 }),
    maxDeletions: count('maxDeletions', PRUNE_DEFAULTS.maxDeletions, { min: 1, max: 100_000 }),
    holdTags,
    execute: execute && !dryRun,
    dryRunOverrode: execute && dryRun,
    confirm: given(raw.confirm) ? raw.confirm.trim() : undefined,
    concurrency: count('concurrency', PRUNE_DEFAULTS.concurrency, { min: 1, max: 32 }),
    publish,
    eventBus,
    eventSource,
    eventRegion: given(raw.eventRegion)
      ? problems.attempt(() => parseRegion(raw.eventRegion!, names.eventRegion))
      : regions?.[0],
  };
  keepLastRules(partial, names, problems);
  if (problems.messages.length > 0) throw new UsageError(problems.messages.join('; '));

  const checked = configSchema.safeParse(partial);
  if (!checked.success) {
    // The hand-written checks above should make this unreachable; if not, say exactly what slipped.
    throw new UsageError(`invalid prune configuration: ${z.prettifyError(checked.error)}`);
  }
  return stripUndefined(checked.data) as PruneConfig;
}

function stripUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/**
 * Parses prune settings from a plain record of strings (the CLI's flags). Unknown keys, bad
 * values and contradictory combinations are a {@link UsageError} naming every problem.
 */
export function parsePruneConfig(
  input: Record<string, string | undefined>,
  names: Record<InputKey, string> = PRUNE_FLAG_NAMES,
): PruneConfig {
  const shape = rawSchema.safeParse(input);
  if (!shape.success) {
    const unknown = shape.error.issues.flatMap((issue) =>
      issue.code === 'unrecognized_keys' ? issue.keys : [],
    );
    throw new UsageError(
      unknown.length > 0
        ? `unknown prune setting(s): ${unknown.join(', ')}`
        : `invalid prune settings: ${z.prettifyError(shape.error)}`,
    );
  }
  return build(shape.data, names);
}

/**
 * The scheduled Lambda's configuration from its environment: REGIONS (comma list), CLUSTER_ID,
 * OLDER_THAN, TIMESTAMP, TIMEZONE, KEEP_LAST (default 1), MAX_DELETIONS (default 50),
 * COPY_RETENTION_DAYS (days, or `source`: each lineage's source-cluster retention, 90 days as
 * the fallback), DUPLICATE_COPIES (`true`, the default, or `false`), HOLD_TAG (extra hold tag keys, a comma list; `cloudhsm-ops:hold` always
 * holds), PRUNE_EXECUTE (`true`/`false`, default false), DRY_RUN (`true` wins over
 * PRUNE_EXECUTE), CONCURRENCY, EVENT_BUS_NAME (publishing is on when set), EVENT_SOURCE,
 * EVENT_REGION. A set-but-blank variable is refused, except OLDER_THAN and TIMESTAMP (blank: no
 * such cutoff). `--deleteall` has no environment form on purpose, so messages never name
 * DELETE_ALL or CONFIRM.
 */
export function pruneConfigFromEnv(env: Record<string, string | undefined>): PruneConfig {
  checkEnvForm(env, {
    variables: PRUNE_LAMBDA_VARIABLES,
    lists: ['REGIONS', 'HOLD_TAG'],
    booleans: ['PRUNE_EXECUTE', 'DRY_RUN', 'DUPLICATE_COPIES'],
    blankMeansUnset: ['OLDER_THAN', 'TIMESTAMP'],
  });
  const input: Record<string, string | undefined> = {};
  for (const key of LAMBDA_ENV_KEYS) {
    const value = env[PRUNE_ENV_NAMES[key]];
    if (value !== undefined) input[key] = value;
  }
  if (given(input.eventBus)) input.publish = 'true';
  // The scheduled prune removes duplicate DR copies unless told not to (issue 17).
  if (input.duplicateCopies === undefined) input.duplicateCopies = 'true';
  // In Lambda the feed's bus lives in the function's own region.
  if (!given(input.eventRegion) && given(env.AWS_REGION)) input.eventRegion = env.AWS_REGION;
  const { shaped, problems } = lambdaCutoffRules(input);
  try {
    const config = parsePruneConfig(shaped, PRUNE_ENV_NAMES);
    if (problems.length === 0) return config;
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    problems.push(...error.message.split('; ').filter((issue) => !issue.startsWith(NOT_SAID_PREFIX)));
  }
  throw new UsageError(problems.join('; '));
}

/** The start of the shared "which backups?" message, replaced by the Lambda's own. */
const NOT_SAID_PREFIX = 'say which backups are stale:';

/**
 * The rules whose shared messages would name DELETE_ALL or CONFIRM, worded for the Lambda;
 * the input is shaped so the shared parser still checks every other value.
 */
function lambdaCutoffRules(input: Record<string, string | undefined>): {
  shaped: Record<string, string | undefined>;
  problems: string[];
} {
  const shaped = { ...input };
  const problems: string[] = [];
  if (given(input.keepLast) && /^\s*0+\s*$/.test(input.keepLast)) {
    problems.push(
      'KEEP_LAST 0 would leave a lineage with no backup: the prune function keeps at least 1 (KEEP_LAST from 1 to 1000)',
    );
    delete shaped.keepLast;
  }
  if (given(input.timestamp) && given(input.olderThan)) {
    problems.push('give only one of TIMESTAMP or OLDER_THAN');
    try {
      atLeastOneDay(parseAge(input.olderThan, 'OLDER_THAN'), input.olderThan, PRUNE_ENV_NAMES);
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      problems.push(error.message);
    }
    delete shaped.olderThan;
  }
  const duplicates = input.duplicateCopies?.trim() === 'true';
  if (!given(input.timestamp) && !given(input.olderThan) && !given(input.copyRetentionDays) && !duplicates) {
    problems.push(
      `${NOT_SAID_PREFIX} TIMESTAMP <date>, OLDER_THAN <age such as 180d> (originals), ` +
        'COPY_RETENTION_DAYS <days or source> (DR copies only), or DUPLICATE_COPIES true (the default)',
    );
  }
  return { shaped, problems };
}
