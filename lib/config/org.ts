/**
 * Organization scale settings: which accounts a job covers and how the hub reaches into them.
 * One table ({@link ORG_SETTINGS}) from which the CLI's options (`audit`, `copy`, `prune`,
 * `inventory`), the Lambdas' environment reader ({@link orgConfigFromEnv}) and the help lines
 * are derived, so `--accounts` and ACCOUNTS cannot mean two things.
 *
 * `--ou` and `--exclude-accounts` narrow a scope; they never make one. A run over several
 * accounts starts only when `--accounts` or `--organization` asks for it: an option that reads
 * like a filter must not widen a prune from one account to an organization.
 */
import { UsageError } from '../errors.js';
import { ACCESS_PATTERNS, type AccountScope, DEFAULT_MEMBER_ROLE, type MemberAccess } from '../org/types.js';
import { checkEnvForm } from './common.js';
import { bool, count, splitList } from './fields.js';
import { envFormOf } from './shared.js';
import {
  defineTable,
  type Field,
  given,
  type Input,
  inputFromEnv,
  type Names,
  namesOf,
  Problems,
  readFields,
} from './table.js';

/** Units in flight at once by default: enough to hide one account's latency, few enough for one machine. */
export const DEFAULT_MAX_UNITS = 8;
/** The most units in flight at once. */
export const MAX_UNITS = 100;

/** An OU id as Organizations writes it: `ou-` root part (4–32) `-` OU part (8–32), lower case. */
const OU_ID = /^ou-[0-9a-z]{4,32}-[0-9a-z]{8,32}$/;

/** A comma list of account ids, each 12 digits and named once. */
export function accountIds(value: string, what: string): string[] {
  const ids = splitList(value);
  const seen = new Set<string>();
  for (const id of ids) {
    if (!ACCESS_PATTERNS.accountId.test(id)) {
      throw new UsageError(`${what} "${id}" is not an account id (12 digits, e.g. 111111111111)`);
    }
    if (seen.has(id)) throw new UsageError(`${what} ${id} is given more than once`);
    seen.add(id);
  }
  return ids;
}

/** One OU id (`ou-ab12-cdef3456`). */
export function ouId(value: string, what: string): string {
  const id = value.trim();
  if (!OU_ID.test(id)) throw new UsageError(`${what} "${value}" is not an OU id (e.g. ou-ab12-cdef3456)`);
  return id;
}

/** An IAM role name (no path). */
export function roleName(value: string, what: string): string {
  const name = value.trim();
  if (!ACCESS_PATTERNS.roleName.test(name)) {
    throw new UsageError(
      `${what} "${value}" is not a valid IAM role name (1 to 64 letters, digits and +=,.@_-)`,
    );
  }
  return name;
}

/** An sts:ExternalId; the value itself is not echoed (it is a shared secret of sorts). */
export function externalId(value: string, what: string): string {
  const id = value.trim();
  if (!ACCESS_PATTERNS.externalId.test(id)) {
    throw new UsageError(`${what} is not valid (2 to 1224 characters of letters, digits and +=,.@:/_-)`);
  }
  return id;
}

/** Every organization setting: flag, variable, default, parser and help line. */
export const ORG_SETTINGS = defineTable({
  accounts: {
    name: 'accounts',
    flag: '--accounts',
    arg: '<ids>',
    repeatable: true,
    env: 'ACCOUNTS',
    doc: 'run in these accounts (12-digit ids, comma-separated or repeated) instead of only your own',
    parse: accountIds,
  } satisfies Field<string[]>,
  organization: {
    name: 'organization',
    flag: '--organization',
    env: 'ORGANIZATION',
    doc: 'run in every ACTIVE account of your AWS Organization (Organizations ListAccounts)',
    parse: bool,
  } satisfies Field<boolean>,
  ou: {
    name: 'OU',
    flag: '--ou',
    arg: '<ou-id>',
    env: 'ORGANIZATION_OU',
    doc: 'with --organization: only the accounts under this OU, its child OUs included',
    parse: ouId,
  } satisfies Field<string>,
  excludeAccounts: {
    name: 'excluded accounts',
    flag: '--exclude-accounts',
    arg: '<ids>',
    repeatable: true,
    env: 'EXCLUDE_ACCOUNTS',
    doc: 'with --accounts or --organization: leave these accounts out',
    parse: accountIds,
  } satisfies Field<string[]>,
  roleName: {
    name: 'member role name',
    flag: '--role-name',
    arg: '<name>',
    env: 'MEMBER_ROLE_NAME',
    default: DEFAULT_MEMBER_ROLE,
    doc: 'the role assumed in each member account (not in your own account, which needs none)',
    parse: roleName,
  } satisfies Field<string>,
  externalId: {
    name: 'external id',
    flag: '--external-id',
    arg: '<id>',
    env: 'EXTERNAL_ID',
    doc: "sent as sts:ExternalId when assuming the member role (the role's trust policy checks it)",
    parse: externalId,
  } satisfies Field<string>,
  maxUnits: {
    name: 'max units',
    flag: '--max-units',
    arg: '<n>',
    env: 'MAX_UNITS',
    default: String(DEFAULT_MAX_UNITS),
    doc:
      'units (one account and region each) in flight at once across the whole run; one (account, region) never ' +
      'runs two at once, and within a unit the job paces its calls as it does without these options',
    parse: count({ min: 1, max: MAX_UNITS }),
  } satisfies Field<number>,
});

/** The settings as strings, the way flags and variables arrive. */
export type OrgConfigInput = Input<typeof ORG_SETTINGS>;
/** What messages call each setting. */
export type OrgNames = Names<typeof ORG_SETTINGS>;
/** The library's words. */
export const ORG_SETTING_NAMES: OrgNames = namesOf(ORG_SETTINGS, 'name');
/** The CLI's flags. */
export const ORG_FLAG_NAMES: OrgNames = namesOf(ORG_SETTINGS, 'flag');
/** The Lambda's variables. */
export const ORG_ENV_NAMES: OrgNames = namesOf(ORG_SETTINGS, 'env');

/** Which accounts, how to reach them, and how many units at once. */
export interface OrgConfig {
  scope: AccountScope;
  access: MemberAccess;
  /** Units in flight at once across the run. */
  maxUnits: number;
}

/** True when the settings ask for more than the caller's own account. */
export function isOrgRun(config: OrgConfig): boolean {
  return config.scope.kind !== 'self';
}

/** The scope the settings name, or a problem for each contradiction. */
function scopeOf(
  value: { accounts?: string[]; organization?: boolean; ou?: string; excludeAccounts?: string[] },
  names: OrgNames,
  problems: Problems,
): AccountScope {
  const exclude = value.excludeAccounts ?? [];
  if (value.accounts && value.organization) {
    problems.add(
      `${names.accounts} and ${names.organization} cannot be combined (give the list, or the organization)`,
    );
  }
  if (value.ou !== undefined && !value.organization) {
    problems.add(`${names.ou} needs ${names.organization} (it narrows the organization to an OU subtree)`);
  }
  if (value.excludeAccounts && !value.accounts && !value.organization) {
    problems.add(`${names.excludeAccounts} needs ${names.accounts} or ${names.organization}`);
  }
  if (value.organization) return { kind: 'organization', ...(value.ou ? { ou: value.ou } : {}), exclude };
  if (value.accounts) return { kind: 'list', accounts: value.accounts, exclude };
  return { kind: 'self' };
}

/**
 * Validates the organization settings given as strings (flags or variables); every problem is
 * collected into one {@link UsageError}: the CLI exits 2 with it before any client exists.
 */
export function parseOrgConfig(input: OrgConfigInput, names: OrgNames = ORG_SETTING_NAMES): OrgConfig {
  const problems = new Problems();
  const value = readFields(ORG_SETTINGS, input, names, problems, 'organization');
  const scope = scopeOf(value, names, problems);
  problems.throwIfAny();
  return {
    scope,
    access: { roleName: value.roleName!, ...(value.externalId ? { externalId: value.externalId } : {}) },
    maxUnits: value.maxUnits!,
  };
}

/**
 * The member-access settings given without `--accounts` or `--organization`, each named with
 * what it needs: the CLI refuses them (a person who typed them believes they took effect). The
 * dispatch Lambda's environment sets MEMBER_ROLE_NAME whatever its scope, so it does not ask.
 */
export function accessWithoutScope(input: OrgConfigInput, config: OrgConfig, names: OrgNames): string[] {
  if (isOrgRun(config)) return [];
  return (['roleName', 'externalId', 'maxUnits'] as const)
    .filter((key) => given(input[key]))
    .map((key) => `${names[key]} needs ${names.accounts} or ${names.organization}`);
}

/** How the variables are written: ACCOUNTS and EXCLUDE_ACCOUNTS lists, ORGANIZATION a boolean. */
const ORG_ENV_FORM = envFormOf(ORG_SETTINGS);

/** The variables the organization settings read. */
export const ORG_LAMBDA_VARIABLES: readonly string[] = ORG_ENV_FORM.variables;

/**
 * The organization settings from environment variables (the dispatch Lambda's way): ACCOUNTS,
 * ORGANIZATION, ORGANIZATION_OU, EXCLUDE_ACCOUNTS, MEMBER_ROLE_NAME, EXTERNAL_ID, MAX_UNITS.
 * A set-but-blank variable is refused, as for every job.
 */
export function orgConfigFromEnv(env: Record<string, string | undefined> = process.env): OrgConfig {
  checkEnvForm(env, ORG_ENV_FORM);
  const input = inputFromEnv(ORG_SETTINGS, env);
  for (const key of Object.keys(input) as (keyof OrgConfigInput)[]) {
    if (!given(input[key])) delete input[key];
  }
  return parseOrgConfig(input, ORG_ENV_NAMES);
}
