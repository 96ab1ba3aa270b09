/**
 * A job's settings table (lib/config/table.ts) as commander options: the options, their help
 * lines and the string record the lib's parser reads are all derived from the table, so a flag
 * cannot drift from its variable, its default or its parser.
 */
import { type Command, Option } from 'commander';
import type { DateTime } from 'luxon';
import type { AwsClients } from '../lib/aws/clients.js';
import { type Field, fieldHelp, type Input, type Table } from '../lib/config/table.js';
import { type CommonOptions, clientsFrom, collect, nowFrom } from './common.js';

function flagSpec(field: Field<unknown>): string {
  return field.arg ? `${field.flag} ${field.arg}` : field.flag!;
}

/**
 * Adds an option for each field with a flag, in table order, except `skip`. No commander
 * default is set: the lib applies the table's default, and an option given is known to be given
 * (`--event-bus` without `--publish` is refused).
 */
export function addSettingOptions<T extends Table>(
  command: Command,
  table: T,
  skip: readonly (keyof T)[] = [],
): Command {
  for (const [key, field] of Object.entries(table)) {
    if (!field.flag || skip.includes(key)) continue;
    const option = new Option(flagSpec(field), fieldHelp(field));
    if (field.repeatable) option.argParser(collect);
    command.addOption(option);
  }
  return command;
}

/**
 * The options given on the command line, as the string record the table's parser reads. A
 * table with a `regions` setting falls back to AWS_REGION / AWS_DEFAULT_REGION, as the AWS CLI does.
 */
export function settingsFrom<T extends Table>(command: Command, table: T): Input<T> {
  const options = command.opts<Record<string, unknown>>();
  const input: Record<string, string> = {};
  for (const [key, field] of Object.entries(table)) {
    if (!field.flag) continue;
    const value = options[new Option(flagSpec(field)).attributeName()];
    if (value === undefined || value === false) continue;
    input[key] = value === true ? 'true' : Array.isArray(value) ? value.join(',') : String(value);
  }
  const fallback = process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  if ('regions' in table && input.regions === undefined && fallback) input.regions = fallback;
  return input as Input<T>;
}

/** The options every job command reads itself: the common ones and `--now`. */
export interface JobOptions extends CommonOptions {
  now?: string;
}

/** What a job command starts from. */
export interface JobStart<C> {
  config: C;
  /** The instant the run judges at (`--now`, else the clock). */
  now: DateTime;
  /** The command destroys them when it is done. */
  clients: AwsClients;
}

/** How {@link startJob} reads what is not in the table. */
export interface JobStartOptions<C> {
  /** What `--now` must be, for its error message (default "time"). */
  nowIs?: string;
  /** Refuses bad input that needs the settings and the instant, before any client exists. */
  check?: (config: C, now: DateTime) => void | Promise<void>;
}

/**
 * How every job command starts: its settings from the table, parsed by `parse` (which names
 * the flags, and may add what the command reads itself), the run's instant, then the clients —
 * in that order, so bad input is refused (exit 2) before any client is made or the SDK loaded.
 */
export async function startJob<T extends Table, C>(
  command: Command,
  options: JobOptions,
  table: T,
  parse: (input: Input<T>) => C,
  start: JobStartOptions<C> = {},
): Promise<JobStart<C>> {
  const config = parse(settingsFrom(command, table));
  const now = nowFrom(options, start.nowIs);
  await start.check?.(config, now);
  return { config, now, clients: await clientsFrom(options) };
}
