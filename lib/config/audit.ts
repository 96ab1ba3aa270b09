import * as z from 'zod';
import type { CopyRetentionMode } from '../copies/retention.js';
import { UsageError } from '../errors.js';
import { DEFAULT_EVENT_SOURCE } from '../events/types.js';
import {
  checkEnvForm,
  PATTERNS,
  parseRegion,
  parseSeverity,
  SEVERITIES,
  type Severity,
  uniqueRegions,
} from './common.js';

/** Defaults, chosen so a healthy fleet with a daily backup and an hourly copy job passes. */
export const AUDIT_DEFAULTS = {
  eventBusName: 'default',
  eventSource: DEFAULT_EVENT_SOURCE,
  /** The daily backup may be this many hours late before backup-freshness fails. */
  freshnessGraceHours: 6,
  /** 24 h between backups plus time to copy: a DR region's recovery point may be this old. */
  drRpoHours: 30,
  /**
   * Copies in DR regions older than this are stale (CloudHSM's own default retention is 90 days);
   * under copy retention `source`, the fallback where the source cluster has no policy or is gone.
   */
  copyRetentionDays: 90,
  /** The CLI's copy retention; the scheduled audit sets COPY_RETENTION_DAYS=source (serverless.yml). */
  copyRetention: 'fixed',
  holdTag: 'cloudhsm-ops:hold',
} as const;

/** The audit's settings, validated once, shared by the CLI and the Lambda handler. */
export interface AuditConfig {
  /** Regions whose clusters are audited (gathered in parallel). */
  regions: string[];
  /** Regions that should hold copies of every cluster's backups. */
  drRegions: string[];
  /** Publish findings to EventBridge. */
  publish: boolean;
  eventBusName: string;
  eventSource: string;
  /** The region whose EventBridge receives the feed. */
  eventRegion: string;
  /** Exit non-zero (CLI) when a FAILED finding is at or above this severity. */
  failOn?: Severity;
  freshnessGraceHours: number;
  drRpoHours: number;
  /** `fixed`: copies are stale after `copyRetentionDays`; `source`: after their source cluster's retention policy. */
  copyRetention: CopyRetentionMode;
  /** The fixed copy retention in days; under `source`, the fallback (source cluster gone or without a policy). */
  copyRetentionDays: number;
  /** A tag key that exempts a backup from pruning, besides `cloudhsm-ops:hold` which always does (stale-dr-copies ignores such copies). */
  holdTag: string;
  /** Import every finding into Security Hub (BatchImportFindings) in the cluster's region. */
  securityHub?: boolean;
}

/**
 * Settings as plain strings, the way flags and environment variables arrive.
 * Lists are comma-separated; absent or empty means the default.
 */
export interface AuditConfigInput {
  regions?: string;
  drRegions?: string;
  publish?: string;
  eventBusName?: string;
  eventSource?: string;
  eventRegion?: string;
  failOn?: string;
  freshnessGraceHours?: string;
  drRpoHours?: string;
  /** `fixed` or `source` (the CLI's --copy-retention). */
  copyRetention?: string;
  /** A whole number of days, or `source` (COPY_RETENTION_DAYS's one-variable form). */
  copyRetentionDays?: string;
  holdTag?: string;
  /** `true`/`false` (the CLI's --security-hub, the Lambda's SECURITY_HUB). */
  securityHub?: string;
}

/**
 * Environment variable names the Lambda handler reads, per input key. The copy retention mode
 * has no variable of its own: COPY_RETENTION_DAYS=source selects it.
 */
export const AUDIT_ENV: Record<Exclude<keyof AuditConfigInput, 'copyRetention'>, string> = {
  regions: 'REGIONS',
  drRegions: 'DR_REGIONS',
  publish: 'PUBLISH',
  eventBusName: 'EVENT_BUS_NAME',
  eventSource: 'EVENT_SOURCE',
  eventRegion: 'EVENT_REGION',
  failOn: 'FAIL_ON',
  freshnessGraceHours: 'FRESHNESS_GRACE_HOURS',
  drRpoHours: 'DR_RPO_HOURS',
  copyRetentionDays: 'COPY_RETENTION_DAYS',
  holdTag: 'HOLD_TAG',
  securityHub: 'SECURITY_HUB',
};

const blank = (value: string | undefined) => value === undefined || value.trim() === '';

function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

function number(what: string, { min, max, integer }: { min: number; max: number; integer: boolean }) {
  return (value: string): number => {
    const text = value.trim();
    const pattern = integer ? /^\d+$/ : /^\d+(\.\d+)?$/;
    if (!pattern.test(text)) {
      throw new UsageError(
        `${what} "${value}" is not valid (expected a ${integer ? 'whole ' : ''}number from ${min} to ${max})`,
      );
    }
    const n = Number(text);
    if (n < min || n > max) throw new UsageError(`${what} must be between ${min} and ${max}, got ${n}`);
    return n;
  };
}

const flag =
  (what: string) =>
  (value: string): boolean => {
    const text = value.trim().toLowerCase();
    if (['true', '1', 'yes'].includes(text)) return true;
    if (['false', '0', 'no'].includes(text)) return false;
    throw new UsageError(`${what} "${value}" is not true or false`);
  };

const eventBus =
  (what: string) =>
  (value: string): string => {
    const bus = value.trim();
    if (!PATTERNS.eventBusName.test(bus)) {
      throw new UsageError(`${what} "${value}" is not a valid event bus name or ARN`);
    }
    return bus;
  };

const eventSource =
  (what: string) =>
  (value: string): string => {
    const source = value.trim();
    if (source.length > 256 || /\s/.test(source) || source.startsWith('aws.')) {
      throw new UsageError(
        `${what} "${value}" is not valid (at most 256 characters, no spaces, not starting with "aws.")`,
      );
    }
    return source;
  };

const holdTag =
  (what: string) =>
  (value: string): string => {
    const tag = value.trim();
    if (tag.length > 128 || !/^[\p{L}\p{Z}\p{N}_.:/=+\-@]+$/u.test(tag)) {
      throw new UsageError(`${what} "${value}" is not a valid tag key`);
    }
    return tag;
  };

const copyRetentionMode =
  (what: string) =>
  (value: string): CopyRetentionMode => {
    const mode = value.trim().toLowerCase();
    if (mode === 'fixed' || mode === 'source') return mode;
    throw new UsageError(`${what} "${value}" is not "fixed" or "source"`);
  };

/** A whole number of days, or `source` (follow each source cluster's policy; fall back to the default days). */
const copyRetentionDays =
  (what: string) =>
  (value: string): number | 'source' => {
    if (value.trim().toLowerCase() === 'source') return 'source';
    if (!/^\d+$/.test(value.trim())) {
      throw new UsageError(`${what} "${value}" is not a whole number or "source"`);
    }
    return number(what, { min: 1, max: 3650, integer: true })(value);
  };

/** Runs a parser inside zod so that every bad setting is reported, not just the first. */
function field<T>(parse: (value: string) => T, fallback: T) {
  return z
    .string()
    .optional()
    .transform((value, ctx): T => {
      if (blank(value)) return fallback;
      try {
        return parse(value!);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: error instanceof Error ? error.message : String(error) });
        return z.NEVER;
      }
    });
}

/** What messages call each setting: the library's words, or a front end's flags or variables. */
export type AuditNames = Record<keyof AuditConfigInput, string>;

/** The library's own words for the settings. */
export const AUDIT_SETTING_NAMES: AuditNames = {
  regions: 'region',
  drRegions: 'DR region',
  publish: 'publish',
  eventBusName: 'event bus',
  eventSource: 'event source',
  eventRegion: 'event region',
  failOn: 'fail-on severity',
  freshnessGraceHours: 'freshness grace hours',
  drRpoHours: 'DR RPO hours',
  copyRetention: 'copy retention',
  copyRetentionDays: 'copy retention days',
  holdTag: 'hold tag',
  securityHub: 'Security Hub',
};

/** The CLI's flags, for messages about input from the command line. */
export const AUDIT_FLAG_NAMES: AuditNames = {
  regions: '--region',
  drRegions: '--dr-region',
  publish: '--publish',
  eventBusName: '--event-bus',
  eventSource: '--event-source',
  eventRegion: '--event-region',
  failOn: '--fail-on',
  freshnessGraceHours: '--grace-hours',
  drRpoHours: '--rpo-hours',
  copyRetention: '--copy-retention',
  copyRetentionDays: '--copy-retention-days',
  holdTag: '--hold-tag',
  securityHub: '--security-hub',
};

function schemaFor(names: AuditNames) {
  return z.object({
    regions: field((value) => uniqueRegions(list(value), names.regions), [] as string[]),
    drRegions: field((value) => uniqueRegions(list(value), names.drRegions), [] as string[]),
    publish: field(flag(names.publish), false),
    eventBusName: field(eventBus(names.eventBusName), AUDIT_DEFAULTS.eventBusName as string),
    eventSource: field(eventSource(names.eventSource), AUDIT_DEFAULTS.eventSource as string),
    eventRegion: field((value) => parseRegion(value, names.eventRegion) as string | undefined, undefined),
    failOn: field((value) => parseSeverity(value) as Severity | undefined, undefined),
    freshnessGraceHours: field(
      number(names.freshnessGraceHours, { min: 0, max: 168, integer: false }),
      AUDIT_DEFAULTS.freshnessGraceHours as number,
    ),
    drRpoHours: field(
      number(names.drRpoHours, { min: 1, max: 8760, integer: false }),
      AUDIT_DEFAULTS.drRpoHours as number,
    ),
    copyRetention: field(copyRetentionMode(names.copyRetention), undefined as CopyRetentionMode | undefined),
    copyRetentionDays: field(
      copyRetentionDays(names.copyRetentionDays),
      AUDIT_DEFAULTS.copyRetentionDays as number | 'source',
    ),
    holdTag: field(holdTag(names.holdTag), AUDIT_DEFAULTS.holdTag as string),
    securityHub: field(flag(names.securityHub), false),
  });
}

export interface AuditConfigOptions {
  /**
   * What a DR region that is also an audited region means, as for copy. `error` (the CLI):
   * the person named both, and `--region X --dr-region X` would pass every DR check with
   * nothing to judge. `skip` (the default, the Lambda): REGIONS lists every region with
   * clusters and two regions backing each other up is normal; a cluster's own region is
   * never one of its DR regions.
   */
  sameRegion: 'error' | 'skip';
  /** What messages call the settings (default: the library's words). */
  names?: AuditNames;
}

/**
 * Validates audit settings given as strings (CLI flags or environment variables). Every
 * problem is collected into one {@link UsageError}: the CLI exits 2 with it, the Lambda
 * fails before calling AWS.
 */
export function parseAuditConfig(
  input: AuditConfigInput,
  options: AuditConfigOptions = { sameRegion: 'skip' },
): AuditConfig {
  const names = options.names ?? AUDIT_SETTING_NAMES;
  const parsed = schemaFor(names).safeParse(input);
  if (!parsed.success) throw new UsageError(parsed.error.issues.map((issue) => issue.message).join('; '));
  const value = parsed.data;
  if (value.regions.length === 0) throw new UsageError('no region to audit: give at least one region');
  if (value.copyRetention === 'fixed' && value.copyRetentionDays === 'source') {
    throw new UsageError(
      'copy retention "fixed" and copy retention days "source" contradict each other ' +
        '(give --copy-retention source, or a number of days)',
    );
  }
  const overlap = value.drRegions.filter((region) => value.regions.includes(region));
  if (options.sameRegion === 'error' && overlap.length > 0) {
    // The same words as copy's refusal, so the two commands read alike.
    throw new UsageError(
      `DR region ${overlap.join(', ')} is also a source region: a backup cannot be copied to its own region ` +
        '(to make two regions back each other up, audit each with the other as its --dr-region)',
    );
  }
  return {
    regions: value.regions,
    drRegions: value.drRegions,
    publish: value.publish,
    eventBusName: value.eventBusName,
    eventSource: value.eventSource,
    eventRegion: value.eventRegion ?? value.regions[0]!,
    ...(value.failOn ? { failOn: value.failOn } : {}),
    freshnessGraceHours: value.freshnessGraceHours,
    drRpoHours: value.drRpoHours,
    copyRetention:
      value.copyRetentionDays === 'source' ? 'source' : (value.copyRetention ?? AUDIT_DEFAULTS.copyRetention),
    copyRetentionDays:
      value.copyRetentionDays === 'source' ? AUDIT_DEFAULTS.copyRetentionDays : value.copyRetentionDays,
    holdTag: value.holdTag,
    ...(value.securityHub ? { securityHub: true } : {}),
  };
}

/** The environment variables the audit Lambda reads: {@link AUDIT_ENV}'s, and DRY_RUN. */
export const AUDIT_LAMBDA_VARIABLES: readonly string[] = [...Object.values(AUDIT_ENV), 'DRY_RUN'];

/**
 * The audit config from environment variables (the Lambda handler's way):
 * REGIONS, DR_REGIONS, PUBLISH, EVENT_BUS_NAME, EVENT_SOURCE, EVENT_REGION, FAIL_ON,
 * FRESHNESS_GRACE_HOURS, DR_RPO_HOURS, COPY_RETENTION_DAYS (days, or `source`: each lineage's
 * copies are kept as long as its source cluster's backup retention policy, 90 days where the
 * cluster is gone or has none), HOLD_TAG, SECURITY_HUB (`true`: import the findings into
 * Security Hub), DRY_RUN (`true`: publish and import nothing, whatever PUBLISH and SECURITY_HUB say). REGIONS falls back to AWS_REGION, and EVENT_REGION to
 * AWS_REGION, then the first audited region. A set-but-blank variable is refused: a blank
 * DR_REGIONS would turn every HIGH DR finding into PASSED; leave it unset to audit without DR.
 */
export function auditConfigFromEnv(env: Record<string, string | undefined> = process.env): AuditConfig {
  checkEnvForm(env, {
    variables: AUDIT_LAMBDA_VARIABLES,
    lists: ['REGIONS', 'DR_REGIONS'],
    booleans: ['DRY_RUN'],
  });
  const input: AuditConfigInput = {};
  for (const [key, name] of Object.entries(AUDIT_ENV) as [keyof typeof AUDIT_ENV, string][]) {
    const value = env[name];
    if (value !== undefined) input[key] = value;
  }
  if (blank(input.regions) && env.AWS_REGION) input.regions = env.AWS_REGION;
  if (blank(input.eventRegion) && env.AWS_REGION) input.eventRegion = env.AWS_REGION;
  if (env.DRY_RUN?.trim() === 'true') input.publish = 'false';
  if (env.DRY_RUN?.trim() === 'true') input.securityHub = 'false';
  return parseAuditConfig(input, {
    sameRegion: 'skip',
    names: {
      ...AUDIT_SETTING_NAMES,
      ...AUDIT_ENV,
      regions: 'REGIONS (or AWS_REGION)',
      eventRegion: 'EVENT_REGION (or AWS_REGION)',
    },
  });
}

/** True when `severity` is at or above `threshold` (for --fail-on / FAIL_ON). */
export function severityAtLeast(severity: Severity, threshold: Severity): boolean {
  return SEVERITIES.indexOf(severity) >= SEVERITIES.indexOf(threshold);
}
