import { DateTime } from 'luxon';
import type { CheckConfig, CheckFacts } from '../../lib/checks/types.js';
import type { KeyStoreInfo } from '../../lib/inventory/key-stores.js';
import type {
  BackupInfo,
  ClusterInfo,
  IngressRule,
  SecurityGroupInfo,
  SubnetInfo,
  ZoneInfo,
} from '../../lib/inventory/types.js';

/** The fixed "now" every check test judges at. */
export const NOW = DateTime.fromISO('2026-11-29T12:00:00Z', { zone: 'utc' });

export const hoursAgo = (hours: number) => new Date(NOW.toMillis() - hours * 3_600_000);
export const daysAgo = (days: number) => hoursAgo(days * 24);

export const CLUSTER_ID = 'cluster-abcdefghijk';
export const SG_ID = 'sg-0a1100000000aaaa1';

export const config: CheckConfig = {
  drRegions: ['us-west-2'],
  drRpoHours: 30,
  freshnessGraceHours: 6,
  copyRetention: 'fixed',
  copyRetentionDays: 90,
  holdTag: 'cloudhsm-ops:hold',
  requireFips: false,
};

export function zones(names = ['us-east-1a', 'us-east-1b', 'us-east-1c']): ZoneInfo[] {
  return names.map((name) => ({ name, state: 'available', type: 'availability-zone' }));
}

export function subnetsFor(zoneNames: string[]): SubnetInfo[] {
  return zoneNames.map((zone) => ({ id: `subnet-${zone.slice(-1).repeat(8)}`, zone, vpcId: 'vpc-0a1' }));
}

export function cluster(overrides: Partial<ClusterInfo> = {}): ClusterInfo {
  const subnets = subnetsFor(['us-east-1a', 'us-east-1b', 'us-east-1c']);
  return {
    id: CLUSTER_ID,
    region: 'us-east-1',
    state: 'ACTIVE',
    hsmType: 'hsm2m.medium',
    mode: 'FIPS',
    vpcId: 'vpc-0a1',
    securityGroupId: SG_ID,
    subnetMapping: Object.fromEntries(subnets.map((s) => [s.zone, s.id])),
    hsms: [
      { id: 'hsm-aaaaaaaaaaa', zone: 'us-east-1a', state: 'ACTIVE', subnetId: subnets[0]!.id },
      { id: 'hsm-bbbbbbbbbbb', zone: 'us-east-1b', state: 'ACTIVE', subnetId: subnets[1]!.id },
    ],
    retentionDays: 90,
    tags: {},
    createdAt: daysAgo(400),
    ...overrides,
  };
}

export function backup(overrides: Partial<BackupInfo> & { id: string }): BackupInfo {
  return {
    region: 'us-east-1',
    clusterId: CLUSTER_ID,
    state: 'READY',
    createdAt: hoursAgo(3),
    neverExpires: false,
    tags: {},
    hsmType: 'hsm2m.medium',
    mode: 'FIPS',
    ...overrides,
  };
}

/** A copy in a DR region of a backup of CLUSTER_ID. */
export function copy(overrides: Partial<BackupInfo> & { id: string; sourceBackupId: string }): BackupInfo {
  return backup({
    region: 'us-west-2',
    clusterId: undefined,
    sourceRegion: 'us-east-1',
    sourceClusterId: CLUSTER_ID,
    copiedAt: hoursAgo(2),
    ...overrides,
  });
}

export function securityGroup(ingress: Partial<IngressRule>[] = []): SecurityGroupInfo {
  return {
    id: SG_ID,
    name: `cloudhsm-${CLUSTER_ID}-sg`,
    vpcId: 'vpc-0a1',
    ingress: [
      { protocol: 'tcp', fromPort: 2223, toPort: 2225, cidrs: [], ipv6Cidrs: [], groupIds: [SG_ID] },
      ...ingress.map((rule) => ({ protocol: 'tcp', cidrs: [], ipv6Cidrs: [], groupIds: [], ...rule })),
    ],
  };
}

/**
 * Facts for a cluster that follows every best practice: 2 HSMs in 2 zones, subnets in all
 * 3 zones, no exposed ports, a 3-hour-old backup copied to the DR region, a retention policy.
 */
export function healthyFacts(overrides: Partial<CheckFacts> = {}): CheckFacts {
  return {
    cluster: cluster(),
    zones: zones(),
    subnets: subnetsFor(['us-east-1a', 'us-east-1b', 'us-east-1c']),
    securityGroups: [securityGroup([{ cidrs: ['10.0.0.0/16'], fromPort: 2223, toPort: 2225 }])],
    backups: [
      backup({ id: 'backup-newestaaaaa', createdAt: hoursAgo(3) }),
      backup({ id: 'backup-olderaaaaaa', createdAt: hoursAgo(27) }),
    ],
    drCopies: {
      'us-west-2': [
        copy({ id: 'backup-copyaaaaaaa', sourceBackupId: 'backup-newestaaaaa', createdAt: hoursAgo(3) }),
      ],
    },
    keyStores: [keyStore()],
    config,
    now: NOW,
    ...overrides,
  };
}

export const KEY_STORE_ID = 'cks-1234567890abcdef0';

/** A CONNECTED KMS custom key store backed by the test cluster. */
export function keyStore(overrides: Partial<KeyStoreInfo> = {}): KeyStoreInfo {
  return {
    id: KEY_STORE_ID,
    name: 'payments',
    region: 'us-east-1',
    clusterId: CLUSTER_ID,
    state: 'CONNECTED',
    createdAt: daysAgo(300),
    ...overrides,
  };
}
