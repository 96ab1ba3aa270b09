import { DOCS, formatDuration } from './common.js';
import type { Check } from './types.js';

const EXPECTED = 'an initialized and activated cluster (ACTIVE), or one set up within a day';

/** Set-up states a cluster should leave within a day; one left there is forgotten or stuck (and its HSMs cost money). */
const SETUP_STATES = new Set(['UNINITIALIZED', 'INITIALIZE_IN_PROGRESS', 'INITIALIZED']);
const SETUP_GRACE_MS = 24 * 3_600_000;

/** A cluster left uninitialized or not activated is unusable; finish setting it up or delete it. */
export const clusterState: Check = {
  id: 'cluster-state',
  title: 'Cluster is initialized and activated',
  severity: 'LOW',
  evaluate({ cluster, now }) {
    const remediation = {
      text:
        cluster.state === 'INITIALIZED'
          ? `Activate ${cluster.id}: set the admin password with the CloudHSM CLI (cluster activate), or delete the cluster if it is not needed.`
          : `Initialize ${cluster.id} with your signed cluster certificate (aws cloudhsmv2 initialize-cluster) and activate it, or delete it if it is not needed.`,
      url: DOCS.initialize,
    };
    if (!SETUP_STATES.has(cluster.state)) {
      return { status: 'PASSED', observed: cluster.state, expected: EXPECTED, remediation };
    }
    const age = cluster.createdAt ? now.toMillis() - cluster.createdAt.getTime() : undefined;
    const since = age === undefined ? '' : ` for ${formatDuration(age)} since creation`;
    return {
      status: age !== undefined && age <= SETUP_GRACE_MS ? 'PASSED' : 'FAILED',
      observed: `${cluster.state}${since}`,
      expected: EXPECTED,
      remediation,
    };
  },
};
