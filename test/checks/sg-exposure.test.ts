import { describe, expect, it } from 'vitest';
import { clientPortsOpenedBy, isOpenToWorld, sgExposure } from '../../lib/checks/sg-exposure.js';
import type { IngressRule } from '../../lib/inventory/types.js';
import { cluster, healthyFacts, securityGroup } from './facts.js';

const rule = (r: Partial<IngressRule>): IngressRule => ({
  protocol: 'tcp',
  cidrs: [],
  ipv6Cidrs: [],
  groupIds: [],
  ...r,
});

describe('sg-exposure', () => {
  it('passes a group that admits clients by security group and private CIDR only', () => {
    const result = sgExposure.evaluate(healthyFacts());
    expect(result.status).toBe('PASSED');
  });

  it.each([
    [
      '0.0.0.0/0 to exactly 2223-2225',
      { fromPort: 2223, toPort: 2225, cidrs: ['0.0.0.0/0'] },
      '0.0.0.0/0 via tcp 2223-2225 (opens 2223-2225)',
    ],
    [
      '::/0 (IPv6)',
      { fromPort: 2223, toPort: 2225, ipv6Cidrs: ['::/0'] },
      '::/0 via tcp 2223-2225 (opens 2223-2225)',
    ],
    [
      'all traffic (protocol -1)',
      { protocol: '-1', cidrs: ['0.0.0.0/0'] },
      '0.0.0.0/0 via all traffic (opens 2223-2225)',
    ],
    [
      'a wider range',
      { fromPort: 0, toPort: 65535, cidrs: ['0.0.0.0/0'] },
      '0.0.0.0/0 via tcp 0-65535 (opens 2223-2225)',
    ],
    [
      'a range that only partly overlaps from above',
      { fromPort: 2225, toPort: 3000, cidrs: ['0.0.0.0/0'] },
      '0.0.0.0/0 via tcp 2225-3000 (opens 2225)',
    ],
    [
      'a range that only partly overlaps from below',
      { fromPort: 1024, toPort: 2224, ipv6Cidrs: ['::/0'] },
      '::/0 via tcp 1024-2224 (opens 2223, 2224)',
    ],
    [
      'one port',
      { fromPort: 2224, toPort: 2224, cidrs: ['0.0.0.0/0'] },
      '0.0.0.0/0 via tcp 2224 (opens 2224)',
    ],
    [
      'protocol number 6',
      { protocol: '6', fromPort: 2223, toPort: 2225, cidrs: ['0.0.0.0/0'] },
      '0.0.0.0/0 via 6 2223-2225 (opens 2223-2225)',
    ],
  ])('fails %s', (_, ingress, exposure) => {
    // Prepare
    const facts = healthyFacts({ securityGroups: [securityGroup([ingress])] });
    // Act
    const result = sgExposure.evaluate(facts);
    // Assess
    expect(result.status).toBe('FAILED');
    expect(result.observed).toBe(`sg-0a1100000000aaaa1 admits ${exposure}`);
  });

  it.each([
    ['a range just below the client ports', { fromPort: 1, toPort: 2222, cidrs: ['0.0.0.0/0'] }],
    ['a range just above the client ports', { fromPort: 2226, toPort: 65535, ipv6Cidrs: ['::/0'] }],
    ['UDP on the client ports', { protocol: 'udp', fromPort: 2223, toPort: 2225, cidrs: ['0.0.0.0/0'] }],
    ['ICMP from anywhere', { protocol: 'icmp', fromPort: -1, toPort: -1, cidrs: ['0.0.0.0/0'] }],
    ['a narrow public CIDR', { fromPort: 2223, toPort: 2225, cidrs: ['203.0.113.0/24'] }],
    ['a wide but not open IPv6 CIDR', { fromPort: 2223, toPort: 2225, ipv6Cidrs: ['2001:db8::/32'] }],
  ])('passes %s', (_, ingress) => {
    const result = sgExposure.evaluate(healthyFacts({ securityGroups: [securityGroup([ingress])] }));
    expect(result.status).toBe('PASSED');
  });

  it('lists every exposure of a group open in both address families', () => {
    const facts = healthyFacts({
      securityGroups: [
        securityGroup([{ fromPort: 2223, toPort: 2225, cidrs: ['0.0.0.0/0'], ipv6Cidrs: ['::/0'] }]),
      ],
    });
    expect(sgExposure.evaluate(facts).observed).toBe(
      'sg-0a1100000000aaaa1 admits 0.0.0.0/0 via tcp 2223-2225 (opens 2223-2225); ::/0 via tcp 2223-2225 (opens 2223-2225)',
    );
  });

  it('reports a security group it cannot see instead of passing it', () => {
    const result = sgExposure.evaluate(healthyFacts({ securityGroups: [] }));
    expect(result.status).toBe('FAILED');
    expect(result.severity).toBe('MEDIUM');
    expect(result.observed).toMatch(/was not returned by DescribeSecurityGroups/);
  });

  it('is not applicable to a cluster without a security group yet', () => {
    const result = sgExposure.evaluate(
      healthyFacts({ cluster: cluster({ securityGroupId: undefined, state: 'CREATE_IN_PROGRESS' }) }),
    );
    expect(result.status).toBe('PASSED');
    expect(result.observed).toMatch(/^not applicable/);
  });
});

describe('clientPortsOpenedBy and isOpenToWorld', () => {
  it('treats a TCP rule without ports as every port', () => {
    expect(clientPortsOpenedBy(rule({}))).toEqual([2223, 2224, 2225]);
  });

  it('recognises every spelling of "any address"', () => {
    expect(['0.0.0.0/0', '::/0', '::0/0', ' 0.0.0.0/0 '].every(isOpenToWorld)).toBe(true);
    expect(['0.0.0.0/1', '10.0.0.0/8', '::/1', '2001:db8::/32'].some(isOpenToWorld)).toBe(false);
  });
});
