/**
 * The one set of field parsers every job's settings table is built from (lib/config/table.ts;
 * the fields the jobs share are in shared.ts). Each parser takes the text and what messages call
 * the setting, and returns the final type, so a setting is parsed once.
 */
import { DateTime } from 'luxon';
import type { CopyRetentionMode } from '../copies/retention.js';
import { UsageError } from '../errors.js';
import { parseTimeZone } from '../time/cutoff.js';
import {
  DEFAULT_HOLD_TAG,
  EVENT_SOURCE,
  MAX_ATTEMPTS_LIMIT,
  PATTERNS,
  parseBool,
  parseClusterId,
  parseCount,
  parseDuration,
  parseRegion,
  parseSeverity,
  uniqueRegions,
} from './common.js';

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

/** Exactly `true` or `false` (see {@link parseBool}). */
export const bool = parseBool;

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
