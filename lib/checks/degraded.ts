import { DOCS, isGone, notApplicable } from './common.js';
import type { Check } from './types.js';

const EXPECTED = 'cluster and every HSM not DEGRADED';

/** A DEGRADED cluster or HSM has lost redundancy or capacity and needs attention now. */
export const degraded: Check = {
  id: 'degraded',
  title: 'Cluster and HSMs are not degraded',
  severity: 'HIGH',
  evaluate({ cluster }) {
    const remediation = {
      text:
        'Check the cluster and HSM state messages (aws cloudhsmv2 describe-clusters). Replace a degraded HSM by ' +
        'adding a new HSM in the same Availability Zone and then deleting the degraded one; contact AWS Support ' +
        'if the cluster stays DEGRADED.',
      url: DOCS.troubleshooting,
    };
    if (isGone(cluster)) return notApplicable(`the cluster is ${cluster.state}`, EXPECTED, remediation);
    const hsms = cluster.hsms.filter((hsm) => hsm.state === 'DEGRADED');
    const problems: string[] = [];
    if (cluster.state === 'DEGRADED') problems.push('cluster is DEGRADED');
    if (hsms.length) {
      problems.push(
        `DEGRADED HSM${hsms.length > 1 ? 's' : ''}: ${hsms.map((h) => (h.zone ? `${h.id} (${h.zone})` : h.id)).join(', ')}`,
      );
    }
    if (problems.length === 0) {
      return {
        status: 'PASSED',
        observed: `cluster ${cluster.state}; no DEGRADED HSM`,
        expected: EXPECTED,
        remediation,
      };
    }
    return { status: 'FAILED', observed: problems.join('; '), expected: EXPECTED, remediation };
  },
};
