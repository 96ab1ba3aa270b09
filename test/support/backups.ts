import { DateTime } from 'luxon';
import { type PruneConfig, parsePruneConfig } from '../../lib/config/prune.js';
import type { BackupInfo, RegionInventory } from '../../lib/inventory/types.js';

export const NOW = DateTime.fromISO('2026-11-29T12:00:00Z', { zone: 'utc' });
export const CLUSTER_A = 'cluster-aaaaaaaaaaa';
export const CLUSTER_B = 'cluster-bbbbbbbbbbb';

let counter = 0;

/** A backup id matching the AWS pattern (letters a–z and digits 2–7). */
export function backupId(n: number = counter++): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  let text = '';
  let value = n;
  for (let i = 0; i < 11; i++) {
    text = alphabet[value % 32] + text;
    value = Math.floor(value / 32);
  }
  return `backup-${text}`;
}

/** A READY backup of CLUSTER_A in us-east-1 created `daysAgo` before NOW, with overrides. */
export function backup(daysAgo: number, overrides: Partial<BackupInfo> = {}): BackupInfo {
  return {
    id: backupId(),
    region: 'us-east-1',
    clusterId: CLUSTER_A,
    state: 'READY',
    createdAt: NOW.minus({ days: daysAgo }).toJSDate(),
    neverExpires: false,
    tags: {},
    ...overrides,
  };
}

export function inventory(backups: BackupInfo[], region = 'us-east-1'): RegionInventory {
  return { region, clusters: [], backups };
}

/** A prune config from CLI-style settings (us-east-1 unless given). */
export function config(settings: Record<string, string>): PruneConfig {
  return parsePruneConfig({ regions: 'us-east-1', ...settings });
}
