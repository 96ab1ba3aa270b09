import { DOCS, isGone, notApplicable } from './common.js';
import { CLIENT_PORTS, clientPortsOpenedBy } from './sg-exposure.js';
import type { Check } from './types.js';

const EXPECTED = `the preconfigured inbound rule: TCP ${CLIENT_PORTS.from}-${CLIENT_PORTS.to} from the cluster security group itself`;

/**
 * CloudHSM creates the cluster security group with a TCP 2223-2225 rule whose source is the
 * group itself, and AWS says never to delete or change it: client instances join the group
 * to reach the HSMs, and AWS KMS custom key stores require it. Without it no client in the
 * group can connect.
 */
export const sgSelfRule: Check = {
  id: 'sg-self-rule',
  title: 'Cluster security group keeps its self-referencing rule for TCP 2223-2225',
  severity: 'HIGH',
  evaluate({ cluster, securityGroups }) {
    const groupId = cluster.securityGroupId;
    const remediation = {
      text:
        `Restore the rule: aws ec2 authorize-security-group-ingress --group-id ${groupId ?? '<group>'} ` +
        `--protocol tcp --port 2223-2225 --source-group ${groupId ?? '<group>'} (and the matching outbound rule).`,
      url: DOCS.securityGroup,
    };
    if (isGone(cluster)) return notApplicable(`the cluster is ${cluster.state}`, EXPECTED, remediation);
    if (!groupId) return notApplicable('the cluster has no security group yet', EXPECTED, remediation);
    const group = securityGroups.find((g) => g.id === groupId);
    if (!group) {
      return notApplicable(`${groupId} was not returned by EC2; see sg-exposure`, EXPECTED, remediation);
    }
    const opened = new Set(
      group.ingress.filter((rule) => rule.groupIds.includes(groupId)).flatMap(clientPortsOpenedBy),
    );
    const missing = [2223, 2224, 2225].filter((port) => !opened.has(port));
    if (missing.length === 0) {
      return {
        status: 'PASSED',
        observed: `${groupId} admits itself to TCP 2223-2225`,
        expected: EXPECTED,
        remediation,
      };
    }
    const what =
      missing.length === 3
        ? `${groupId} has no inbound rule from itself for TCP 2223-2225`
        : `${groupId}'s rule from itself is missing ${missing.join(', ')}`;
    return {
      status: 'FAILED',
      observed: `${what}: clients in the group cannot reach the HSMs`,
      expected: EXPECTED,
      remediation,
    };
  },
};
