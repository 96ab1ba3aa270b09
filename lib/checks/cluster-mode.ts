import { modeOf } from '../copies/restore-compatibility.js';
import { DOCS, isGone, notApplicable } from './common.js';
import type { Check } from './types.js';

/**
 * The cluster's mode, FIPS or NON_FIPS ("AWS CloudHSM cluster modes", `cluster-hsm-types.html`):
 * FIPS mode allows only FIPS-approved keys and algorithms, the mode is chosen at creation and
 * cannot be changed, and a backup restores only into a cluster of the same mode. NON_FIPS is a
 * mode AWS offers, not a fault, so it fails only where FIPS is required (`--require-fips`,
 * `REQUIRE_FIPS=true`), as HIGH: keys may already exist that FIPS forbids, and the only fix is a
 * new cluster. Without the requirement a NON_FIPS cluster passes with its mode in `observed`:
 * a FAILED finding its owner can close only by rebuilding the cluster would be noise, and a
 * consumer that cares can still route on the observed mode.
 */
export const clusterMode: Check = {
  id: 'cluster-mode',
  title: 'Cluster runs in FIPS mode where FIPS is required',
  severity: 'HIGH',
  evaluate({ cluster, config }) {
    const expected = config.requireFips
      ? 'FIPS mode (required)'
      : 'FIPS or NON_FIPS (FIPS mode is not required)';
    const remediation = {
      text:
        "A cluster's mode cannot be changed after it is created, and a NON_FIPS backup restores only into a " +
        'NON_FIPS cluster: create a FIPS cluster (aws cloudhsmv2 create-cluster --hsm-type hsm2m.medium ' +
        '--mode FIPS --subnet-ids ...), move the keys your applications need to it (only keys FIPS mode allows), ' +
        `then retire ${cluster.id}.`,
      url: DOCS.clusterModes,
    };
    if (isGone(cluster)) return notApplicable(`the cluster is ${cluster.state}`, expected, remediation);
    const mode = modeOf(cluster);
    if (!mode) return notApplicable('the cluster reports no mode', expected, remediation);
    const inferred = !cluster.mode ? ` (${cluster.hsmType} runs in FIPS mode only)` : '';
    if (mode === 'FIPS') return { status: 'PASSED', observed: `FIPS${inferred}`, expected, remediation };
    if (config.requireFips) {
      return { status: 'FAILED', observed: `${mode} (FIPS mode is required)`, expected, remediation };
    }
    return {
      status: 'PASSED',
      observed: `${mode} (FIPS mode is not required: --require-fips / REQUIRE_FIPS not set)`,
      expected,
      remediation,
    };
  },
};
