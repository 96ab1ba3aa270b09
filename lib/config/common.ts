import { Duration } from 'luxon';
import { UsageError } from '../errors.js';

/** The hold tag key every job honours; a custom hold tag adds to it, never replaces it. */
export const DEFAULT_HOLD_TAG = 'cloudhsm-ops:hold';

/** AWS identifier patterns (spec/aws-api.md §1.2), anchored. */
export const PATTERNS = {
  region: /^[a-z]{2}(-gov)?-(east|west|north|south|central){1,2}-\d$/,
  clusterId: /^cluster-[2-7a-zA-Z]{11,16}$/,
  backupId: /^backup-[2-7a-zA-Z]{11,16}$/,
  hsmId: /^hsm-[2-7a-zA-Z]{11,16}$/,
  eventBusName:
    /^[/.\-_A-Za-z0-9]{1,256}$|^arn:aws[\w-]*:events:[a-z0-9-]+:\d{12}:event-bus\/[/.\-_A-Za-z0-9]{1,256}$/,
} as const;

/**
 * AWS regions CloudHSM can run in, by name. The region pattern alone lets typos such as
 * `us-east-7` through, and a call to a region that does not exist fails late (or, against an endpoint
 * override, not at all); naming the known ones turns that into bad input up front. A region
 * AWS opens later must be added here.
 */
export const KNOWN_REGIONS: ReadonlySet<string> = new Set([
  'af-south-1',
  'ap-east-1',
  'ap-east-2',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-northeast-3',
  'ap-south-1',
  'ap-south-2',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-southeast-3',
  'ap-southeast-4',
  'ap-southeast-5',
  'ap-southeast-6',
  'ap-southeast-7',
  'ca-central-1',
  'ca-west-1',
  'cn-north-1',
  'cn-northwest-1',
  'eu-central-1',
  'eu-central-2',
  'eu-north-1',
  'eu-south-1',
  'eu-south-2',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'il-central-1',
  'me-central-1',
  'me-south-1',
  'mx-central-1',
  'sa-east-1',
  'us-east-1',
  'us-east-2',
  'us-gov-east-1',
  'us-gov-west-1',
  'us-west-1',
  'us-west-2',
]);

/** An EventBridge `source` we accept: 1–256 characters, no white space, not AWS's own `aws.` prefix. */
export const EVENT_SOURCE = /^(?!aws\.)\S{1,256}$/;

export const SEVERITIES = ['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;
export type Severity = (typeof SEVERITIES)[number];

function check(value: string, pattern: RegExp, what: string, example: string): string {
  if (!pattern.test(value))
    throw new UsageError(`${what} "${value}" is not valid (expected something like ${example})`);
  return value;
}

/** A well-formed region name that AWS has (see {@link KNOWN_REGIONS}). */
export function parseRegion(value: string, what = 'region'): string {
  const region = check(value.trim(), PATTERNS.region, what, 'us-east-1');
  if (!KNOWN_REGIONS.has(region)) throw new UsageError(`${what} "${region}" is not a known AWS region`);
  return region;
}
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

const MAX_DURATION_MS = 36_525 * 86_400_000;

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
  if (!duration?.isValid || !(duration.toMillis() > 0)) {
    throw new UsageError(
      `${what} "${value}" is not valid (expected a positive amount such as 90d, 12h, 2w or 30m)`,
    );
  }
  // Beyond any backup's age, and far from luxon's limits, so now − duration stays a real date.
  if (duration.toMillis() > MAX_DURATION_MS)
    throw new UsageError(`${what} "${value}" is longer than 100 years`);
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

/**
 * True when the URL names this machine in any of its forms (localhost, 127.0.0.0/8, 0.0.0.0,
 * ::1): the sandbox. Such an endpoint gets dummy credentials and accepts testing aids like `--now`.
 */
export function isLoopbackUrl(endpoint: string | undefined): boolean {
  if (!endpoint) return false;
  let host: string;
  try {
    host = new URL(endpoint).hostname.toLowerCase();
  } catch {
    return false;
  }
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  if (host === 'localhost' || host.endsWith('.localhost') || host === '0.0.0.0') return true;
  if (host === '::1' || host === '0:0:0:0:0:0:0:1' || host === '::') return true;
  if (/^::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}$/.test(host)) return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
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
