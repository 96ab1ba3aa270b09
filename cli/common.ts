import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { DateTime } from 'luxon';
import type { AwsClients } from '../lib/aws/clients.js';
import {
  checkEndpointTransport,
  DEFAULT_MAX_ATTEMPTS,
  isLoopbackUrl,
  parseEndpoint,
  parseRegion,
} from '../lib/config/common.js';
import { attempts, bool, DEFAULT_REQUEST_TIMEOUT_SECONDS, requestTimeout } from '../lib/config/fields.js';
import { describeError, UsageError } from '../lib/errors.js';
import { type Colors, colorsFor } from '../lib/text/color.js';

/** Exit codes, the CLI's contract: 0 done, 1 an operation failed or --fail-on tripped, 2 bad input. */
export const EXIT = { OK: 0, FAILED: 1, USAGE: 2 } as const;

/** Options every command takes. */
export interface CommonOptions {
  endpoint?: string;
  json?: boolean;
  maxAttempts?: string;
  /** Seconds one attempt of an AWS call may go without an answer. */
  timeout?: string;
  /** Plain http to a host that is not this machine is accepted (see {@link checkEndpointTransport}). */
  allowInsecureEndpoint?: boolean;
  /** A named profile of ~/.aws/config and ~/.aws/credentials (like AWS_PROFILE). */
  profile?: string;
}

/** Adds `--endpoint`, `--json`, `--max-attempts` and `--timeout` to a command. */
export function withCommonOptions(command: Command): Command {
  return command
    .addOption(
      new Option(
        '--endpoint <url>',
        'send every AWS call, to every service in every region, to this one URL: for the local sandbox or ' +
          'another emulator of all four services (not a VPC endpoint: those are per service and region, and ' +
          'with private DNS the standard endpoints already reach them)',
      ).env('CLOUDHSM_OPS_ENDPOINT'),
    )
    .option('--json', 'machine-readable output on stdout; logs go to stderr')
    .option(
      '--profile <name>',
      'use this named profile of ~/.aws/config and ~/.aws/credentials (like AWS_PROFILE)',
    )
    .option(
      '--max-attempts <n>',
      'attempts per AWS call, retries included (throttling backs off); entries that EventBridge or Security ' +
        'Hub refuse inside an answered call are sent again in later calls, up to 5 times',
      String(DEFAULT_MAX_ATTEMPTS),
    )
    .option(
      '--timeout <seconds>',
      'give up on an attempt of an AWS call that gets no answer for this long (retried like a 5xx); ' +
        'connecting may take at most 5 s',
      String(DEFAULT_REQUEST_TIMEOUT_SECONDS),
    )
    .option(
      '--allow-insecure-endpoint',
      'accept a plain http:// --endpoint that is not this machine (credentials would travel in cleartext; ' +
        'also CLOUDHSM_OPS_ALLOW_INSECURE_ENDPOINT=true)',
    );
}

/** `CLOUDHSM_OPS_ALLOW_INSECURE_ENDPOINT`: exactly `true` or `false` (or unset), never a guess. */
function insecureEndpointAllowed(options: CommonOptions): boolean {
  if (options.allowInsecureEndpoint) return true;
  const value = process.env.CLOUDHSM_OPS_ALLOW_INSECURE_ENDPOINT;
  return value?.trim() ? bool(value, 'CLOUDHSM_OPS_ALLOW_INSECURE_ENDPOINT') : false;
}

/** `--timeout <seconds>` in milliseconds: a positive number, decimals allowed (`0.5`). */
export function timeoutFrom(value: string | undefined): number {
  return requestTimeout(value ?? String(DEFAULT_REQUEST_TIMEOUT_SECONDS), '--timeout');
}

/**
 * Collects a repeatable option into a list (`--region a --region b`, or `--region a,b`). A comma
 * list is read as the Lambda environment reads it (lib/config/common.ts envFormProblems): no
 * white space around an entry, so one form works in both (there it also feeds IAM conditions).
 */
export function collect(value: string, previous: string[] = []): string[] {
  const items = value.split(',');
  // A blank value is a script's unset variable, not "not given": never let it widen a run.
  if (items.every((item) => item.trim() === '')) throw new InvalidArgumentError('the value is empty');
  if (items.some((item) => item.trim() === ''))
    throw new InvalidArgumentError(`"${value}" has an empty entry`);
  if (items.some((item) => item !== item.trim())) {
    throw new InvalidArgumentError(
      `"${value}" contains white space: lists are comma-separated without spaces, e.g. us-east-1,us-west-2, ` +
        'or repeat the option',
    );
  }
  return [...previous, ...items];
}

/**
 * Refuses a blank value for any option that takes one (`--cluster-id "$UNSET"`): read as "not
 * given" it would widen the run (every cluster, the default region). Throws {@link UsageError}.
 */
export function refuseBlankValues(command: Command): void {
  const options = command.opts<Record<string, unknown>>();
  for (const option of command.options) {
    const value = options[option.attributeName()];
    if (typeof value === 'string' && value.trim() === '') {
      throw new UsageError(`${option.long ?? option.flags} is empty: give a value, or leave the option out`);
    }
  }
}

/** Adds `--now`, the testing aid every command that judges time takes. */
export function withNowOption(command: Command): Command {
  return command.option(
    '--now <time>',
    'judge as of this ISO 8601 time instead of the clock; only against a loopback sandbox --endpoint ' +
      '(one with a virtual clock), refused anywhere else',
  );
}

/**
 * The run's instant: the clock, or `--now`. `--now` moves every cutoff and window, so against
 * real AWS it would get around guardrails such as the refusal of a future prune cutoff: it is
 * accepted only with a loopback endpoint (the sandbox). A time without an offset is UTC.
 */
export function nowFrom(options: { now?: string; endpoint?: string }, expected = 'time'): DateTime {
  const text = options.now;
  if (text === undefined) return DateTime.utc();
  const now = DateTime.fromISO(text.trim(), { zone: 'utc' });
  if (!now.isValid) {
    throw new UsageError(`--now "${text}" is not an ISO 8601 ${expected} (e.g. 2026-11-29T12:00:00Z)`);
  }
  if (!isLoopbackUrl(options.endpoint)) {
    throw new UsageError(
      '--now is a testing aid for the local sandbox: it needs --endpoint (or CLOUDHSM_OPS_ENDPOINT) ' +
        'pointing at a loopback address such as http://127.0.0.1:4566',
    );
  }
  return now.toUTC();
}

/**
 * A clock that starts at `start` and moves with real elapsed time, so a run given `--now`
 * (claims, waits, deadlines) stays consistent with the instant it was given.
 */
export function clockFrom(start: DateTime): () => Date {
  const began = performance.now();
  const origin = start.toMillis();
  return () => new Date(origin + (performance.now() - began));
}

/**
 * Builds the region-scoped clients a command uses from its common options. The SDK is
 * imported here, not at the top, so `--help` and bad-input errors never load it.
 */
export async function clientsFrom(options: CommonOptions): Promise<AwsClients> {
  const endpoint = options.endpoint ? parseEndpoint(options.endpoint) : undefined;
  if (endpoint) checkEndpointTransport(endpoint, insecureEndpointAllowed(options));
  const maxAttempts = attempts(options.maxAttempts ?? String(DEFAULT_MAX_ATTEMPTS), '--max-attempts');
  const requestTimeoutMs = timeoutFrom(options.timeout);
  const { AwsClients } = await import('../lib/aws/clients.js');
  return new AwsClients({
    endpoint,
    maxAttempts,
    requestTimeoutMs,
    ...(options.profile ? { profile: options.profile.trim() } : {}),
  });
}

/** The regions a command works on: flags first, then AWS_REGION / AWS_DEFAULT_REGION. */
export function regionsFrom(flags: string[] | undefined): string[] {
  if (flags?.length) return flags.map((r) => parseRegion(r, '--region value'));
  const fallback = process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  if (fallback) return [parseRegion(fallback, 'AWS_REGION')];
  throw new UsageError('no region given: pass --region (or set AWS_REGION)');
}

/**
 * Where output goes: the report for people on stdout, or under `--json` exactly one JSON
 * document on stdout; warnings and errors on stderr either way.
 */
export class Output {
  constructor(readonly json: boolean) {}

  /** Colours for what `say` writes: none unless that stream is a terminal (or FORCE_COLOR). */
  readonly colors: Colors = colorsFor(process.stdout, process.env);

  /**
   * A line for people, on stdout. Under --json nothing: stdout carries only the JSON document
   * and stderr only logs (warnings and errors), so the report is not written twice.
   */
  say(line = ''): void {
    if (!this.json) process.stdout.write(`${line}\n`);
  }

  /** A warning or error line, always on stderr. */
  warn(line: string): void {
    process.stderr.write(`${line}\n`);
  }

  private documented = false;

  /** The machine document (only under --json). */
  document(value: unknown): void {
    if (!this.json) return;
    process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
    this.documented = true;
  }

  /**
   * Under --json, the error as the run's one JSON document (unless one was written already),
   * so a script reading stdout always gets JSON.
   */
  errorDocument(kind: 'usage' | 'failed', message: string, exitCode: number): void {
    if (!this.documented) this.document(jsonError(kind, message, exitCode));
  }

  /** True when stderr is a terminal, so progress bars make sense. */
  get interactive(): boolean {
    return Boolean(process.stderr.isTTY) && !process.env.CI;
  }
}

/**
 * Wraps a command's action: bad input → exit 2 with the message, any other error →
 * exit 1, otherwise the exit code the action returns.
 */
export function action<O extends CommonOptions>(run: (options: O, out: Output) => Promise<number>) {
  return async (...args: unknown[]): Promise<void> => {
    const command = args[args.length - 1] as Command;
    const options = command.opts<O>();
    const out = new Output(Boolean(options.json));
    try {
      refuseBlankValues(command);
      process.exitCode = await run(options, out);
    } catch (error) {
      if (error instanceof UsageError) {
        out.warn(`error: ${error.message}`);
        out.warn(`(nothing was changed; see: cloudhsm-ops ${command.name()} --help)`);
        out.errorDocument('usage', error.message, EXIT.USAGE);
        process.exitCode = EXIT.USAGE;
      } else {
        out.warn(`error: ${describeError(error)}`);
        if (process.env.CLOUDHSM_OPS_DEBUG && error instanceof Error) out.warn(error.stack ?? '');
        out.errorDocument('failed', describeError(error), EXIT.FAILED);
        process.exitCode = EXIT.FAILED;
      }
    }
  };
}

/** The `--json` document of a run that ended in an error. */
export function jsonError(kind: 'usage' | 'failed', message: string, exitCode: number) {
  return { error: { kind, message }, exitCode };
}

/** Help text appended to a command: examples a user can copy. */
export function examples(lines: string[]): string {
  return `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`;
}

/** A file the command will write that cannot be written is bad input, found before any AWS call. */
export async function refuseUnwritable(flag: string, file: string): Promise<void> {
  const found = await stat(file).catch(() => undefined);
  if (found?.isDirectory()) throw new UsageError(`${flag}: ${file} is a folder: give a file name`);
  const folder = dirname(file);
  const where = await stat(folder).catch(() => undefined);
  if (!where?.isDirectory())
    throw new UsageError(`${flag}: cannot write ${file}: the folder ${folder} does not exist`);
  try {
    await access(found ? file : folder, constants.W_OK);
  } catch {
    throw new UsageError(`${flag}: cannot write ${file}: permission denied`);
  }
}
