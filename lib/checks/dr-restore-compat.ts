import { describeKind, modeOf, restoreFit } from '../copies/restore-compatibility.js';
import type { BackupInfo } from '../inventory/types.js';
import { DOCS, drRegionsFor, isInService, notApplicable, plural } from './common.js';
import type { Check, CheckFacts } from './types.js';

/** One DR region's verdict: a copy restores the cluster as it runs, none does, none is known to, or no READY copy. */
type RegionFit = 'restores' | 'differs' | 'unknown' | 'none';

interface RegionVerdict {
  region: string;
  fit: RegionFit;
  text: string;
  /** A copy differs by mode (the cluster-modes page explains it), not only by HSM type. */
  modeDiffers?: boolean;
}

const newestFirst = (a: BackupInfo, b: BackupInfo) => b.createdAt.getTime() - a.createdAt.getTime();

/** `hsm1.medium FIPS or hsm2m.medium NON_FIPS`: the kinds of `copies`, once each. */
function kindsOf(copies: readonly BackupInfo[]): string {
  return [...new Set(copies.map(describeKind))].join(' or ');
}

function judgeRegion(region: string, copies: readonly BackupInfo[], facts: CheckFacts): RegionVerdict {
  const { cluster } = facts;
  const ready = copies.filter((c) => c.state === 'READY').sort(newestFirst);
  if (ready.length === 0)
    return { region, fit: 'none', text: `${region}: no READY copy (dr-copies reports it)` };
  const restoring = ready.filter((c) => restoreFit(c, cluster) === 'restores');
  const others = ready.filter((c) => !restoring.includes(c));
  if (restoring.length > 0) {
    const rest = others.length
      ? ` (${plural(others.length, 'other READY copy', 'other READY copies')} ${others.length === 1 ? 'is' : 'are'} ${kindsOf(others)})`
      : '';
    return {
      region,
      fit: 'restores',
      text: `${region}: ${restoring[0]!.id} restores ${describeKind(cluster)}${rest}`,
    };
  }
  if (ready.some((c) => restoreFit(c, cluster) === 'unknown')) {
    const count = plural(ready.length, 'READY copy', 'READY copies');
    return { region, fit: 'unknown', text: `${region}: ${count} whose HSM type or mode is not reported` };
  }
  return {
    region,
    fit: 'differs',
    text:
      `${region}: ${plural(ready.length, 'READY copy', 'READY copies')}, all ${kindsOf(ready)}; ` +
      `none restores the cluster as it runs (${describeKind(cluster)})`,
    modeDiffers: ready.some((c) => modeOf(c) !== modeOf(cluster)),
  };
}

/**
 * A DR region is a recovery point only if a copy there restores the cluster as it runs: a
 * backup's HSM type and mode decide which clusters it restores into (lib/copies/restore-compatibility.ts:
 * a FIPS backup only into FIPS clusters, a NON_FIPS one only into NON_FIPS; a backup of the type a
 * cluster migrated away from gives back that type). A region whose READY copies are all of
 * another type or mode, e.g. every copy made before an hsm1 → hsm2m migration, fails HIGH like
 * `dr-copies`: `dr-copies` can pass it (a recent enough copy) while a restore there would bring
 * back the old type. A region with no READY copy is `dr-copies`' finding, not this one's; copies
 * that report no type or mode are not guessed (not applicable, naming the region). While the
 * cluster changes type (MODIFY_/ROLLBACK_IN_PROGRESS) the type it will run is not settled, so it is
 * judged once ACTIVE.
 */
export const drRestoreCompat: Check = {
  id: 'dr-restore-compat',
  title: "DR copies restore the cluster's HSM type and mode",
  severity: 'HIGH',
  needs: ['dr-backups'],
  evaluate(facts) {
    const { cluster, config, drCopies } = facts;
    const regions = drRegionsFor(cluster, config.drRegions);
    const expected = `in each DR region, a READY copy of the cluster's HSM type and mode (${describeKind(cluster)})`;
    const verdicts = regions.map((region) => judgeRegion(region, drCopies[region] ?? [], facts));
    const failing = verdicts.filter((v) => v.fit === 'differs');
    const targets = (failing.length ? failing.map((v) => v.region) : regions).map((r) => `--dr-region ${r}`);
    const remediation = {
      text:
        `Copy a backup taken since the cluster runs ${describeKind(cluster)}: cloudhsm-ops copy --region ` +
        `${cluster.region} --cluster-id ${cluster.id} ${targets.join(' ')} (or aws cloudhsmv2 copy-backup-to-region), ` +
        'and keep the older copies until it is READY. A FIPS backup restores only into a FIPS cluster and a ' +
        'NON_FIPS one only into a NON_FIPS cluster; a backup of an earlier HSM type restores that type, and AWS no ' +
        'longer creates hsm1.medium clusters.',
      url: failing.some((v) => v.modeDiffers) || !failing.length ? DOCS.clusterModes : DOCS.migrateHsm2,
    };
    if (cluster.state === 'MODIFY_IN_PROGRESS' || cluster.state === 'ROLLBACK_IN_PROGRESS') {
      return notApplicable(
        `the cluster is ${cluster.state} (hsm-type-migration reports it); judged once it is ACTIVE`,
        expected,
        remediation,
      );
    }
    if (!isInService(cluster)) return notApplicable(`the cluster is ${cluster.state}`, expected, remediation);
    if (!cluster.hsmType || !modeOf(cluster)) {
      return notApplicable('the cluster reports no HSM type or mode', expected, remediation);
    }
    if (regions.length === 0) return notApplicable('no DR region is configured', expected, remediation);
    const observed = verdicts.map((v) => v.text).join('; ');
    if (failing.length) return { status: 'FAILED', observed, expected, remediation };
    if (verdicts.some((v) => v.fit === 'unknown')) return notApplicable(observed, expected, remediation);
    if (verdicts.every((v) => v.fit === 'none')) {
      return notApplicable('no READY copy in any DR region (dr-copies reports it)', expected, remediation);
    }
    return { status: 'PASSED', observed, expected, remediation };
  },
};
