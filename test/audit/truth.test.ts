import { DateTime } from 'luxon';
import { afterEach, describe, expect, it } from 'vitest';
import { runAudit } from '../../lib/audit/run.js';
import { parseAuditConfig } from '../../lib/config/audit.js';
import type { Finding } from '../../lib/events/findings.js';
import type { FleetFile } from '../../sandbox/index.js';
import { startTestSandbox, type TestSandbox } from '../support/sandbox.js';

/**
 * A fleet built to trip the audit (issue 11): a parked cluster, HSMs that do not serve yet,
 * three HSMs in two of three zones, a security group open to both halves of the internet
 * and missing its self rule, a DELETED cluster and a vanished one whose DR copies remain,
 * and a cluster still UNINITIALIZED. Audited against the sandbox, like any AWS account.
 */
const NOW_ISO = '2026-11-29T12:00:00Z';
const NOW = DateTime.fromISO(NOW_ISO, { zone: 'utc' });
const ago = (days: number) => new Date(NOW.toMillis() - days * 86_400_000).toISOString();
const ZONES = ['us-east-1a', 'us-east-1b', 'us-east-1c'];
const SUBNETS = ZONES.map((zone, i) => ({ id: `subnet-0a1${i}`, zone, vpc: 'vpc-0a1' }));
const SELF = { protocol: 'tcp', from: 2223, to: 2225, group: 'sg-0a11' };

function cluster(id: string, hsms: { zone: string; state?: 'ACTIVE' | 'CREATE_IN_PROGRESS' }[], extra = {}) {
  return {
    id,
    subnets: SUBNETS.map((s) => s.id),
    securityGroup: 'sg-0a11',
    backupRetentionDays: 90,
    createdAt: ago(400),
    hsms: hsms.map((hsm, i) => ({ id: `hsm-${id.slice(8, 18)}${'abcdef'[i]}`, ...hsm })),
    ...extra,
  };
}

function truthFleet(): FleetFile {
  const daily = (clusterId: string, days: number[], prefix: string) =>
    days.map((d, i) => ({
      id: `backup-${prefix}${'abcdefghijklmnop'[i]}aaa`,
      cluster: clusterId,
      createdAt: ago(d),
    }));
  const parkedBackups = daily('cluster-parkedaaaaa', [12, 13, 14], 'parkedaa');
  const fresh = [
    ...daily('cluster-creatingaaa', [0.1], 'creating'),
    ...daily('cluster-twozonesaaa', [0.1], 'twozones'),
    ...daily('cluster-halvesaaaaa', [0.1], 'halvesaa'),
    ...daily('cluster-legacyhsmaa', [0.1], 'legacyhs'),
  ];
  const copyOf = (source: { id: string; createdAt: string }, sourceCluster: string, id: string) => ({
    id,
    createdAt: source.createdAt,
    sourceRegion: 'us-east-1',
    sourceBackup: source.id,
    sourceCluster,
    copiedAt: source.createdAt,
  });
  return {
    account: '111122223333',
    now: NOW_ISO,
    regions: {
      'us-east-1': {
        zones: ZONES,
        subnets: SUBNETS,
        securityGroups: [
          { id: 'sg-0a11', ingress: [SELF, { protocol: 'tcp', from: 2223, to: 2225, cidr: '10.0.0.0/16' }] },
          {
            id: 'sg-0a12',
            ingress: [
              { protocol: 'tcp', from: 2223, to: 2225, cidr: '0.0.0.0/1' },
              { protocol: 'tcp', from: 2223, to: 2225, cidr: '128.0.0.0/1' },
            ],
          },
        ],
        clusters: [
          cluster('cluster-parkedaaaaa', []),
          cluster('cluster-creatingaaa', [
            { zone: 'us-east-1a' },
            { zone: 'us-east-1b', state: 'CREATE_IN_PROGRESS' },
          ]),
          cluster('cluster-twozonesaaa', [
            { zone: 'us-east-1a' },
            { zone: 'us-east-1a' },
            { zone: 'us-east-1b' },
          ]),
          cluster('cluster-halvesaaaaa', [{ zone: 'us-east-1a' }, { zone: 'us-east-1b' }], {
            securityGroup: 'sg-0a12',
          }),
          cluster('cluster-deletedaaaa', [], { state: 'DELETED' }),
          cluster('cluster-uninitaaaaa', [], { state: 'UNINITIALIZED', createdAt: ago(3) }),
          cluster(
            'cluster-legacyhsmaa',
            [{ zone: 'us-east-1a' }, { zone: 'us-east-1b' }, { zone: 'us-east-1c' }],
            {
              hsmType: 'hsm1.medium',
            },
          ),
        ],
        backups: [...parkedBackups, ...fresh],
      },
      'us-west-2': {
        zones: ['us-west-2a'],
        backups: [
          copyOf(parkedBackups[0]!, 'cluster-parkedaaaaa', 'backup-cparkedaaaaa'),
          ...fresh.map((b, i) => copyOf(b, b.cluster, `backup-cfresh${'abcd'[i]}aaaaa`)),
          copyOf(
            { id: 'backup-gonesrcaaaa', createdAt: ago(303) },
            'cluster-deletedaaaa',
            'backup-cdeletedaaaa',
          ),
          copyOf(
            { id: 'backup-gonesrcbbbb', createdAt: ago(10) },
            'cluster-deletedaaaa',
            'backup-cdeletedbbbb',
          ),
          copyOf(
            { id: 'backup-vanishedaaa', createdAt: ago(200) },
            'cluster-vanishedaaa',
            'backup-cvanishedaaa',
          ),
        ],
      },
    },
  };
}

let test: TestSandbox | undefined;
afterEach(async () => {
  await test?.close();
  test = undefined;
});

async function audit(): Promise<Finding[]> {
  test = await startTestSandbox({ fleet: truthFleet() });
  const report = await runAudit(
    { clients: test.clients },
    parseAuditConfig({ regions: 'us-east-1', drRegions: 'us-west-2' }),
    NOW,
  );
  expect(report.errors).toEqual([]);
  return report.findings;
}

const pick = (findings: Finding[], clusterId: string, checkId: string) =>
  findings.find((f) => f.resource.id === clusterId && f.checkId === checkId)!;
const failed = (findings: Finding[], clusterId: string) =>
  findings
    .filter((f) => f.resource.id === clusterId && f.status === 'FAILED')
    .map((f) => `${f.checkId} ${f.severity}`);

describe('the audit on a fleet built to trip it (sandbox)', () => {
  it('reports a parked cluster once, as INFORMATIONAL, and nothing else about its missing HSMs', async () => {
    const findings = await audit();
    expect(failed(findings, 'cluster-parkedaaaaa')).toEqual(['hsm-count INFORMATIONAL']);
    expect(pick(findings, 'cluster-parkedaaaaa', 'hsm-count').observed).toMatch(
      /^parked: no HSMs since about 2026-11-17T12:00:00Z \(12d ago\), the time of its newest backup backup-parkedaaaaaa; /,
    );
    expect(pick(findings, 'cluster-parkedaaaaa', 'backup-freshness').observed).toMatch(/^not applicable: /);
    expect(pick(findings, 'cluster-parkedaaaaa', 'dr-copies').status).toBe('PASSED');
  });

  it('counts only ACTIVE HSMs as serving', async () => {
    const findings = await audit();
    expect(failed(findings, 'cluster-creatingaaa')).toEqual(['hsm-count CRITICAL']);
    expect(pick(findings, 'cluster-creatingaaa', 'hsm-count').observed).toContain(
      'not serving: 1 CREATE_IN_PROGRESS',
    );
  });

  it('fails three HSMs in two of three subnet zones as MEDIUM', async () => {
    const findings = await audit();
    expect(failed(findings, 'cluster-twozonesaaa')).toEqual(['az-spread MEDIUM']);
  });

  it('fails a security group open to both halves of the internet and missing its self rule', async () => {
    const findings = await audit();
    expect(failed(findings, 'cluster-halvesaaaaa')).toEqual(['sg-exposure HIGH', 'sg-self-rule HIGH']);
    expect(pick(findings, 'cluster-halvesaaaaa', 'sg-exposure').observed).toContain(
      '(together: every public IPv4 address)',
    );
  });

  it('does not audit a DELETED cluster, and reports the DR copies it and a vanished cluster left', async () => {
    const findings = await audit();
    expect(findings.filter((f) => f.resource.id === 'cluster-deletedaaaa').map((f) => f.checkId)).toEqual([
      'orphan-dr-copies',
    ]);
    expect(pick(findings, 'cluster-deletedaaaa', 'orphan-dr-copies')).toMatchObject({
      status: 'FAILED',
      severity: 'MEDIUM',
      region: 'us-east-1',
      observed:
        'source cluster cluster-deletedaaaa is DELETED in us-east-1; us-west-2: 2 READY copies, ' +
        'oldest backup-cdeletedaaaa 303d old',
    });
    expect(pick(findings, 'cluster-vanishedaaa', 'orphan-dr-copies').observed).toBe(
      'source cluster cluster-vanishedaaa no longer exists in us-east-1; us-west-2: 1 READY copy, ' +
        'oldest backup-cvanishedaaa 200d old',
    );
  });

  it('warns about KMS key stores, limited-write mode and rollback before the hsm1 migration command', async () => {
    const findings = await audit();
    expect(failed(findings, 'cluster-legacyhsmaa')).toEqual(['hsm-type MEDIUM']);
    const { text } = pick(findings, 'cluster-legacyhsmaa', 'hsm-type').remediation;
    expect(text).toMatch(
      /^Warning before migrating: AWS KMS custom key stores .* limited-write mode .* roll back/,
    );
  });

  it('gives a cluster still being set up the findings that apply to it', async () => {
    const findings = await audit();
    const uninit = findings.filter((f) => f.resource.id === 'cluster-uninitaaaaa');
    const applies = uninit.filter((f) => !f.observed.startsWith('not applicable')).map((f) => f.checkId);
    expect(applies).toEqual(
      expect.arrayContaining([
        'cluster-state',
        'subnet-coverage',
        'sg-exposure',
        'sg-self-rule',
        'retention-policy',
      ]),
    );
    expect(pick(findings, 'cluster-uninitaaaaa', 'hsm-count').observed).toBe(
      'not applicable: the cluster is UNINITIALIZED',
    );
    expect(failed(findings, 'cluster-uninitaaaaa')).toEqual(['cluster-state LOW']);
  });
});

describe('finding ARNs against the sandbox', () => {
  it('use each region own partition: aws, aws-cn and aws-us-gov', async () => {
    // Prepare: one healthy-looking cluster per partition
    const regions: FleetFile['regions'] = {};
    for (const [region, id] of [
      ['us-east-1', 'cluster-partawsaaaa'],
      ['cn-north-1', 'cluster-partcnaaaaa'],
      ['us-gov-west-1', 'cluster-partgovaaaa'],
    ] as const) {
      regions[region] = {
        zones: [`${region}a`],
        subnets: [{ id: 'subnet-0a10', zone: `${region}a`, vpc: 'vpc-0a1' }],
        securityGroups: [{ id: 'sg-0a11', ingress: [SELF] }],
        clusters: [{ id, subnets: ['subnet-0a10'], securityGroup: 'sg-0a11', hsms: [] }],
      };
    }
    test = await startTestSandbox({ fleet: { account: '111122223333', now: NOW_ISO, regions } });
    // Act
    const report = await runAudit(
      { clients: test.clients },
      parseAuditConfig({ regions: 'us-east-1,cn-north-1,us-gov-west-1' }),
      NOW,
    );
    // Assess
    expect(report.errors).toEqual([]);
    expect([...new Set(report.findings.map((f) => f.resource.arn))]).toEqual([
      'arn:aws:cloudhsm:us-east-1:111122223333:cluster/cluster-partawsaaaa',
      'arn:aws-cn:cloudhsm:cn-north-1:111122223333:cluster/cluster-partcnaaaaa',
      'arn:aws-us-gov:cloudhsm:us-gov-west-1:111122223333:cluster/cluster-partgovaaaa',
    ]);
  });
});
