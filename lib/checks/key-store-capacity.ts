import { describeKeyStore } from '../inventory/key-stores.js';
import { DOCS, listOf, notApplicable, plural, servingHsms } from './common.js';
import type { Check } from './types.js';

const EXPECTED =
  'a cluster behind a KMS key store has at least 2 ACTIVE HSMs in 2 different Availability Zones';

/**
 * AWS KMS creates keys in a CloudHSM key store only when its cluster has at least two active
 * HSMs in different Availability Zones (KMS Developer Guide, "Create an AWS CloudHSM key
 * store", prerequisites). Below that, CreateKey fails: HIGH, naming the cluster and key store.
 * `hsm-count` and `az-spread` judge the same HSMs for the cluster's own sake; this check says
 * what it costs the key store.
 */
export const keyStoreCapacity: Check = {
  id: 'key-store-capacity',
  title: 'The cluster behind a KMS key store can create keys (2 ACTIVE HSMs in 2 zones)',
  severity: 'HIGH',
  needs: ['key-stores'],
  evaluate({ cluster, subnets, keyStores = [] }) {
    const stores = listOf(keyStores.map(describeKeyStore));
    const remediation = {
      text:
        `Add HSMs to ${cluster.id} until it has 2 ACTIVE HSMs in different Availability Zones ` +
        `(aws cloudhsmv2 create-hsm --cluster-id ${cluster.id} --availability-zone <zone>), so KMS key store ` +
        `${stores || '(none)'} can create keys.`,
      url: DOCS.kmsCreateKeyStore,
    };
    if (keyStores.length === 0) {
      return notApplicable(`${cluster.id} backs no KMS custom key store`, EXPECTED, remediation);
    }
    const hsms = servingHsms(cluster);
    const zoneOf = (subnetId?: string) => subnets.find((s) => s.id === subnetId)?.zone;
    const zones = [
      ...new Set(hsms.map((h) => h.zone ?? zoneOf(h.subnetId)).filter((z): z is string => !!z)),
    ].sort();
    const count = hsms.length ? plural(hsms.length, 'ACTIVE HSM') : 'no ACTIVE HSM';
    const where =
      zones.length === 1 && hsms.length > 1
        ? `, all in ${zones[0]}`
        : zones.length
          ? ` in ${listOf(zones)}`
          : '';
    const observed = `cluster ${cluster.id} behind KMS key store ${stores} has ${count}${where}`;
    if (hsms.length >= 2 && zones.length >= 2) {
      return { status: 'PASSED', observed, expected: EXPECTED, remediation };
    }
    return {
      status: 'FAILED',
      observed: `${observed}: KMS cannot create keys in it`,
      expected: EXPECTED,
      remediation,
    };
  },
};
