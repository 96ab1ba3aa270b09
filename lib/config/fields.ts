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
  EVENT_SOURCE,
  PATTERNS,
  parseClusterId,
  parseCount,
  parseDuration,
  parseRegion,
  parseSeverity,
  uniqueRegions,
} from './common.js';
import type { Field } from './table.js';

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
