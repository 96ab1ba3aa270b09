/**
 * AWS KMS custom key stores backed by CloudHSM clusters: the most common production use of a
 * cluster, and where its failures page people (a disconnected key store, a cluster too small
 * for KMS to create keys). Read with DescribeCustomKeyStores (all pages) in each audited region.
 */
import { type KMSClient, paginateDescribeCustomKeyStores } from '@aws-sdk/client-kms';

/** One custom key store as the checks see it. External (XKS) key stores are left out. */
export interface KeyStoreInfo {
  id: string;
  name: string;
  region: string;
  /** The CloudHSM cluster it is associated with. */
  clusterId: string;
  /** CONNECTED, CONNECTING, DISCONNECTED, DISCONNECTING or FAILED. */
  state: string;
  /** Why it is FAILED (or last failed): USER_LOCKED_OUT, SUBNET_NOT_FOUND, ... */
  errorCode?: string;
  createdAt?: Date;
}

/** DescribeCustomKeyStores' largest page. */
const KMS_PAGE_SIZE = 1000;

/** Every CloudHSM (`AWS_CLOUDHSM`) key store of the region, all pages. */
export async function listKeyStores(client: KMSClient, region: string): Promise<KeyStoreInfo[]> {
  const stores: KeyStoreInfo[] = [];
  const pages = paginateDescribeCustomKeyStores({ client, pageSize: KMS_PAGE_SIZE }, {});
  for await (const page of pages) {
    for (const entry of page.CustomKeyStores ?? []) {
      // Key stores made before external key stores existed may omit the type: they are CloudHSM ones.
      const type = entry.CustomKeyStoreType ?? 'AWS_CLOUDHSM';
      if (type !== 'AWS_CLOUDHSM' || !entry.CloudHsmClusterId) continue;
      stores.push({
        id: entry.CustomKeyStoreId ?? '',
        name: entry.CustomKeyStoreName ?? '',
        region,
        clusterId: entry.CloudHsmClusterId,
        state: entry.ConnectionState ?? 'UNKNOWN',
        ...(entry.ConnectionErrorCode ? { errorCode: entry.ConnectionErrorCode } : {}),
        ...(entry.CreationDate ? { createdAt: entry.CreationDate } : {}),
      });
    }
  }
  return stores.sort((a, b) => a.id.localeCompare(b.id));
}

/** The key stores a cluster backs (KMS allows one per cluster; more are listed, never merged). */
export function keyStoresOf(clusterId: string, stores: readonly KeyStoreInfo[]): KeyStoreInfo[] {
  return stores.filter((store) => store.clusterId === clusterId);
}

/** `cks-1234567890abcdef0 ("payments")`, for messages. */
export function describeKeyStore(store: Pick<KeyStoreInfo, 'id' | 'name'>): string {
  return store.name ? `${store.id} ("${store.name}")` : store.id;
}

/** A region's inventory with its key stores, or why they could not be read. */
export type WithKeyStores<T> = T & { keyStores?: KeyStoreInfo[]; keyStoreError?: string };

/**
 * Adds the region's CloudHSM key stores to a gathered inventory. KMS failing (no
 * `kms:DescribeCustomKeyStores` grant, throttling) does not lose the region: the key stores
 * are left out with the reason, and the checks that need them are skipped and reported.
 */
export async function addKeyStores<T extends { region: string }>(
  client: KMSClient,
  inventory: T,
  describe: (error: unknown) => string,
): Promise<WithKeyStores<T>> {
  try {
    return { ...inventory, keyStores: await listKeyStores(client, inventory.region) };
  } catch (error) {
    return {
      ...inventory,
      keyStoreError: `could not read KMS key stores in ${inventory.region}: ${describe(error)}`,
    };
  }
}
