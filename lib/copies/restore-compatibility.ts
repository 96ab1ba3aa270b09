/**
 * What a backup can be restored into: its HSM type and mode (FIPS / NON_FIPS), which the pinned
 * SDK drops and lib/aws/dropped-members.ts reads back. AWS's "AWS CloudHSM cluster modes" page
 * (`cluster-hsm-types.html`): a FIPS backup restores only into FIPS clusters, a non-FIPS one only
 * into non-FIPS clusters, and non-FIPS mode exists only on hsm2m.medium (hsm1.medium is FIPS
 * only). A backup of another HSM type than the cluster now runs is the cluster as it was before
 * a migration ("Migrating from hsm1.medium to hsm2m.medium"); restoring it gives back that type,
 * which, for hsm1.medium, AWS no longer creates. So a backup restores the cluster as it runs now
 * only when both its HSM type and its mode are the cluster's. One rule, here, for the audit
 * (`dr-restore-compat`) and anything else that asks.
 */

/** The HSM type and mode of a cluster or a backup, as far as they are known. */
export interface HsmKind {
  hsmType?: string;
  mode?: string;
}

/** The HSM types that run in FIPS mode only (so their mode is known without `Mode`). */
const FIPS_ONLY = /^hsm1\./;

/** The mode, or FIPS for an hsm1 type that reports none (its only mode); undefined when unknown. */
export function modeOf(kind: HsmKind): string | undefined {
  if (kind.mode) return kind.mode;
  return kind.hsmType && FIPS_ONLY.test(kind.hsmType) ? 'FIPS' : undefined;
}

/** `hsm2m.medium FIPS`, with `?` for what is unknown. */
export function describeKind(kind: HsmKind): string {
  return `${kind.hsmType ?? '?'} ${modeOf(kind) ?? '?'}`;
}

/** `restores`: same type and mode; `differs`: a known type or mode differs; `unknown`: cannot tell. */
export type RestoreFit = 'restores' | 'differs' | 'unknown';

/** Whether `backup` restores the cluster as it runs now (`cluster`'s HSM type and mode). */
export function restoreFit(backup: HsmKind, cluster: HsmKind): RestoreFit {
  const backupMode = modeOf(backup);
  const clusterMode = modeOf(cluster);
  const typeDiffers = !!backup.hsmType && !!cluster.hsmType && backup.hsmType !== cluster.hsmType;
  const modeDiffers = !!backupMode && !!clusterMode && backupMode !== clusterMode;
  if (typeDiffers || modeDiffers) return 'differs';
  if (!backup.hsmType || !cluster.hsmType || !backupMode || !clusterMode) return 'unknown';
  return 'restores';
}
