/**
 * A job's settings table (lib/config/table.ts) as commander options: the options, their help
 * lines and the string record the lib's parser reads are all derived from the table, so a flag
 * cannot drift from its variable, its default or its parser.
 */
import { type Command, Option } from 'commander';
import { type Field, fieldHelp, type Input, type Table } from '../lib/config/table.js';
import { collect } from './common.js';

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
