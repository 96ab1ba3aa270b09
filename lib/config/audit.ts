/**
 * The audit's settings: one table ({@link AUDIT_SETTINGS}) from which the CLI's options, the
 * Lambda's environment reader, the names in messages and the help text are derived.
 */
import type { CopyRetentionMode } from '../copies/retention.js';
import { UsageError } from '../errors.js';
import { DEFAULT_EVENT_SOURCE } from '../events/types.js';
import { checkEnvForm, DEFAULT_HOLD_TAG, SEVERITIES, type Severity } from './common.js';
import {
  bool,
  COPY_RETENTION_FALLBACK_DAYS,
  copyRetentionDays,
  copyRetentionMode,
  DEFAULT_EVENT_BUS,
  decimal,
  holdTag,
  severity,
} from './fields.js';
import {
  envFormOf,
  type PublishingOptions,
  publishFields,
  readSettings,
  refuseSameRegion,
  regionsField,
  resolveCopyRetention,
  type SameRegionOption,
} from './shared.js';
import { defineTable, envNamesOf, given, type Input, inputFromEnv, type Names, namesOf } from './table.js';

/** Defaults, chosen so a healthy fleet with a daily backup and an hourly copy job passes. */
export const AUDIT_DEFAULTS = {
  eventBusName: DEFAULT_EVENT_BUS,
  eventSource: DEFAULT_EVENT_SOURCE,
  /** The daily backup may be this many hours late before backup-freshness fails. */
  freshnessGraceHours: 6,
  /** 24 h between backups plus time to copy: a DR region's recovery point may be this old. */
  drRpoHours: 30,
  /**
   * Copies in DR regions older than this are stale (CloudHSM's own default retention is 90 days);
   * under copy retention `source`, the fallback where the source cluster has no policy or is gone.
   */
  copyRetentionDays: COPY_RETENTION_FALLBACK_DAYS,
  /** The CLI's copy retention; the scheduled audit sets COPY_RETENTION_DAYS=source (serverless.yml). */
  copyRetention: 'fixed',
  holdTag: DEFAULT_HOLD_TAG,
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
  /** cluster-mode fails a NON_FIPS cluster (HIGH); off: the mode is reported, PASSED. */
  requireFips: boolean;
}

/**
 * Variables the audit function refuses, with the reason. FAIL_ON is the CLI's exit-code rule: a
 * function failing on findings would be retried and publish every finding again.
 */
export const AUDIT_LAMBDA_REFUSED: Readonly<Record<string, string>> = {
  FAIL_ON:
    'FAILED findings do not fail the audit function (a failed invocation is retried and publishes ' +
    "every finding again): route them with an EventBridge rule (infra/event-rules), or use the CLI's --fail-on",
};

/** Every audit setting: flag, variable, default, parser and help line. */
export const AUDIT_SETTINGS = defineTable({
  regions: regionsField(
    'region',
    '--region',
    'REGIONS',
    'region to audit (repeatable or comma-separated; default AWS_REGION)',
  ),
  drRegions: regionsField(
    'DR region',
    '--dr-region',
    'DR_REGIONS',
    'region that should hold copies of every backup (repeatable; not one of the --region regions)',
  ),
  ...publishFields(
    { publish: 'PUBLISH', eventRegion: 'EVENT_REGION' },
    'publish the findings to EventBridge',
  ),
  failOn: {
    name: 'fail-on severity',
    flag: '--fail-on',
    arg: '<severity>',
    doc: `exit 1 when a FAILED finding is at or above this severity (${SEVERITIES.join(', ')}); CLI only`,
    parse: severity,
  },
  freshnessGraceHours: {
    name: 'freshness grace hours',
    flag: '--grace-hours',
    arg: '<hours>',
    env: 'FRESHNESS_GRACE_HOURS',
    default: String(AUDIT_DEFAULTS.freshnessGraceHours),
    doc: 'how late the daily backup may be before backup-freshness fails',
    parse: decimal({ min: 0, max: 168 }),
  },
  drRpoHours: {
    name: 'DR RPO hours',
    flag: '--rpo-hours',
    arg: '<hours>',
    env: 'DR_RPO_HOURS',
    default: String(AUDIT_DEFAULTS.drRpoHours),
    doc: 'oldest acceptable recovery point in a DR region',
    parse: decimal({ min: 1, max: 8760 }),
  },
  copyRetention: {
    name: 'copy retention',
    flag: '--copy-retention',
    arg: '<mode>',
    doc:
      'fixed (the default): a copy in a DR region is stale after --copy-retention-days; source: after its ' +
      "source cluster's backup retention policy (--copy-retention-days where the cluster has none)",
    parse: copyRetentionMode,
  },
  copyRetentionDays: {
    name: 'copy retention days',
    flag: '--copy-retention-days',
    arg: '<days>',
    env: 'COPY_RETENTION_DAYS',
    default: String(AUDIT_DEFAULTS.copyRetentionDays),
    doc: 'age at which a copy in a DR region is stale (with --copy-retention source: the fallback; "source" means --copy-retention source)',
    parse: copyRetentionDays,
  },
  holdTag: {
    name: 'hold tag',
    flag: '--hold-tag',
    arg: '<key>',
    env: 'HOLD_TAG',
    default: DEFAULT_HOLD_TAG,
    doc: 'another tag key that exempts a backup from pruning (cloudhsm-ops:hold always does, as in prune)',
    parse: holdTag,
  },
  securityHub: {
    name: 'Security Hub',
    flag: '--security-hub',
    env: 'SECURITY_HUB',
    doc: "import every finding into Security Hub (BatchImportFindings) in the audited account and the cluster's region",
    parse: bool,
  },
  requireFips: {
    name: 'require FIPS',
    flag: '--require-fips',
    env: 'REQUIRE_FIPS',
    doc: 'report a cluster in NON_FIPS mode as a FAILED cluster-mode finding (HIGH); without it the mode is reported as PASSED',
    parse: bool,
  },
});

/** Settings as plain strings, the way flags and environment variables arrive. */
export type AuditConfigInput = Input<typeof AUDIT_SETTINGS>;

/** What messages call each setting: the library's words, or a front end's flags or variables. */
export type AuditNames = Names<typeof AUDIT_SETTINGS>;

/** The library's own words for the settings. */
export const AUDIT_SETTING_NAMES: AuditNames = namesOf(AUDIT_SETTINGS, 'name');

/** The CLI's flags, for messages about input from the command line. */
export const AUDIT_FLAG_NAMES: AuditNames = namesOf(AUDIT_SETTINGS, 'flag');

/**
 * Environment variable names the Lambda handler reads, per setting. The copy retention mode
 * has no variable of its own: COPY_RETENTION_DAYS=source selects it.
 */
export const AUDIT_ENV: Readonly<Record<string, string>> = envNamesOf(AUDIT_SETTINGS);

/** `sameRegion` defaults to `skip` (the Lambda's reading). */
export interface AuditConfigOptions extends PublishingOptions, SameRegionOption {
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
  const { value, problems } = readSettings(AUDIT_SETTINGS, input, names, 'audit', options);
  const retention = problems.attempt(() =>
    resolveCopyRetention(value.copyRetention, value.copyRetentionDays, names),
  );
  problems.throwIfAny();
  const audited = value.regions ?? [];
  if (audited.length === 0) throw new UsageError('no region to audit: give at least one region');
  const drRegions = value.drRegions ?? [];
  refuseSameRegion(
    options,
    audited,
    drRegions,
    names.drRegions,
    `audit each with the other as its ${names.drRegions}`,
  );
  return {
    regions: audited,
    drRegions,
    publish: value.publish ?? false,
    eventBusName: value.eventBus!,
    eventSource: value.eventSource!,
    eventRegion: value.eventRegion ?? audited[0]!,
    ...(value.failOn ? { failOn: value.failOn } : {}),
    freshnessGraceHours: value.freshnessGraceHours!,
    drRpoHours: value.drRpoHours!,
    copyRetention: retention?.mode ?? AUDIT_DEFAULTS.copyRetention,
    copyRetentionDays: retention?.days ?? AUDIT_DEFAULTS.copyRetentionDays,
    holdTag: value.holdTag!,
    ...(value.securityHub ? { securityHub: true } : {}),
    requireFips: value.requireFips ?? false,
  };
}

/** How the audit Lambda's environment is written: DRY_RUN is not an audit setting but turns PUBLISH off. */
const AUDIT_ENV_FORM = envFormOf(AUDIT_SETTINGS, { booleans: ['DRY_RUN'] });

/** The environment variables the audit Lambda reads: the table's, and DRY_RUN. */
export const AUDIT_LAMBDA_VARIABLES: readonly string[] = AUDIT_ENV_FORM.variables;

/**
 * The audit config from environment variables (the Lambda handler's way), the table's
 * variables: REGIONS, DR_REGIONS, PUBLISH, EVENT_BUS_NAME, EVENT_SOURCE, EVENT_REGION, FAIL_ON,
 * FRESHNESS_GRACE_HOURS, DR_RPO_HOURS, COPY_RETENTION_DAYS (days, or `source`: each lineage's
 * copies are kept as long as its source cluster's backup retention policy, 90 days where the
 * cluster is gone or has none), HOLD_TAG, SECURITY_HUB, and DRY_RUN (`true`: publish and import nothing, whatever
 * cluster is gone or has none), HOLD_TAG, REQUIRE_FIPS (`true`: a NON_FIPS cluster fails cluster-mode), and DRY_RUN (`true`: publish nothing, whatever
 * PUBLISH says). REGIONS falls back to AWS_REGION, and EVENT_REGION to AWS_REGION, then the
 * first audited region. A set-but-blank variable is refused: a blank DR_REGIONS would turn
 * every HIGH DR finding into PASSED; leave it unset to audit without DR.
 */
export function auditConfigFromEnv(env: Record<string, string | undefined> = process.env): AuditConfig {
  checkEnvForm(env, AUDIT_ENV_FORM);
  const input = inputFromEnv(AUDIT_SETTINGS, env);
  if (!given(input.regions) && env.AWS_REGION) input.regions = env.AWS_REGION;
  if (!given(input.eventRegion) && env.AWS_REGION) input.eventRegion = env.AWS_REGION;
  if (env.DRY_RUN?.trim() === 'true') input.publish = 'false';
  if (env.DRY_RUN?.trim() === 'true') input.securityHub = 'false';
  return parseAuditConfig(input, {
    sameRegion: 'skip',
    eventsNeedPublish: false,
    names: {
      ...namesOf(AUDIT_SETTINGS, 'env'),
      regions: 'REGIONS (or AWS_REGION)',
      eventRegion: 'EVENT_REGION (or AWS_REGION)',
    },
  });
}

/** True when `severity` is at or above `threshold` (for --fail-on / FAIL_ON). */
export function severityAtLeast(severity: Severity, threshold: Severity): boolean {
  return SEVERITIES.indexOf(severity) >= SEVERITIES.indexOf(threshold);
}
