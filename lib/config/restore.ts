/**
 * The restore command's settings: one table ({@link RESTORE_SETTINGS}) from which the CLI's
 * options, the names in messages and the help text are derived. Restore has no Lambda, so its
 * fields have no variables.
 */

import { UsageError } from '../errors.js';
import { RUN_ID_PATTERN } from '../prune/record.js';
import { parseBackupId } from './common.js';
import {
  bool,
  clusterId,
  DEFAULT_CONCURRENCY,
  duration,
  MAX_CONCURRENCY,
  region,
  splitList,
} from './fields.js';
import { concurrencyField, dryRunField, publishFields, readSettings } from './shared.js';
import { defineTable, given, type Input, type Names, namesOf, withoutEnv } from './table.js';

/** Which backups to restore. */
export type RestoreSelection =
  /** Exactly these, whoever deleted them. */
  | { kind: 'ids'; backupIds: string[] }
  /**
   * Every backup cloudhsm-ops prune deleted within this age (`2h`): DeleteTimestamp − 7 days
   * ≥ now − age, and a deletion record on the backup. Others deleted in the window are reported.
   */
  | { kind: 'deleted-since'; deletedSince: string }
  /** Exactly the deletions of one prune run: the backups carrying its deletion record. */
  | { kind: 'run'; runId: string };

export interface RestoreConfig {
  region: string;
  selection: RestoreSelection;
  /** Only this lineage (cluster) when restoring by age. */
  clusterId?: string;
  concurrency: number;
  /** List what would be restored; change nothing. */
  dryRun: boolean;
  /** Add the hold tag to what is restored, so the next prune keeps it. */
  hold: boolean;
  publish: boolean;
  eventBus: string;
  eventSource: string;
  /** Region of the event bus (default: the backups' region). */
  eventRegion: string;
  /** The account restored in, when the caller named it (`--accounts`): messages say it. */
  account?: string;
}

const publishing = publishFields(
  {},
  'publish each restore as a `CloudHSM Backup Restored` event, then one `CloudHSM Run Summary`',
);

/** Every restore setting: flag, default, parser and help line. */
export const RESTORE_SETTINGS = defineTable(
  withoutEnv({
    region: {
      name: 'region',
      flag: '--region',
      arg: '<region>',
      repeatable: true,
      doc: 'region of the backups (default $AWS_REGION)',
      parse: region,
    },
    backupIds: {
      name: 'backup id',
      flag: '--backup-id',
      arg: '<id>',
      repeatable: true,
      doc: 'backup to restore (repeatable, or a comma list)',
      parse: (value: string, what: string) => [
        ...new Set(splitList(value).map((id) => parseBackupId(id, what))),
      ],
    },
    deletedSince: {
      name: 'deleted since',
      flag: '--deleted-since',
      arg: '<age>',
      doc: 'restore every backup prune deleted within this age: 2h, 1d (others are reported; name them with --backup-id)',
      parse: (value: string, what: string) => {
        duration(value, what);
        return value.trim();
      },
    },
    runId: {
      name: 'run id',
      flag: '--run-id',
      arg: '<id>',
      doc: 'restore exactly the deletions of this prune run (the run id it printed)',
      parse: runId,
    },
    clusterId: {
      name: 'cluster id',
      flag: '--cluster-id',
      arg: '<id>',
      doc: 'with --deleted-since or --run-id: only this cluster (lineage)',
      parse: clusterId,
    },
    dryRun: dryRunField('list what would be restored; change nothing'),
    hold: {
      name: 'hold',
      flag: '--hold',
      doc: 'add the hold tag cloudhsm-ops:hold to what is restored, so the next prune keeps it',
      parse: bool,
    },
    concurrency: concurrencyField(DEFAULT_CONCURRENCY, MAX_CONCURRENCY, 'restores in flight at once'),
    ...publishing,
  }),
);

function runId(value: string, what: string): string {
  const id = value.trim();
  if (!RUN_ID_PATTERN.test(id)) {
    throw new UsageError(
      `${what} "${value}" is not a run id (1-100 letters, digits, "-", "_" or "."; prune prints it)`,
    );
  }
  return id;
}

/** Raw restore settings as strings (CLI flags). */
export type RestoreInput = Input<typeof RESTORE_SETTINGS>;

/** What messages call each setting. */
export type RestoreNames = Names<typeof RESTORE_SETTINGS>;

/** The library's own words for the settings. */
export const RESTORE_SETTING_NAMES: RestoreNames = namesOf(RESTORE_SETTINGS, 'name');

/** The CLI's flags, for messages about input from the command line. */
export const RESTORE_FLAG_NAMES: RestoreNames = namesOf(RESTORE_SETTINGS, 'flag');

/** Exactly one way of choosing what to restore. */
function selectionOf(
  input: RestoreInput,
  value: { backupIds?: string[]; deletedSince?: string; runId?: string },
  names: RestoreNames,
): RestoreSelection {
  const byIds = given(input.backupIds);
  const byAge = given(input.deletedSince);
  const byRun = given(input.runId);
  if (byIds && byAge)
    throw new UsageError(`give either ${names.backupIds} or ${names.deletedSince}, not both`);
  if (byRun && (byIds || byAge)) {
    throw new UsageError(`give only one of ${names.backupIds}, ${names.deletedSince} or ${names.runId}`);
  }
  if (value.backupIds) return { kind: 'ids', backupIds: value.backupIds };
  if (value.runId) return { kind: 'run', runId: value.runId };
  if (value.deletedSince) return { kind: 'deleted-since', deletedSince: value.deletedSince };
  throw new UsageError(
    `say what to restore: ${names.backupIds} <id> (repeatable) or ${names.deletedSince} <age>, or ${names.runId} <prune run id>`,
  );
}

/** Parses restore settings. Bad or contradictory input is a {@link UsageError}. */
export function parseRestoreConfig(
  input: RestoreInput,
  names: RestoreNames = RESTORE_SETTING_NAMES,
): RestoreConfig {
  if (!given(input.region)) throw new UsageError(`${names.region} is required`);
  if (input.runId !== undefined && !given(input.runId)) {
    throw new UsageError(`${names.runId} is empty: give the run id a prune run printed`);
  }
  const { value, problems } = readSettings(RESTORE_SETTINGS, input, names, 'restore', {});
  problems.throwIfAny();
  const selection = selectionOf(input, value, names);
  if (given(input.clusterId) && selection.kind === 'ids') {
    throw new UsageError(`${names.clusterId} only narrows ${names.deletedSince} or ${names.runId}`);
  }
  if (value.dryRun && value.hold) {
    throw new UsageError(`${names.hold} changes tags: it cannot go with ${names.dryRun}`);
  }
  // Checked now, not at PutEvents time: by then the backups would already be restored.
  return {
    region: value.region!,
    selection,
    ...(value.clusterId ? { clusterId: value.clusterId } : {}),
    concurrency: value.concurrency!,
    dryRun: value.dryRun ?? false,
    hold: value.hold ?? false,
    publish: value.publish ?? false,
    eventBus: value.eventBus!,
    eventSource: value.eventSource!,
    eventRegion: value.eventRegion ?? value.region!,
  };
}
