/** Small fleets for the sandbox's own tests. */
import type { FleetFile } from '../../sandbox/index.js';

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** A readable id in AWS's pattern: `seqId('backup', 3)` → `backup-aaaaaaaaaad`. */
export function seqId(prefix: 'backup' | 'cluster' | 'hsm', n: number): string {
  let digits = '';
  let rest = n;
  for (let i = 0; i < 11; i++) {
    digits = BASE32[rest % 32] + digits;
    rest = Math.floor(rest / 32);
  }
  return `${prefix}-${digits}`;
}

export const NOW = '2026-11-29T12:00:00Z';
export const NOW_MS = Date.parse(NOW);
export const DAY_MS = 86_400_000;
export const CLUSTER_A = 'cluster-primaryaaaaa';
export const CLUSTER_B = 'cluster-primarybbbbb';
export const SUBNETS = ['subnet-0a000000000000001', 'subnet-0a000000000000002', 'subnet-0a000000000000003'];
export const SG = 'sg-0a000000000000001';

export const daysAgo = (days: number) => new Date(NOW_MS - days * DAY_MS).toISOString();

/**
 * us-east-1: two clusters; A has `backupsA` daily READY backups (newest 1 day old, except
 * backup 0, which is NeverExpires, and backup 1, tagged), B has two; plus one PENDING_DELETION
 * and one CREATE_IN_PROGRESS backup. us-west-2: zones and two DR copies of A's backups.
 */
export function smallFleet(backupsA = 60): FleetFile {
  const a = Array.from({ length: backupsA }, (_, i) => ({
    id: seqId('backup', i),
    cluster: CLUSTER_A,
    createdAt: daysAgo(i + 1),
    ...(i === 0 ? { neverExpires: true } : {}),
    ...(i === 1 ? { tags: { env: 'prod', 'cloudhsm-ops:hold': 'yes' } } : {}),
  }));
  return {
    account: '111122223333',
    now: NOW,
    regions: {
      'us-east-1': {
        zones: ['us-east-1a', 'us-east-1b', { name: 'us-east-1c', id: 'use1-az6', state: 'impaired' }],
        subnets: SUBNETS.map((id, i) => ({ id, zone: `us-east-1${'abc'[i]}`, vpc: 'vpc-0a00000000000001' })),
        securityGroups: [
          {
            id: SG,
            ingress: [
              { protocol: 'tcp', from: 2223, to: 2225, cidr: '10.0.0.0/16' },
              { protocol: '-1', ipv6Cidr: '::/0' },
            ],
          },
        ],
        clusters: [
          {
            id: CLUSTER_A,
            subnets: SUBNETS,
            securityGroup: SG,
            backupRetentionDays: 90,
            tags: { env: 'prod' },
            hsms: [
              { id: seqId('hsm', 1), zone: 'us-east-1a' },
              { id: seqId('hsm', 2), zone: 'us-east-1b' },
            ],
          },
          { id: CLUSTER_B, subnets: SUBNETS.slice(0, 2), securityGroup: SG, state: 'DEGRADED' },
        ],
        backups: [
          ...a,
          { id: seqId('backup', 1000), cluster: CLUSTER_B, createdAt: daysAgo(3) },
          {
            id: seqId('backup', 1001),
            cluster: CLUSTER_B,
            createdAt: daysAgo(200),
            state: 'PENDING_DELETION',
          },
          {
            id: seqId('backup', 1002),
            cluster: CLUSTER_B,
            createdAt: daysAgo(0.1),
            state: 'CREATE_IN_PROGRESS',
          },
        ],
      },
      'us-west-2': {
        zones: ['us-west-2a', 'us-west-2b'],
        backups: [2, 120].map((d, i) => ({
          id: seqId('backup', 2000 + i),
          createdAt: daysAgo(d),
          sourceRegion: 'us-east-1',
          sourceBackup: seqId('backup', d - 1),
          sourceCluster: CLUSTER_A,
          copiedAt: daysAgo(d - 0.05),
        })),
      },
    },
  };
}

/** A region with `count` clusters (for DescribeClusters paging). */
export function manyClustersFleet(count: number): FleetFile {
  return {
    account: '111122223333',
    now: NOW,
    regions: {
      'eu-west-1': {
        zones: ['eu-west-1a'],
        subnets: [{ id: 'subnet-0e000000000000001', zone: 'eu-west-1a', vpc: 'vpc-0e00000000000001' }],
        securityGroups: [{ id: 'sg-0e000000000000001', ingress: [] }],
        clusters: Array.from({ length: count }, (_, i) => ({
          id: seqId('cluster', i),
          subnets: ['subnet-0e000000000000001'],
          securityGroup: 'sg-0e000000000000001',
          createdAt: daysAgo(count - i),
        })),
      },
    },
  };
}
