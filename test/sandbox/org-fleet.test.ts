/** The fleet file's organization form (issue 13, "The sandbox grows an organization"). */
import { describe, expect, it } from 'vitest';
import { FleetError, parseFleet } from '../../sandbox/index.js';
import { smallFleet } from '../support/fleet.js';
import { LEDGER, MANAGEMENT, OU_PAYMENTS, orgFleet, PAYMENTS, ROOT } from '../support/org-fleet.js';

/** The problems parseFleet reports for a document, one line each. */
function problems(value: unknown): string[] {
  try {
    parseFleet(value, 'test');
  } catch (error) {
    if (error instanceof FleetError) return error.issues;
    throw error;
  }
  return [];
}

describe('the organization fleet form', () => {
  it('accepts the form of the issue verbatim, root taken from the OUs', () => {
    // Prepare
    const issue = {
      now: '2026-11-29T12:00:00Z',
      organization: {
        managementAccount: '111111111111',
        ous: [{ id: 'ou-ab12-cdef3456', name: 'payments', parent: 'r-ab12' }],
      },
      accounts: {
        '111111111111': { name: 'management' },
        '222222222222': {
          name: 'payments-prod',
          ou: 'ou-ab12-cdef3456',
          status: 'ACTIVE',
          roles: ['cloudhsm-ops-member'],
          regions: { 'us-east-1': smallFleet(2).regions['us-east-1']! },
        },
      },
    };
    // Act
    const fleet = parseFleet(issue, 'issue');
    // Assess
    expect(fleet.account).toBe('111111111111');
    expect(fleet.regions).toEqual({});
    expect(fleet.organization?.root).toBe('r-ab12');
    expect(fleet.organization?.id).toMatch(/^o-[a-z0-9]{10,32}$/);
    expect(Object.keys(fleet.accounts ?? {})).toEqual(['111111111111', '222222222222']);
    expect(fleet.accounts?.['222222222222']?.regions['us-east-1']?.clusters).toHaveLength(2);
  });

  it('keeps the single-account form as it was: its account is the only one, no organization', () => {
    // Act
    const fleet = parseFleet(smallFleet(2), 'single');
    // Assess
    expect(fleet.account).toBe('111122223333');
    expect(fleet.organization).toBeUndefined();
    expect(fleet.accounts).toBeUndefined();
  });

  it('takes an external id per account and defaults status ACTIVE, no roles', () => {
    // Act
    const fleet = parseFleet(orgFleet(), 'org');
    // Assess
    expect(fleet.accounts?.[LEDGER]?.externalId).toBe('sandbox-external-id');
    expect(fleet.accounts?.[MANAGEMENT]).toMatchObject({ status: 'ACTIVE', roles: [], regions: {} });
  });

  it.each([
    [
      'an account id that is not 12 digits',
      (f: ReturnType<typeof orgFleet>) => {
        f.accounts['12345'] = { name: 'short' };
      },
      '$.accounts["12345"]: "12345" is not a 12-digit AWS account id',
    ],
    [
      'a management account id that is not 12 digits',
      (f: ReturnType<typeof orgFleet>) => {
        f.organization.managementAccount = '1111';
      },
      '$.organization.managementAccount: expected a 12-digit AWS account id',
    ],
    [
      'a management account missing from accounts',
      (f: ReturnType<typeof orgFleet>) => {
        delete f.accounts[MANAGEMENT];
      },
      '$.organization.managementAccount: account "111111111111" is not in "accounts"',
    ],
    [
      'an OU id Organizations would not mint',
      (f: ReturnType<typeof orgFleet>) => {
        f.organization.ous![0]!.id = 'ou-PAYMENTS';
      },
      '$.organization.ous[0].id: "ou-PAYMENTS" is not a valid OU id',
    ],
    [
      'an OU whose parent does not exist',
      (f: ReturnType<typeof orgFleet>) => {
        f.organization.ous![1]!.parent = 'ou-ab12-missing0';
      },
      '$.organization.ous[1].parent: "ou-ab12-missing0" is neither the root (r-ab12) nor an OU of this organization',
    ],
    [
      'a root id Organizations would not mint',
      (f: ReturnType<typeof orgFleet>) => {
        f.organization.root = 'root-1';
      },
      '$.organization.root: "root-1" is not a valid root id',
    ],
    [
      'an account in an OU that does not exist',
      (f: ReturnType<typeof orgFleet>) => {
        f.accounts[PAYMENTS]!.ou = 'ou-ab12-nothere0';
      },
      '$.accounts["222222222222"].ou: OU "ou-ab12-nothere0" is not in "organization.ous"',
    ],
    [
      'an OU listed twice',
      (f: ReturnType<typeof orgFleet>) => {
        f.organization.ous!.push({ id: OU_PAYMENTS, name: 'again', parent: ROOT });
      },
      '$.organization.ous[2].id: OU "ou-ab12-cdef3456" is defined twice',
    ],
    [
      'a region problem inside an account',
      (f: ReturnType<typeof orgFleet>) => {
        f.accounts[PAYMENTS]!.regions!['us-east-1']!.clusters![0]!.securityGroup = 'sg-0bad';
      },
      '$.accounts["222222222222"].regions["us-east-1"].clusters[0].securityGroup: security group "sg-0bad" is not defined in this region',
    ],
    [
      'an unknown key in an account',
      (f: ReturnType<typeof orgFleet>) => {
        (f.accounts[PAYMENTS] as Record<string, unknown>).role = 'x';
      },
      '$.accounts["222222222222"]: unknown key "role"',
    ],
    [
      'both forms at once',
      (f: ReturnType<typeof orgFleet>) => {
        (f as Record<string, unknown>).account = MANAGEMENT;
      },
      '$: unknown key "account"',
    ],
  ])('refuses %s, naming the path', (_name, change, expected) => {
    // Prepare
    const fleet = orgFleet();
    change(fleet);
    // Act
    const found = problems(fleet);
    // Assess: the line starts with the path and the problem (an example may follow)
    expect(
      found.some((line) => line.startsWith(expected)),
      found.join('\n'),
    ).toBe(true);
  });

  it('refuses a fleet that names both an organization and no accounts', () => {
    // Act
    const found = problems({ now: '2026-11-29T12:00:00Z', organization: { managementAccount: MANAGEMENT } });
    // Assess
    expect(found.join('\n')).toMatch(/\$\.accounts/);
  });
});
