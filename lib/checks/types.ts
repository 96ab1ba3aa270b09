import type { DateTime } from 'luxon';
import type { Severity } from '../config/common.js';
import type { CopyRetentionMode } from '../copies/retention.js';
import type { KeyStoreInfo } from '../inventory/key-stores.js';
import type { BackupInfo, ClusterInfo, SecurityGroupInfo, SubnetInfo, ZoneInfo } from '../inventory/types.js';

/**
 * A finding's outcome; PASSED findings are published too, so consumers can close what is fixed.
 * NOT_APPLICABLE: the check could not judge this resource (the reason is in `observed`); it is
 * neither a pass nor a failure, so nothing keyed on one check sees green where nothing was judged.
 */
export type CheckStatus = 'PASSED' | 'FAILED' | 'NOT_APPLICABLE';

/** Every status, in the order reports list them. */
export const CHECK_STATUSES: readonly CheckStatus[] = ['FAILED', 'PASSED', 'NOT_APPLICABLE'];

/** What to do about a failed check, and the AWS documentation page that explains it. */
export interface Remediation {
  text: string;
  url: string;
}

/** The settings checks depend on (a slice of the audit config). */
export interface CheckConfig {
  /** Regions that should hold copies of every cluster's backups (a cluster's own region is ignored). */
  drRegions: string[];
  /** Oldest acceptable recovery point in a DR region, in hours. */
  drRpoHours: number;
  /** Allowed lateness of the daily backup, in hours, on top of 24 h. */
  freshnessGraceHours: number;
  /** `fixed`: copies are stale after `copyRetentionDays`; `source`: after the source cluster's retention policy. */
  copyRetention: CopyRetentionMode;
  /** Age in days after which a copy in a DR region is stale (what prune would remove); the fallback under `source`. */
  copyRetentionDays: number;
  /** Tag key that exempts a backup from pruning. */
  holdTag: string;
  /** A cluster in NON_FIPS mode fails `cluster-mode` (--require-fips / REQUIRE_FIPS). */
  requireFips: boolean;
}

/** Everything a check may look at for one cluster. Plain data: checks never call AWS or read the clock. */
export interface CheckFacts {
  cluster: ClusterInfo;
  /** The Availability Zones of the cluster's region. */
  zones: ZoneInfo[];
  /** The cluster's subnets, as EC2 describes them. */
  subnets: SubnetInfo[];
  /** The security groups gathered in the cluster's region (the cluster's among them). */
  securityGroups: SecurityGroupInfo[];
  /** The cluster's own backups in its region, every state. */
  backups: BackupInfo[];
  /** Copies of this cluster's backups (its lineage), per DR region, every state. */
  drCopies: Record<string, BackupInfo[]>;
  /**
   * The KMS custom key stores this cluster backs (usually none or one); absent when the region's
   * key stores could not be read, so checks that need them are skipped, never guessed.
   */
  keyStores?: KeyStoreInfo[];
  config: CheckConfig;
  now: DateTime;
}

/** One check's verdict on one cluster. */
export interface CheckResult {
  status: CheckStatus;
  /** Overrides the check's default severity for this result (e.g. 0 HSMs is worse than 1). */
  severity?: Severity;
  /** What was found, in words a person can act on. */
  observed: string;
  /** What best practice asks for. */
  expected: string;
  remediation: Remediation;
}

/** Facts a check needs beyond the cluster's own region; the audit skips the check when they are missing. */
export type FactNeed = 'dr-backups' | 'key-stores';

/** A best-practice check: pure, one file each under lib/checks/, listed in lib/checks/index.ts. */
export interface Check {
  /** Stable identifier, part of every finding id: never rename one. */
  id: string;
  title: string;
  /** Default severity of a FAILED result. */
  severity: Severity;
  needs?: readonly FactNeed[];
  evaluate(facts: CheckFacts): CheckResult;
}
