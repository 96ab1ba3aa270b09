import { isCopy } from '../inventory/types.js';
import {
  DOCS,
  describeTime,
  drRegionsFor,
  formatDuration,
  isInService,
  isParked,
  newestReady,
  notApplicable,
} from './common.js';
import type { Check } from './types.js';

/**
 * Each DR region holds a usable recovery point for the cluster. A region passes when its
 * newest READY copy is a copy of the cluster's newest READY backup, or is no older than
 * the RPO (the newest backup may still be on its way). Otherwise restoring there would
 * lose more than the RPO allows. A parked cluster (no HSMs) takes no new backups, so no RPO
 * applies: its newest backup, the one a new HSM would restore, must have a copy in every DR region.
 */
export const drCopies: Check = {
  id: 'dr-copies',
  title: 'Newest backup is copied to every DR region',
  severity: 'HIGH',
  needs: ['dr-backups'],
  evaluate({ cluster, backups, drCopies: copies, config, now }) {
    const regions = drRegionsFor(cluster, config.drRegions);
    const rpoMs = config.drRpoHours * 3_600_000;
    const newest = newestReady(backups.filter((b) => b.clusterId === cluster.id && !isCopy(b)));
    const parked = isParked(cluster);
    const newestText = `a READY copy of the newest READY backup${newest ? ` (${newest.id})` : ''}`;
    const expected = !regions.length
      ? 'a READY copy of the newest backup in each DR region'
      : parked
        ? `in ${regions.join(', ')}: ${newestText}, the one a parked cluster would restore`
        : `in ${regions.join(', ')}: ${newestText}, or one no older than the ${formatDuration(rpoMs)} RPO`;
    const lagging: string[] = [];
    const remediation = {
      text: regions.length
        ? `Copy the newest backup: cloudhsm-ops copy --region ${cluster.region} --cluster-id ${cluster.id} ` +
          `${regions.map((r) => `--dr-region ${r}`).join(' ')} (or aws cloudhsmv2 copy-backup-to-region), ` +
          'and schedule the copy job so every new backup is copied.'
        : 'Configure DR regions (--dr-region / DR_REGIONS) and copy each new backup to them.',
      url: DOCS.copyBackup,
    };
    if (!isInService(cluster)) return notApplicable(`the cluster is ${cluster.state}`, expected, remediation);
    if (regions.length === 0) return notApplicable('no DR region is configured', expected, remediation);

    const states: string[] = [];
    for (const region of regions) {
      const inRegion = copies[region] ?? [];
      const copy = newestReady(inRegion);
      const inProgress = inRegion.filter((b) => b.state === 'CREATE_IN_PROGRESS').length;
      const progress = inProgress ? ` (${inProgress} copy in progress)` : '';
      if (!copy) {
        lagging.push(region);
        states.push(`${region}: no READY copy${progress}`);
        continue;
      }
      const current = newest !== undefined && copy.sourceBackupId === newest.id;
      const age = now.toMillis() - copy.createdAt.getTime();
      const ok = current || (!parked && age <= rpoMs);
      if (!ok) lagging.push(region);
      const of = copy.sourceBackupId ? `of ${copy.sourceBackupId} ` : '';
      states.push(
        `${region}: ${current ? 'newest backup copied' : `newest READY copy ${copy.id} ${of}created ${describeTime(copy.createdAt, now)}`}${ok ? '' : progress}`,
      );
    }
    return {
      status: lagging.length ? 'FAILED' : 'PASSED',
      observed: states.join('; '),
      expected,
      remediation,
    };
  },
};
