import type { Fleet, FleetFile, OrganizationFleetFile } from './fleet.js';

type Regions = FleetFile['regions'];

function shiftRegions(regions: Regions, shift: (iso: string | undefined) => string | undefined): Regions {
  const out: Regions = {};
  for (const [name, region] of Object.entries(regions)) {
    out[name] = {
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
  return out;
}

/**
 * Moves a fleet in time so that its `now` becomes `to`: every timestamp shifts by the same
 * amount, so ages (a backup "3 days old") stay what the fleet's author meant. A fleet
 * without `now` is returned unchanged. Used to run the demo fleet on the real clock, where
 * the CLI's own "now" and the sandbox's agree. An organization fleet (a file, or one
 * {@link parseFleet} validated) comes back as an organization fleet file, every account moved.
 */
export function rebaseFleet(fleet: FleetFile, to: Date): FleetFile;
export function rebaseFleet(
  fleet: FleetFile | OrganizationFleetFile | Fleet,
  to: Date,
): FleetFile | OrganizationFleetFile;
export function rebaseFleet(
  fleet: FleetFile | OrganizationFleetFile | Fleet,
  to: Date,
): FleetFile | OrganizationFleetFile {
  if (!fleet.now) return fleet as FleetFile | OrganizationFleetFile;
  const delta = to.getTime() - Date.parse(fleet.now);
  const shift = (iso: string | undefined) =>
    iso === undefined ? undefined : new Date(Date.parse(iso) + delta).toISOString();
  const now = to.toISOString();
  if ('organization' in fleet && fleet.organization && fleet.accounts) {
    const accounts: OrganizationFleetFile['accounts'] = {};
    for (const [id, account] of Object.entries(fleet.accounts)) {
      accounts[id] = {
        ...account,
        joinedAt: shift(account.joinedAt),
        regions: account.regions ? shiftRegions(account.regions, shift) : undefined,
      };
    }
    return { now, organization: fleet.organization, accounts };
  }
  const single = fleet as FleetFile;
  return { ...single, now, regions: shiftRegions(single.regions, shift) };
}
