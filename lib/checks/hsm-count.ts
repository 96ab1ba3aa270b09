import { DOCS, isInService, liveHsms, notApplicable, plural } from './common.js';
import type { Check } from './types.js';

const EXPECTED = 'at least 2 HSMs, in different Availability Zones';

/**
 * An in-service cluster needs at least two HSMs: with one, any HSM failure or replacement
 * is an outage; with none, nothing can use the cluster's keys at all (CRITICAL).
 */
export const hsmCount: Check = {
  id: 'hsm-count',
  title: 'Cluster has at least two HSMs',
  severity: 'HIGH',
  evaluate({ cluster }) {
    const remediation = {
      text:
        `Add HSMs to ${cluster.id} until it has at least two, each in a different Availability Zone ` +
        `(aws cloudhsmv2 create-hsm --cluster-id ${cluster.id} --availability-zone <zone>).`,
      url: DOCS.addRemoveHsm,
    };
    if (!isInService(cluster)) {
      return notApplicable(`the cluster is ${cluster.state}`, EXPECTED, remediation);
    }
    const hsms = liveHsms(cluster);
    const observed = `${plural(hsms.length, 'HSM')}${hsms.length ? ` (${hsms.map((h) => h.id).join(', ')})` : ''}`;
    if (hsms.length >= 2) return { status: 'PASSED', observed, expected: EXPECTED, remediation };
    if (hsms.length === 0) {
      return {
        status: 'FAILED',
        severity: 'CRITICAL',
        observed: `no HSMs: the ${cluster.state} cluster cannot serve any request`,
        expected: EXPECTED,
        remediation,
      };
    }
    return {
      status: 'FAILED',
      observed: `${observed}: a single point of failure`,
      expected: EXPECTED,
      remediation,
    };
  },
};
