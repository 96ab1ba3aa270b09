import {
  CloudHsmInvalidRequestException,
  CloudHsmResourceNotFoundException,
  CreateClusterCommand,
  CreateHsmCommand,
  DeleteClusterCommand,
  DeleteHsmCommand,
  DescribeClustersCommand,
  ListTagsCommand,
  ModifyClusterCommand,
  paginateDescribeClusters,
  paginateListTags,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-cloudhsm-v2';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  CLUSTER_A,
  CLUSTER_B,
  manyClustersFleet,
  NOW_MS,
  SG,
  SUBNETS,
  seqId,
  smallFleet,
} from '../support/fleet.js';
import { startTestSandbox, type TestSandbox } from '../support/sandbox.js';

let t: TestSandbox;
afterEach(() => t.close());

async function errorOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to fail');
}

describe('DescribeClusters', () => {
  beforeEach(async () => {
    t = await startTestSandbox({ fleet: smallFleet(3) });
  });

  it('describes clusters with HSMs, subnet mapping, retention policy and tags', async () => {
    // Act
    const { Clusters } = await t.clients.cloudHsm('us-east-1').send(new DescribeClustersCommand({}));
    // Assess
    const a = Clusters!.find((c) => c.ClusterId === CLUSTER_A)!;
    expect(a).toMatchObject({
      State: 'ACTIVE',
      HsmType: 'hsm2m.medium',
      SecurityGroup: SG,
      VpcId: 'vpc-0a00000000000001',
      BackupPolicy: 'DEFAULT',
      BackupRetentionPolicy: { Type: 'DAYS', Value: '90' },
      SubnetMapping: { 'us-east-1a': SUBNETS[0], 'us-east-1b': SUBNETS[1], 'us-east-1c': SUBNETS[2] },
      TagList: [{ Key: 'env', Value: 'prod' }],
    });
    expect(a.Hsms!.map((h) => [h.HsmId, h.AvailabilityZone, h.SubnetId, h.State])).toEqual([
      [seqId('hsm', 1), 'us-east-1a', SUBNETS[0], 'ACTIVE'],
      [seqId('hsm', 2), 'us-east-1b', SUBNETS[1], 'ACTIVE'],
    ]);
    expect(a.Hsms![0]!.EniId).toMatch(/^eni-[0-9a-f]{17}$/);
    const b = Clusters!.find((c) => c.ClusterId === CLUSTER_B)!;
    expect(b.State).toBe('DEGRADED');
    expect(b.BackupRetentionPolicy).toBeUndefined();
  });

  it('filters by state and VPC and rejects unknown filter keys', async () => {
    // Prepare
    const client = t.clients.cloudHsm('us-east-1');
    // Act
    const degraded = await client.send(new DescribeClustersCommand({ Filters: { states: ['DEGRADED'] } }));
    const otherVpc = await client.send(new DescribeClustersCommand({ Filters: { vpcIds: ['vpc-0ffff'] } }));
    const bad = await errorOf(client.send(new DescribeClustersCommand({ Filters: { names: ['x'] } })));
    // Assess
    expect(degraded.Clusters!.map((c) => c.ClusterId)).toEqual([CLUSTER_B]);
    expect(otherVpc.Clusters).toEqual([]);
    expect(bad).toBeInstanceOf(CloudHsmInvalidRequestException);
  });

  it.each([0, 26])('rejects MaxResults %i', async (MaxResults) => {
    // Act
    const error = await errorOf(
      t.clients.cloudHsm('us-east-1').send(new DescribeClustersCommand({ MaxResults })),
    );
    // Assess
    expect(error).toBeInstanceOf(CloudHsmInvalidRequestException);
  });
});

it('pages DescribeClusters over more than 25 clusters', async () => {
  // Prepare
  t = await startTestSandbox({ fleet: manyClustersFleet(30) });
  const client = t.clients.cloudHsm('eu-west-1');
  // Act
  const ids: string[] = [];
  let pages = 0;
  for await (const page of paginateDescribeClusters({ client, pageSize: 25 }, {})) {
    pages++;
    ids.push(...page.Clusters!.map((c) => c.ClusterId!));
  }
  // Assess
  expect(pages).toBe(2);
  expect(ids).toEqual(Array.from({ length: 30 }, (_, i) => seqId('cluster', i)));
});

describe('ModifyCluster', () => {
  beforeEach(async () => {
    t = await startTestSandbox({ fleet: smallFleet(3) });
  });

  it('sets the backup retention policy', async () => {
    // Act
    const { Cluster } = await t.clients.cloudHsm('us-east-1').send(
      new ModifyClusterCommand({
        ClusterId: CLUSTER_B,
        BackupRetentionPolicy: { Type: 'DAYS', Value: '379' },
      }),
    );
    // Assess
    expect(Cluster!.BackupRetentionPolicy).toEqual({ Type: 'DAYS', Value: '379' });
    expect(
      t.sandbox.clusters('us-east-1').find((c) => c.ClusterId === CLUSTER_B)!.BackupRetentionPolicy,
    ).toEqual({
      Type: 'DAYS',
      Value: '379',
    });
  });

  it.each(['6', '380', 'abc'])('rejects a retention of %s days', async (Value) => {
    // Act
    const error = await errorOf(
      t.clients
        .cloudHsm('us-east-1')
        .send(
          new ModifyClusterCommand({ ClusterId: CLUSTER_A, BackupRetentionPolicy: { Type: 'DAYS', Value } }),
        ),
    );
    // Assess
    expect(error).toBeInstanceOf(CloudHsmInvalidRequestException);
  });

  it('fails for an unknown cluster', async () => {
    // Act
    const error = await errorOf(
      t.clients.cloudHsm('us-east-1').send(
        new ModifyClusterCommand({
          ClusterId: 'cluster-zzzzzzzzzzz',
          BackupRetentionPolicy: { Type: 'DAYS', Value: '30' },
        }),
      ),
    );
    // Assess
    expect(error).toBeInstanceOf(CloudHsmResourceNotFoundException);
  });
});

describe('scenario building: CreateCluster, CreateHsm, DeleteHsm, DeleteCluster', () => {
  beforeEach(async () => {
    t = await startTestSandbox({ fleet: smallFleet(3) });
  });

  it('creates a cluster with its own security group, adds and removes HSMs, then deletes it', async () => {
    // Prepare
    const client = t.clients.cloudHsm('us-east-1');
    // Act
    const { Cluster } = await client.send(
      new CreateClusterCommand({
        HsmType: 'hsm2m.medium',
        SubnetIds: SUBNETS.slice(0, 2),
        TagList: [{ Key: 'k', Value: 'v' }],
      }),
    );
    const id = Cluster!.ClusterId!;
    const { Hsm } = await client.send(
      new CreateHsmCommand({ ClusterId: id, AvailabilityZone: 'us-east-1b' }),
    );
    const noSubnet = await errorOf(
      client.send(new CreateHsmCommand({ ClusterId: id, AvailabilityZone: 'us-east-1c' })),
    );
    const busy = await errorOf(client.send(new DeleteClusterCommand({ ClusterId: id })));
    const { HsmId } = await client.send(new DeleteHsmCommand({ ClusterId: id, HsmId: Hsm!.HsmId }));
    const deleted = await client.send(new DeleteClusterCommand({ ClusterId: id }));
    // Assess
    expect(id).toMatch(/^cluster-[2-7a-z]{11}$/);
    expect(Cluster).toMatchObject({
      State: 'UNINITIALIZED',
      SubnetMapping: { 'us-east-1a': SUBNETS[0], 'us-east-1b': SUBNETS[1] },
      BackupRetentionPolicy: { Type: 'DAYS', Value: '90' },
      CreateTimestamp: new Date(NOW_MS),
      TagList: [{ Key: 'k', Value: 'v' }],
    });
    expect(Cluster!.SecurityGroup).toMatch(/^sg-[0-9a-f]{17}$/);
    expect(Hsm).toMatchObject({
      ClusterId: id,
      AvailabilityZone: 'us-east-1b',
      SubnetId: SUBNETS[1],
      State: 'ACTIVE',
    });
    expect(Hsm!.HsmId).toMatch(/^hsm-[2-7a-z]{11}$/);
    expect(noSubnet).toBeInstanceOf(CloudHsmInvalidRequestException);
    expect(busy).toBeInstanceOf(CloudHsmInvalidRequestException);
    expect(HsmId).toBe(Hsm!.HsmId);
    expect(deleted.Cluster!.State).toBe('DELETED');
  });

  it('rejects subnets that do not exist or share an AZ, and an unknown HSM', async () => {
    // Prepare
    const client = t.clients.cloudHsm('us-east-1');
    // Act
    const unknown = await errorOf(
      client.send(
        new CreateClusterCommand({ HsmType: 'hsm2m.medium', SubnetIds: ['subnet-0fffffffffffffff0'] }),
      ),
    );
    const badType = await errorOf(
      client.send(new CreateClusterCommand({ HsmType: 'hsm9.huge', SubnetIds: SUBNETS })),
    );
    const missingHsm = await errorOf(
      client.send(new DeleteHsmCommand({ ClusterId: CLUSTER_A, HsmId: 'hsm-zzzzzzzzzzz' })),
    );
    // Assess
    expect(unknown).toBeInstanceOf(CloudHsmInvalidRequestException);
    expect(badType).toBeInstanceOf(CloudHsmInvalidRequestException);
    expect(missingHsm).toBeInstanceOf(CloudHsmResourceNotFoundException);
  });

  it('creates a cluster from a READY backup: INITIALIZED, ACTIVE once it has an HSM', async () => {
    // Prepare
    const client = t.clients.cloudHsm('us-east-1');
    // Act
    const { Cluster } = await client.send(
      new CreateClusterCommand({
        HsmType: 'hsm2m.medium',
        SubnetIds: SUBNETS,
        SourceBackupId: seqId('backup', 2),
      }),
    );
    await client.send(
      new CreateHsmCommand({ ClusterId: Cluster!.ClusterId, AvailabilityZone: 'us-east-1a' }),
    );
    const [after] = (
      await client.send(new DescribeClustersCommand({ Filters: { clusterIds: [Cluster!.ClusterId!] } }))
    ).Clusters!;
    // Assess
    expect(Cluster).toMatchObject({ State: 'INITIALIZED', SourceBackupId: seqId('backup', 2) });
    expect(after!.State).toBe('ACTIVE');
  });
});

describe('tags', () => {
  beforeEach(async () => {
    t = await startTestSandbox({ fleet: smallFleet(3) });
  });

  it('tags and untags clusters and backups; Describe* shows the same tags', async () => {
    // Prepare
    const client = t.clients.cloudHsm('us-east-1');
    const backup = seqId('backup', 2);
    // Act
    await client.send(
      new TagResourceCommand({
        ResourceId: backup,
        TagList: [
          { Key: 'a', Value: '1' },
          { Key: 'b', Value: '2' },
        ],
      }),
    );
    await client.send(new TagResourceCommand({ ResourceId: backup, TagList: [{ Key: 'a', Value: 'one' }] }));
    await client.send(new UntagResourceCommand({ ResourceId: backup, TagKeyList: ['b'] }));
    await client.send(
      new TagResourceCommand({ ResourceId: CLUSTER_B, TagList: [{ Key: 'team', Value: 'x' }] }),
    );
    const backupTags = await client.send(new ListTagsCommand({ ResourceId: backup }));
    const clusterTags = await client.send(new ListTagsCommand({ ResourceId: CLUSTER_B }));
    // Assess
    expect(backupTags.TagList).toEqual([{ Key: 'a', Value: 'one' }]);
    expect(clusterTags.TagList).toEqual([{ Key: 'team', Value: 'x' }]);
    expect(t.sandbox.backups('us-east-1').find((b) => b.BackupId === backup)!.TagList).toEqual([
      { Key: 'a', Value: 'one' },
    ]);
  });

  it('pages ListTags and enforces its limits', async () => {
    // Prepare
    const client = t.clients.cloudHsm('us-east-1');
    const tags = Array.from({ length: 50 }, (_, i) => ({ Key: `k${i}`, Value: `${i}` }));
    await client.send(new TagResourceCommand({ ResourceId: CLUSTER_A, TagList: tags.slice(0, 40) }));
    // Act
    const keys: string[] = [];
    for await (const page of paginateListTags({ client, pageSize: 15 }, { ResourceId: CLUSTER_A })) {
      keys.push(...page.TagList!.map((tag) => tag.Key!));
    }
    const tooMany = await errorOf(
      client.send(new TagResourceCommand({ ResourceId: CLUSTER_A, TagList: tags.slice(39) })),
    );
    const badMax = await errorOf(
      client.send(new ListTagsCommand({ ResourceId: CLUSTER_A, MaxResults: 101 })),
    );
    const unknown = await errorOf(client.send(new ListTagsCommand({ ResourceId: 'backup-zzzzzzzzzzz' })));
    const reserved = await errorOf(
      client.send(new TagResourceCommand({ ResourceId: CLUSTER_A, TagList: [{ Key: 'aws:x', Value: '' }] })),
    );
    // Assess
    expect(keys).toHaveLength(41);
    expect(tooMany.name).toBe('CloudHsmResourceLimitExceededException');
    expect(badMax).toBeInstanceOf(CloudHsmInvalidRequestException);
    expect(unknown).toBeInstanceOf(CloudHsmResourceNotFoundException);
    expect(reserved.name).toBe('CloudHsmTagException');
  });
});
