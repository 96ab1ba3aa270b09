/**
 * The dispatch function's settings (lib/config/dispatch.ts) and the units it makes
 * (lib/org/units.ts): which regions each job covers, the queue, the organization scope.
 */
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { dispatchConfigFromEnv, queueRegion } from '../../lib/config/dispatch.js';
import { UsageError } from '../../lib/errors.js';
import { unitMessages } from '../../lib/org/units.js';

const QUEUE = 'https://sqs.eu-west-1.amazonaws.com/111111111111/cloudhsm-ops-prod-units';
const BASE = {
  QUEUE_URL: QUEUE,
  EXTERNAL_ID: 'ext-id-1',
  REGIONS: 'us-east-1,eu-west-1',
  AWS_REGION: 'eu-west-1',
};

describe('dispatchConfigFromEnv', () => {
  it('reads the queue, each job’s regions (prune’s its own) and the organization settings', () => {
    const config = dispatchConfigFromEnv({
      ...BASE,
      PRUNE_REGIONS: 'us-west-2',
      ORGANIZATION: 'true',
      ORGANIZATION_OU: 'ou-ab12-cdef3456',
      EXCLUDE_ACCOUNTS: '333333333333',
      EXTERNAL_ID: 'ops-ext-1',
    });
    expect(config.queueUrl).toBe(QUEUE);
    expect(config.regions).toEqual({
      audit: ['us-east-1', 'eu-west-1'],
      copy: ['us-east-1', 'eu-west-1'],
      inventory: ['us-east-1', 'eu-west-1'],
      prune: ['us-west-2'],
    });
    expect(config.org.scope).toEqual({
      kind: 'organization',
      ou: 'ou-ab12-cdef3456',
      exclude: ['333333333333'],
    });
    expect(config.org.access).toEqual({ roleName: 'cloudhsm-ops-member', externalId: 'ops-ext-1' });
  });

  it('prune covers REGIONS when PRUNE_REGIONS is not set', () => {
    expect(dispatchConfigFromEnv(BASE).regions.prune).toEqual(['us-east-1', 'eu-west-1']);
  });

  it.each([
    [{ QUEUE_URL: undefined }, /QUEUE_URL is required/],
    [{ QUEUE_URL: 'sqs/units' }, /QUEUE_URL "sqs\/units" is not a URL/],
    [{ QUEUE_URL: 'http://sqs.example.com/1/units' }, /QUEUE_URL .*https/],
    [{ REGIONS: 'us-east-7' }, /REGIONS/],
    [{ PRUNE_REGIONS: 'us-east-1, us-west-2' }, /PRUNE_REGIONS.*white space/],
    [{ ACCOUNTS: '1234' }, /ACCOUNTS "1234" is not an account id/],
    [{ ACCOUNTS: '222222222222', ORGANIZATION: 'true' }, /ACCOUNTS and ORGANIZATION cannot be combined/],
  ])('refuses %o, naming the variable', (patch, message) => {
    const env = { ...BASE, ...patch };
    expect(() => dispatchConfigFromEnv(env)).toThrow(UsageError);
    expect(() => dispatchConfigFromEnv(env)).toThrow(message);
  });

  it('a loopback queue URL may be plain http (moto, tests)', () => {
    expect(
      dispatchConfigFromEnv({ ...BASE, QUEUE_URL: 'http://127.0.0.1:5000/123456789012/units' }).queueUrl,
    ).toBe('http://127.0.0.1:5000/123456789012/units');
  });
});

describe('queueRegion', () => {
  it('is the region in an SQS URL, else the function’s own', () => {
    expect(queueRegion(QUEUE, 'us-east-1')).toBe('eu-west-1');
    expect(queueRegion('http://127.0.0.1:5000/123456789012/units', 'us-east-1')).toBe('us-east-1');
    // China's SQS hosts end in .amazonaws.com.cn; a look-alike host is not taken for SQS.
    expect(queueRegion('https://sqs.cn-north-1.amazonaws.com.cn/111111111111/units', 'us-east-1')).toBe(
      'cn-north-1',
    );
    expect(queueRegion('https://sqs.eu-west-1.amazonaws.com.evil.example/1/units', 'us-east-1')).toBe(
      'us-east-1',
    );
  });
});

describe('unitMessages', () => {
  it('is every account × region of the job, planned for one instant, with the member access', () => {
    const messages = unitMessages({
      job: 'copy',
      runId: '6f1c2a7e-3b9d-4c51-8e0a-2d4f6b8c9e10',
      plannedAt: DateTime.fromISO('2026-11-29T06:15:00Z', { zone: 'utc' }),
      accounts: [{ id: '222222222222', name: 'payments-prod' }, { id: '333333333333' }],
      regions: ['us-east-1', 'eu-west-1'],
      access: { roleName: 'cloudhsm-ops-member' },
    });
    expect(messages.map((m) => `${m.unit.account.id}/${m.unit.region}`)).toEqual([
      '222222222222/us-east-1',
      '222222222222/eu-west-1',
      '333333333333/us-east-1',
      '333333333333/eu-west-1',
    ]);
    for (const m of messages) {
      expect(m).toMatchObject({
        version: 1,
        runId: '6f1c2a7e-3b9d-4c51-8e0a-2d4f6b8c9e10',
        plannedAt: '2026-11-29T06:15:00.000Z',
        access: { roleName: 'cloudhsm-ops-member' },
        unit: { job: 'copy' },
      });
    }
    expect(messages[0]!.unit.account).toEqual({ id: '222222222222', name: 'payments-prod' });
  });
});
