/**
 * Cold-start configuration for the Lambda handlers: the lib's parsers validate the settings;
 * this module makes their messages name the environment variable to fix, and reads the few
 * settings that belong to the handlers themselves (endpoint, deadline margin).
 */
import { checkEndpointTransport, parseEndpoint } from '../../lib/config/common.js';
import { UsageError } from '../../lib/errors.js';

/** The process environment, or a stand-in in tests. */
export type Env = Record<string, string | undefined>;

/** A function's environment is invalid; thrown at module load so the function fails to initialise. */
export class ConfigurationError extends UsageError {
  override name = 'ConfigurationError';
}

/** What a handler reads from its environment, for messages. */
export interface ConfigSpec {
  /** `cloudhsm-ops-audit`, ... */
  functionName: string;
  /** Every variable the parser reads. */
  variables: readonly string[];
  /** Variables without which the parser cannot succeed (named when a problem has no culprit). */
  required?: readonly string[];
}

const ISSUE_SEPARATOR = '; ';

function issuesOf(error: UsageError): string[] {
  return error.message.split(ISSUE_SEPARATOR).filter(Boolean);
}

/** The parser's issues with `env` as given, or none when it accepts it. */
function issuesWith<T>(parse: (env: Env) => T, env: Env): string[] {
  try {
    parse(env);
    return [];
  } catch (error) {
    if (error instanceof UsageError) return issuesOf(error);
    throw error;
  }
}

/**
 * Names the variable behind each issue. The lib's parsers speak of settings ("freshness grace
 * hours", "DR region"), not variables; an issue that goes away when one variable is removed
 * belongs to that variable. Issues nobody owns (a required value missing) get the unset
 * required variables instead.
 */
export function explainConfigError<T>(
  parse: (env: Env) => T,
  env: Env,
  error: UsageError,
  spec: ConfigSpec,
): string {
  const issues = issuesOf(error);
  const owners = new Map<string, string[]>();
  for (const name of spec.variables) {
    if (env[name] === undefined) continue;
    const { [name]: _removed, ...without } = env;
    const remaining = new Set(issuesWith(parse, without));
    for (const issue of issues) {
      if (!remaining.has(issue)) owners.set(issue, [...(owners.get(issue) ?? []), name]);
    }
  }
  const unsetRequired = (spec.required ?? []).filter((name) => !env[name]?.trim());
  const explained = issues.map((issue) => {
    const names = owners.get(issue);
    if (names) {
      const unnamed = names.filter((name) => !issue.includes(name));
      if (unnamed.length === 0) return issue;
      return `${unnamed.map((name) => `${name}=${JSON.stringify(env[name])}`).join(', ')}: ${issue}`;
    }
    return unsetRequired.length > 0 ? `${issue} (set ${unsetRequired.join(', ')})` : issue;
  });
  return (
    `${spec.functionName}: invalid configuration in the function's environment: ` +
    `${explained.join(ISSUE_SEPARATOR)}`
  );
}

/**
 * Parses the job's configuration from `env`; a bad value becomes a {@link ConfigurationError}
 * whose message names the variable. Call it at module scope so a bad deployment fails at
 * initialisation, before any AWS call.
 */
export function loadConfig<T>(parse: (env: Env) => T, env: Env, spec: ConfigSpec): T {
  try {
    return parse(env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    throw new ConfigurationError(explainConfigError(parse, env, error, spec), { cause: error });
  }
}

/**
 * `ENDPOINT_URL`: the sandbox, or a VPC endpoint; absent means AWS's own endpoints. Plain
 * http to a host that is not loopback would send the role's credentials in cleartext: it
 * needs `ALLOW_INSECURE_ENDPOINT=true`.
 */
export function endpointFromEnv(env: Env, functionName: string): string | undefined {
  const value = env.ENDPOINT_URL?.trim();
  const allow = env.ALLOW_INSECURE_ENDPOINT?.trim();
  if (allow && allow !== 'true' && allow !== 'false') {
    throw new ConfigurationError(
      `${functionName}: invalid configuration in the function's environment: ` +
        `ALLOW_INSECURE_ENDPOINT=${JSON.stringify(allow)}: must be "true" or "false"`,
    );
  }
  if (!value) return undefined;
  try {
    const endpoint = parseEndpoint(value);
    checkEndpointTransport(endpoint, allow === 'true', 'ALLOW_INSECURE_ENDPOINT=true');
    return endpoint;
  } catch (error) {
    throw new ConfigurationError(
      `${functionName}: invalid configuration in the function's environment: ENDPOINT_URL=${JSON.stringify(value)}: ` +
        (error instanceof Error ? error.message : String(error)),
      { cause: error },
    );
  }
}

const MAX_MARGIN_SECONDS = 600;

/**
 * `DEADLINE_MARGIN_SECONDS`: stop starting new work when less than this is left before the
 * Lambda timeout (time to finish the calls in flight, publish and report).
 */
export function deadlineMarginFromEnv(env: Env, functionName: string, fallbackSeconds: number): number {
  const value = env.DEADLINE_MARGIN_SECONDS?.trim();
  if (!value) return fallbackSeconds * 1000;
  const seconds = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!(seconds >= 1 && seconds <= MAX_MARGIN_SECONDS)) {
    throw new ConfigurationError(
      `${functionName}: invalid configuration in the function's environment: ` +
        `DEADLINE_MARGIN_SECONDS=${JSON.stringify(value)}: must be a whole number of seconds from 1 to ${MAX_MARGIN_SECONDS}`,
    );
  }
  return seconds * 1000;
}

const MAX_ATTEMPTS_LIMIT = 20;

/** `MAX_ATTEMPTS`: attempts per AWS call, the first included (default: the clients' own). */
export function maxAttemptsFromEnv(env: Env, functionName: string): number | undefined {
  const value = env.MAX_ATTEMPTS?.trim();
  if (!value) return undefined;
  const attempts = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!(attempts >= 1 && attempts <= MAX_ATTEMPTS_LIMIT)) {
    throw new ConfigurationError(
      `${functionName}: invalid configuration in the function's environment: ` +
        `MAX_ATTEMPTS=${JSON.stringify(value)}: must be a whole number from 1 to ${MAX_ATTEMPTS_LIMIT}`,
    );
  }
  return attempts;
}

/** Longest REQUEST_TIMEOUT_SECONDS: Lambda's own maximum run time. */
const MAX_REQUEST_TIMEOUT_SECONDS = 900;

/**
 * `REQUEST_TIMEOUT_SECONDS`: how long one attempt of an AWS call may go without an answer
 * (default: the clients' own, 30 s). Without a bound a hung endpoint burns the whole timeout.
 */
export function requestTimeoutFromEnv(env: Env, functionName: string): number | undefined {
  const value = env.REQUEST_TIMEOUT_SECONDS?.trim();
  if (!value) return undefined;
  const seconds = /^\d+(\.\d+)?$/.test(value) ? Number(value) : Number.NaN;
  if (!(seconds > 0 && seconds <= MAX_REQUEST_TIMEOUT_SECONDS)) {
    throw new ConfigurationError(
      `${functionName}: invalid configuration in the function's environment: ` +
        `REQUEST_TIMEOUT_SECONDS=${JSON.stringify(value)}: must be a number of seconds above 0 and at most ${MAX_REQUEST_TIMEOUT_SECONDS}`,
    );
  }
  return Math.max(1, Math.round(seconds * 1000));
}
