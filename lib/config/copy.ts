/**
 * The copy job's settings: one table ({@link COPY_SETTINGS}) from which the CLI's options, the
 * Lambda's environment reader, the names in messages and the help text are derived.
 */
import type { Duration } from 'luxon';
import { UsageError } from '../errors.js';
import { checkEnvForm } from './common.js';
import { bool, clusterIds, DEFAULT_EVENT_BUS, duration } from './fields.js';
import {
  concurrencyField,
  dryRunField,
  envFormOf,
  type PublishingOptions,
  publishFields,
  readSettings,
  refuseSameRegion,
  regionsField,
  type SameRegionOption,
} from './shared.js';
import { defineTable, given, type Input, inputFromEnv, type Names, namesOf } from './table.js';

export const DEFAULT_COPY_SINCE = '48h';
export const DEFAULT_WAIT_TIMEOUT = '30m';
/** Copy counts calls across every source and destination region, so it runs more at once than prune. */
export const DEFAULT_COPY_CONCURRENCY = 8;
export const MAX_COPY_CONCURRENCY = 64;
export { DEFAULT_EVENT_BUS };

/** The validated settings of one copy run, the same for the CLI and the Lambda handler. */
export interface CopyConfig {
  /** Regions whose backups are copied. */
  sourceRegions: string[];
  /** Disaster-recovery regions every source backup is copied to. */
  drRegions: string[];
  /** Only backups of these clusters (empty: every cluster). */
  clusterIds: string[];
  /** Only backups created this long before `now` or later. */
  since: Duration;
  /** Plan and print; change nothing. */
  dryRun: boolean;
  /** Poll the destinations until every copy made by this run is READY. */
  wait: boolean;
  /** How long `wait` polls before giving up. */
  waitTimeout: Duration;
  /** Publish a `CloudHSM Backup Copied` event per copy. */
  publish: boolean;
  eventBus: string;
  eventSource: string;
  /** The region whose EventBridge receives the events. */
  eventRegion: string;
  /** Calls in flight at once, across every source and destination region. */
  concurrency: number;
}

/** Every copy setting: flag, variable, default, parser and help line. */
export const COPY_SETTINGS = defineTable({
  regions: regionsField(
    'source region',
    '--region',
    'SOURCE_REGIONS',
    'source region (repeatable or comma-separated; default AWS_REGION)',
  ),
  drRegions: regionsField(
    'DR region',
    '--dr-region',
    'DR_REGIONS',
    'disaster-recovery region to copy to (repeatable or comma-separated)',
  ),
  clusterIds: {
    name: 'cluster id',
    flag: '--cluster-id',
    arg: '<id>',
    repeatable: true,
    env: 'CLUSTER_ID',
    doc: 'only backups of this cluster (repeatable)',
    parse: clusterIds,
  },
  since: {
    name: 'since',
    flag: '--since',
    arg: '<duration>',
    env: 'COPY_SINCE',
    default: DEFAULT_COPY_SINCE,
    doc: 'only backups created this recently (48h, 7d, P2D)',
    parse: duration,
  },
  dryRun: dryRunField('show what would be copied where, and change nothing'),
  wait: {
    name: 'wait',
    flag: '--wait',
    doc: 'after copying, poll the DR regions until every copy of the backups in scope is READY (copies earlier runs started too)',
    parse: bool,
  },
  waitTimeout: {
    name: 'wait timeout',
    flag: '--wait-timeout',
    arg: '<duration>',
    default: DEFAULT_WAIT_TIMEOUT,
    doc: 'give up waiting after this long (exit 1)',
    parse: duration,
  },
  ...publishFields(
    { eventRegion: 'EVENT_REGION' },
    'publish a "CloudHSM Backup Copied" event per copy, then one "CloudHSM Run Summary", to EventBridge',
  ),
  concurrency: concurrencyField(
    DEFAULT_COPY_CONCURRENCY,
    MAX_COPY_CONCURRENCY,
    'AWS calls in flight at once, across all regions',
  ),
});

/** The settings as plain strings, as flags or the environment give them. */
export type CopyConfigInput = Input<typeof COPY_SETTINGS>;

/** What messages call each setting: the library's words, or a front end's flags or variables. */
export type CopyNames = Names<typeof COPY_SETTINGS>;

/** The library's own words for the settings. */
export const COPY_SETTING_NAMES: CopyNames = namesOf(COPY_SETTINGS, 'name');

/** The CLI's flags, for messages about input that came from the command line. */
export const COPY_FLAG_NAMES: CopyNames = namesOf(COPY_SETTINGS, 'flag');

/** The Lambda's variables, for messages about its environment. */
export const COPY_ENV_NAMES: CopyNames = {
  ...namesOf(COPY_SETTINGS, 'env'),
  regions: 'SOURCE_REGIONS (or REGIONS)',
  publish: 'EVENT_BUS_NAME',
  eventRegion: 'EVENT_REGION (or AWS_REGION)',
};

/** Under `sameRegion: 'skip'` the plan reports a DR region that is also a source as skipped and copies the rest. */
export interface CopyConfigOptions extends PublishingOptions, SameRegionOption {
  /** What messages call the settings (default: the library's words). */
  names?: CopyNames;
}

/**
 * Validates copy settings given as strings. Every problem is collected into one
 * {@link UsageError} (the CLI exits 2 with it; the Lambda fails before any call).
 */
export function parseCopyConfig(
  input: CopyConfigInput,
  options: CopyConfigOptions = { sameRegion: 'error' },
): CopyConfig {
  const names = options.names ?? COPY_SETTING_NAMES;
  const { value, problems } = readSettings(COPY_SETTINGS, input, names, 'copy', options);
  for (const key of ['regions', 'drRegions'] as const) {
    if (!given(input[key]) || value[key]?.length === 0) problems.add(`no ${names[key]} given`);
  }
  problems.throwIfAny();
  const sourceRegions = value.regions!;
  const drRegions = value.drRegions!;
  refuseSameRegion(options, sourceRegions, drRegions, names.drRegions, 'run copy once per direction');
  return {
    sourceRegions,
    drRegions,
    clusterIds: value.clusterIds ?? [],
    since: value.since!,
    dryRun: value.dryRun ?? false,
    wait: value.wait ?? false,
    waitTimeout: value.waitTimeout!,
    publish: value.publish ?? false,
    eventBus: value.eventBus!,
    eventSource: value.eventSource!,
    eventRegion: value.eventRegion ?? sourceRegions[0]!,
    concurrency: value.concurrency!,
  };
}

/** How the copy Lambda's environment is written: REGIONS is SOURCE_REGIONS's fallback. */
const COPY_ENV_FORM = envFormOf(COPY_SETTINGS, { lists: ['REGIONS'] });

/** The environment variables the copy Lambda reads (the handler logs and checks these). */
export const COPY_LAMBDA_VARIABLES: readonly string[] = COPY_ENV_FORM.variables;

/**
 * Copy settings from a Lambda environment (the table's variables): SOURCE_REGIONS (else
 * REGIONS), DR_REGIONS, CLUSTER_ID (comma list allowed), COPY_SINCE, EVENT_BUS_NAME (events are
 * published when it is set), EVENT_SOURCE, CONCURRENCY, DRY_RUN (`true`: plan only). Events
 * go to EVENT_REGION, else the function's own region (AWS_REGION), as with prune and audit. A
 * set-but-blank variable is refused (see `envFormProblems` in common.ts). A DR region that is also a
 * source region is reported per backup as skipped, not an error: see
 * {@link CopyConfigOptions.sameRegion}.
 */
export function copyConfigFromEnv(env: Record<string, string | undefined>): CopyConfig {
  checkEnvForm(env, COPY_ENV_FORM);
  const input = inputFromEnv(COPY_SETTINGS, env);
  if (!given(input.regions)) input.regions = env.REGIONS;
  if (!given(input.eventRegion) && given(env.AWS_REGION)) input.eventRegion = env.AWS_REGION;
  input.publish = given(input.eventBus) ? 'true' : 'false';
  return parseCopyConfig(input, { sameRegion: 'skip', names: COPY_ENV_NAMES, eventsNeedPublish: false });
}
