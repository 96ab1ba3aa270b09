import { describeKeyStore, type KeyStoreInfo } from '../inventory/key-stores.js';
import { listOf } from './common.js';
import type { CheckResult } from './types.js';

/** Checks whose own text already names the key store. */
const KEY_STORE_CHECKS = new Set(['key-store-connection', 'key-store-capacity']);

/**
 * Every finding on a cluster that backs a KMS custom key store says so: whoever reads a
 * finding about the cluster learns that KMS keys (and what encrypts with them) depend on it.
 */
export function noteKeyStores(
  checkId: string,
  result: CheckResult,
  keyStores: readonly KeyStoreInfo[] = [],
): CheckResult {
  if (keyStores.length === 0 || KEY_STORE_CHECKS.has(checkId)) return result;
  const stores = listOf(keyStores.map(describeKeyStore));
  return { ...result, observed: `${result.observed} [backs KMS key store ${stores}]` };
}
