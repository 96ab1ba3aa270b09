import { describe, expect, it } from 'vitest';
import { parseCidr, publicPart } from '../../lib/checks/cidr.js';
import { clientPortsOpenedBy, sgExposure } from '../../lib/checks/sg-exposure.js';
import type { IngressRule } from '../../lib/inventory/types.js';
import { cluster, healthyFacts, securityGroup } from '../support/facts.js';

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
    expect(result.observed).toContain(
      `sg-0a1100000000aaaa1 admits addresses beyond private networks to the HSM ports: ${exposure} (together: every public IPv`,
    );
  });

  it.each([
    ['a range just below the client ports', { fromPort: 1, toPort: 2222, cidrs: ['0.0.0.0/0'] }],
    ['a range just above the client ports', { fromPort: 2226, toPort: 65535, ipv6Cidrs: ['::/0'] }],
    ['UDP on the client ports', { protocol: 'udp', fromPort: 2223, toPort: 2225, cidrs: ['0.0.0.0/0'] }],
    ['ICMP from anywhere', { protocol: 'icmp', fromPort: -1, toPort: -1, cidrs: ['0.0.0.0/0'] }],
    [
      'every private IPv4 range',
      {
        fromPort: 2223,
        toPort: 2225,
        cidrs: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10'],
      },
    ],
    ['a unique local IPv6 range', { fromPort: 2223, toPort: 2225, ipv6Cidrs: ['fd12:3456::/32'] }],
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
      'sg-0a1100000000aaaa1 admits addresses beyond private networks to the HSM ports: 0.0.0.0/0 via tcp 2223-2225 ' +
        '(opens 2223-2225); ::/0 via tcp 2223-2225 (opens 2223-2225) (together: every public IPv4 address, every public IPv6 address)',
    );
  });

  it('judges the union of the rules: two halves of the internet are the whole internet', () => {
    // Prepare
    const facts = healthyFacts({
      securityGroups: [
        securityGroup([
          { fromPort: 2223, toPort: 2225, cidrs: ['0.0.0.0/1'] },
          { fromPort: 2223, toPort: 2225, cidrs: ['128.0.0.0/1'] },
          { fromPort: 2223, toPort: 2225, ipv6Cidrs: ['::/1', '8000::/1'] },
        ]),
      ],
    });
    // Act
    const result = sgExposure.evaluate(facts);
    // Assess
    expect(result.status).toBe('FAILED');
    expect(result.observed).toContain('(together: every public IPv4 address, every public IPv6 address)');
  });

  it.each([
    ['a narrow public IPv4 CIDR', { cidrs: ['203.0.113.0/24'] }, '256 public IPv4 addresses'],
    ['a private range widened past its edge', { cidrs: ['10.0.0.0/7'] }, '16777216 public IPv4 addresses'],
    ['a global IPv6 range', { ipv6Cidrs: ['2001:db8::/32'] }, 'about 2^96 public IPv6 addresses'],
  ])('fails %s: any non-private range reaching the ports is exposure', (_, cidrs, together) => {
    const result = sgExposure.evaluate(
      healthyFacts({ securityGroups: [securityGroup([{ fromPort: 2223, toPort: 2225, ...cidrs }])] }),
    );
    expect(result.status).toBe('FAILED');
    expect(result.observed).toContain(`(together: ${together})`);
  });

  it('says "beyond private networks" in its title, not "internet"', () => {
    expect(sgExposure.title).toBe('Cluster security group does not open HSM ports beyond private networks');
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
    expect(result.status).toBe('NOT_APPLICABLE');
    expect(result.observed).toMatch(/^not applicable/);
  });
});

describe('clientPortsOpenedBy and the CIDR arithmetic', () => {
  it('treats a TCP rule without ports as every port', () => {
    expect(clientPortsOpenedBy(rule({}))).toEqual([2223, 2224, 2225]);
  });

  it('reads IPv4 and IPv6 CIDRs, with host bits and :: compression', () => {
    expect(parseCidr('10.1.2.3/8')).toEqual({ family: 4, start: 10n << 24n, end: (11n << 24n) - 1n });
    expect(parseCidr('::0/0')).toEqual({ family: 6, start: 0n, end: (1n << 128n) - 1n });
    expect(parseCidr('fd00::1/128')?.start).toBe((0xfd00n << 112n) + 1n);
    expect(['10.0.0.256/8', '1.2.3/8', '::1::/64', '10.0.0.0/33', 'nonsense'].map(parseCidr)).toEqual(
      Array(5).fill(undefined),
    );
  });

  it('finds no public part in private ranges and the right one in a range that straddles', () => {
    expect(publicPart([parseCidr('192.168.0.0/16')!, parseCidr('fc00::/7')!])).toEqual([]);
    // 172.16.0.0/11 is 172.0.0.0-172.31.255.255: the half below 172.16.0.0/12 is public
    expect(publicPart([parseCidr('172.16.0.0/11')!])).toEqual([
      { family: 4, start: 172n << 24n, end: (172n << 24n) + (16n << 16n) - 1n },
    ]);
  });
});
