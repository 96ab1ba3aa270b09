/**
 * Cold-start configuration for the Lambda handlers: the lib's parsers validate the settings;
 * this module makes their messages name the environment variable to fix, and reads the few
 * settings that belong to the handlers themselves (endpoint, deadline margin).
 */
import { checkEndpointTransport, envFormProblems, parseEndpoint } from '../../lib/config/common.js';
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
  /** Variables the function refuses to read, with the reason (set, they fail the cold start). */
  refused?: Readonly<Record<string, string>>;
}

/** Variables every handler reads itself, besides its job's (see createRuntime). */
export const HANDLER_VARIABLES: readonly string[] = [
  'ENDPOINT_URL',
  'ALLOW_INSECURE_ENDPOINT',
  'DEADLINE_MARGIN_SECONDS',
  'MAX_ATTEMPTS',
  'REQUEST_TIMEOUT_SECONDS',
];

/** Variables the audit handler reads itself, beyond its job's config: where the fleet report goes. */
export const AUDIT_HANDLER_VARIABLES: readonly string[] = ['REPORT_BUCKET'];

/**
 * Every variable some function of the project reads (test/functions checks this against the
 * parsers' lists). serverless.yml sets some for every function (REGIONS, DR_REGIONS,
 * EVENT_BUS_NAME, ...), so one function meeting another's variable is normal, never a typo.
 */
export const PROJECT_VARIABLES: ReadonlySet<string> = new Set([
  ...HANDLER_VARIABLES,
  // prune
  'REGIONS',
  'CLUSTER_ID',
  'OLDER_THAN',
  'TIMESTAMP',
  'TIMEZONE',
  'KEEP_LAST',
  'MAX_DELETIONS',
  'COPY_RETENTION_DAYS',
  'DUPLICATE_COPIES',
  'HOLD_TAG',
  'PRUNE_EXECUTE',
  'DRY_RUN',
  'CONCURRENCY',
  'EVENT_BUS_NAME',
  'EVENT_SOURCE',
  'EVENT_REGION',
  // copy
  'SOURCE_REGIONS',
  'DR_REGIONS',
  'COPY_SINCE',
  // audit
  'PUBLISH',
  'FAIL_ON',
  'FRESHNESS_GRACE_HOURS',
  'DR_RPO_HOURS',
  'SECURITY_HUB',
  ...AUDIT_HANDLER_VARIABLES,
]);

/**
 * Set by Lambda, its runtime or the tools around it: never one of ours, never judged. Names
 * are matched case-insensitively, so npm's lower-case variables fall under `NPM_` here.
 */
const PLATFORM_PREFIXES = ['AWS_', 'LAMBDA_', '_', 'POWERTOOLS_', 'NODE_', 'NPM_', 'VITEST', 'OTEL_'];
const PLATFORM_NAMES = new Set(['TZ', 'LANG', 'LC_ALL', 'PATH', 'LD_LIBRARY_PATH', 'HOME', 'PWD', 'SHLVL']);

function isPlatform(upper: string): boolean {
  return PLATFORM_NAMES.has(upper) || PLATFORM_PREFIXES.some((prefix) => upper.startsWith(prefix));
}

/** Levenshtein distance: how many one-character edits turn `a` into `b`. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** How close a name is to one the function reads: 0 same letters, 1 an affix away, else edits. */
function closeness(upper: string, own: string): number {
  if (upper === own) return 0;
  if (upper.endsWith(`_${own}`) || upper.startsWith(`${own}_`)) return 1;
  return editDistance(upper, own);
}

/** The variable `name` was probably meant to be, or undefined when it looks like none of `own`. */
function meant(name: string, own: readonly string[]): string | undefined {
  const upper = name.toUpperCase();
  if (isPlatform(upper)) return undefined;
  const families = new Set(own.map((variable) => variable.split('_')[0]!));
  const family = families.has(upper.split('_')[0]!);
  let best: { name: string; distance: number } | undefined;
  for (const variable of own) {
    const distance = closeness(upper, variable);
    if (!best || distance < best.distance) best = { name: variable, distance };
  }
  if (!best) return undefined;
  const near = best.distance <= (best.name.length >= 8 ? 2 : 1);
  return near || family ? best.name : undefined;
}

/** The handler's own variables read alike in every job: set but blank is refused. */
export function checkHandlerForm(env: Env, functionName: string): void {
  const problems = envFormProblems(env, { variables: HANDLER_VARIABLES });
  if (problems.length > 0) {
    throw new ConfigurationError(
      `${functionName}: invalid configuration in the function's environment: ${problems.join('; ')}`,
    );
  }
}

/**
 * Fails the cold start on a variable that looks like one the function reads but is not:
 * `CLUSTER_IDS` (a plural typo) would otherwise leave CLUSTER_ID unset and prune every
 * cluster, `MAX_DELETION` or `KEEPLAST` fall back to defaults. A name is suspect when it shares
 * the first word of one of the function's variables (`CLUSTER_`, `PRUNE_`, ...) or is a
 * couple of edits from one; the message names the variable that was probably meant. Names the
 * platform sets, and variables another function of the project reads, are never suspect.
 */
export function checkVariableNames(
  env: Env,
  spec: Pick<ConfigSpec, 'variables' | 'refused'>,
  functionName: string,
): void {
  const own = [...new Set([...spec.variables, ...HANDLER_VARIABLES])];
  const ownSet = new Set(own);
  const problems: string[] = [];
  for (const name of Object.keys(env).sort()) {
    if (env[name] === undefined || ownSet.has(name)) continue;
    const refusal = spec.refused?.[name];
    if (refusal) {
      problems.push(`${name} is not read by this function: ${refusal}`);
      continue;
    }
    if (PROJECT_VARIABLES.has(name)) continue;
    const guess = meant(name, own);
    if (!guess) continue;
    const caseOnly = guess === name.toUpperCase() ? ' (names are case-sensitive)' : '';
    problems.push(
      `${name} is not a variable this function reads: did you mean ${guess}?${caseOnly} ` +
        '(rename or remove it: an unread setting would be silently ignored)',
    );
  }
  if (problems.length > 0) {
    throw new ConfigurationError(
      `${functionName}: invalid configuration in the function's environment: ${problems.join('; ')}`,
    );
  }
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
    const unnamedRequired = unsetRequired.filter((name) => !issue.includes(name));
    return unnamedRequired.length > 0 ? `${issue} (set ${unnamedRequired.join(', ')})` : issue;
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
 * `ENDPOINT_URL`: the sandbox (one URL for every service and region); absent means AWS's own endpoints. Plain
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
