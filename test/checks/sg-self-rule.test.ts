import { describe, expect, it } from 'vitest';
import { sgSelfRule } from '../../lib/checks/sg-self-rule.js';
import type { SecurityGroupInfo } from '../../lib/inventory/types.js';
import { cluster, healthyFacts, SG_ID, securityGroup } from '../support/facts.js';

const withoutSelfRule = (group: SecurityGroupInfo): SecurityGroupInfo => ({
  ...group,
  ingress: group.ingress.filter((rule) => !rule.groupIds.includes(SG_ID)),
});

describe('sg-self-rule', () => {
  it('passes the preconfigured rule: TCP 2223-2225 from the group itself', () => {
    const result = sgSelfRule.evaluate(healthyFacts());
    expect(result.status).toBe('PASSED');
    expect(result.observed).toBe(`${SG_ID} admits itself to TCP 2223-2225`);
  });

  it('fails as HIGH when the self-referencing rule was removed', () => {
    // Prepare
    const group = withoutSelfRule(securityGroup([{ fromPort: 2223, toPort: 2225, cidrs: ['10.0.0.0/16'] }]));
    // Act
    const result = sgSelfRule.evaluate(healthyFacts({ securityGroups: [group] }));
    // Assess
    expect(result.status).toBe('FAILED');
    expect(result.severity ?? sgSelfRule.severity).toBe('HIGH');
    expect(result.observed).toBe(
      `${SG_ID} has no inbound rule from itself for TCP 2223-2225: clients in the group cannot reach the HSMs`,
    );
    expect(result.remediation.text).toContain(
      `aws ec2 authorize-security-group-ingress --group-id ${SG_ID} --protocol tcp --port 2223-2225 --source-group ${SG_ID}`,
    );
  });

  it('names the ports a narrowed self rule no longer opens', () => {
    const group = withoutSelfRule(securityGroup());
    group.ingress.push({
      protocol: 'tcp',
      fromPort: 2223,
      toPort: 2224,
      cidrs: [],
      ipv6Cidrs: [],
      groupIds: [SG_ID],
    });
    const result = sgSelfRule.evaluate(healthyFacts({ securityGroups: [group] }));
    expect(result.status).toBe('FAILED');
    expect(result.observed).toContain('missing 2225');
  });

  it('accepts an all-traffic rule from the group itself', () => {
    const group = withoutSelfRule(securityGroup());
    group.ingress.push({ protocol: '-1', cidrs: [], ipv6Cidrs: [], groupIds: [SG_ID] });
    expect(sgSelfRule.evaluate(healthyFacts({ securityGroups: [group] })).status).toBe('PASSED');
  });

  it('leaves a group EC2 did not return to sg-exposure, and skips a DELETED cluster', () => {
    expect(sgSelfRule.evaluate(healthyFacts({ securityGroups: [] })).observed).toMatch(
      /^not applicable: .*see sg-exposure/,
    );
    expect(sgSelfRule.evaluate(healthyFacts({ cluster: cluster({ state: 'DELETED' }) })).status).toBe(
      'NOT_APPLICABLE',
    );
  });
});
