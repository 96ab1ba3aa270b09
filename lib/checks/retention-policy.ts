import { DOCS, isGone, notApplicable } from './common.js';
import type { Check } from './types.js';

const EXPECTED = 'a managed BackupRetentionPolicy (Type DAYS, 7-379 days)';

/** Without a managed retention policy the cluster's own backups are never expired by CloudHSM. */
export const retentionPolicy: Check = {
  id: 'retention-policy',
  title: 'Cluster has a managed backup retention policy',
  severity: 'MEDIUM',
  evaluate({ cluster }) {
    const remediation = {
      text:
        `Set a retention policy: aws cloudhsmv2 modify-cluster --cluster-id ${cluster.id} ` +
        '--backup-retention-policy Type=DAYS,Value=90 (choose 7-379 days to fit your recovery needs).',
      url: DOCS.retention,
    };
    if (isGone(cluster)) return notApplicable(`the cluster is ${cluster.state}`, EXPECTED, remediation);
    if (cluster.retentionDays === undefined) {
      return { status: 'FAILED', observed: 'no BackupRetentionPolicy', expected: EXPECTED, remediation };
    }
    return {
      status: 'PASSED',
      observed: `backups expire after ${cluster.retentionDays} days`,
      expected: EXPECTED,
      remediation,
    };
  },
};
