import { DescribeBackupsCommand } from '@aws-sdk/client-cloudhsm-v2';
import { describe, expect, it } from 'vitest';
import {
  demoFleet,
  FleetError,
  type FleetFile,
  generateFleet,
  loadFleetFile,
  parseFleet,
  startSandbox,
} from '../../sandbox/index.js';
import { smallFleet } from '../support/fleet.js';
import { startTestSandbox } from '../support/sandbox.js';

/** The example from docs/architecture.md §4.4, verbatim. */
const DESIGN_EXAMPLE = {
  account: '111122223333',
  now: '2026-11-29T12:00:00Z',
  regions: {
    'us-east-1': {
      zones: ['us-east-1a', 'us-east-1b', 'us-east-1c'],
      subnets: [{ id: 'subnet-0a11', zone: 'us-east-1a', vpc: 'vpc-0a1' }],
      securityGroups: [
        { id: 'sg-0a11', ingress: [{ protocol: 'tcp', from: 2223, to: 2225, cidr: '10.0.0.0/16' }] },
      ],
      clusters: [
        {
          id: 'cluster-abcdefghijk',
          state: 'ACTIVE',
          hsmType: 'hsm2m.medium',
          subnets: ['subnet-0a11'],
          securityGroup: 'sg-0a11',
          backupRetentionDays: 90,
          tags: { env: 'prod' },
          hsms: [{ id: 'hsm-abcdefghijk', zone: 'us-east-1a', state: 'ACTIVE' }],
        },
      ],
      backups: [
        {
          id: 'backup-abcdefghijk',
          cluster: 'cluster-abcdefghijk',
          createdAt: '2026-11-28T03:00:00Z',
          state: 'READY',
          neverExpires: false,
          tags: { env: 'prod' },
        },
        {
          id: 'backup-bcdefghijkl',
          cluster: 'cluster-abcdefghijk',
          createdAt: '2026-11-20T03:00:00Z',
          state: 'READY',
          sourceRegion: 'us-west-2',
          sourceBackup: 'backup-cdefghijklm',
          sourceCluster: 'cluster-bcdefghijkl',
          copiedAt: '2026-11-20T04:00:00Z',
        },
      ],
    },
  },
};

function issuesOf(value: unknown): string[] {
  try {
    parseFleet(value, 'test.json');
  } catch (error) {
    expect(error).toBeInstanceOf(FleetError);
    return (error as FleetError).issues;
  }
  throw new Error('expected the fleet to be rejected');
}

type Edit = [path: string, value: unknown];

/** A copy of the small fleet with values set at dotted paths under its us-east-1 region. */
function withEast(...edits: Edit[]): FleetFile {
  const fleet = structuredClone(smallFleet(2));
  for (const [path, value] of edits) {
    const keys = path.split('.');
    let node = fleet.regions['us-east-1'] as Record<string, unknown>;
    for (const key of keys.slice(0, -1)) node = node[key] as Record<string, unknown>;
    node[keys.at(-1)!] = value;
  }
  return fleet;
}

describe('fleet files', () => {
  it('accept the documented example, the demo fleet and the small test fleet', () => {
    // Act + Assess
    expect(parseFleet(DESIGN_EXAMPLE).regions['us-east-1']!.backups).toHaveLength(2);
    expect(Object.keys(parseFleet(demoFleet()).regions)).toEqual(['us-east-1', 'eu-west-1', 'us-west-2']);
    expect(parseFleet(smallFleet()).account).toBe('111122223333');
  });

  it.each([
    ['an unknown top-level key', { ...DESIGN_EXAMPLE, owner: 'me' }, '$: unknown key "owner"'],
    [
      'an unknown key deep inside',
      withEast(['clusters.0.hsms.0.zon', 'x']),
      '$.regions["us-east-1"].clusters[0].hsms[0]: unknown key "zon"',
    ],
    [
      'a short account id',
      { ...DESIGN_EXAMPLE, account: '1234' },
      '$.account: expected a 12-digit AWS account id',
    ],
    [
      'a time without a zone',
      { ...DESIGN_EXAMPLE, now: '2026-11-29 12:00' },
      '$.now: expected an ISO 8601 time',
    ],
    ['a bad backup state', withEast(['backups.0.state', 'GONE']), '$.regions["us-east-1"].backups[0].state:'],
    [
      'a retention out of range',
      withEast(['clusters.0.backupRetentionDays', 400]),
      '$.regions["us-east-1"].clusters[0].backupRetentionDays:',
    ],
  ])('reject %s, naming the field', (_, fleet, expected) => {
    // Act
    const issues = issuesOf(fleet);
    // Assess
    expect(
      issues.some((issue) => issue.startsWith(expected)),
      issues.join('\n'),
    ).toBe(true);
  });

  it.each([
    [
      'a cluster id off the AWS pattern',
      [['clusters.0.id', 'cluster-1']] as Edit[],
      '$.regions["us-east-1"].clusters[0].id: "cluster-1" is not a valid cluster id',
    ],
    [
      'a backup id off the AWS pattern',
      [['backups.0.id', 'bkp-abcdefghijk']] as Edit[],
      '$.regions["us-east-1"].backups[0].id: "bkp-abcdefghijk" is not a valid backup id',
    ],
    [
      'a subnet that is not defined',
      [['clusters.1.subnets', ['subnet-0bad']]] as Edit[],
      '$.regions["us-east-1"].clusters[1].subnets[0]: subnet "subnet-0bad" is not defined in this region',
    ],
    [
      'a security group that is not defined',
      [['clusters.0.securityGroup', 'sg-0bad']] as Edit[],
      '$.regions["us-east-1"].clusters[0].securityGroup: security group "sg-0bad" is not defined in this region',
    ],
    [
      'an HSM in a zone of another region',
      [['clusters.0.hsms.0.zone', 'us-west-2a']] as Edit[],
      '$.regions["us-east-1"].clusters[0].hsms[0].zone: zone "us-west-2a" is not in this region\'s zones',
    ],
    [
      'a subnet in an unknown zone',
      [['subnets.0.zone', 'us-east-1f']] as Edit[],
      '$.regions["us-east-1"].subnets[0].zone: zone "us-east-1f" is not in us-east-1\'s zones',
    ],
    [
      'a backup of a cluster that does not exist',
      [['backups.0.cluster', 'cluster-zzzzzzzzzzz']] as Edit[],
      '$.regions["us-east-1"].backups[0].cluster: cluster "cluster-zzzzzzzzzzz" is not defined in us-east-1',
    ],
    [
      'a copy missing its source cluster',
      [
        ['backups.0.sourceRegion', 'us-west-2'],
        ['backups.0.sourceBackup', 'backup-abcdefghijk'],
      ] as Edit[],
      '$.regions["us-east-1"].backups[0]: a copy needs all of',
    ],
    [
      'two subnets of a cluster in one zone',
      [['subnets.1.zone', 'us-east-1a']] as Edit[],
      '$.regions["us-east-1"].clusters[0].subnets[1]: subnets',
    ],
    [
      'a duplicate backup id',
      [['backups.1.id', 'backup-aaaaaaaaaaa']] as Edit[],
      '$.regions["us-east-1"].backups[1].id: backup',
    ],
    [
      'a tcp rule without ports',
      [['securityGroups.0.ingress.0', { protocol: 'tcp', cidr: '0.0.0.0/0' }]] as Edit[],
      '$.regions["us-east-1"].securityGroups[0].ingress[0]: a tcp rule needs "from" and "to" ports',
    ],
  ])('reject %s with a referential message', (_, edits, expected) => {
    // Act
    const issues = issuesOf(withEast(...edits));
    // Assess
    expect(
      issues.some((issue) => issue.startsWith(expected)),
      issues.join('\n'),
    ).toBe(true);
  });

  it('report a missing file and bad JSON as bad input', () => {
    // Act + Assess
    expect(() => loadFleetFile('/nonexistent/fleet.json')).toThrow(/cannot read fleet file/);
    expect(() => loadFleetFile(new URL(import.meta.url).pathname)).toThrow(/not valid JSON/);
  });

  it('make startSandbox fail before listening', async () => {
    // Act + Assess
    await expect(startSandbox({ fleet: { ...DESIGN_EXAMPLE, regions: { mars: {} } } })).rejects.toThrow(
      /\$\.regions\.mars: "mars" is not a valid region name/,
    );
  });
});

describe('the demo fleet', () => {
  it('spans three regions with a few hundred backups, stale DR copies and every failure mode', () => {
    // Act
    const fleet = parseFleet(demoFleet());
    // Assess
    const east = fleet.regions['us-east-1']!;
    const west = fleet.regions['us-west-2']!;
    const all = Object.values(fleet.regions).flatMap((r) => r.backups);
    expect(all.length).toBeGreaterThanOrEqual(200);
    expect(all.length).toBeLessThanOrEqual(500);
    expect(east.clusters.length).toBeGreaterThanOrEqual(3);
    expect(fleet.regions['eu-west-1']!.clusters.length).toBeGreaterThanOrEqual(1);
    const copies = west.backups.filter((b) => b.sourceRegion === 'us-east-1');
    const stale = copies.filter((b) => Date.parse(fleet.now!) - Date.parse(b.createdAt) > 90 * 86_400_000);
    expect(stale.length).toBeGreaterThan(20);
    const clusters = Object.values(fleet.regions).flatMap((r) => r.clusters);
    expect(clusters.some((c) => c.hsms.length === 1)).toBe(true);
    expect(clusters.some((c) => c.hsms.length === 0)).toBe(true);
    expect(clusters.some((c) => c.hsms.length === 2 && c.hsms[0]!.zone === c.hsms[1]!.zone)).toBe(true);
    expect(clusters.some((c) => c.backupRetentionDays === undefined)).toBe(true);
    expect(clusters.some((c) => c.state === 'DEGRADED' || c.hsms.some((h) => h.state === 'DEGRADED'))).toBe(
      true,
    );
    expect(clusters.some((c) => c.subnets.length < 3)).toBe(true);
    const rules = Object.values(fleet.regions).flatMap((r) => r.securityGroups.flatMap((g) => g.ingress));
    expect(rules.some((r) => r.cidr === '0.0.0.0/0' && r.protocol === 'tcp')).toBe(true);
    expect(rules.some((r) => r.ipv6Cidr === '::/0')).toBe(true);
    expect(rules.some((r) => r.protocol === '-1' && r.cidr === '0.0.0.0/0')).toBe(true);
    expect(all.some((b) => b.neverExpires)).toBe(true);
    expect(all.filter((b) => 'cloudhsm-ops:hold' in b.tags).length).toBeGreaterThanOrEqual(2);
    expect(all.filter((b) => b.state === 'PENDING_DELETION').length).toBeGreaterThanOrEqual(2);
    // One source backup in progress; no copy in progress: the sandbox turns those READY after its
    // copy delay, so a DR break seeded that way would heal a minute into the demo (issue 17).
    expect(all.filter((b) => b.state === 'CREATE_IN_PROGRESS').length).toBeGreaterThanOrEqual(1);
    expect(all.filter((b) => b.state === 'CREATE_IN_PROGRESS' && b.sourceBackup)).toEqual([]);
  });

  it('has a cluster with no backup in the last 3 days and one whose newest backup has no DR copy', () => {
    // Prepare
    const fleet = parseFleet(demoFleet());
    const now = Date.parse(fleet.now!);
    const east = fleet.regions['us-east-1']!;
    const copied = new Set(fleet.regions['us-west-2']!.backups.map((b) => b.sourceBackup));
    // Act
    const newest = east.clusters.map((c) => {
      const own = east.backups
        .filter((b) => b.cluster === c.id)
        .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
      return { id: c.id, newest: own[0] };
    });
    // Assess
    expect(newest.some(({ newest: b }) => b && now - Date.parse(b.createdAt) > 3 * 86_400_000)).toBe(true);
    expect(newest.some(({ newest: b }) => b && b.state === 'READY' && !copied.has(b.id))).toBe(true);
    expect(newest.some(({ newest: b }) => b && copied.has(b.id))).toBe(true);
  });

  it('is the same every time', () => {
    // Act + Assess
    expect(demoFleet()).toEqual(demoFleet());
  });
});

describe('the fleet generator', () => {
  it('is seeded: same seed, same fleet; another seed, another fleet', () => {
    // Act
    const a = generateFleet({ backups: 500, seed: 3 });
    const b = generateFleet({ backups: 500, seed: 3 });
    const c = generateFleet({ backups: 500, seed: 4 });
    // Assess
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(Object.values(a.regions).reduce((n, r) => n + r.backups.length, 0)).toBe(500);
    expect(() => parseFleet(a)).not.toThrow();
  });

  // How fast it loads and pages is bench/sandbox-throughput.ts's to measure, not a test's.
  it('loads 100,000 backups and pages deep into them', async () => {
    // Prepare
    const t = await startTestSandbox({ fleet: { generate: { backups: 100_000, seed: 1 } } });
    try {
      const client = t.clients.cloudHsm('us-east-1');
      const first = await client.send(new DescribeBackupsCommand({ MaxResults: 50 }));
      // Act
      const deep = await client.send(
        new DescribeBackupsCommand({ MaxResults: 50, NextToken: first.NextToken }),
      );
      // Assess
      expect(deep.Backups).toHaveLength(50);
      const firstIds = new Set(first.Backups?.map((b) => b.BackupId));
      expect(deep.Backups?.some((b) => firstIds.has(b.BackupId))).toBe(false);
      const total = t.sandbox.regions().reduce((n, r) => n + t.sandbox.backups(r).length, 0);
      expect(total).toBe(100_000);
    } finally {
      await t.close();
    }
  });

  it('rejects sizes out of range', () => {
    // Act + Assess
    expect(() => generateFleet({ backups: 0 })).toThrow(RangeError);
    expect(() => generateFleet({ backups: 100_001 })).toThrow(RangeError);
  });
});

describe('examples/fleet.json', () => {
  it('is a valid fleet file', () => {
    // Act
    const fleet = loadFleetFile(new URL('../../examples/fleet.json', import.meta.url).pathname);
    // Assess
    expect(Object.keys(fleet.regions)).toEqual(['us-east-1', 'us-west-2']);
  });
});
