/**
 * A scope to the accounts it covers: an explicit list as given, or the organization's ACTIVE
 * accounts (Organizations ListAccounts), or those under one OU and its child OUs
 * (ListAccountsForParent and ListChildren, walked recursively); exclusions applied last.
 */
import {
  type Account,
  type OrganizationsClient,
  paginateListAccounts,
  paginateListAccountsForParent,
  paginateListChildren,
} from '@aws-sdk/client-organizations';
import { ORG_SETTING_NAMES, type OrgNames } from '../config/org.js';
import { describeError, errorCode, OperationError, UsageError } from '../errors.js';
import { partitionOf } from '../events/types.js';
import type { AccountScope, OrgAccount } from './types.js';

/** The region Organizations answers in for `region`'s partition. */
export function organizationsRegion(region: string): string {
  const partition = partitionOf(region);
  if (partition === 'aws-cn') return 'cn-northwest-1';
  if (partition === 'aws-us-gov') return 'us-gov-west-1';
  return 'us-east-1';
}

/** What resolving a scope needs. */
export interface AccountsDeps {
  /** Only called for `--organization`. */
  organizations?: OrganizationsClient;
  /** The caller's own account, for the `self` scope. */
  callerAccount?: () => Promise<string>;
  /** What messages call the settings (default: the library's words). */
  names?: OrgNames;
}

/** The accounts to run in, and what the person should hear about their input (an exclusion that matched nothing). */
export interface ResolvedAccounts {
  accounts: OrgAccount[];
  notes: string[];
}

/**
 * The accounts `scope` covers, sorted by id. An unknown OU is a {@link UsageError} naming it, as
 * is a scope its exclusions leave empty; an excluded id that is not in scope is a note, not an
 * error (the person may be excluding ahead of time), but it is said.
 */
export async function resolveAccounts(scope: AccountScope, deps: AccountsDeps): Promise<ResolvedAccounts> {
  const names = deps.names ?? ORG_SETTING_NAMES;
  const found = await accountsIn(scope, deps, names);
  if (scope.kind === 'self') return { accounts: found, notes: [] };
  // Said before the exclusions, which did not empty a scope that was empty already.
  if (found.length === 0) throw new UsageError(`no account to run in: ${emptyScope(scope, names)}`);
  const ids = new Set(found.map((a) => a.id));
  const notes = scope.exclude
    .filter((id) => !ids.has(id))
    .map((id) => `${names.excludeAccounts} ${id} is not one of the accounts in scope`);
  const accounts = found
    .filter((a) => !scope.exclude.includes(a.id))
    .sort((a, b) => a.id.localeCompare(b.id));
  if (accounts.length === 0) {
    throw new UsageError(
      `no account left to run in: ${names.excludeAccounts} leaves out every account in scope`,
    );
  }
  return { accounts, notes };
}

/** Why a scope holds no account before any exclusion (an explicit list never is empty). */
function emptyScope(scope: AccountScope, names: OrgNames): string {
  if (scope.kind === 'organization' && scope.ou) {
    return `${names.ou} ${scope.ou} holds no ACTIVE account (its child OUs included)`;
  }
  return `the organization holds no ACTIVE account (${names.organization})`;
}

async function accountsIn(scope: AccountScope, deps: AccountsDeps, names: OrgNames): Promise<OrgAccount[]> {
  if (scope.kind === 'self') {
    if (!deps.callerAccount) throw new OperationError('the own-account scope needs the caller account');
    return [{ id: await deps.callerAccount() }];
  }
  if (scope.kind === 'list') return scope.accounts.map((id) => ({ id }));
  const client = deps.organizations;
  if (!client) throw new OperationError('the organization scope needs an Organizations client');
  try {
    return scope.ou ? await subtreeAccounts(client, scope.ou) : await allAccounts(client);
  } catch (error) {
    throw explain(error, scope.ou, names);
  }
}

/** Organizations' refusals that are the person's input, in words. */
function explain(error: unknown, ou: string | undefined, names: OrgNames): unknown {
  const code = errorCode(error);
  if (code === 'ParentNotFoundException' && ou) {
    return new UsageError(
      `${names.ou} ${ou} is not an OU of this organization (Organizations: ParentNotFoundException); ` +
        'check the id in the Organizations console or with `aws organizations list-organizational-units-for-parent`',
    );
  }
  if (code === 'AccessDeniedException') {
    return new OperationError(
      `${names.organization}: Organizations refused to list the accounts (${describeError(error)}): run from the ` +
        `management account or a delegated administrator, or name the accounts with ${names.accounts}`,
      { cause: error },
    );
  }
  if (code === 'AWSOrganizationsNotInUseException') {
    return new UsageError(
      `${names.organization}: your account is not in an AWS Organization; name the accounts with ${names.accounts}`,
    );
  }
  return error;
}

/** An Organizations account as ours: id and name, ACTIVE only. */
function activeAccounts(accounts: readonly Account[] | undefined): OrgAccount[] {
  return (accounts ?? [])
    .filter((a) => a.Id && a.Status === 'ACTIVE')
    .map((a) => ({ id: a.Id!, ...(a.Name ? { name: a.Name } : {}) }));
}

/** Every ACTIVE account of the organization (every page). */
async function allAccounts(client: OrganizationsClient): Promise<OrgAccount[]> {
  const accounts: OrgAccount[] = [];
  for await (const page of paginateListAccounts({ client }, {}))
    accounts.push(...activeAccounts(page.Accounts));
  return accounts;
}

/**
 * Every ACTIVE account under `ou` and its child OUs, breadth first. OUs nest at most five deep,
 * so the walk is short; each OU is listed once even if a child were reported twice.
 */
async function subtreeAccounts(client: OrganizationsClient, ou: string): Promise<OrgAccount[]> {
  const accounts: OrgAccount[] = [];
  const seen = new Set<string>();
  let level = [ou];
  while (level.length > 0) {
    const next: string[] = [];
    for (const parent of level) {
      if (seen.has(parent)) continue;
      seen.add(parent);
      for await (const page of paginateListAccountsForParent({ client }, { ParentId: parent })) {
        accounts.push(...activeAccounts(page.Accounts));
      }
      const children = paginateListChildren(
        { client },
        { ParentId: parent, ChildType: 'ORGANIZATIONAL_UNIT' },
      );
      for await (const page of children)
        next.push(...(page.Children ?? []).flatMap((c) => (c.Id ? [c.Id] : [])));
    }
    level = next;
  }
  return accounts;
}
