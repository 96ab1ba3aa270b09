/**
 * The prune job's configuration, parsed once from a plain record of strings. The settings are
 * one table (prune-table.ts); the CLI maps its flags onto it, the Lambda handler its environment
 * through {@link pruneConfigFromEnv}. Both get the same validated {@link PruneConfig}, with
 * messages naming the flag or the variable the user actually set.
 */
import { UsageError } from '../errors.js';
import { parseAge } from '../time/cutoff.js';
import { checkEnvForm } from './common.js';
import {
  atLeastOneDay,
  copyRetentionRules,
  cutoffRule,
  keepLastRules,
  NOT_SAID_PREFIX,
} from './prune-rules.js';
import {
  PRUNE_ENV_NAMES,
  PRUNE_SETTING_NAMES,
  PRUNE_SETTINGS,
  type PruneConfig,
  type PruneInput,
  type PruneNames,
} from './prune-table.js';
import { envFormOf, type PublishingOptions, readSettings } from './shared.js';
import { given, inputFromEnv } from './table.js';

export * from './prune-table.js';

/** How the prune Lambda's environment is written: a blank OLDER_THAN or TIMESTAMP means no such cutoff. */
const PRUNE_ENV_FORM = envFormOf(PRUNE_SETTINGS, { blankMeansUnset: ['OLDER_THAN', 'TIMESTAMP'] });

/** The environment variables the prune Lambda reads (the handler logs and checks these). */
export const PRUNE_LAMBDA_VARIABLES: readonly string[] = PRUNE_ENV_FORM.variables;

/** Variables the prune Lambda refuses to read, and why (set on the function, they fail its cold start). */
export const PRUNE_LAMBDA_REFUSED: Readonly<Record<string, string>> = {
  DELETE_ALL:
    "deleting every backup of a cluster is the CLI's --deleteall --confirm <cluster-id>, never a schedule",
  CONFIRM: "it only confirms the CLI's --deleteall, which has no environment form",
  PUBLISH: 'the prune function publishes whenever EVENT_BUS_NAME is set',
};

/** How {@link parsePruneConfig} treats event settings without publishing. */
export type PruneConfigOptions = PublishingOptions;

function stripUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/**
 * Parses prune settings from a plain record of strings (the CLI's flags, or the Lambda's
 * variables). Unknown keys, bad values and contradictory combinations are a
 * {@link UsageError} naming every problem, by `names` (default: the library's words).
 */
export function parsePruneConfig(
  raw: PruneInput & Record<string, string | undefined>,
  names: PruneNames = PRUNE_SETTING_NAMES,
  options: PruneConfigOptions = {},
): PruneConfig {
  const { value, problems } = readSettings(PRUNE_SETTINGS, raw, names, 'prune', options);
  if (!given(raw.regions)) problems.add(`${names.regions} is required`);
  // Present but blank is a mistake (`--cluster-id "$UNSET"`), never "every cluster".
  if (raw.clusterId !== undefined && !given(raw.clusterId)) {
    problems.add(
      `${names.clusterId} is empty: give a cluster id such as cluster-abcdefghijk, ` +
        `or leave ${names.clusterId} out to prune every cluster of the region`,
    );
  }
  const execute = value.execute ?? false;
  const dryRun = value.dryRun ?? false;
  const retention = copyRetentionRules(value, names, problems);
  const partial: Partial<PruneConfig> = {
    regions: value.regions,
    clusterId: value.clusterId,
    cutoff: cutoffRule(raw, value, names, problems),
    copyRetentionDays: retention.days,
    ...(retention.mode === 'source' ? { copyRetention: 'source' as const } : {}),
    copiesAsOf: retention.copiesAsOf,
    duplicateCopies: value.duplicateCopies || undefined,
    keepLast: value.keepLast,
    maxDeletions: value.maxDeletions,
    holdTags: value.holdTag,
    execute: execute && !dryRun,
    dryRunOverrode: execute && dryRun,
    confirm: value.confirm,
    concurrency: value.concurrency,
    publish: value.publish ?? false,
    eventBus: value.eventBus,
    eventSource: value.eventSource,
    eventRegion: value.eventRegion ?? value.regions?.[0],
  };
  keepLastRules(partial, names, problems);
  problems.throwIfAny();
  return stripUndefined(partial) as PruneConfig;
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
  checkEnvForm(env, PRUNE_ENV_FORM);
  const input = inputFromEnv(PRUNE_SETTINGS, env);
  if (given(input.eventBus)) input.publish = 'true';
  // The scheduled prune removes duplicate DR copies unless told not to (issue 17).
  if (input.duplicateCopies === undefined) input.duplicateCopies = 'true';
  // In Lambda the feed's bus lives in the function's own region.
  if (!given(input.eventRegion) && given(env.AWS_REGION)) input.eventRegion = env.AWS_REGION;
  const { shaped, problems } = lambdaCutoffRules(input);
  try {
    const config = parsePruneConfig(shaped, PRUNE_ENV_NAMES, { eventsNeedPublish: false });
    if (problems.length === 0) return config;
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    problems.push(...error.message.split('; ').filter((issue) => !issue.startsWith(NOT_SAID_PREFIX)));
  }
  throw new UsageError(problems.join('; '));
}

/**
 * The rules whose shared messages would name DELETE_ALL or CONFIRM, worded for the Lambda;
 * the input is shaped so the shared parser still checks every other value.
 */
function lambdaCutoffRules(input: PruneInput): {
  shaped: PruneInput;
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
