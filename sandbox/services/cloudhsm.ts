/** The CloudHSM v2 service (JSON 1.1, `X-Amz-Target: BaldrApiService.<Operation>`). */
import { backupHandlers } from './cloudhsm-backups.js';
import { clusterHandlers } from './cloudhsm-clusters.js';
import { policyHandlers } from './cloudhsm-policies.js';
import { tagHandlers } from './cloudhsm-tags.js';
import type { Handler } from './context.js';

/** Every CloudHSM v2 operation the sandbox implements. */
export const cloudHsmHandlers: Record<string, Handler> = {
  ...backupHandlers,
  ...clusterHandlers,
  ...tagHandlers,
  ...policyHandlers,
};

/** Operations that change state (the request log marks them; tests assert on them). */
export const CLOUDHSM_MUTATIONS = new Set([
  'CopyBackupToRegion',
  'DeleteBackup',
  'RestoreBackup',
  'ModifyBackupAttributes',
  'ModifyCluster',
  'TagResource',
  'UntagResource',
  'CreateCluster',
  'CreateHsm',
  'DeleteHsm',
  'DeleteCluster',
  'InitializeCluster',
  'PutResourcePolicy',
  'DeleteResourcePolicy',
]);
