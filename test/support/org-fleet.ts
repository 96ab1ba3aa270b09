/**
 * A small organization for tests: the management account (hub, no regions) and three members
 * under two OUs; `222222222222` holds smallFleet's us-east-1, `333333333333` sets an external id,
 * `444444444444` lacks the role, `555555555555` is SUSPENDED.
 */
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { OrganizationFleetFile } from '../../sandbox/index.js';
import { NOW, smallFleet } from './fleet.js';

export const MANAGEMENT = '111111111111';
export const PAYMENTS = '222222222222';
export const LEDGER = '333333333333';
export const NO_ROLE = '444444444444';
export const SUSPENDED = '555555555555';
export const ROOT = 'r-ab12';
export const OU_PAYMENTS = 'ou-ab12-cdef3456';
export const OU_LEDGER = 'ou-ab12-ledger01';
export const ROLE = 'cloudhsm-ops-member';
export const EXTERNAL_ID = 'sandbox-external-id';

/** Keys that are no AssumeRole session's: the sandbox answers them as the management account. */
export const HUB_KEYS = { accessKeyId: 'AKIDSANDBOX', secretAccessKey: 'sandbox' };

/** The name, message and HTTP status of the SDK error `promise` rejects with; throws if it resolves. */
export async function errorOf(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    const e = error as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: e.name, message: e.message, status: e.$metadata?.httpStatusCode };
  }
  throw new Error('expected the call to fail');
}

/** Keys AssumeRole (asked with {@link HUB_KEYS}) hands out for `account`'s {@link ROLE} on the sandbox at `url`. */
export async function assumedKeys(url: string, account: string, seconds?: number) {
  const sts = new STSClient({ endpoint: url, region: 'us-east-1', credentials: HUB_KEYS, maxAttempts: 1 });
  try {
    const answer = await sts.send(
      new AssumeRoleCommand({
        RoleArn: `arn:aws:iam::${account}:role/${ROLE}`,
        RoleSessionName: 'ss',
        DurationSeconds: seconds,
      }),
    );
    const c = answer.Credentials!;
    return {
      accessKeyId: c.AccessKeyId!,
      secretAccessKey: c.SecretAccessKey!,
      sessionToken: c.SessionToken!,
    };
  } finally {
    sts.destroy();
  }
}

/** The organization described above. */
export function orgFleet(): OrganizationFleetFile {
  const small = smallFleet(5);
  return {
    now: NOW,
    organization: {
      managementAccount: MANAGEMENT,
      ous: [
        { id: OU_PAYMENTS, name: 'payments', parent: ROOT },
        { id: OU_LEDGER, name: 'ledger', parent: OU_PAYMENTS },
      ],
    },
    accounts: {
      [MANAGEMENT]: { name: 'management' },
      [PAYMENTS]: {
        name: 'payments-prod',
        ou: OU_PAYMENTS,
        status: 'ACTIVE',
        roles: [ROLE],
        regions: { 'us-east-1': small.regions['us-east-1']! },
      },
      [LEDGER]: { name: 'ledger-prod', ou: OU_LEDGER, roles: [ROLE], externalId: EXTERNAL_ID },
      [NO_ROLE]: { name: 'sandbox-dev', roles: [] },
      [SUSPENDED]: { name: 'old', status: 'SUSPENDED', roles: [ROLE] },
    },
  };
}
