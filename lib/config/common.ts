import { Duration } from 'luxon';
import { UsageError } from '../errors.js';

/** AWS identifier patterns (spec/aws-api.md §1.2), anchored. */
export const PATTERNS = {
  region: /^[a-z]{2}(-gov)?-(east|west|north|south|central){1,2}-\d$/,
  clusterId: /^cluster-[2-7a-zA-Z]{11,16}$/,
  backupId: /^backup-[2-7a-zA-Z]{11,16}$/,
  hsmId: /^hsm-[2-7a-zA-Z]{11,16}$/,
  eventBusName:
    /^[/.\-_A-Za-z0-9]{1,256}$|^arn:aws[\w-]*:events:[a-z0-9-]+:\d{12}:event-bus\/[/.\-_A-Za-z0-9]{1,256}$/,
} as const;

export const SEVERITIES = ['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;
export type Severity = (typeof SEVERITIES)[number];

function check(value: string, pattern: RegExp, what: string, example: string): string {
  if (!pattern.test(value))
    throw new UsageError(`${what} "${value}" is not valid (expected something like ${example})`);
  return value;
}

export const parseRegion = (value: string, what = 'region') =>
  check(value.trim(), PATTERNS.region, what, 'us-east-1');
export const parseClusterId = (value: string) =>
  check(value.trim(), PATTERNS.clusterId, 'cluster id', 'cluster-abcdefghijk');
export const parseBackupId = (value: string) =>
  check(value.trim(), PATTERNS.backupId, 'backup id', 'backup-abcdefghijk');

/** A severity name, case-insensitive (`high` → `HIGH`). */
export function parseSeverity(value: string): Severity {
  const upper = value.trim().toUpperCase() as Severity;
  if (!SEVERITIES.includes(upper)) {
    throw new UsageError(`severity "${value}" is not one of ${SEVERITIES.join(', ')}`);
  }
  return upper;
}

const DURATION_UNITS: Record<string, 'seconds' | 'minutes' | 'hours' | 'days' | 'weeks'> = {
  s: 'seconds',
  m: 'minutes',
  h: 'hours',
  d: 'days',
  w: 'weeks',
};

/** `90d`, `12h`, `2w`, `30m`, `45s` (or an ISO 8601 duration such as `P90D`) → a positive luxon Duration. */
export function parseDuration(value: string, what = 'duration'): Duration {
  const text = value.trim();
  const short = /^(\d+(?:\.\d+)?)\s*([smhdw])$/i.exec(text);
  let duration: Duration | undefined;
  if (short) {
    duration = Duration.fromObject({ [DURATION_UNITS[short[2]!.toLowerCase()]!]: Number(short[1]) });
  } else if (/^P/i.test(text)) {
    duration = Duration.fromISO(text.toUpperCase());
  }
  if (!duration?.isValid || duration.toMillis() <= 0) {
    throw new UsageError(
      `${what} "${value}" is not valid (expected a positive amount such as 90d, 12h, 2w or 30m)`,
    );
  }
  return duration;
}

/** A non-negative integer flag or variable. */
export function parseCount(
  value: string,
  what: string,
  { min = 0, max = Number.MAX_SAFE_INTEGER } = {},
): number {
  const text = value.trim();
  if (!/^\d+$/.test(text)) throw new UsageError(`${what} "${value}" is not a whole number`);
  const n = Number(text);
  if (n < min || n > max) throw new UsageError(`${what} must be between ${min} and ${max}, got ${n}`);
  return n;
}

/** An endpoint URL override (`http://127.0.0.1:4566`). */
export function parseEndpoint(value: string): string {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new UsageError(`endpoint "${value}" is not a URL (expected something like http://127.0.0.1:4566)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`endpoint "${value}" must use http or https`);
  }
  return url.toString().replace(/\/$/, '');
}

/** Regions named more than once are an input mistake worth reporting rather than silently merging. */
export function uniqueRegions(regions: string[], what = '--region'): string[] {
  const parsed = regions.map((r) => parseRegion(r, `${what} value`));
  const seen = new Set<string>();
  for (const region of parsed) {
    if (seen.has(region)) throw new UsageError(`${what} ${region} is given more than once`);
    seen.add(region);
  }
  return parsed;
}
