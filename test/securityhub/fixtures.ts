import type { Finding } from '../../lib/events/findings.js';

/** A finding as the audit makes it; tests change what they need. */
export const NOW = '2026-11-29T12:00:00Z';

export function finding(overrides: Partial<Finding> = {}): Finding {
  return {
    schemaVersion: '1',
    findingId: '111122223333/us-east-1/cluster-abcdefghijk/hsm-count',
    checkId: 'hsm-count',
    title: 'Cluster has at least two ACTIVE HSMs',
    severity: 'CRITICAL',
    status: 'FAILED',
    account: '111122223333',
    region: 'us-east-1',
    resource: {
      type: 'AWS::CloudHSM::Cluster',
      id: 'cluster-abcdefghijk',
      arn: 'arn:aws:cloudhsm:us-east-1:111122223333:cluster/cluster-abcdefghijk',
    },
    observed: '1 ACTIVE HSM (hsm-aaaaaaaaaaa): a single point of failure',
    expected: 'at least 2 ACTIVE HSMs',
    remediation: {
      text: 'Add an HSM.',
      url: 'https://docs.aws.amazon.com/cloudhsm/latest/userguide/bp-cluster-management.html',
    },
    observedAt: NOW,
    runId: 'run-1',
    ...overrides,
  };
}
