/**
 * The one set of field parsers every job's settings table is built from (lib/config/table.ts),
 * and the fields the jobs share (publishing, concurrency, regions). Each parser takes the text
 * and what messages call the setting, and returns the final type, so a setting is parsed once.
 */
import { DateTime } from 'luxon';
import type { CopyRetentionMode } from '../copies/retention.js';
import { UsageError } from '../errors.js';
import { DEFAULT_EVENT_SOURCE } from '../events/types.js';
import { parseTimeZone } from '../time/cutoff.js';
import {
  DEFAULT_HOLD_TAG,
  type EnvForm,
  EVENT_SOURCE,
  MAX_ATTEMPTS_LIMIT,
  PATTERNS,
  parseClusterId,
  parseCount,
  parseDuration,
  parseRegion,
  parseSeverity,
  uniqueRegions,
} from './common.js';
import {
  type Field,
  given,
  type Input,
  type Names,
  Problems,
  readFields,
  type Table,
  type Values,
} from './table.js';

/** Deletes or restores in flight at once (prune, restore). */
export const DEFAULT_CONCURRENCY = 6;
/** The most deletes or restores in flight at once. */
export const MAX_CONCURRENCY = 32;
/** The bus events go to unless told otherwise. */
export const DEFAULT_EVENT_BUS = 'default';
/** Copy retention in days: at least one, at most 100 years (prune and audit alike). */
export const COPY_RETENTION_DAYS_RANGE = { min: 1, max: 36_500 } as const;
/** Copy retention days where the source cluster is gone or has no policy (prune and audit). */
export const COPY_RETENTION_FALLBACK_DAYS = 90;

/** A comma list: trimmed items, blanks dropped. */
export function splitList(text: string): string[] {
  return text
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

/** Exactly `true` or `false`, in every job and front end (the CLI's switches give `true`). */
export function bool(text: string, what: string): boolean {
  const value = text.trim();
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new UsageError(`${what} must be "true" or "false", got "${text}"`);
}

/** Trimmed text, checked later against other settings (a cutoff, a confirmation). */
export const text = (value: string): string => value.trim();

/** One region AWS has. */
export const region = (value: string, what: string): string => parseRegion(value, what);

/** A comma list of regions, each named once. */
export const regions = (value: string, what: string): string[] => uniqueRegions(splitList(value), what);

/** A whole number within bounds. */
export function count(bounds: { min?: number; max?: number }) {
  return (value: string, what: string): number => parseCount(value, what, bounds);
}

/** A number within bounds, decimals allowed (hours). */
export function decimal({ min, max }: { min: number; max: number }) {
  return (value: string, what: string): number => {
    if (!/^\d+(\.\d+)?$/.test(value.trim())) {
      throw new UsageError(`${what} "${value}" is not valid (expected a number from ${min} to ${max})`);
    }
    const n = Number(value.trim());
    if (n < min || n > max) throw new UsageError(`${what} must be between ${min} and ${max}, got ${n}`);
    return n;
  };
}

/** Attempts per AWS call, the first included: 1 to {@link MAX_ATTEMPTS_LIMIT}. */
export function attempts(value: string, what: string): number {
  const text = value.trim();
  const n = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!(n >= 1 && n <= MAX_ATTEMPTS_LIMIT)) {
    throw new UsageError(`${what} must be a whole number from 1 to ${MAX_ATTEMPTS_LIMIT}, got "${value}"`);
  }
  return n;
}

/** The longest wait for one attempt of an AWS call: a Lambda's whole lifetime; anything longer is a typo. */
export const MAX_REQUEST_TIMEOUT_SECONDS = 900;
/** How long one attempt of an AWS call may go without an answer, by default. */
export const DEFAULT_REQUEST_TIMEOUT_SECONDS = 30;

/** Seconds above 0 and at most {@link MAX_REQUEST_TIMEOUT_SECONDS}, decimals allowed (`0.5`), as milliseconds. */
export function requestTimeout(value: string, what: string): number {
  const text = value.trim();
  const seconds = /^\d+(\.\d+)?$/.test(text) ? Number(text) : Number.NaN;
  if (!(seconds > 0 && seconds <= MAX_REQUEST_TIMEOUT_SECONDS)) {
    throw new UsageError(
      `${what} must be a number of seconds above 0 and at most ${MAX_REQUEST_TIMEOUT_SECONDS}, got "${value}"`,
    );
  }
  return Math.max(1, Math.round(seconds * 1000));
}

/** A positive duration (`48h`, `7d`, `P2D`). */
export const duration = (value: string, what: string) => parseDuration(value, what);

/** An event bus name or ARN. */
export function eventBus(value: string, what: string): string {
  const bus = value.trim();
  if (!PATTERNS.eventBusName.test(bus)) {
    throw new UsageError(`${what} "${value}" is not a valid event bus name or ARN`);
  }
  return bus;
}

/** An EventBridge source of ours: not AWS's `aws.` prefix. */
export function eventSource(value: string, what: string): string {
  const source = value.trim();
  if (!EVENT_SOURCE.test(source)) {
    throw new UsageError(
      `${what} "${value}" is not valid (at most 256 characters, no spaces, not starting with "aws.")`,
    );
  }
  return source;
}

const TAG_KEY = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u;

/** One tag key that holds a backup. */
export function holdTag(value: string, what: string): string {
  const key = value.trim();
  if (!TAG_KEY.test(key)) {
    throw new UsageError(
      `${what} "${key}" is not a valid tag key (1–128 letters, digits, spaces and _.:/=+-@)`,
    );
  }
  return key;
}

/**
 * The hold tags: the default always first, then the keys given (a comma list: a tag key cannot
 * hold a comma). A custom key adds to the default; it never replaces it (a guardrail).
 */
export function holdTags(value: string, what: string): string[] {
  const tags = [DEFAULT_HOLD_TAG];
  const problems: string[] = [];
  for (const key of splitList(value)) {
    try {
      const tag = holdTag(key, what);
      if (!tags.includes(tag)) tags.push(tag);
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  if (problems.length > 0) throw new UsageError(problems.join('; '));
  return tags;
}

/** One cluster id. */
export const clusterId = (value: string, what: string): string => parseClusterId(value, what);

/** A comma list of cluster ids, duplicates dropped. */
export const clusterIds = (value: string, what: string): string[] => [
  ...new Set(splitList(value).map((id) => parseClusterId(id, what))),
];

/** A severity name, case-insensitive. */
export const severity = (value: string) => parseSeverity(value);

/** `fixed` or `source`. */
export function copyRetentionMode(value: string, what: string): CopyRetentionMode {
  const mode = value.trim().toLowerCase();
  if (mode === 'fixed' || mode === 'source') return mode;
  throw new UsageError(`${what} "${value}" is not "fixed" or "source"`);
}

/** Days, or `source` (follow each source cluster's retention policy). */
export function copyRetentionDays(value: string, what: string): number | 'source' {
  const days = value.trim();
  if (days.toLowerCase() === 'source') return 'source';
  if (!/^\d+$/.test(days)) throw new UsageError(`${what} "${value}" is not a whole number or "source"`);
  return parseCount(days, what, COPY_RETENTION_DAYS_RANGE);
}

/** The copy retention settings, resolved together (prune and audit read them alike). */
export interface CopyRetention {
  mode?: CopyRetentionMode;
  days?: number;
}

/**
 * `--copy-retention fixed|source` with `--copy-retention-days N|source`: days `source` means mode
 * `source`; under `source` the days are the fallback ({@link COPY_RETENTION_FALLBACK_DAYS} when
 * not given). `fixed` with days `source` contradict each other.
 */
export function resolveCopyRetention(
  mode: CopyRetentionMode | undefined,
  days: number | 'source' | undefined,
  names: { copyRetention: string; copyRetentionDays: string },
): CopyRetention {
  if (mode === 'fixed' && days === 'source') {
    throw new UsageError(
      `${names.copyRetention} fixed and ${names.copyRetentionDays} source contradict each other ` +
        `(give ${names.copyRetention} source, or a number of days)`,
    );
  }
  const resolved = days === 'source' ? 'source' : mode;
  const fixedDays = days === 'source' ? undefined : days;
  return {
    ...(resolved ? { mode: resolved } : {}),
    ...(fixedDays !== undefined || resolved === 'source'
      ? { days: fixedDays ?? COPY_RETENTION_FALLBACK_DAYS }
      : {}),
  };
}

/** An IANA zone or offset, kept as written (the planner reads it again). */
export function timezone(value: string, what: string): string {
  parseTimeZone(value.trim(), what);
  return value.trim();
}

/** Ends in `Z` or a UTC offset: an instant, not a wall-clock time in some unnamed zone. */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:?\d{2})$/i;

/** An ISO 8601 instant with `Z` or an offset, as a UTC ISO string. */
export function instant(value: string, what: string): string {
  const trimmed = value.trim();
  const parsed = ISO_INSTANT.test(trimmed) ? DateTime.fromISO(trimmed, { setZone: true }) : undefined;
  if (!parsed?.isValid) {
    throw new UsageError(
      `${what} "${value}" is not an ISO 8601 instant with Z or an offset (e.g. 2026-11-29T12:00:00Z)`,
    );
  }
  return parsed.toUTC().toISO({ suppressMilliseconds: true })!;
}

/** The publishing fields every job that publishes shares. */
export function publishFields(env: { publish?: string; eventRegion?: string }, doc: string) {
  return {
    publish: {
      name: 'publish',
      flag: '--publish',
      ...(env.publish ? { env: env.publish } : {}),
      doc,
      parse: bool,
    } satisfies Field<boolean>,
    eventBus: {
      name: 'event bus',
      flag: '--event-bus',
      arg: '<name>',
      env: 'EVENT_BUS_NAME',
      default: DEFAULT_EVENT_BUS,
      doc: 'event bus name or ARN for --publish',
      parse: eventBus,
    } satisfies Field<string>,
    eventSource: {
      name: 'event source',
      flag: '--event-source',
      arg: '<source>',
      env: 'EVENT_SOURCE',
      default: DEFAULT_EVENT_SOURCE,
      doc: 'event source for --publish',
      parse: eventSource,
    } satisfies Field<string>,
    eventRegion: {
      name: 'event region',
      flag: '--event-region',
      arg: '<region>',
      ...(env.eventRegion ? { env: env.eventRegion } : {}),
      doc: 'region of the event bus for --publish (default: the first region)',
      parse: region,
    } satisfies Field<string>,
  };
}

/** How a job's parser treats event settings given while publishing is off. */
export interface PublishingOptions {
  /**
   * Event settings without publishing are refused (default: `--event-bus needs --publish`).
   * The Lambdas turn this off: serverless.yml sets EVENT_BUS_NAME and EVENT_SOURCE for every
   * function, and prune and copy publish whenever EVENT_BUS_NAME is set.
   */
  eventsNeedPublish?: boolean;
}

/**
 * "--event-bus needs --publish": event settings given while publishing is off are a mistake
 * (the user expected events), for every job that publishes, unless `options` turns that off.
 */
export function checkPublishing(
  input: Readonly<Record<string, string | undefined>>,
  publish: boolean | undefined,
  names: Readonly<Record<string, string>>,
  problems: Problems,
  options: PublishingOptions,
): void {
  if (publish || options.eventsNeedPublish === false) return;
  const stray = ['eventBus', 'eventSource', 'eventRegion'].filter((key) => key in names && given(input[key]));
  if (stray.length === 0) return;
  const listed = stray.map((key) => names[key]).join(' and ');
  problems.add(`${listed} ${stray.length > 1 ? 'need' : 'needs'} ${names.publish}`);
}

/**
 * Every field of `input` parsed by the job's table, and the publishing rule checked: the start
 * of every job's parser. Throws nothing; the problems are collected for the job's own rules.
 */
export function readSettings<T extends Table>(
  table: T,
  input: Input<T>,
  names: Names<T>,
  job: string,
  options: PublishingOptions,
): { value: Values<T>; problems: Problems } {
  const problems = new Problems();
  const value = readFields(table, input, names, problems, job);
  const publish = (value as { publish?: boolean }).publish;
  checkPublishing(input, publish, names as Record<string, string>, problems, options);
  return { value, problems };
}

/** What a DR region that is also a source region means (copy and audit). */
export interface SameRegionOption {
  /**
   * `error` (the CLI): the person named both, so it is a mistake worth stopping for (and an
   * audit would pass every DR check with nothing to judge). `skip` (the Lambda): REGIONS lists
   * every region with clusters and two regions backing each other up is a normal setup; a
   * backup's own region is never one of its DR regions.
   */
  sameRegion: 'error' | 'skip';
}

/** Under `sameRegion: 'error'`, refuses a DR region that is also a source region. */
export function refuseSameRegion(
  option: SameRegionOption,
  sources: readonly string[],
  drRegions: readonly string[],
  drName: string,
  advice: string,
): void {
  const overlap = drRegions.filter((region) => sources.includes(region));
  if (option.sameRegion === 'skip' || overlap.length === 0) return;
  throw new UsageError(
    `${drName} ${overlap.join(', ')} is also a source region: a backup cannot be copied to its own region ` +
      `(to make two regions back each other up, ${advice})`,
  );
}

/**
 * How a job's Lambda environment is written, from its table: repeatable fields are lists, `bool`
 * fields exactly `true` or `false`. `extra` adds what the table does not hold (fallback
 * variables such as REGIONS, DRY_RUN where it is not a setting).
 */
export function envFormOf(
  table: Table,
  extra: { lists?: string[]; booleans?: string[]; blankMeansUnset?: string[] } = {},
): EnvForm {
  const fields = Object.values(table).filter((field) => field.env !== undefined);
  return {
    variables: [...fields.map((field) => field.env!), ...(extra.lists ?? []), ...(extra.booleans ?? [])],
    lists: [...fields.filter((field) => field.repeatable).map((field) => field.env!), ...(extra.lists ?? [])],
    booleans: [
      ...fields.filter((field) => field.parse === bool).map((field) => field.env!),
      ...(extra.booleans ?? []),
    ],
    blankMeansUnset: extra.blankMeansUnset ?? [],
  };
}

/** A comma list of regions, repeatable on the command line. */
export function regionsField(name: string, flag: string, env: string, doc: string): Field<string[]> {
  return { name, flag, arg: '<region>', repeatable: true, env, doc, parse: regions };
}

/** Calls in flight at once. */
export function concurrencyField(fallback: number, max: number, doc: string): Field<number> {
  return {
    name: 'concurrency',
    flag: '--concurrency',
    arg: '<n>',
    env: 'CONCURRENCY',
    default: String(fallback),
    doc,
    parse: count({ min: 1, max }),
  };
}

/** Plan and print; change nothing. */
export function dryRunField(doc: string): Field<boolean> {
  return { name: 'dry run', flag: '--dry-run', env: 'DRY_RUN', doc, parse: bool };
}
