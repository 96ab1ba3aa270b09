import { describe, expect, it } from 'vitest';
import { ORG_FLAG_NAMES, ORG_SETTINGS, orgConfigFromEnv, parseOrgConfig } from '../../lib/config/org.js';
import { UsageError } from '../../lib/errors.js';
import { runCli } from '../support/cli.js';

const flags = (input: Record<string, string>) => parseOrgConfig(input, ORG_FLAG_NAMES);

describe('organization settings', () => {
  it('without org options the scope is the caller’s own account', () => {
    expect(flags({}).scope).toEqual({ kind: 'self' });
  });

  it('an explicit list, with exclusions, the default role and the overall limit', () => {
    const config = flags({ accounts: '111111111111,222222222222', excludeAccounts: '222222222222' });
    expect(config.scope).toEqual({
      kind: 'list',
      accounts: ['111111111111', '222222222222'],
      exclude: ['222222222222'],
    });
    expect(config.access).toEqual({ roleName: 'cloudhsm-ops-member' });
    expect(config.maxUnits).toBe(8);
  });

  it('--organization with --ou, a role name and an external id', () => {
    const config = flags({
      organization: 'true',
      ou: 'ou-ab12-cdef3456',
      roleName: 'ops+role@x',
      externalId: 'abc:def/ghi',
      maxUnits: '20',
    });
    expect(config.scope).toEqual({ kind: 'organization', ou: 'ou-ab12-cdef3456', exclude: [] });
    expect(config.access).toEqual({ roleName: 'ops+role@x', externalId: 'abc:def/ghi' });
    expect(config.maxUnits).toBe(20);
  });

  it.each([
    [{ accounts: '12345678901' }, /--accounts "12345678901" is not an account id \(12 digits/],
    [{ accounts: '111111111111,111111111111' }, /--accounts 111111111111 is given more than once/],
    [{ accounts: '111111111111', organization: 'true' }, /--accounts and --organization cannot be combined/],
    [{ ou: 'ou-ab12-cdef3456' }, /--ou needs --organization/],
    [{ excludeAccounts: '111111111111' }, /--exclude-accounts needs --accounts or --organization/],
    [{ organization: 'true', ou: 'ou-AB12-cdef3456' }, /--ou "ou-AB12-cdef3456" is not an OU id/],
    [{ organization: 'true', roleName: 'bad role' }, /--role-name "bad role" is not a valid IAM role name/],
    [{ organization: 'true', externalId: 'x' }, /--external-id is not valid \(2 to 1224 characters/],
    [{ organization: 'true', externalId: 'has space' }, /--external-id is not valid/],
    [{ organization: 'true', maxUnits: '0' }, /--max-units must be between 1 and 100, got 0/],
    [{ accounts: '111111111111', ou: 'ou-ab12-cdef3456' }, /--ou needs --organization/],
  ])('refuses %j', (input, message) => {
    expect(() => flags(input as Record<string, string>)).toThrowError(UsageError);
    expect(() => flags(input as Record<string, string>)).toThrowError(message);
  });

  it('names every problem at once', () => {
    expect(() => flags({ accounts: '1', roleName: 'a b' })).toThrowError(/--accounts.*; .*--role-name/);
  });

  it('reads the Lambda variables and names them in messages', () => {
    const config = orgConfigFromEnv({
      ORGANIZATION: 'true',
      ORGANIZATION_OU: 'ou-ab12-cdef3456',
      EXCLUDE_ACCOUNTS: '333333333333',
      MEMBER_ROLE_NAME: 'member',
      EXTERNAL_ID: 'ext-123',
    });
    expect(config.scope).toEqual({ kind: 'organization', ou: 'ou-ab12-cdef3456', exclude: ['333333333333'] });
    expect(config.access).toEqual({ roleName: 'member', externalId: 'ext-123' });
    expect(() => orgConfigFromEnv({ ACCOUNTS: 'x' })).toThrowError(/ACCOUNTS "x" is not an account id/);
    expect(() => orgConfigFromEnv({ ORGANIZATION_OU: 'ou-ab12-cdef3456' })).toThrowError(
      /ORGANIZATION_OU needs ORGANIZATION/,
    );
  });
});

describe('--help of every job that runs across accounts', () => {
  it.each(['audit', 'copy', 'prune', 'inventory'])(
    '%s --help lists every organization option, its default and variable, with examples',
    async (job) => {
      const text = (await runCli([job, '--help'])).stdout.replace(/\s+/g, ' ');
      for (const field of Object.values(ORG_SETTINGS)) {
        expect(text).toContain(`${field.flag}${'arg' in field ? ` ${field.arg}` : ''}`);
        if ('default' in field) expect(text).toContain(`default: ${field.default}`);
        expect(text).toContain(`Lambda: ${field.env}`);
      }
      expect(text).toContain(`$ cloudhsm-ops ${job} `);
      expect(text).toMatch(/--organization --ou ou-ab12-cdef3456/);
    },
  );

  it('prune --help says every guardrail holds per unit and it stays a dry run', async () => {
    const text = (await runCli(['prune', '--help'])).stdout.replace(/\s+/g, ' ');
    expect(text).toMatch(/still a dry run unless --execute, and every guardrail holds per unit/);
  });
});
