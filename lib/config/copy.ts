import type { Duration } from 'luxon';
import * as z from 'zod';
import { UsageError } from '../errors.js';
import { DEFAULT_EVENT_SOURCE } from '../events/types.js';
import { checkEnvForm, PATTERNS, parseClusterId, parseCount, parseDuration, parseRegion } from './common.js';

export const DEFAULT_COPY_SINCE = '48h';
export const DEFAULT_WAIT_TIMEOUT = '30m';
export const DEFAULT_COPY_CONCURRENCY = 8;
export const MAX_COPY_CONCURRENCY = 64;
export const DEFAULT_EVENT_BUS = 'default';

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

/**
 * The settings as plain strings, the shape both front ends can produce: the CLI from its
 * flags (lists comma-separated), the Lambda handler from its environment.
 */
export interface CopyConfigInput {
  regions?: string;
  drRegions?: string;
  clusterIds?: string;
  since?: string;
  dryRun?: string;
  wait?: string;
  waitTimeout?: string;
  publish?: string;
  eventBus?: string;
  eventSource?: string;
  eventRegion?: string;
  concurrency?: string;
}

export interface CopyConfigOptions {
  /**
   * What a DR region that is also a source region means. `error` (the CLI): the person
   * named both, so it is a mistake worth stopping for. `skip` (the Lambda): REGIONS lists
   * every region with clusters and two regions backing each other up is a normal setup, so
   * the plan reports that pair as skipped and copies the rest.
   */
  sameRegion: 'error' | 'skip';
  /** What messages call the settings (default: the library's words). */
  names?: CopyNames;
}

/** Reads a UsageError-throwing parser into a zod transform, so every problem is reported at once. */
function via<T>(parse: (value: string | undefined) => T) {
  return (value: string | undefined, ctx: z.RefinementCtx<string | undefined>): T => {
    try {
      return parse(value);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: error instanceof Error ? error.message : String(error) });
      return z.NEVER;
    }
  };
}

function splitList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

function regionList(what: string, required: boolean) {
  return (value: string | undefined) => {
    const regions = splitList(value).map((r) => parseRegion(r, what));
    if (required && regions.length === 0) throw new UsageError(`no ${what} given`);
    const seen = new Set<string>();
    for (const region of regions) {
      if (seen.has(region)) throw new UsageError(`${what} ${region} is given more than once`);
      seen.add(region);
    }
    return regions;
  };
}

function flag(what: string) {
  return (value: string | undefined) => {
    const text = (value ?? '').trim().toLowerCase();
    if (text === '' || text === 'false' || text === '0' || text === 'no') return false;
    if (text === 'true' || text === '1' || text === 'yes') return true;
    throw new UsageError(`${what} "${value}" is not true or false`);
  };
}

function eventBus(what: string) {
  return (value: string | undefined): string => {
    const bus = (value ?? '').trim() || DEFAULT_EVENT_BUS;
    if (!PATTERNS.eventBusName.test(bus)) {
      throw new UsageError(`${what} "${bus}" is not a valid event bus name or ARN`);
    }
    return bus;
  };
}

function eventSource(what: string) {
  return (value: string | undefined): string => {
    const source = (value ?? '').trim() || DEFAULT_EVENT_SOURCE;
    if (source.length > 256 || /\s/.test(source) || source.startsWith('aws.')) {
      throw new UsageError(
        `${what} "${source}" is not valid (at most 256 characters, no spaces, not starting with "aws.")`,
      );
    }
    return source;
  };
}

const optional = z.string().optional();

/** What messages call each setting: the library's words, or a front end's flags or variables. */
export type CopyNames = Record<keyof CopyConfigInput, string>;

/** The library's own words for the settings (a front end passes its flags or variables). */
export const COPY_SETTING_NAMES: CopyNames = {
  regions: 'source region',
  drRegions: 'DR region',
  clusterIds: 'cluster id',
  since: 'since',
  dryRun: 'dry run',
  wait: 'wait',
  waitTimeout: 'wait timeout',
  publish: 'publish',
  eventBus: 'event bus',
  eventSource: 'event source',
  eventRegion: 'event region',
  concurrency: 'concurrency',
};

/** The CLI's flags, for messages about input that came from the command line. */
export const COPY_FLAG_NAMES: CopyNames = {
  regions: '--region',
  drRegions: '--dr-region',
  clusterIds: '--cluster-id',
  since: '--since',
  dryRun: '--dry-run',
  wait: '--wait',
  waitTimeout: '--wait-timeout',
  publish: '--publish',
  eventBus: '--event-bus',
  eventSource: '--event-source',
  eventRegion: '--event-region',
  concurrency: '--concurrency',
};

/** The Lambda's variables, for messages about its environment. */
export const COPY_ENV_NAMES: CopyNames = {
  regions: 'SOURCE_REGIONS (or REGIONS)',
  drRegions: 'DR_REGIONS',
  clusterIds: 'CLUSTER_ID',
  since: 'COPY_SINCE',
  dryRun: 'DRY_RUN',
  wait: 'wait',
  waitTimeout: 'wait timeout',
  publish: 'EVENT_BUS_NAME',
  eventBus: 'EVENT_BUS_NAME',
  eventSource: 'EVENT_SOURCE',
  eventRegion: 'EVENT_REGION (or AWS_REGION)',
  concurrency: 'CONCURRENCY',
};

function inputSchema(names: CopyNames) {
  return z.object({
    regions: optional.transform(via(regionList(names.regions, true))),
    drRegions: optional.transform(via(regionList(names.drRegions, true))),
    clusterIds: optional.transform(
      via((value) => [...new Set(splitList(value).map((id) => parseClusterId(id)))]),
    ),
    since: optional.transform(via((value) => parseDuration(value ?? DEFAULT_COPY_SINCE, names.since))),
    dryRun: optional.transform(via(flag(names.dryRun))),
    wait: optional.transform(via(flag(names.wait))),
    waitTimeout: optional.transform(
      via((value) => parseDuration(value ?? DEFAULT_WAIT_TIMEOUT, names.waitTimeout)),
    ),
    publish: optional.transform(via(flag(names.publish))),
    eventBus: optional.transform(via(eventBus(names.eventBus))),
    eventSource: optional.transform(via(eventSource(names.eventSource))),
    eventRegion: optional.transform(
      via((value) => (value ? parseRegion(value, names.eventRegion) : undefined)),
    ),
    concurrency: optional.transform(
      via((value) =>
        value === undefined
          ? DEFAULT_COPY_CONCURRENCY
          : parseCount(value, names.concurrency, { min: 1, max: MAX_COPY_CONCURRENCY }),
      ),
    ),
  });
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
  const parsed = inputSchema(names).safeParse(input);
  if (!parsed.success) {
    throw new UsageError(parsed.error.issues.map((issue) => issue.message).join('; '));
  }
  const value = parsed.data;
  if (options.sameRegion === 'error') {
    const overlap = value.drRegions.filter((region) => value.regions.includes(region));
    if (overlap.length > 0) {
      throw new UsageError(
        `${names.drRegions} ${overlap.join(', ')} is also a source region: a backup cannot be copied to its own region ` +
          '(to make two regions back each other up, run copy once per direction)',
      );
    }
  }
  return {
    sourceRegions: value.regions,
    drRegions: value.drRegions,
    clusterIds: value.clusterIds,
    since: value.since,
    dryRun: value.dryRun,
    wait: value.wait,
    waitTimeout: value.waitTimeout,
    publish: value.publish,
    eventBus: value.eventBus,
    eventSource: value.eventSource,
    eventRegion: value.eventRegion ?? value.regions[0]!,
    concurrency: value.concurrency,
  };
}

/** The environment variables the copy Lambda reads (the handler logs and checks these). */
export const COPY_LAMBDA_VARIABLES: readonly string[] = [
  'SOURCE_REGIONS',
  'REGIONS',
  'DR_REGIONS',
  'CLUSTER_ID',
  'COPY_SINCE',
  'EVENT_BUS_NAME',
  'EVENT_SOURCE',
  'CONCURRENCY',
  'EVENT_REGION',
  'DRY_RUN',
];

/**
 * Copy settings from a Lambda environment: SOURCE_REGIONS (else REGIONS), DR_REGIONS,
 * CLUSTER_ID (comma list allowed), COPY_SINCE (default 48h), EVENT_BUS_NAME (events are
 * published when it is set), EVENT_SOURCE, CONCURRENCY, DRY_RUN (`true`: plan only). Events
 * go to EVENT_REGION, else the function's own region (AWS_REGION), as with prune and audit. A
 * set-but-blank variable is refused (see `envFormProblems` in common.ts). A DR region that is also a
 * source region is reported per backup as skipped, not an error: see
 * {@link CopyConfigOptions.sameRegion}.
 */
export function copyConfigFromEnv(env: Record<string, string | undefined>): CopyConfig {
  checkEnvForm(env, {
    variables: COPY_LAMBDA_VARIABLES,
    lists: ['SOURCE_REGIONS', 'REGIONS', 'DR_REGIONS', 'CLUSTER_ID'],
    booleans: ['DRY_RUN'],
  });
  const blank = (value: string | undefined) => (value?.trim() ? value : undefined);
  return parseCopyConfig(
    {
      regions: blank(env.SOURCE_REGIONS) ?? env.REGIONS,
      drRegions: env.DR_REGIONS,
      clusterIds: env.CLUSTER_ID,
      since: blank(env.COPY_SINCE),
      dryRun: blank(env.DRY_RUN),
      publish: blank(env.EVENT_BUS_NAME) ? 'true' : 'false',
      eventBus: blank(env.EVENT_BUS_NAME),
      eventSource: blank(env.EVENT_SOURCE),
      eventRegion: blank(env.EVENT_REGION) ?? blank(env.AWS_REGION),
      concurrency: blank(env.CONCURRENCY),
    },
    { sameRegion: 'skip', names: COPY_ENV_NAMES },
  );
}
