import type { FleetFile } from '../../sandbox/index.js';

export const FLEET_NOW = '2026-11-29T12:00:00Z';
const HOUR = 3_600_000;
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz';

/** A valid 11-letter id suffix from a number (ids must match AWS's patterns). */
function suffix(n: number): string {
  let text = '';
  let rest = n;
  for (let i = 0; i < 11; i++) {
    text += ALPHABET[rest % 26];
    rest = Math.floor(rest / 26);
  }
  return text;
}

function region(
  name: string,
  index: number,
  backups: NonNullable<FleetFile['regions'][string]['backups']>,
  cluster?: string,
) {
  const subnet = `subnet-0a${String(index).padStart(2, '0')}11aa`;
  const group = `sg-0a${String(index).padStart(2, '0')}11aa`;
  return {
    zones: [`${name}a`],
    subnets: [{ id: subnet, zone: `${name}a`, vpc: `vpc-0a${index}` }],
    securityGroups: [{ id: group, ingress: [] }],
    clusters: cluster
      ? [{ id: cluster, subnets: [subnet], securityGroup: group, tags: { env: 'prod' }, hsms: [] }]
      : [],
    backups,
  };
}

export interface CopyFleetOptions {
  sourceRegions: string[];
  drRegions: string[];
  /** READY backups within the last 48 h, per source region. */
  recentPerRegion: number;
  /** Also add, per source region, one old backup, one CREATE_IN_PROGRESS and one incoming copy. */
  extras?: boolean;
}

/** Source regions with one cluster each and recent backups; DR regions start empty. */
export function copyFleet(options: CopyFleetOptions): FleetFile {
  const nowMs = Date.parse(FLEET_NOW);
  const regions: FleetFile['regions'] = {};
  let n = 1000;
  options.sourceRegions.forEach((name, index) => {
    const cluster = `cluster-${suffix(index + 1)}`;
    const backups: NonNullable<FleetFile['regions'][string]['backups']> = [];
    for (let i = 0; i < options.recentPerRegion; i++) {
      backups.push({
        id: `backup-${suffix(n++)}`,
        cluster,
        createdAt: new Date(nowMs - (i * 8 + 1) * HOUR).toISOString(),
        tags: { env: 'prod', team: 'payments' },
      });
    }
    if (options.extras) {
      backups.push(
        { id: `backup-${suffix(n++)}`, cluster, createdAt: new Date(nowMs - 100 * HOUR).toISOString() },
        {
          id: `backup-${suffix(n++)}`,
          cluster,
          createdAt: new Date(nowMs - HOUR / 2).toISOString(),
          state: 'CREATE_IN_PROGRESS',
        },
        {
          id: `backup-${suffix(n++)}`,
          cluster,
          createdAt: new Date(nowMs - 2 * HOUR).toISOString(),
          sourceRegion: 'ap-south-1',
          sourceBackup: 'backup-zzzzzzzzzzz',
          sourceCluster: 'cluster-zzzzzzzzzzz',
          copiedAt: new Date(nowMs - HOUR).toISOString(),
        },
      );
    }
    regions[name] = region(name, index, backups, cluster);
  });
  options.drRegions.forEach((name, index) => {
    regions[name] = region(name, 50 + index, []);
  });
  return { account: '111122223333', now: FLEET_NOW, regions };
}
