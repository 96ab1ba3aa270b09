import { describeKeyStore } from '../inventory/key-stores.js';
import { DOCS, isGone, listOf, notApplicable } from './common.js';
import type { Check } from './types.js';

const EXPECTED = 'a current HSM type (hsm2m.medium)';

/**
 * hsm1.medium has reached end of support: AWS no longer creates clusters of that type and
 * migrates existing ones on its own schedule. Migrating on your own schedule avoids surprises.
 */
export const hsmType: Check = {
  id: 'hsm-type',
  title: 'Cluster does not use an end-of-support HSM type',
  severity: 'MEDIUM',
  evaluate({ cluster, keyStores = [] }) {
    const backs = keyStores.length
      ? `This cluster backs KMS key store ${listOf(keyStores.map(describeKeyStore))}: confirm AWS KMS supports ` +
        'hsm2m.medium key stores before migrating it. '
      : '';
    const remediation = {
      text:
        backs +
        'Warning before migrating: AWS KMS custom key stores (CloudHSM key stores) may not support hsm2m.medium ' +
        'clusters; do not migrate a cluster behind one until AWS says it is supported. The whole cluster runs in ' +
        'limited-write mode while it migrates (one HSM at a time, about 30 minutes each), and you can roll back ' +
        'within 24 hours of the start. Check client SDK compatibility, then migrate: aws cloudhsmv2 ' +
        `modify-cluster --cluster-id ${cluster.id} --hsm-type hsm2m.medium.`,
      url: DOCS.migrateHsm2,
    };
    if (isGone(cluster)) return notApplicable(`the cluster is ${cluster.state}`, EXPECTED, remediation);
    if (!cluster.hsmType) return notApplicable('the cluster reports no HSM type', EXPECTED, remediation);
    if (cluster.hsmType.startsWith('hsm1.')) {
      return {
        status: 'FAILED',
        observed: `${cluster.hsmType} (end of support)`,
        expected: EXPECTED,
        remediation,
      };
    }
    return { status: 'PASSED', observed: cluster.hsmType, expected: EXPECTED, remediation };
  },
};
