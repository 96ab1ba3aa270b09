/**
 * The prune job's settings table ({@link PRUNE_SETTINGS}) and the configuration it parses to.
 * The CLI's options, the Lambda's environment reader, the names in messages and the help text
 * are derived from the table (lib/config/table.ts); the rules between settings are in
 * prune-rules.ts, the parser in prune.ts.
 */
import type { CopyRetentionMode } from '../copies/retention.js';
import { DEFAULT_HOLD_TAG } from './common.js';
import {
  bool,
  COPY_RETENTION_FALLBACK_DAYS,
  clusterId,
  copyRetentionDays,
  copyRetentionMode,
  count,
  DEFAULT_CONCURRENCY,
  DEFAULT_EVENT_BUS,
  holdTags,
  instant,
  MAX_CONCURRENCY,
  text,
} from './fields.js';
import { concurrencyField, dryRunField, publishFields, regionsField } from './shared.js';
import { defineTable, type Input, type Names, namesOf, type Values } from './table.js';

/** How the cutoff is chosen. */
export type CutoffRule =
  /** `timezone` reads the timestamp; elsewhere it only sets the zone the cutoff is printed in. */
  | { kind: 'timestamp'; timestamp: string; timezone?: string }
  | { kind: 'older-than'; olderThan: string; timezone?: string }
  /** `--deleteall`: every backup of the cluster, guardrails still apply. */
  | { kind: 'all' }
  /** Only copy retention is set: copies are pruned, originals are left to managed retention. */
  | { kind: 'copies-only'; timezone?: string }
  /** Only `--duplicate-copies`: the extra DR copies are pruned, nothing by age. */
  | { kind: 'duplicates-only'; timezone?: string };

/** The validated prune configuration every front end hands to {@link runPrune}. */
export interface PruneConfig {
  regions: string[];
  /** Absent: every cluster (every lineage) in the region. */
  clusterId?: string;
  cutoff: CutoffRule;
  /**
   * Days after which a DR copy is a candidate; under `copyRetention: 'source'`, the fallback
   * where the source cluster is gone or has no policy. Absent: no copy retention.
   */
  copyRetentionDays?: number;
  /** Present (`source`) when copy retention follows each lineage's source cluster; absent: fixed. */
  copyRetention?: CopyRetentionMode;
  /**
   * The instant (ISO 8601, UTC) copy retention days are counted back from; absent: the run's
   * `now`. A dry run's apply command pins it, so a later apply deletes the copies reviewed.
   */
  copiesAsOf?: string;
  /** Also delete the extra DR copies {@link duplicateCopies} finds (lib/copies/duplicates.ts). */
  duplicateCopies?: boolean;
  keepLast: number;
  maxDeletions: number;
  /**
   * Tag keys that hold a backup: the default `cloudhsm-ops:hold` first, then any the user
   * added. No option removes the default (a guardrail).
   */
  holdTags: string[];
  /** True only when execute was asked for and no dry run was. */
  execute: boolean;
  /** Execute was asked for but a dry run won. */
  dryRunOverrode: boolean;
  confirm?: string;
  concurrency: number;
  publish: boolean;
  eventBus: string;
  eventSource: string;
  /** Every event of the run goes to the bus in this region, as with audit and copy. */
  eventRegion: string;
}

export const PRUNE_DEFAULTS = {
  keepLast: 1,
  maxDeletions: 50,
  holdTag: DEFAULT_HOLD_TAG,
  concurrency: DEFAULT_CONCURRENCY,
  eventBus: DEFAULT_EVENT_BUS,
  /** The fallback under `--copy-retention source` without `--copy-retention-days` (the audit's default too). */
  copyRetentionFallbackDays: COPY_RETENTION_FALLBACK_DAYS,
} as const;

/** The most backups one lineage keeps whatever the cutoff. */
const MAX_KEEP_LAST = 1000;
/** The largest plan an operator may allow in one run. */
const MAX_MAX_DELETIONS = 100_000;

/** Every prune setting: flag, variable (the scheduled Lambda's), default, parser and help line. */
export const PRUNE_SETTINGS = defineTable({
  regions: regionsField(
    'region',
    '--region',
    'REGIONS',
    'region to prune (repeatable, or a comma list; default $AWS_REGION)',
  ),
  clusterId: {
    name: 'cluster id',
    flag: '--cluster-id',
    arg: '<id>',
    env: 'CLUSTER_ID',
    doc: "only this cluster's backups and copies of them (default: every cluster)",
    parse: clusterId,
  },
  timestamp: {
    name: 'timestamp',
    flag: '--timestamp',
    arg: '<when>',
    env: 'TIMESTAMP',
    doc: 'delete backups created at or before this: MM/DD/YY, MM/DD/YYYY, "MM/DD/YYYY HH:mm" or ISO 8601',
    parse: text,
  },
  timezone: {
    name: 'timezone',
    flag: '--timezone',
    arg: '<zone>',
    env: 'TIMEZONE',
    doc: 'zone the timestamp is read in: IANA name (America/New_York), offset (-0200, 05:00, +05:30), UTC/GMT; default UTC',
    parse: text,
  },
  olderThan: {
    name: 'older than',
    flag: '--older-than',
    arg: '<age>',
    env: 'OLDER_THAN',
    doc: 'delete backups older than this age, at least 1 day: 90d, 36h, 2w, P6M (six months; 6M is refused as ambiguous)',
    parse: text,
  },
  deleteAll: {
    name: 'delete all',
    flag: '--deleteall',
    doc: 'every backup of --cluster-id (not with --timestamp); guardrails still apply; CLI only',
    parse: bool,
  },
  confirm: {
    name: 'confirm',
    flag: '--confirm',
    arg: '<cluster-id>',
    doc: 'with --deleteall --keep-last 0: repeat the cluster id to confirm',
    parse: text,
  },
  keepLast: {
    name: 'keep last',
    flag: '--keep-last',
    arg: '<n>',
    env: 'KEEP_LAST',
    default: String(PRUNE_DEFAULTS.keepLast),
    doc: 'always keep the newest N READY backups of each lineage per region',
    parse: count({ max: MAX_KEEP_LAST }),
  },
  maxDeletions: {
    name: 'max deletions',
    flag: '--max-deletions',
    arg: '<n>',
    env: 'MAX_DELETIONS',
    default: String(PRUNE_DEFAULTS.maxDeletions),
    doc: 'refuse a plan deleting more than this, before the first delete',
    parse: count({ min: 1, max: MAX_MAX_DELETIONS }),
  },
  copyRetentionDays: {
    name: 'copy retention days',
    flag: '--copy-retention-days',
    arg: '<n>',
    env: 'COPY_RETENTION_DAYS',
    doc: 'DR copies older than this many days are pruned, by lineage (with --copy-retention source: the fallback, default 90; "source" means --copy-retention source)',
    parse: copyRetentionDays,
  },
  copyRetention: {
    name: 'copy retention',
    flag: '--copy-retention',
    arg: '<mode>',
    doc:
      "fixed: DR copies by --copy-retention-days; source: by each source cluster's backup retention policy " +
      '(read from its region), --copy-retention-days where the cluster is gone or has none (as the audit)',
    parse: copyRetentionMode,
  },
  copiesAsOf: {
    name: 'copies as of',
    flag: '--copies-as-of',
    arg: '<instant>',
    doc:
      'count copy retention days back from this ISO 8601 instant, not from now (a dry run prints it in its ' +
      'apply command, so a later apply deletes exactly the copies reviewed; never after now)',
    parse: instant,
  },
  duplicateCopies: {
    name: 'duplicate copies',
    flag: '--duplicate-copies',
    env: 'DUPLICATE_COPIES',
    doc:
      "also delete the extra DR copies of a source backup (the audit's duplicate-dr-copies): the oldest READY " +
      'copy stays, held and NeverExpires ones too; alone it deletes nothing else; in the Lambda it is on unless DUPLICATE_COPIES=false',
    parse: bool,
  },
  holdTag: {
    name: 'hold tag',
    flag: '--hold-tag',
    arg: '<key>',
    repeatable: true,
    env: 'HOLD_TAG',
    default: DEFAULT_HOLD_TAG,
    doc: 'another tag key that holds a backup (repeatable, or a comma list); cloudhsm-ops:hold always does',
    parse: holdTags,
  },
  dryRun: dryRunField('print the plan only (the default; wins over --execute)'),
  execute: {
    name: 'execute',
    flag: '--execute',
    env: 'PRUNE_EXECUTE',
    doc: 'apply the plan: delete the backups it lists',
    parse: bool,
  },
  concurrency: concurrencyField(DEFAULT_CONCURRENCY, MAX_CONCURRENCY, 'deletes in flight at once'),
  ...publishFields(
    { eventRegion: 'EVENT_REGION' },
    'publish the plan (dry run) or each deletion as EventBridge events, then one Run Summary',
  ),
});

/** Raw prune settings, every value a string as it arrives from flags or the environment. */
export type PruneInput = Input<typeof PRUNE_SETTINGS>;

/** The settings parsed one by one, before the rules between them. */
export type PruneValues = Values<typeof PRUNE_SETTINGS>;

/** What messages call each setting. */
export type PruneNames = Names<typeof PRUNE_SETTINGS>;

/** The library's own words for the settings. */
export const PRUNE_SETTING_NAMES: PruneNames = namesOf(PRUNE_SETTINGS, 'name');

/** Flag names, for messages when the input came from the command line. */
export const PRUNE_FLAG_NAMES: PruneNames = namesOf(PRUNE_SETTINGS, 'flag');

/** Environment variable names (the scheduled Lambda); a CLI-only setting keeps its own name. */
export const PRUNE_ENV_NAMES: PruneNames = namesOf(PRUNE_SETTINGS, 'env');
