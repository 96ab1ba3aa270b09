import { describe, expect, it } from 'vitest';
import { subnetCoverage } from '../../lib/checks/subnet-coverage.js';
import { cluster, healthyFacts, subnetsFor, zones } from '../support/facts.js';

describe('subnet-coverage', () => {
  it('passes subnets in every available zone', () => {
    const result = subnetCoverage.evaluate(healthyFacts());
    expect(result.status).toBe('PASSED');
    expect(result.observed).toBe('subnets in all 3 available zones');
  });

  it('fails and names the missing zones, saying AWS cannot add subnets later', () => {
    // Prepare
    const subnets = subnetsFor(['us-east-1a']);
    const facts = healthyFacts({
      cluster: cluster({ subnetMapping: { 'us-east-1a': subnets[0]!.id } }),
      subnets,
    });
    // Act
    const result = subnetCoverage.evaluate(facts);
    // Assess
    expect(result.status).toBe('FAILED');
    expect(result.observed).toBe(
      'subnets in 1 of 3 available zones (us-east-1a); missing: us-east-1b, us-east-1c',
    );
    expect(result.remediation.text).toMatch(/cannot add subnets to an existing cluster/);
    expect(result.remediation.text).toContain('us-east-1b and us-east-1c');
  });

  it('fails a cluster with no subnets at all, listing every zone', () => {
    const result = subnetCoverage.evaluate(
      healthyFacts({ cluster: cluster({ subnetMapping: {} }), subnets: [] }),
    );
    expect(result.status).toBe('FAILED');
    expect(result.observed).toBe(
      'subnets in 0 of 3 available zones; missing: us-east-1a, us-east-1b, us-east-1c',
    );
  });

  it('requires only available zones, and not Local Zones', () => {
    // Prepare: 1c is impaired, a Local Zone has no subnet either
    const regionZones = [
      ...zones(['us-east-1a', 'us-east-1b']),
      { name: 'us-east-1c', state: 'impaired', type: 'availability-zone' },
      { name: 'us-east-1-bos-1a', state: 'available', type: 'local-zone' },
    ];
    const subnets = subnetsFor(['us-east-1a', 'us-east-1b']);
    const mapping = Object.fromEntries(subnets.map((s) => [s.zone, s.id]));
    // Act
    const result = subnetCoverage.evaluate(
      healthyFacts({ cluster: cluster({ subnetMapping: mapping }), zones: regionZones, subnets }),
    );
    // Assess
    expect(result.status).toBe('PASSED');
  });

  it('counts a zone covered through the subnet EC2 describes even when the mapping key is not a zone name', () => {
    // moto keys SubnetMapping by region; the subnets' own zones still tell the truth
    const subnets = subnetsFor(['us-east-1a', 'us-east-1b', 'us-east-1c']);
    const mapping = {
      'us-east-1': subnets[2]!.id,
      'us-east-1a': subnets[0]!.id,
      'us-east-1b': subnets[1]!.id,
    };
    const result = subnetCoverage.evaluate(
      healthyFacts({ cluster: cluster({ subnetMapping: mapping }), subnets }),
    );
    expect(result.status).toBe('PASSED');
  });

  it('is not applicable when EC2 reports no zones', () => {
    const result = subnetCoverage.evaluate(healthyFacts({ zones: [] }));
    expect(result.status).toBe('NOT_APPLICABLE');
    expect(result.observed).toMatch(/^not applicable: EC2 reported no available zones/);
  });
});
