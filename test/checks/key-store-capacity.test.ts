import { describe, expect, it } from 'vitest';
import { keyStoreCapacity } from '../../lib/checks/key-store-capacity.js';
import { CLUSTER_ID, cluster, healthyFacts, KEY_STORE_ID } from '../support/facts.js';

const hsm = (id: string, zone: string, state = 'ACTIVE') => ({ id, zone, state });

describe('key-store-capacity', () => {
  it('passes a key store whose cluster has 2 ACTIVE HSMs in 2 zones', () => {
    const result = keyStoreCapacity.evaluate(healthyFacts());
    expect(result.status).toBe('PASSED');
  });

  it('fails HIGH when the cluster has one ACTIVE HSM, naming the cluster and the key store', () => {
    // Prepare
    const facts = healthyFacts({
      cluster: cluster({
        hsms: [
          hsm('hsm-aaaaaaaaaaa', 'us-east-1a'),
          hsm('hsm-ccccccccccc', 'us-east-1b', 'CREATE_IN_PROGRESS'),
        ],
      }),
    });
    // Act
    const result = keyStoreCapacity.evaluate(facts);
    // Assess
    expect(result.status).toBe('FAILED');
    expect(result.severity ?? keyStoreCapacity.severity).toBe('HIGH');
    expect(result.observed).toContain(CLUSTER_ID);
    expect(result.observed).toContain(KEY_STORE_ID);
    expect(result.observed).toContain('1 ACTIVE HSM');
    expect(result.observed).toContain('cannot create keys');
  });

  it('fails HIGH when 2 ACTIVE HSMs share one zone', () => {
    const result = keyStoreCapacity.evaluate(
      healthyFacts({
        cluster: cluster({
          hsms: [hsm('hsm-aaaaaaaaaaa', 'us-east-1a'), hsm('hsm-bbbbbbbbbbb', 'us-east-1a')],
        }),
      }),
    );
    expect(result.status).toBe('FAILED');
    expect(result.observed).toContain('all in us-east-1a');
  });

  it('fails HIGH for a parked cluster behind a key store', () => {
    const result = keyStoreCapacity.evaluate(healthyFacts({ cluster: cluster({ hsms: [] }) }));
    expect(result.status).toBe('FAILED');
    expect(result.observed).toContain('no ACTIVE HSM');
  });

  it('does not apply to a cluster that backs no key store', () => {
    const result = keyStoreCapacity.evaluate(healthyFacts({ keyStores: [], cluster: cluster({ hsms: [] }) }));
    expect(result.status).toBe('NOT_APPLICABLE');
  });

  it('finds an HSM zone through its subnet when the HSM reports none', () => {
    const subnets = healthyFacts().subnets;
    const result = keyStoreCapacity.evaluate(
      healthyFacts({
        cluster: cluster({
          hsms: [
            { id: 'hsm-aaaaaaaaaaa', state: 'ACTIVE', subnetId: subnets[0]!.id },
            { id: 'hsm-bbbbbbbbbbb', state: 'ACTIVE', subnetId: subnets[1]!.id },
          ],
        }),
      }),
    );
    expect(result.status).toBe('PASSED');
  });
});
