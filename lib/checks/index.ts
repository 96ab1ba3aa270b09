import { azSpread } from './az-spread.js';
import { backupFreshness } from './backup-freshness.js';
import { clusterMode } from './cluster-mode.js';
import { clusterState } from './cluster-state.js';
import { degraded } from './degraded.js';
import { drCopies } from './dr-copies.js';
import { drRestoreCompat } from './dr-restore-compat.js';
import { duplicateDrCopies } from './duplicate-dr-copies.js';
import { hsmCount } from './hsm-count.js';
import { hsmType } from './hsm-type.js';
import { hsmTypeMigration } from './hsm-type-migration.js';
import { keyStoreCapacity } from './key-store-capacity.js';
import { keyStoreConnection } from './key-store-connection.js';
import { retentionPolicy } from './retention-policy.js';
import { sgExposure } from './sg-exposure.js';
import { sgSelfRule } from './sg-self-rule.js';
import { staleDrCopies } from './stale-dr-copies.js';
import { subnetCoverage } from './subnet-coverage.js';
import type { Check } from './types.js';

export type { Check, CheckConfig, CheckFacts, CheckResult, CheckStatus, Remediation } from './types.js';
export { CHECK_STATUSES } from './types.js';

/**
 * Every check the audit runs, in report order. A new check is one file, one test and one
 * line here; ids are part of finding ids, so never rename one.
 */
export const CHECKS: readonly Check[] = [
  clusterState,
  hsmCount,
  azSpread,
  subnetCoverage,
  sgExposure,
  sgSelfRule,
  degraded,
  backupFreshness,
  drCopies,
  retentionPolicy,
  staleDrCopies,
  duplicateDrCopies,
  hsmType,
  keyStoreConnection,
  keyStoreCapacity,
  clusterMode,
  hsmTypeMigration,
  drRestoreCompat,
];
