import type { FleetFile } from './fleet.js';

/**
 * Moves a fleet in time so that its `now` becomes `to`: every timestamp shifts by the same
 * amount, so ages (a backup "3 days old") stay what the fleet's author meant. A fleet
 * without `now` is returned unchanged. Used to run the demo fleet on the real clock, where
 * the CLI's own "now" and the sandbox's agree.
 */
export function rebaseFleet(fleet: FleetFile, to: Date): FleetFile {
  if (!fleet.now) return fleet;
  const delta = to.getTime() - Date.parse(fleet.now);
  const shift = (iso: string | undefined) =>
    iso === undefined ? undefined : new Date(Date.parse(iso) + delta).toISOString();
  const regions: FleetFile['regions'] = {};
  for (const [name, region] of Object.entries(fleet.regions)) {
    regions[name] = {
      ...region,
      clusters: region.clusters?.map((cluster) => ({ ...cluster, createdAt: shift(cluster.createdAt) })),
      backups: region.backups?.map((backup) => ({
        ...backup,
        createdAt: shift(backup.createdAt)!,
        copiedAt: shift(backup.copiedAt),
        deleteAt: shift(backup.deleteAt),
      })),
    };
  }
  return { ...fleet, now: to.toISOString(), regions };
}
