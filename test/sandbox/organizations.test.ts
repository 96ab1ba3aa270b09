/** AWS Organizations in the sandbox (issue 13): answered from the fleet's organization, paged. */
import {
  DescribeOrganizationCommand,
  ListAccountsCommand,
  ListAccountsForParentCommand,
  ListChildrenCommand,
  ListOrganizationalUnitsForParentCommand,
  ListRootsCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../sandbox/index.js';
import { NOW, smallFleet } from '../support/fleet.js';
import {
  errorOf,
  HUB_KEYS,
  LEDGER,
  MANAGEMENT,
  NO_ROLE,
  OU_LEDGER,
  OU_PAYMENTS,
  orgFleet,
  PAYMENTS,
  ROLE,
  ROOT,
  SUSPENDED,
} from '../support/org-fleet.js';
import { jsonCall } from '../support/raw-aws.js';

const EAST = 'us-east-1';

let sandbox: Sandbox;
let org: OrganizationsClient;
beforeAll(async () => {
  sandbox = await startSandbox({ fleet: orgFleet() });
  org = new OrganizationsClient({
    endpoint: sandbox.url,
    region: EAST,
    credentials: HUB_KEYS,
    maxAttempts: 1,
  });
});
afterAll(() => sandbox?.close());

/** Every page of a listing, with the page sizes seen. */
async function allPages<T>(page: (token?: string) => Promise<{ items?: T[]; NextToken?: string }>) {
  const items: T[] = [];
  const sizes: number[] = [];
  let token: string | undefined;
  do {
    const answer = await page(token);
    items.push(...(answer.items ?? []));
    sizes.push(answer.items?.length ?? 0);
    token = answer.NextToken;
  } while (token);
  return { items, sizes };
}

describe('Organizations', () => {
  it('describes the organization with the management account', async () => {
    // Act
    const { Organization: o } = await org.send(new DescribeOrganizationCommand({}));
    // Assess
    expect(o?.Id).toMatch(/^o-[a-z0-9]{10,32}$/);
    expect(o).toMatchObject({
      Arn: `arn:aws:organizations::${MANAGEMENT}:organization/${o?.Id}`,
      FeatureSet: 'ALL',
      MasterAccountId: MANAGEMENT,
      MasterAccountArn: `arn:aws:organizations::${MANAGEMENT}:account/${o?.Id}/${MANAGEMENT}`,
    });
  });

  it('lists the root', async () => {
    // Act
    const { Roots } = await org.send(new ListRootsCommand({}));
    // Assess
    expect(Roots?.map((r) => [r.Id, r.Name])).toEqual([[ROOT, 'Root']]);
    expect(Roots?.[0]?.Arn).toMatch(
      new RegExp(`^arn:aws:organizations::${MANAGEMENT}:root/o-[a-z0-9]+/${ROOT}$`),
    );
  });

  it('lists every account, paged by MaxResults, with status, state and join time', async () => {
    // Act
    const { items, sizes } = await allPages(async (NextToken) => {
      const a = await org.send(new ListAccountsCommand({ MaxResults: 2, NextToken }));
      return { items: a.Accounts, NextToken: a.NextToken };
    });
    // Assess
    expect(sizes).toEqual([2, 2, 1]);
    expect(items.map((a) => [a.Id, a.Name, a.Status])).toEqual([
      [MANAGEMENT, 'management', 'ACTIVE'],
      [PAYMENTS, 'payments-prod', 'ACTIVE'],
      [LEDGER, 'ledger-prod', 'ACTIVE'],
      [NO_ROLE, 'sandbox-dev', 'ACTIVE'],
      [SUSPENDED, 'old', 'SUSPENDED'],
    ]);
    expect(items[1]?.Email).toMatch(/^[^\s@]+@[^\s@]+\.[^\s@]+$/);
    expect(items[1]?.JoinedTimestamp?.getTime()).toBeLessThanOrEqual(Date.parse(NOW));
  });

  it('sends the newer State next to Status (the pinned SDK drops it: read the wire)', async () => {
    // Act
    const answer = await jsonCall(
      sandbox.url,
      'organizations',
      'AWSOrganizationsV20161128.ListAccounts',
      EAST,
      {},
    );
    // Assess
    const accounts = answer.body.Accounts as Array<Record<string, unknown>>;
    expect(accounts.map((a) => [a.Status, a.State])).toEqual([
      ['ACTIVE', 'ACTIVE'],
      ['ACTIVE', 'ACTIVE'],
      ['ACTIVE', 'ACTIVE'],
      ['ACTIVE', 'ACTIVE'],
      ['SUSPENDED', 'SUSPENDED'],
    ]);
    expect(accounts[0]?.JoinedTimestamp).toEqual(expect.any(Number));
  });

  it('lists the accounts and OUs of a parent, and the children of each type', async () => {
    // Act
    const inRoot = await org.send(new ListAccountsForParentCommand({ ParentId: ROOT }));
    const inPayments = await org.send(new ListAccountsForParentCommand({ ParentId: OU_PAYMENTS }));
    const ous = await org.send(new ListOrganizationalUnitsForParentCommand({ ParentId: ROOT }));
    const nested = await org.send(new ListOrganizationalUnitsForParentCommand({ ParentId: OU_PAYMENTS }));
    const children = await org.send(new ListChildrenCommand({ ParentId: OU_PAYMENTS, ChildType: 'ACCOUNT' }));
    const childOus = await org.send(
      new ListChildrenCommand({ ParentId: OU_PAYMENTS, ChildType: 'ORGANIZATIONAL_UNIT' }),
    );
    // Assess
    expect(inRoot.Accounts?.map((a) => a.Id)).toEqual([MANAGEMENT, NO_ROLE, SUSPENDED]);
    expect(inPayments.Accounts?.map((a) => a.Id)).toEqual([PAYMENTS]);
    expect(ous.OrganizationalUnits?.map((o) => [o.Id, o.Name])).toEqual([[OU_PAYMENTS, 'payments']]);
    expect(nested.OrganizationalUnits?.map((o) => o.Id)).toEqual([OU_LEDGER]);
    expect(ous.OrganizationalUnits?.[0]?.Arn).toMatch(new RegExp(`:ou/o-[a-z0-9]+/${OU_PAYMENTS}$`));
    expect(children.Children).toEqual([{ Id: PAYMENTS, Type: 'ACCOUNT' }]);
    expect(childOus.Children).toEqual([{ Id: OU_LEDGER, Type: 'ORGANIZATIONAL_UNIT' }]);
  });

  it('refuses a parent that does not exist, and a NextToken from another request', async () => {
    // Prepare
    const first = await org.send(new ListAccountsCommand({ MaxResults: 1 }));
    // Act
    const parent = await errorOf(
      org.send(new ListChildrenCommand({ ParentId: 'ou-ab12-nothere0', ChildType: 'ACCOUNT' })),
    );
    const token = await errorOf(
      org.send(new ListAccountsForParentCommand({ ParentId: ROOT, NextToken: first.NextToken })),
    );
    // Assess
    expect(parent).toMatchObject({ name: 'ParentNotFoundException', status: 400 });
    expect(token).toMatchObject({ name: 'InvalidInputException', status: 400 });
  });

  it('refuses MaxResults above 20 as the model does', async () => {
    // Act
    const error = await errorOf(org.send(new ListAccountsCommand({ MaxResults: 21 })));
    // Assess
    expect(error.name).toBe('InvalidInputException');
    expect(error.message).toContain("at 'maxResults'");
  });

  it('answers a member account AccessDeniedException', async () => {
    // Prepare
    const sts = new STSClient({ endpoint: sandbox.url, region: EAST, credentials: HUB_KEYS, maxAttempts: 1 });
    const c = (
      await sts.send(
        new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${PAYMENTS}:role/${ROLE}`, RoleSessionName: 'ss' }),
      )
    ).Credentials!;
    const member = new OrganizationsClient({
      endpoint: sandbox.url,
      region: EAST,
      credentials: {
        accessKeyId: c.AccessKeyId!,
        secretAccessKey: c.SecretAccessKey!,
        sessionToken: c.SessionToken!,
      },
      maxAttempts: 1,
    });
    // Act
    const error = await errorOf(member.send(new ListAccountsCommand({})));
    // Assess
    expect(error).toMatchObject({ name: 'AccessDeniedException', status: 400 });
  });

  it('answers a single-account fleet AWSOrganizationsNotInUseException', async () => {
    // Prepare
    const single = await startSandbox({ fleet: smallFleet(1) });
    try {
      const client = new OrganizationsClient({
        endpoint: single.url,
        region: EAST,
        credentials: HUB_KEYS,
        maxAttempts: 1,
      });
      // Act
      const error = await errorOf(client.send(new DescribeOrganizationCommand({})));
      // Assess
      expect(error).toMatchObject({ name: 'AWSOrganizationsNotInUseException', status: 400 });
    } finally {
      await single.close();
    }
  });
});
