/**
 * A job's settings, defined once: a table of fields `{name, flag, env, default, parse, doc}`.
 * The CLI's options (cli/settings.ts), the Lambda's environment reader ({@link inputFromEnv}),
 * the names in messages ({@link namesOf}) and the help lines ({@link fieldHelp}) are all
 * derived from it, so a setting cannot mean one thing as a flag and another as a variable.
 */
import { UsageError } from '../errors.js';

/** One setting of a job. */
export interface Field<T> {
  /** The setting in the library's words ("keep last"): what messages say when no front end translates. */
  name: string;
  /** The CLI option, without its argument (`--keep-last`); absent: no flag. */
  flag?: string;
  /** The option's argument (`<n>`); absent: a switch, `true` when given. */
  arg?: string;
  /** The flag may be repeated (or given a comma list); the values are joined with commas. */
  repeatable?: boolean;
  /** The Lambda variable (`KEEP_LAST`); absent: the setting has no environment form. */
  env?: string;
  /** The value used when the setting is not given, as text (parsed like a given one, shown in help). */
  default?: string;
  /** One line for `--help` and the docs. */
  doc: string;
  /** Text to the final type; throws a {@link UsageError} naming `what` (the flag, variable or setting). */
  parse: (text: string, what: string) => T;
}

/** A job's fields by setting key. */
export type Table = Record<string, Field<unknown>>;

/** The settings as they arrive: plain strings by key (flags joined with commas, or variables). */
export type Input<T extends Table> = { [K in keyof T]?: string };

/** The parsed settings: each field's final type, absent when not given and without a default. */
export type Values<T extends Table> = { [K in keyof T]: T[K] extends Field<infer V> ? V | undefined : never };

/** What messages call each setting. */
export type Names<T extends Table> = Record<keyof T, string>;

/** Which words messages use: the library's (`name`), the CLI's (`flag`) or the Lambda's (`env`). */
export type Speaker = 'name' | 'flag' | 'env';

/** The table itself, typed: each field's parser decides its value's type. */
export function defineTable<T extends Table>(table: T): T {
  return table;
}

/** The same fields without their variables: for a job that has no Lambda (restore). */
export function withoutEnv<T extends Table>(table: T): T {
  return Object.fromEntries(Object.entries(table).map(([key, { env: _env, ...field }]) => [key, field])) as T;
}

/** What messages call each field in `speaker`'s words; a field without that form keeps its name. */
export function namesOf<T extends Table>(table: T, speaker: Speaker): Names<T> {
  const names = {} as Names<T>;
  for (const key of Object.keys(table) as (keyof T)[]) {
    const field = table[key]!;
    names[key] = (speaker === 'flag' ? field.flag : speaker === 'env' ? field.env : undefined) ?? field.name;
  }
  return names;
}

/** The variable of each field that has one, by setting key. */
export function envNamesOf(table: Table): Record<string, string> {
  return Object.fromEntries(
    Object.entries(table).flatMap(([key, field]) => (field.env ? [[key, field.env]] : [])),
  );
}

/** Each field with a variable, read from `env` (unset variables stay absent). */
export function inputFromEnv<T extends Table>(table: T, env: Record<string, string | undefined>): Input<T> {
  const input: Input<T> = {};
  for (const key of Object.keys(table) as (keyof T)[]) {
    const variable = table[key]!.env;
    if (variable !== undefined && env[variable] !== undefined) input[key] = env[variable];
  }
  return input;
}

/** True when a text setting was given a value (blank is "not given": the front ends refuse blanks first). */
export function given(value: string | undefined): value is string {
  return value !== undefined && value.trim() !== '';
}

/** Collects every problem instead of stopping at the first, so one run names them all. */
export class Problems {
  readonly messages: string[] = [];

  /** Runs `read`, keeping its UsageError message; returns undefined when it failed. */
  attempt<T>(read: () => T): T | undefined {
    try {
      return read();
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      this.messages.push(error.message);
      return undefined;
    }
  }

  add(message: string): void {
    this.messages.push(message);
  }

  /** Throws one UsageError naming every problem, if any. */
  throwIfAny(): void {
    if (this.messages.length > 0) throw new UsageError(this.messages.join('; '));
  }
}

/**
 * Parses every field of `input` (or its default) straight to its final type, collecting the
 * problems. Keys the table does not know are refused: a typo in a caller must not be ignored.
 */
export function readFields<T extends Table>(
  table: T,
  input: Input<T>,
  names: Names<T>,
  problems: Problems,
  job: string,
): Values<T> {
  const unknown = Object.keys(input).filter((key) => !Object.hasOwn(table, key));
  if (unknown.length > 0) throw new UsageError(`unknown ${job} setting(s): ${unknown.join(', ')}`);
  const values = {} as Values<T>;
  for (const key of Object.keys(table) as (keyof T & string)[]) {
    const field = table[key]!;
    const raw = input[key];
    const text = given(raw) ? raw : field.default;
    values[key] = (
      text === undefined ? undefined : problems.attempt(() => field.parse(text, names[key]))
    ) as Values<T>[typeof key];
  }
  return values;
}

/**
 * A field's help line: its doc, its default and its Lambda variable, so `--help` shows how to
 * set each setting both ways (test/config checks every table field appears in `--help`).
 */
export function fieldHelp(field: Field<unknown>): string {
  const notes = [
    ...(field.default !== undefined ? [`default: ${field.default}`] : []),
    ...(field.env ? [`Lambda: ${field.env}`] : []),
  ];
  return notes.length > 0 ? `${field.doc} (${notes.join('; ')})` : field.doc;
}
