/**
 * AWS Organizations (JSON 1.1, `AWSOrganizationsV20161128.*`), answered from the fleet's
 * organization: DescribeOrganization, ListRoots, ListAccounts, ListAccountsForParent,
 * ListChildren, ListOrganizationalUnitsForParent. Only the management account may call them
 * (a member gets AccessDeniedException); a single-account fleet has no organization
 * (AWSOrganizationsNotInUseException). Types and the MaxResults range (1–20) are checked from
 * the model before a handler runs (sandbox/model.ts).
 */
import { ApiError } from '../errors.js';
import type { FleetOrganization, FleetOu } from '../fleet.js';
import { decodeToken, encodeToken, fingerprint } from '../paging.js';
import type { CallContext, Handler } from './context.js';
import type { Input } from './input.js';

const DEFAULT_PAGE = 20;
const YEAR_MS = 365 * 86_400_000;

/** The organization, after checking the caller may read it. */
function organizationFor(context: CallContext): FleetOrganization {
  const organization = context.world.organization;
  if (!organization) {
    throw new ApiError(
      'AWSOrganizationsNotInUseException',
      'Your account is not a member of an organization.',
    );
  }
  if (context.caller.account !== organization.managementAccount) {
    throw new ApiError('AccessDeniedException', "You don't have permissions to access this resource.");
  }
  return organization;
}

/**
 * One page of `items`: MaxResults (default 20) from the NextToken's position, and the
 * `NextToken` member to spread into the answer (none on the last page).
 */
function page<T>(input: Input, request: unknown, items: readonly T[]) {
  const print = fingerprint(request);
  const token = input.NextToken as string | undefined;
  const start = token ? decodeToken<{ i: number }>(token, print, 'InvalidInputException').i : 0;
  const size = (input.MaxResults as number | undefined) ?? DEFAULT_PAGE;
  const next = start + size;
  return {
    items: items.slice(start, next),
    more: next < items.length ? { NextToken: encodeToken({ i: next, f: print }) } : {},
  };
}

function accountShape(context: CallContext, organization: FleetOrganization, id: string) {
  const spec = context.world.account(id)!;
  const joinedMs = spec.joinedAt ? Date.parse(spec.joinedAt) : context.world.startMs - YEAR_MS;
  return {
    Id: id,
    Arn: `arn:aws:organizations::${organization.managementAccount}:account/${organization.id}/${id}`,
    Email: spec.email ?? `aws+${id}@example.com`,
    Name: spec.name,
    Status: spec.status,
    State: spec.status,
    JoinedMethod: 'CREATED',
    JoinedTimestamp: Math.floor(joinedMs / 1000),
  };
}

function ouShape(organization: FleetOrganization, ou: FleetOu) {
  return {
    Id: ou.id,
    Arn: `arn:aws:organizations::${organization.managementAccount}:ou/${organization.id}/${ou.id}`,
    Name: ou.name,
  };
}

/** The parent's id, after checking it is the root or an OU of the organization. */
function parentOf(organization: FleetOrganization, input: Input): string {
  const parent = input.ParentId as string;
  if (parent !== organization.root && !organization.ous.some((ou) => ou.id === parent)) {
    throw new ApiError(
      'ParentNotFoundException',
      "We can't find a root or OU with the ParentId that you specified.",
    );
  }
  return parent;
}

/** The OUs directly under a parent. */
function ousIn(organization: FleetOrganization, parent: string): FleetOu[] {
  return organization.ous.filter((ou) => ou.parent === parent);
}

/** The accounts directly under a parent (no `ou`: the root), in the fleet's order. */
function accountsIn(context: CallContext, organization: FleetOrganization, parent: string): string[] {
  return context.world
    .accounts()
    .filter((id) => (context.world.account(id)?.ou ?? organization.root) === parent);
}

const describeOrganization: Handler = (context) => {
  const o = organizationFor(context);
  const management = context.world.account(o.managementAccount)!;
  return {
    Organization: {
      Id: o.id,
      Arn: `arn:aws:organizations::${o.managementAccount}:organization/${o.id}`,
      FeatureSet: 'ALL',
      MasterAccountArn: `arn:aws:organizations::${o.managementAccount}:account/${o.id}/${o.managementAccount}`,
      MasterAccountId: o.managementAccount,
      MasterAccountEmail: management.email ?? `aws+${o.managementAccount}@example.com`,
      // Deprecated by AWS but still sent: an organization with all features has SCPs available.
      AvailablePolicyTypes: [{ Type: 'SERVICE_CONTROL_POLICY', Status: 'ENABLED' }],
    },
  };
};

const listRoots: Handler = (context, input) => {
  const o = organizationFor(context);
  const root = {
    Id: o.root,
    Arn: `arn:aws:organizations::${o.managementAccount}:root/${o.id}/${o.root}`,
    Name: 'Root',
    PolicyTypes: [],
  };
  const { items, more } = page(input, { op: 'ListRoots' }, [root]);
  return { Roots: items, ...more };
};

const listAccounts: Handler = (context, input) => {
  const o = organizationFor(context);
  const { items, more } = page(input, { op: 'ListAccounts' }, context.world.accounts());
  return { Accounts: items.map((id) => accountShape(context, o, id)), ...more };
};

const listAccountsForParent: Handler = (context, input) => {
  const o = organizationFor(context);
  const parent = parentOf(o, input);
  const { items, more } = page(
    input,
    { op: 'ListAccountsForParent', parent },
    accountsIn(context, o, parent),
  );
  return { Accounts: items.map((id) => accountShape(context, o, id)), ...more };
};

const listOrganizationalUnitsForParent: Handler = (context, input) => {
  const o = organizationFor(context);
  const parent = parentOf(o, input);
  const { items, more } = page(input, { op: 'ListOrganizationalUnitsForParent', parent }, ousIn(o, parent));
  return { OrganizationalUnits: items.map((ou) => ouShape(o, ou)), ...more };
};

const listChildren: Handler = (context, input) => {
  const o = organizationFor(context);
  const parent = parentOf(o, input);
  const type = input.ChildType as 'ACCOUNT' | 'ORGANIZATIONAL_UNIT';
  const ids = type === 'ACCOUNT' ? accountsIn(context, o, parent) : ousIn(o, parent).map((ou) => ou.id);
  const { items, more } = page(input, { op: 'ListChildren', parent, type }, ids);
  return { Children: items.map((Id) => ({ Id, Type: type })), ...more };
};

/** Organizations operations by name. */
export const organizationsHandlers: Record<string, Handler> = {
  DescribeOrganization: describeOrganization,
  ListRoots: listRoots,
  ListAccounts: listAccounts,
  ListAccountsForParent: listAccountsForParent,
  ListChildren: listChildren,
  ListOrganizationalUnitsForParent: listOrganizationalUnitsForParent,
};
