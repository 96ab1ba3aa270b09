import type { Severity } from '../config/common.js';
import { describeKeyStore, type KeyStoreInfo } from '../inventory/key-stores.js';
import { DOCS, listOf, notApplicable } from './common.js';
import type { Check, CheckResult } from './types.js';

const EXPECTED = 'every KMS custom key store the cluster backs is CONNECTED';

/** What a ConnectionErrorCode means and AWS's fix for it (KMS Developer Guide, "Troubleshooting a custom key store"). */
export const KEY_STORE_ERRORS: Readonly<Record<string, { meaning: string; fix: string }>> = {
  CLUSTER_NOT_FOUND: {
    meaning: "KMS cannot find the CloudHSM cluster with the key store's cluster id",
    fix: "Associate the key store with a cluster that shares the original cluster's backup history (one created from its backup) with update-custom-key-store --cloud-hsm-cluster-id",
  },
  INSUFFICIENT_CLOUDHSM_HSMS: {
    meaning: 'the cluster has no active HSM, and KMS needs at least one to connect',
    fix: 'Add an HSM to the cluster (aws cloudhsmv2 create-hsm) and wait for it to be ACTIVE',
  },
  INSUFFICIENT_FREE_ADDRESSES_IN_SUBNET: {
    meaning: 'a private subnet of the cluster has no free IP address, and KMS needs one in each to connect',
    fix: "Free an IP address in each of the cluster's subnets (delete unused network interfaces)",
  },
  INTERNAL_ERROR: {
    meaning: 'KMS could not complete the request because of an internal error',
    fix: 'Retry: disconnect the key store, then connect it again',
  },
  INVALID_CREDENTIALS: {
    meaning: "the kmsuser crypto user's password in the cluster differs from the one the key store holds",
    fix: 'Update the key store with the current kmsuser password (update-custom-key-store --key-store-password)',
  },
  NETWORK_ERRORS: {
    meaning: 'network errors keep KMS from reaching the cluster (often the cluster security group rules)',
    fix: "Restore the cluster security group's inbound and outbound TCP 2223-2225 rules within the group, and check the VPC's network ACLs",
  },
  SUBNET_NOT_FOUND: {
    meaning: 'a subnet in the cluster configuration was deleted',
    fix: 'Create a cluster from a recent backup of this one (in subnets that exist), and associate the key store with it (update-custom-key-store --cloud-hsm-cluster-id)',
  },
  USER_LOCKED_OUT: {
    meaning: 'the kmsuser crypto user is locked out of the cluster after too many failed password attempts',
    fix: 'Change the kmsuser password in the cluster, then update the key store with it (update-custom-key-store --key-store-password)',
  },
  USER_LOGGED_IN: {
    meaning:
      'the kmsuser crypto user is logged in to the cluster, so KMS cannot rotate its password and log in',
    fix: "Log kmsuser out of the cluster (and update the key store's password if you changed it)",
  },
  USER_NOT_FOUND: {
    meaning: 'the cluster has no kmsuser crypto user',
    fix: 'Create a crypto user named kmsuser in the cluster, then update the key store with its password (update-custom-key-store --key-store-password)',
  },
};

/** States a key store passes through on the way to CONNECTED or DISCONNECTED: judged on the next run. */
const TRANSITIONS = new Set(['CONNECTING', 'DISCONNECTING']);

interface Verdict {
  store: KeyStoreInfo;
  severity?: Severity;
  text: string;
  fix?: string;
}

function judge(store: KeyStoreInfo): Verdict {
  const name = describeKeyStore(store);
  if (store.state === 'FAILED') {
    const known = store.errorCode ? KEY_STORE_ERRORS[store.errorCode] : undefined;
    const code = store.errorCode ?? 'no error code';
    return {
      store,
      severity: 'HIGH',
      text: `${name} FAILED (${code})${known ? `: ${known.meaning}` : ''}`,
      // AWS: disconnect it, correct the error (UpdateCustomKeyStore where a property is wrong), connect again.
      fix:
        `Disconnect it (aws kms disconnect-custom-key-store --custom-key-store-id ${store.id}); ` +
        `${known?.fix ?? 'see the KMS troubleshooting page for this error code'}; then connect it again ` +
        `(aws kms connect-custom-key-store --custom-key-store-id ${store.id}).`,
    };
  }
  if (store.state === 'DISCONNECTED') {
    return {
      store,
      severity: 'MEDIUM',
      text: `${name} DISCONNECTED: its KMS keys cannot be used`,
      fix: `Connect it if it should serve (aws kms connect-custom-key-store --custom-key-store-id ${store.id}).`,
    };
  }
  return { store, text: `${name} ${store.state}` };
}

/**
 * A KMS custom key store that is not CONNECTED cannot use its keys: FAILED is HIGH (something
 * broke, and the error code says what), DISCONNECTED is MEDIUM (someone disconnected it, or it
 * was never connected). One in transition (CONNECTING, DISCONNECTING) is not judged.
 */
export const keyStoreConnection: Check = {
  id: 'key-store-connection',
  title: 'KMS custom key stores backed by the cluster are connected',
  severity: 'HIGH',
  needs: ['key-stores'],
  evaluate({ cluster, keyStores = [] }): CheckResult {
    const verdicts = keyStores.map(judge);
    const failed = verdicts.filter((v) => v.severity);
    const remediation = {
      text: failed.length
        ? failed.map((v) => `${v.store.id}: ${v.fix}`).join(' ')
        : 'Nothing to do; a key store that fails names its error code here, with the fix.',
      url: failed.some((v) => v.severity === 'HIGH') ? DOCS.kmsFixKeyStore : DOCS.kmsConnectKeyStore,
    };
    if (keyStores.length === 0) {
      return notApplicable(`${cluster.id} backs no KMS custom key store`, EXPECTED, remediation);
    }
    const observed = listOf(verdicts.map((v) => v.text));
    if (failed.length > 0) {
      const severity = failed.some((v) => v.severity === 'HIGH') ? 'HIGH' : 'MEDIUM';
      return { status: 'FAILED', severity, observed, expected: EXPECTED, remediation };
    }
    if (verdicts.some((v) => TRANSITIONS.has(v.store.state))) {
      return notApplicable(`${observed}; judged once it settles`, EXPECTED, remediation);
    }
    return { status: 'PASSED', observed, expected: EXPECTED, remediation };
  },
};
