import { describe, expect, it } from 'vitest';
import { clusterMode } from '../../lib/checks/cluster-mode.js';
import { cluster, config, healthyFacts } from '../support/facts.js';

const requireFips = { ...config, requireFips: true };

describe('cluster-mode', () => {
  it('passes a FIPS cluster, whether or not FIPS is required', () => {
    expect(clusterMode.evaluate(healthyFacts()).status).toBe('PASSED');
    const required = clusterMode.evaluate(healthyFacts({ config: requireFips }));
    expect(required.status).toBe('PASSED');
    expect(required.observed).toBe('FIPS');
  });

  it('fails a NON_FIPS cluster as HIGH when FIPS is required, pointing at a new FIPS cluster', () => {
    const result = clusterMode.evaluate(
      healthyFacts({ cluster: cluster({ mode: 'NON_FIPS' }), config: requireFips }),
    );
    expect(result.status).toBe('FAILED');
    expect(clusterMode.severity).toBe('HIGH');
    expect(result.observed).toBe('NON_FIPS (FIPS mode is required)');
    // The mode is fixed at creation and a NON_FIPS backup restores only into NON_FIPS clusters.
    expect(result.remediation.text).toContain('cannot be changed');
    expect(result.remediation.text).toContain('--mode FIPS');
    expect(result.remediation.url).toBe(
      'https://docs.aws.amazon.com/cloudhsm/latest/userguide/cluster-hsm-types.html',
    );
  });

  it('passes a NON_FIPS cluster when FIPS is not required, and names the mode', () => {
    const result = clusterMode.evaluate(healthyFacts({ cluster: cluster({ mode: 'NON_FIPS' }) }));
    expect(result.status).toBe('PASSED');
    expect(result.observed).toBe(
      'NON_FIPS (FIPS mode is not required: --require-fips / REQUIRE_FIPS not set)',
    );
  });

  it('reads an hsm1 cluster that reports no mode as FIPS, the only mode hsm1.medium has', () => {
    const result = clusterMode.evaluate(
      healthyFacts({ cluster: cluster({ hsmType: 'hsm1.medium', mode: undefined }), config: requireFips }),
    );
    expect(result.status).toBe('PASSED');
    expect(result.observed).toBe('FIPS (hsm1.medium runs in FIPS mode only)');
  });

  it('does not guess the mode of an hsm2m cluster that reports none', () => {
    const result = clusterMode.evaluate(
      healthyFacts({ cluster: cluster({ mode: undefined }), config: requireFips }),
    );
    expect(result.status).toBe('NOT_APPLICABLE');
    expect(result.observed).toBe('not applicable: the cluster reports no mode');
  });

  it('is not applicable to a cluster being deleted', () => {
    const result = clusterMode.evaluate(
      healthyFacts({
        cluster: cluster({ mode: 'NON_FIPS', state: 'DELETE_IN_PROGRESS' }),
        config: requireFips,
      }),
    );
    expect(result.status).toBe('NOT_APPLICABLE');
  });
});
