import { DescribeCustomKeyStoresCommand } from '@aws-sdk/client-kms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listKeyStores } from '../../lib/inventory/key-stores.js';
import type { FleetFile } from '../../sandbox/index.js';
import { startTestSandbox, type TestSandbox } from '../support/sandbox.js';

const stores = Array.from({ length: 7 }, (_, i) => ({
  id: `cks-${String(i).padStart(17, '0')}`,
  name: `store-${i}`,
  clusterId: 'cluster-aaaaaaaaaaa',
  state: i === 3 ? ('FAILED' as const) : ('CONNECTED' as const),
  ...(i === 3 ? { errorCode: 'USER_LOCKED_OUT' } : {}),
}));

const fleet: FleetFile = {
  account: '111122223333',
  now: '2026-11-29T12:00:00Z',
  regions: {
    'us-east-1': { customKeyStores: stores },
    'us-west-2': {},
  },
};

describe('sandbox KMS DescribeCustomKeyStores (JSON 1.1, TrentService)', () => {
  let test: TestSandbox;
  beforeAll(async () => {
    test = await startTestSandbox({ fleet });
  });
  afterAll(() => test.close());

  it("lists a region's key stores page by page, with the fields KMS returns", async () => {
    const kms = test.clients.kms('us-east-1');
    const first = await kms.send(new DescribeCustomKeyStoresCommand({ Limit: 5 }));
    expect(first.CustomKeyStores).toHaveLength(5);
    expect(first.Truncated).toBe(true);
    const second = await kms.send(new DescribeCustomKeyStoresCommand({ Limit: 5, Marker: first.NextMarker }));
    expect(second.CustomKeyStores).toHaveLength(2);
    expect(second.Truncated).toBe(false);
    const failed = first.CustomKeyStores![3]!;
    expect(failed).toMatchObject({
      CustomKeyStoreId: stores[3]!.id,
      CustomKeyStoreName: 'store-3',
      CloudHsmClusterId: 'cluster-aaaaaaaaaaa',
      ConnectionState: 'FAILED',
      ConnectionErrorCode: 'USER_LOCKED_OUT',
      CustomKeyStoreType: 'AWS_CLOUDHSM',
    });
    expect(failed.CreationDate).toBeInstanceOf(Date);
  });

  it('reads every page through listKeyStores, and nothing in a region without key stores', async () => {
    const all = await listKeyStores(test.clients.kms('us-east-1'), 'us-east-1');
    expect(all.map((s) => s.id)).toEqual(stores.map((s) => s.id));
    expect(all[3]).toMatchObject({ state: 'FAILED', errorCode: 'USER_LOCKED_OUT', region: 'us-east-1' });
    expect(await listKeyStores(test.clients.kms('us-west-2'), 'us-west-2')).toEqual([]);
  });

  it('finds one key store by id or name, and answers CustomKeyStoreNotFoundException for an unknown one', async () => {
    const kms = test.clients.kms('us-east-1');
    const byName = await kms.send(new DescribeCustomKeyStoresCommand({ CustomKeyStoreName: 'store-2' }));
    expect(byName.CustomKeyStores?.map((s) => s.CustomKeyStoreId)).toEqual([stores[2]!.id]);
    await expect(
      kms.send(new DescribeCustomKeyStoresCommand({ CustomKeyStoreId: 'cks-99999999999999999' })),
    ).rejects.toMatchObject({ name: 'CustomKeyStoreNotFoundException' });
  });

  it('rejects a Limit outside 1-1000 and a Marker it did not make, as KMS does', async () => {
    const kms = test.clients.kms('us-east-1');
    await expect(kms.send(new DescribeCustomKeyStoresCommand({ Limit: 0 }))).rejects.toMatchObject({
      name: 'ValidationException',
    });
    await expect(kms.send(new DescribeCustomKeyStoresCommand({ Marker: 'nonsense' }))).rejects.toMatchObject({
      name: 'InvalidMarkerException',
    });
  });

  it('refuses a fleet key store whose id is not a KMS custom key store id', async () => {
    await expect(
      startTestSandbox({
        fleet: {
          account: '111122223333',
          regions: { 'us-east-1': { customKeyStores: [{ ...stores[0]!, id: 'ks-1' }] } },
        },
      }),
    ).rejects.toThrow(/customKeyStores\[0\]\.id/);
  });
});
