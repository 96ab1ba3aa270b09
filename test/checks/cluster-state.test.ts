import { describe, expect, it } from 'vitest';
import { clusterState } from '../../lib/checks/cluster-state.js';
import { cluster, daysAgo, healthyFacts, hoursAgo } from '../support/facts.js';

describe('cluster-state', () => {
  it('passes an ACTIVE cluster', () => {
    expect(clusterState.evaluate(healthyFacts()).status).toBe('PASSED');
  });

  it('fails a cluster left UNINITIALIZED for days', () => {
    const result = clusterState.evaluate(
      healthyFacts({ cluster: cluster({ state: 'UNINITIALIZED', createdAt: daysAgo(9) }) }),
    );
    expect(result.status).toBe('FAILED');
    expect(result.observed).toBe('UNINITIALIZED for 9d since creation');
  });

  it('gives a cluster a day to be set up, and fails one whose age is unknown', () => {
    expect(
      clusterState.evaluate(
        healthyFacts({ cluster: cluster({ state: 'INITIALIZED', createdAt: hoursAgo(23) }) }),
      ).status,
    ).toBe('PASSED');
    expect(
      clusterState.evaluate(
        healthyFacts({ cluster: cluster({ state: 'INITIALIZED', createdAt: undefined }) }),
      ).status,
    ).toBe('FAILED');
  });
});
