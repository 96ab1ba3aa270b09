import {
  ListAccountsCommand,
  ListAccountsForParentCommand,
  ListChildrenCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ORG_FLAG_NAMES } from '../../lib/config/org.js';
import { UsageError } from '../../lib/errors.js';
import { organizationsRegion, resolveAccounts } from '../../lib/org/accounts.js';

const account = (id: string, status = 'ACTIVE') => ({
  Id: id,
  Name: `name-${id.slice(0, 3)}`,
  Status: status,
});

/** root → ou-a (111, 222) → ou-b (333) ; root holds 444 and a suspended 555. */
const PARENTS: Record<string, { accounts: string[]; children: string[] }> = {
  'r-ab12': { accounts: ['444444444444', '555555555555'], children: ['ou-ab12-aaaaaaaa'] },
  'ou-ab12-aaaaaaaa': { accounts: ['111111111111', '222222222222'], children: ['ou-ab12-bbbbbbbb'] },
  'ou-ab12-bbbbbbbb': { accounts: ['333333333333'], children: [] },
  // An OU with no account at all (not under root, so the organization's listing never sees it).
  'ou-ab12-cccccccc': { accounts: [], children: [] },
};
const status = (id: string) => (id === '555555555555' ? 'SUSPENDED' : 'ACTIVE');

/** Pages of one item each, so every listing is paged. */
function page<T>(items: T[], token: string | undefined) {
  const index = token ? Number(token) : 0;
  return {
    items: items.slice(index, index + 1),
    next: index + 1 < items.length ? String(index + 1) : undefined,
  };
}

describe('accounts of a scope', () => {
  const orgs = mockClient(OrganizationsClient);
  const client = () => new OrganizationsClient({ region: 'us-east-1' });
  const deps = () => ({ organizations: client(), names: ORG_FLAG_NAMES });

  beforeEach(() => {
    orgs.reset();
    const all = Object.values(PARENTS).flatMap((p) => p.accounts);
    orgs.on(ListAccountsCommand).callsFake((input: { NextToken?: string }) => {
      const { items, next } = page(all, input.NextToken);
      return { Accounts: items.map((id) => account(id, status(id))), NextToken: next };
    });
    orgs.on(ListAccountsForParentCommand).callsFake((input: { ParentId: string; NextToken?: string }) => {
      const parent = PARENTS[input.ParentId];
      if (!parent) throw Object.assign(new Error('parent not found'), { name: 'ParentNotFoundException' });
      const { items, next } = page(parent.accounts, input.NextToken);
      return { Accounts: items.map((id) => account(id, status(id))), NextToken: next };
    });
    orgs
      .on(ListChildrenCommand)
      .callsFake((input: { ParentId: string; ChildType: string; NextToken?: string }) => {
        const parent = PARENTS[input.ParentId];
        if (!parent) throw Object.assign(new Error('parent not found'), { name: 'ParentNotFoundException' });
        const { items, next } = page(
          input.ChildType === 'ORGANIZATIONAL_UNIT' ? parent.children : [],
          input.NextToken,
        );
        return { Children: items.map((Id) => ({ Id, Type: input.ChildType })), NextToken: next };
      });
  });
  afterEach(() => orgs.reset());

  it('Organizations answers in one region per partition', () => {
    expect(organizationsRegion('eu-west-1')).toBe('us-east-1');
    expect(organizationsRegion('cn-north-1')).toBe('cn-northwest-1');
    expect(organizationsRegion('us-gov-east-1')).toBe('us-gov-west-1');
  });

  it('an explicit list is taken as given, exclusions applied, without calling Organizations', async () => {
    const resolved = await resolveAccounts(
      { kind: 'list', accounts: ['222222222222', '111111111111'], exclude: ['111111111111', '999999999999'] },
      deps(),
    );
    expect(resolved.accounts).toEqual([{ id: '222222222222' }]);
    expect(resolved.notes).toEqual(['--exclude-accounts 999999999999 is not one of the accounts in scope']);
    expect(orgs.calls()).toHaveLength(0);
  });

  it('the organization: every ACTIVE account, every page, with names, sorted by id', async () => {
    const resolved = await resolveAccounts({ kind: 'organization', exclude: [] }, deps());
    expect(resolved.accounts.map((a) => a.id)).toEqual([
      '111111111111',
      '222222222222',
      '333333333333',
      '444444444444',
    ]);
    expect(resolved.accounts[0]).toEqual({ id: '111111111111', name: 'name-111' });
    expect(orgs.commandCalls(ListAccountsCommand)).toHaveLength(5);
  });

  it('an OU walks its whole subtree (accounts and child OUs, paged); exclusions named when not in scope', async () => {
    const resolved = await resolveAccounts(
      { kind: 'organization', ou: 'ou-ab12-aaaaaaaa', exclude: ['222222222222', '444444444444'] },
      deps(),
    );
    expect(resolved.accounts.map((a) => a.id)).toEqual(['111111111111', '333333333333']);
    expect(resolved.notes).toEqual(['--exclude-accounts 444444444444 is not one of the accounts in scope']);
    expect(orgs.commandCalls(ListAccountsCommand)).toHaveLength(0);
  });

  it('an unknown OU is bad input naming it', async () => {
    const run = resolveAccounts({ kind: 'organization', ou: 'ou-ab12-zzzzzzzz', exclude: [] }, deps());
    await expect(run).rejects.toThrow(UsageError);
    await expect(
      resolveAccounts({ kind: 'organization', ou: 'ou-ab12-zzzzzzzz', exclude: [] }, deps()),
    ).rejects.toThrow(/--ou ou-ab12-zzzzzzzz is not an OU of this organization/);
  });

  it('Organizations refusing the caller says where to run from instead (exit 1, not bad input)', async () => {
    orgs.on(ListAccountsCommand).rejects(
      Object.assign(new Error('You don’t have permissions to access this resource.'), {
        name: 'AccessDeniedException',
      }),
    );
    const run = resolveAccounts({ kind: 'organization', exclude: [] }, deps());
    await expect(run).rejects.toThrow(
      /--organization: Organizations refused to list the accounts \(AccessDeniedException: .*\): run from the management account or a delegated administrator, or name the accounts with --accounts/,
    );
    await expect(resolveAccounts({ kind: 'organization', exclude: [] }, deps())).rejects.not.toThrow(
      UsageError,
    );
  });

  it('an OU with no ACTIVE account is bad input saying so, not blaming --exclude-accounts', async () => {
    const run = resolveAccounts({ kind: 'organization', ou: 'ou-ab12-cccccccc', exclude: [] }, deps());
    await expect(run).rejects.toThrow(UsageError);
    await expect(
      resolveAccounts({ kind: 'organization', ou: 'ou-ab12-cccccccc', exclude: [] }, deps()),
    ).rejects.toThrow(
      /no account to run in: --ou ou-ab12-cccccccc holds no ACTIVE account \(its child OUs included\)/,
    );
    await expect(
      resolveAccounts({ kind: 'organization', ou: 'ou-ab12-cccccccc', exclude: [] }, deps()),
    ).rejects.not.toThrow(/--exclude-accounts/);
  });

  it('a scope left empty by its exclusions is bad input', async () => {
    await expect(
      resolveAccounts({ kind: 'organization', ou: 'ou-ab12-bbbbbbbb', exclude: ['333333333333'] }, deps()),
    ).rejects.toThrow(/no account left to run in/);
  });

  it('an account outside any organization is bad input pointing at --accounts', async () => {
    orgs.on(ListAccountsCommand).rejects(
      Object.assign(new Error('Your account is not a member of an organization.'), {
        name: 'AWSOrganizationsNotInUseException',
      }),
    );
    const run = resolveAccounts({ kind: 'organization', exclude: [] }, deps());
    await expect(run).rejects.toThrow(UsageError);
    await expect(resolveAccounts({ kind: 'organization', exclude: [] }, deps())).rejects.toThrow(
      '--organization: your account is not in an AWS Organization; name the accounts with --accounts',
    );
  });

  it('the own-account scope is the caller alone, without calling Organizations', async () => {
    const resolved = await resolveAccounts({ kind: 'self' }, { callerAccount: async () => '111111111111' });
    expect(resolved).toEqual({ accounts: [{ id: '111111111111' }], notes: [] });
    expect(orgs.calls()).toHaveLength(0);
  });
});
