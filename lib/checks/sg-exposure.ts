import type { IngressRule } from '../inventory/types.js';
import { DOCS, isGone, notApplicable } from './common.js';
import type { Check } from './types.js';

/** The TCP ports CloudHSM clients use to reach the HSMs. */
export const CLIENT_PORTS = { from: 2223, to: 2225 } as const;

const EXPECTED =
  `no inbound rule admits 0.0.0.0/0 or ::/0 to TCP ${CLIENT_PORTS.from}-${CLIENT_PORTS.to}; ` +
  'only the security groups or CIDRs of your client instances';

/** A CIDR with prefix length 0 (`0.0.0.0/0`, `::/0`, `::0/0`) admits every address of its family. */
export function isOpenToWorld(cidr: string): boolean {
  return /\/0+$/.test(cidr.trim());
}

/**
 * The client ports (2223–2225) a rule opens, or none. Protocol `-1` (all traffic) opens
 * every port. A TCP rule opens the ports its range shares with 2223–2225, so a range that
 * only partly overlaps (2225–3000, 1–2223) counts: it still admits clients to one HSM port.
 */
export function clientPortsOpenedBy(rule: IngressRule): number[] {
  const protocol = rule.protocol.toLowerCase();
  if (protocol === '-1' || protocol === 'all') return [2223, 2224, 2225];
  if (protocol !== 'tcp' && protocol !== '6') return [];
  const from = rule.fromPort === undefined || rule.fromPort < 0 ? 0 : rule.fromPort;
  const to = rule.toPort === undefined || rule.toPort < 0 ? 65_535 : rule.toPort;
  const ports: number[] = [];
  for (let port = CLIENT_PORTS.from; port <= CLIENT_PORTS.to; port++) {
    if (port >= from && port <= to) ports.push(port);
  }
  return ports;
}

function describeRule(rule: IngressRule): string {
  const protocol = rule.protocol.toLowerCase();
  if (protocol === '-1' || protocol === 'all') return 'all traffic';
  if (rule.fromPort === undefined || rule.toPort === undefined) return `${protocol} all ports`;
  return rule.fromPort === rule.toPort
    ? `${protocol} ${rule.fromPort}`
    : `${protocol} ${rule.fromPort}-${rule.toPort}`;
}

/**
 * The cluster's security group must not let the whole internet (IPv4 or IPv6) reach the
 * HSM client ports: clients should be admitted by security group or narrow CIDR.
 */
export const sgExposure: Check = {
  id: 'sg-exposure',
  title: 'Cluster security group does not expose HSM ports to the internet',
  severity: 'HIGH',
  evaluate({ cluster, securityGroups }) {
    const groupId = cluster.securityGroupId;
    const remediation = {
      text:
        `Remove the inbound rules that admit 0.0.0.0/0 or ::/0 to TCP 2223-2225 from ${groupId ?? 'the cluster security group'} ` +
        '(aws ec2 revoke-security-group-ingress) and admit only the security groups of your client instances.',
      url: DOCS.securityGroup,
    };
    if (isGone(cluster)) return notApplicable(`the cluster is ${cluster.state}`, EXPECTED, remediation);
    if (!groupId) return notApplicable('the cluster has no security group yet', EXPECTED, remediation);
    const group = securityGroups.find((g) => g.id === groupId);
    if (!group) {
      return {
        status: 'FAILED',
        severity: 'MEDIUM',
        observed: `security group ${groupId} was not returned by DescribeSecurityGroups, so its rules cannot be checked`,
        expected: EXPECTED,
        remediation: {
          text: `Check that ${groupId} exists and that the audit role may call ec2:DescribeSecurityGroups.`,
          url: DOCS.securityGroup,
        },
      };
    }
    const exposures: string[] = [];
    for (const rule of group.ingress) {
      const ports = clientPortsOpenedBy(rule);
      if (ports.length === 0) continue;
      const open = [...rule.cidrs, ...rule.ipv6Cidrs].filter(isOpenToWorld);
      const portText = ports.length === 3 ? '2223-2225' : ports.join(', ');
      for (const cidr of open) exposures.push(`${cidr} via ${describeRule(rule)} (opens ${portText})`);
    }
    if (exposures.length === 0) {
      return {
        status: 'PASSED',
        observed: `${groupId}: no rule admits 0.0.0.0/0 or ::/0 to TCP 2223-2225`,
        expected: EXPECTED,
        remediation,
      };
    }
    return {
      status: 'FAILED',
      observed: `${groupId} admits ${exposures.join('; ')}`,
      expected: EXPECTED,
      remediation,
    };
  },
};
