/**
 * What every job's settings table shares besides the field parsers (fields.ts): the publishing
 * fields and their rule, concurrency and dry run, region lists, copy retention resolved from its
 * two settings, the refusal of a DR region that is also a source, the Lambda environment's form,
 * and the start of every parser ({@link readSettings}).
 */
import type { CopyRetentionMode } from '../copies/retention.js';
import { UsageError } from '../errors.js';
import { DEFAULT_EVENT_SOURCE } from '../events/types.js';
import type { EnvForm } from './common.js';
import {
  bool,
  COPY_RETENTION_FALLBACK_DAYS,
  count,
  DEFAULT_EVENT_BUS,
  eventBus,
  eventSource,
  region,
  regions,
} from './fields.js';
import {
  type Field,
  given,
  type Input,
  type Names,
  Problems,
  readFields,
  type Table,
  type Values,
} from './table.js';

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

/** How a job's parser treats event settings given while publishing is off. */
export interface PublishingOptions {
  /**
   * Event settings without publishing are refused (default: `--event-bus needs --publish`).
   * The Lambdas turn this off: serverless.yml sets EVENT_BUS_NAME and EVENT_SOURCE for every
   * function, and prune and copy publish whenever EVENT_BUS_NAME is set.
   */
  eventsNeedPublish?: boolean;
}

/**
 * "--event-bus needs --publish": event settings given while publishing is off are a mistake
 * (the user expected events), for every job that publishes, unless `options` turns that off.
 */
export function checkPublishing(
  input: Readonly<Record<string, string | undefined>>,
  publish: boolean | undefined,
  names: Readonly<Record<string, string>>,
  problems: Problems,
  options: PublishingOptions,
): void {
  if (publish || options.eventsNeedPublish === false) return;
  const stray = ['eventBus', 'eventSource', 'eventRegion'].filter((key) => key in names && given(input[key]));
  if (stray.length === 0) return;
  const listed = stray.map((key) => names[key]).join(' and ');
  problems.add(`${listed} ${stray.length > 1 ? 'need' : 'needs'} ${names.publish}`);
}

/**
 * Every field of `input` parsed by the job's table, and the publishing rule checked: the start
 * of every job's parser. Throws nothing; the problems are collected for the job's own rules.
 */
export function readSettings<T extends Table>(
  table: T,
  input: Input<T>,
  names: Names<T>,
  job: string,
  options: PublishingOptions,
): { value: Values<T>; problems: Problems } {
  const problems = new Problems();
  const value = readFields(table, input, names, problems, job);
  const publish = (value as { publish?: boolean }).publish;
  checkPublishing(input, publish, names as Record<string, string>, problems, options);
  return { value, problems };
}

/** What a DR region that is also a source region means (copy and audit). */
export interface SameRegionOption {
  /**
   * `error` (the CLI): the person named both, so it is a mistake worth stopping for (and an
   * audit would pass every DR check with nothing to judge). `skip` (the Lambda): REGIONS lists
   * every region with clusters and two regions backing each other up is a normal setup; a
   * backup's own region is never one of its DR regions.
   */
  sameRegion: 'error' | 'skip';
}

/** Under `sameRegion: 'error'`, refuses a DR region that is also a source region. */
export function refuseSameRegion(
  option: SameRegionOption,
  sources: readonly string[],
  drRegions: readonly string[],
  drName: string,
  advice: string,
): void {
  const overlap = drRegions.filter((region) => sources.includes(region));
  if (option.sameRegion === 'skip' || overlap.length === 0) return;
  throw new UsageError(
    `${drName} ${overlap.join(', ')} is also a source region: a backup cannot be copied to its own region ` +
      `(to make two regions back each other up, ${advice})`,
  );
}

/**
 * How a job's Lambda environment is written, from its table: repeatable fields are lists, `bool`
 * fields exactly `true` or `false`. `extra` adds what the table does not hold (fallback
 * variables such as REGIONS, DRY_RUN where it is not a setting).
 */
export function envFormOf(
  table: Table,
  extra: { lists?: string[]; booleans?: string[]; blankMeansUnset?: string[] } = {},
): EnvForm {
  const fields = Object.values(table).filter((field) => field.env !== undefined);
  return {
    variables: [...fields.map((field) => field.env!), ...(extra.lists ?? []), ...(extra.booleans ?? [])],
    lists: [...fields.filter((field) => field.repeatable).map((field) => field.env!), ...(extra.lists ?? [])],
    booleans: [
      ...fields.filter((field) => field.parse === bool).map((field) => field.env!),
      ...(extra.booleans ?? []),
    ],
    blankMeansUnset: extra.blankMeansUnset ?? [],
  };
}

/** A comma list of regions, repeatable on the command line. */
export function regionsField(name: string, flag: string, env: string, doc: string): Field<string[]> {
  return { name, flag, arg: '<region>', repeatable: true, env, doc, parse: regions };
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
