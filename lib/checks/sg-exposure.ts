import type { IngressRule } from '../inventory/types.js';
import { type AddressRange, describePublic, PRIVATE_CIDRS, parseCidr, publicPart } from './cidr.js';
import { DOCS, isGone, notApplicable } from './common.js';
import type { Check } from './types.js';

/** The TCP ports CloudHSM clients use to reach the HSMs. */
export const CLIENT_PORTS = { from: 2223, to: 2225 } as const;

const EXPECTED =
  `no inbound rule admits an address outside private networks (${PRIVATE_CIDRS.join(', ')}) to TCP ` +
  `${CLIENT_PORTS.from}-${CLIENT_PORTS.to}; clients admitted by security group`;

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
 * The cluster's security group must not admit any address outside private networks to the
 * HSM client ports: HSM interfaces have private addresses, and AWS asks for clients to be
 * admitted by security group. Exposure is judged on the union of every rule's CIDRs (IPv4 and
 * IPv6), so 0.0.0.0/1 plus 128.0.0.0/1 is the whole internet, and a narrow public range counts
 * too. Private means RFC 1918, 100.64.0.0/10 and fc00::/7 ({@link PRIVATE_CIDRS}).
 */
export const sgExposure: Check = {
  id: 'sg-exposure',
  title: 'Cluster security group does not open HSM ports beyond private networks',
  severity: 'HIGH',
  evaluate({ cluster, securityGroups }) {
    const groupId = cluster.securityGroupId;
    const remediation = {
      text:
        `Remove the inbound rules that admit addresses outside private networks to TCP 2223-2225 from ` +
        `${groupId ?? 'the cluster security group'} (aws ec2 revoke-security-group-ingress) and admit only the ` +
        'security groups of your client instances.',
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
    const exposed: AddressRange[] = [];
    for (const rule of group.ingress) {
      const ports = clientPortsOpenedBy(rule);
      if (ports.length === 0) continue;
      const portText = ports.length === 3 ? '2223-2225' : ports.join(', ');
      for (const cidr of [...rule.cidrs, ...rule.ipv6Cidrs]) {
        const range = parseCidr(cidr);
        // A CIDR that cannot be read cannot be shown to be private: count it.
        if (range && publicPart([range]).length === 0) continue;
        if (range) exposed.push(range);
        exposures.push(
          `${cidr}${range ? '' : ' (unreadable)'} via ${describeRule(rule)} (opens ${portText})`,
        );
      }
    }
    if (exposures.length === 0) {
      return {
        status: 'PASSED',
        observed: `${groupId}: no rule admits addresses outside private networks to TCP 2223-2225`,
        expected: EXPECTED,
        remediation,
      };
    }
    const together = describePublic(exposed);
    return {
      status: 'FAILED',
      observed:
        `${groupId} admits addresses beyond private networks to the HSM ports: ${exposures.join('; ')}` +
        (together.length ? ` (together: ${together.join(', ')})` : ''),
      expected: EXPECTED,
      remediation,
    };
  },
};
