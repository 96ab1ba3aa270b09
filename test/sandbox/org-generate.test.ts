/** The organization generator (issue 13's bench: 200 accounts × 3 regions, 5% without the role). */
import { ListAccountsCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { describe, expect, it } from 'vitest';
import { generateOrganization, parseFleet, startSandbox } from '../../sandbox/index.js';

const REGIONS = ['us-east-1', 'eu-west-1', 'us-west-2'];

/** The member accounts that lack the role. */
function roleless(fleet: ReturnType<typeof generateOrganization>): string[] {
  return Object.entries(fleet.accounts ?? {})
    .filter(([id, a]) => id !== fleet.account && a.roles.length === 0)
    .map(([id]) => id);
}

describe('generateOrganization', () => {
  it('builds N member accounts × the given regions, each with its clusters and backups, under a management account', () => {
    // Act
    const fleet = generateOrganization({ accounts: 200, regions: REGIONS, seed: 3 });
    // Assess
    const members = Object.keys(fleet.accounts!).filter((id) => id !== fleet.account);
    expect(members).toHaveLength(200);
    expect(fleet.accounts![fleet.account]!.regions).toEqual({});
    for (const id of members) {
      const account = fleet.accounts![id]!;
      expect(Object.keys(account.regions)).toEqual(REGIONS);
      expect(account.roles).toEqual(expect.any(Array));
      for (const region of REGIONS) {
        expect(account.regions[region]!.clusters).toHaveLength(1);
        expect(account.regions[region]!.backups.length).toBeGreaterThan(0);
      }
    }
  });

  it('leaves the role out of exactly the given share of members, the same ones for the same seed', () => {
    // Act
    const a = generateOrganization({ accounts: 200, regions: REGIONS, withoutRoleShare: 0.05, seed: 3 });
    const again = generateOrganization({ accounts: 200, regions: REGIONS, withoutRoleShare: 0.05, seed: 3 });
    const other = generateOrganization({ accounts: 200, regions: REGIONS, withoutRoleShare: 0.05, seed: 4 });
    // Assess
    expect(roleless(a)).toHaveLength(10);
    expect(roleless(again)).toEqual(roleless(a));
    expect(roleless(other)).not.toEqual(roleless(a));
    expect(roleless(generateOrganization({ accounts: 20, regions: REGIONS, seed: 3 }))).toEqual([]);
  });

  it('produces a fleet that passes the fleet file’s own checks, OUs included', () => {
    // Prepare
    const fleet = generateOrganization({ accounts: 5, regions: ['us-east-1'], ous: 2, seed: 1 });
    // Act
    const reparsed = parseFleet(
      {
        now: fleet.now,
        organization: {
          managementAccount: fleet.account,
          root: fleet.organization!.root,
          ous: fleet.organization!.ous,
        },
        accounts: fleet.accounts,
      },
      'generated',
    );
    // Assess
    expect(reparsed.organization?.ous).toHaveLength(2);
    expect(new Set(Object.values(reparsed.accounts!).map((a) => a.ou))).toEqual(
      new Set([undefined, ...fleet.organization!.ous.map((o) => o.id)]),
    );
  });

  it('refuses sizes out of range', () => {
    // Assess
    expect(() => generateOrganization({ accounts: 0 })).toThrow(/accounts must be a whole number from 1 to/);
    expect(() => generateOrganization({ accounts: 3, withoutRoleShare: 1.5 })).toThrow(/withoutRoleShare/);
  });

  it('serves the generated organization through startSandbox', async () => {
    // Prepare
    const sandbox = await startSandbox({ fleet: { generateOrganization: { accounts: 25, seed: 2 } } });
    try {
      const client = new OrganizationsClient({
        endpoint: sandbox.url,
        region: 'us-east-1',
        credentials: { accessKeyId: 'AKIDSANDBOX', secretAccessKey: 'sandbox' },
      });
      // Act
      const first = await client.send(new ListAccountsCommand({}));
      // Assess
      expect(first.Accounts).toHaveLength(20);
      expect(first.NextToken).toBeDefined();
      expect(sandbox.accounts()).toHaveLength(26);
    } finally {
      await sandbox.close();
    }
  });
});
