import { Duration } from 'luxon';
import { UsageError } from '../errors.js';

/** Attempts per AWS call, the first included (the CLI's `--max-attempts`, the clients' default). */
export const DEFAULT_MAX_ATTEMPTS = 8;
/** The most attempts per AWS call anyone may ask for (`--max-attempts`, MAX_ATTEMPTS). */
export const MAX_ATTEMPTS_LIMIT = 20;

/** The hold tag key every job honours; a custom hold tag adds to it, never replaces it. */
export const DEFAULT_HOLD_TAG = 'cloudhsm-ops:hold';

/** AWS identifier patterns (docs/aws-api.md §1.2), anchored. */
export const PATTERNS = {
  region: /^[a-z]{2}(-gov)?-(east|west|north|south|central){1,2}-\d$/,
  clusterId: /^cluster-[2-7a-zA-Z]{11,16}$/,
  backupId: /^backup-[2-7a-zA-Z]{11,16}$/,
  hsmId: /^hsm-[2-7a-zA-Z]{11,16}$/,
  eventBusName:
    /^[.\-_A-Za-z0-9]{1,256}$|^arn:aws[\w-]*:events:[a-z0-9-]+:\d{12}:event-bus\/[.\-_A-Za-z0-9]{1,256}$/,
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

/**
 * Exactly `true` or `false`, in every job and front end (a CLI switch gives `true`): `yes`,
 * `1` or `TRUE` are refused rather than guessed at.
 */
export function parseBool(text: string, what: string): boolean {
  const value = text.trim();
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new UsageError(`${what} must be "true" or "false", got "${text}"`);
}

/** A well-formed region name that AWS has (see {@link KNOWN_REGIONS}). */
export function parseRegion(value: string, what = 'region'): string {
  const region = check(value.trim(), PATTERNS.region, what, 'us-east-1');
  if (!KNOWN_REGIONS.has(region)) throw new UsageError(`${what} "${region}" is not a known AWS region`);
  return region;
}
export const parseClusterId = (value: string, what = 'cluster id') =>
  check(value.trim(), PATTERNS.clusterId, what, 'cluster-abcdefghijk');
export const parseBackupId = (value: string, what = 'backup id') =>
  check(value.trim(), PATTERNS.backupId, what, 'backup-abcdefghijk');

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

/**
 * `90d`, `12h`, `2w`, `30m`, `45s` (or an ISO 8601 duration such as `P90D`) → a positive luxon
 * Duration. Units are case-insensitive except `M`: `6M` reads as six months to many (ISO's `P6M`)
 * and six minutes to others, so it is refused; `m` is minutes, months are written `P6M` or in days.
 */
export function parseDuration(value: string, what = 'duration'): Duration {
  const text = value.trim();
  const short = /^(\d+(?:\.\d+)?)\s*([smhdw])$/i.exec(text);
  let duration: Duration | undefined;
  if (short?.[2] === 'M') {
    throw new UsageError(
      `${what} "${value}" is ambiguous: M reads as minutes or months; write ${short[1]}m for minutes, ` +
        `or P${short[1]}M (ISO 8601) or days for months`,
    );
  }
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

/**
 * Refuses plain `http://` to a host that is not this machine: every request would carry the
 * access key id and session token (and the whole request) across the network in cleartext.
 * `https://` anywhere and `http://` on loopback (the sandbox, which gets dummy credentials) pass;
 * anything else only when the user opted in (`optIn` names how, for the message).
 */
export function checkEndpointTransport(
  endpoint: string,
  allowInsecure: boolean,
  optIn = '--allow-insecure-endpoint (or CLOUDHSM_OPS_ALLOW_INSECURE_ENDPOINT=true)',
): void {
  if (allowInsecure || isLoopbackUrl(endpoint)) return;
  if (new URL(endpoint).protocol !== 'http:') return;
  throw new UsageError(
    `endpoint "${endpoint}" is plain http to a host that is not this machine: the access key id, the ` +
      'session token and every request would cross the network in cleartext. Use https, or, if that ' +
      `network is trusted, opt in with ${optIn}`,
  );
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

/**
 * How every job reads its Lambda environment, so an empty or odd value means the same thing
 * in each: the variables it reads, which of them are lists or booleans, and the few where a
 * blank value is documented to mean "not set".
 */
export interface EnvForm {
  /** Every variable the job reads. */
  variables: readonly string[];
  /** Comma-separated lists (regions, cluster ids): no white space, no empty entry. */
  lists?: readonly string[];
  /** Exactly `true` or `false`. */
  booleans?: readonly string[];
  /** Variables whose blank value means "not set" (serverless.yml passes an empty param). */
  blankMeansUnset?: readonly string[];
}

/**
 * Problems with the form of a job's environment, before any value is interpreted. A variable
 * that is set but blank is refused rather than read as "not set": in one job that silently
 * stopped publishing (EVENT_BUS_NAME), in another it turned HIGH findings into PASSED
 * (DR_REGIONS), and a blank CLUSTER_ID meant every cluster. Lists must be written without
 * spaces because the same values feed the IAM region conditions, which compare exact strings.
 */
export function envFormProblems(env: Record<string, string | undefined>, form: EnvForm): string[] {
  const problems: string[] = [];
  const lists = new Set(form.lists ?? []);
  const booleans = new Set(form.booleans ?? []);
  const blankOk = new Set(form.blankMeansUnset ?? []);
  for (const name of new Set(form.variables)) {
    const value = env[name];
    if (value === undefined) continue;
    if (value.trim() === '') {
      if (!blankOk.has(name)) {
        problems.push(
          `${name} is set but empty: give it a value or remove it (blank is not read as "not set")`,
        );
      }
      continue;
    }
    if (lists.has(name)) {
      if (/\s/.test(value)) {
        problems.push(
          `${name}=${JSON.stringify(value)} contains white space: lists are comma-separated without spaces, ` +
            'e.g. us-east-1,us-west-2 (the same value feeds the IAM region conditions, which compare exact strings)',
        );
      } else if (value.split(',').some((item) => item === '')) {
        problems.push(
          `${name}=${JSON.stringify(value)} has an empty entry: lists are comma-separated names, e.g. us-east-1,us-west-2`,
        );
      }
    }
    if (booleans.has(name)) {
      try {
        parseBool(value, name);
      } catch (error) {
        problems.push((error as Error).message);
      }
    }
  }
  return problems;
}

/** Throws one {@link UsageError} naming every {@link envFormProblems} problem, if any. */
export function checkEnvForm(env: Record<string, string | undefined>, form: EnvForm): void {
  const problems = envFormProblems(env, form);
  if (problems.length > 0) throw new UsageError(problems.join('; '));
}
