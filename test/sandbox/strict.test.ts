/**
 * Cases where the sandbox used to be more lenient than AWS (issue 16 §1, §2): each was accepted
 * before and is refused (or, for a valid filter, accepted) now, as the service models and AWS's
 * documentation say.
 */
import { DescribeSecurityGroupsCommand, DescribeSubnetsCommand } from '@aws-sdk/client-ec2';
import { afterEach, describe, expect, it } from 'vitest';
import { PATTERNS } from '../../lib/config/common.js';
import type { FleetFile } from '../../sandbox/index.js';
import { decodeQuery, type ModelledService, validateRequest } from '../../sandbox/model.js';
import { CLUSTER_A, CLUSTER_B, DAY_MS, NOW_MS, SUBNETS, seqId, smallFleet } from '../support/fleet.js';
import { jsonCall, queryCall, xmlErrorCode } from '../support/raw-aws.js';
import { startTestSandbox, type TestSandbox } from '../support/sandbox.js';

const EAST = 'us-east-1';
const ACCOUNT = '111122223333';
let t: TestSandbox;
afterEach(() => t?.close());

/** One CloudHSM call over the wire, in us-east-1 unless told. */
const hsm = (operation: string, input: unknown, region = EAST) =>
  jsonCall(t.sandbox.url, 'cloudhsm', `BaldrApiService.${operation}`, region, input);

/** smallFleet(3) with cluster A on hsm1.medium (its backups too). */
function hsm1Fleet(): FleetFile {
  const fleet = smallFleet(3);
  const cluster = fleet.regions[EAST]!.clusters!.find((c) => c.id === CLUSTER_A)!;
  cluster.hsmType = 'hsm1.medium';
  return fleet;
}

describe('CloudHSM backups', () => {
  it('refuses CopyBackupToRegion to a region AWS does not have, and creates no such region', async () => {
    // Prepare
    t = await startTestSandbox({ fleet: smallFleet(3) });
    // Act
    const answer = await hsm('CopyBackupToRegion', {
      BackupId: seqId('backup', 0),
      DestinationRegion: 'us-east-9',
    });
    // Assess
    expect(answer.status).toBe(400);
    expect(answer.body.__type).toBe('CloudHsmInvalidRequestException');
    expect(t.sandbox.regions()).not.toContain('us-east-9');
  });

  it.each(['DeleteBackup', 'RestoreBackup', 'ModifyBackupAttributes'])(
    '%s refuses a backup ARN where the model allows only a backup id',
    async (operation) => {
      // Prepare
      t = await startTestSandbox({ fleet: smallFleet(3) });
      const arn = `arn:aws:cloudhsm:${EAST}:${ACCOUNT}:backup/${seqId('backup', 1001)}`;
      // Act
      const answer = await hsm(operation, { BackupId: arn, NeverExpires: true });
      // Assess
      expect(answer.status).toBe(400);
      expect(answer.body.__type).toBe('CloudHsmInvalidRequestException');
      expect(String(answer.body.Message)).toMatch(/backupId/);
    },
  );

  it('describes backups with BackupArn, HsmType and Mode', async () => {
    // Prepare
    t = await startTestSandbox({ fleet: smallFleet(3) });
    // Act
    const answer = await hsm('DescribeBackups', { Filters: { backupIds: [seqId('backup', 0)] } });
    // Assess
    expect((answer.body.Backups as unknown[])[0]).toMatchObject({
      BackupArn: `arn:aws:cloudhsm:${EAST}:${ACCOUNT}:backup/${seqId('backup', 0)}`,
      HsmType: 'hsm2m.medium',
      Mode: 'FIPS',
    });
  });

  it("takes a backup's HsmType and Mode from the fleet file for a DR copy whose cluster is elsewhere", async () => {
    // Prepare
    const fleet = smallFleet(3);
    const copy = fleet.regions['us-west-2']!.backups![0]!;
    Object.assign(copy, { hsmType: 'hsm1.medium', mode: 'FIPS' });
    t = await startTestSandbox({ fleet });
    // Act
    const answer = await hsm('DescribeBackups', { Filters: { backupIds: [copy.id] } }, 'us-west-2');
    // Assess
    expect((answer.body.Backups as unknown[])[0]).toMatchObject({ HsmType: 'hsm1.medium', Mode: 'FIPS' });
  });
});

describe('CloudHSM clusters', () => {
  it('describes clusters with Mode and StateMessage; the fleet file sets NON_FIPS', async () => {
    // Prepare
    const fleet = smallFleet(3);
    fleet.regions[EAST]!.clusters![1]!.mode = 'NON_FIPS';
    t = await startTestSandbox({ fleet });
    // Act
    const answer = await hsm('DescribeClusters', {});
    // Assess
    const clusters = answer.body.Clusters as Array<Record<string, unknown>>;
    expect(clusters.map((c) => [c.ClusterId, c.Mode])).toEqual([
      [CLUSTER_A, 'FIPS'],
      [CLUSTER_B, 'NON_FIPS'],
    ]);
    expect(clusters[0]!.StateMessage).toEqual(expect.any(String));
  });

  it('refuses CreateCluster with hsm1.medium, which has reached end of support', async () => {
    // Prepare
    t = await startTestSandbox({ fleet: smallFleet(3) });
    // Act
    const answer = await hsm('CreateCluster', { HsmType: 'hsm1.medium', SubnetIds: SUBNETS.slice(0, 1) });
    // Assess
    expect(answer.status).toBe(400);
    expect(answer.body.__type).toBe('CloudHsmInvalidRequestException');
    expect(String(answer.body.Message)).toMatch(/end of support/);
  });

  it('migrates hsm1 → hsm2m through MODIFY_IN_PROGRESS, then allows rollback only inside the window', async () => {
    // Prepare
    t = await startTestSandbox({ fleet: hsm1Fleet() });
    // Act
    const started = await hsm('ModifyCluster', { ClusterId: CLUSTER_A, HsmType: 'hsm2m.medium' });
    const during = await hsm('ModifyCluster', { ClusterId: CLUSTER_A, HsmType: 'hsm1.medium' });
    t.sandbox.clock.advance(2 * 3600_000);
    const done = await hsm('DescribeClusters', { Filters: { clusterIds: [CLUSTER_A] } });
    // Assess
    expect(started.body.Cluster).toMatchObject({ State: 'MODIFY_IN_PROGRESS', HsmType: 'hsm1.medium' });
    expect(during.body.__type).toBe('CloudHsmInvalidRequestException');
    const cluster = (done.body.Clusters as Array<Record<string, unknown>>)[0]!;
    expect(cluster).toMatchObject({ State: 'ACTIVE', HsmType: 'hsm2m.medium', Mode: 'FIPS' });
    expect(cluster.HsmTypeRollbackExpiration).toBe((NOW_MS + 7 * DAY_MS) / 1000);
    expect((cluster.Hsms as Array<Record<string, unknown>>).map((h) => h.HsmType)).toEqual([
      'hsm2m.medium',
      'hsm2m.medium',
    ]);
  });

  it('rolls back to hsm1 inside the window and refuses it once the window has passed', async () => {
    // Prepare
    t = await startTestSandbox({ fleet: hsm1Fleet() });
    await hsm('ModifyCluster', { ClusterId: CLUSTER_A, HsmType: 'hsm2m.medium' });
    t.sandbox.clock.advance(2 * 3600_000);
    // Act
    const rollback = await hsm('ModifyCluster', { ClusterId: CLUSTER_A, HsmType: 'hsm1.medium' });
    t.sandbox.clock.advance(2 * 3600_000);
    const back = await hsm('DescribeClusters', { Filters: { clusterIds: [CLUSTER_A] } });
    await hsm('ModifyCluster', { ClusterId: CLUSTER_A, HsmType: 'hsm2m.medium' });
    t.sandbox.clock.advance(8 * DAY_MS);
    const late = await hsm('ModifyCluster', { ClusterId: CLUSTER_A, HsmType: 'hsm1.medium' });
    // Assess
    expect(rollback.body.Cluster).toMatchObject({ State: 'ROLLBACK_IN_PROGRESS' });
    const cluster = (back.body.Clusters as Array<Record<string, unknown>>)[0]!;
    expect(cluster).toMatchObject({ State: 'ACTIVE', HsmType: 'hsm1.medium' });
    expect(cluster.HsmTypeRollbackExpiration).toBeUndefined();
    expect(late.status).toBe(400);
    expect(String(late.body.Message)).toMatch(/rollback window/);
  });

  it('refuses moving a cluster that was never on hsm1 to hsm1', async () => {
    // Prepare
    t = await startTestSandbox({ fleet: smallFleet(3) });
    // Act
    const answer = await hsm('ModifyCluster', { ClusterId: CLUSTER_A, HsmType: 'hsm1.medium' });
    // Assess
    expect(answer.body.__type).toBe('CloudHsmInvalidRequestException');
  });

  it('initializes an UNINITIALIZED cluster: INITIALIZE_IN_PROGRESS, then INITIALIZED', async () => {
    // Prepare
    t = await startTestSandbox({ fleet: smallFleet(3) });
    const created = await hsm('CreateCluster', { HsmType: 'hsm2m.medium', SubnetIds: SUBNETS.slice(0, 1) });
    const id = (created.body.Cluster as Record<string, unknown>).ClusterId as string;
    const cert = '-----BEGIN CERTIFICATE-----\nMIIBsandbox==\n-----END CERTIFICATE-----';
    // Act
    const answer = await hsm('InitializeCluster', { ClusterId: id, SignedCert: cert, TrustAnchor: cert });
    const again = await hsm('InitializeCluster', { ClusterId: id, SignedCert: cert, TrustAnchor: cert });
    t.sandbox.clock.advance(600_000);
    const after = await hsm('DescribeClusters', { Filters: { clusterIds: [id] } });
    // Assess
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ State: 'INITIALIZE_IN_PROGRESS', StateMessage: expect.any(String) });
    expect(again.body.__type).toBe('CloudHsmInvalidRequestException');
    expect((after.body.Clusters as Array<Record<string, unknown>>)[0]).toMatchObject({
      State: 'INITIALIZED',
    });
  });

  it('puts, gets and deletes a resource policy on a backup', async () => {
    // Prepare
    t = await startTestSandbox({ fleet: smallFleet(3) });
    const arn = `arn:aws:cloudhsm:${EAST}:${ACCOUNT}:backup/${seqId('backup', 0)}`;
    const policy = JSON.stringify({ Version: '2012-10-17', Statement: [] });
    // Act
    const none = await hsm('GetResourcePolicy', { ResourceArn: arn });
    const put = await hsm('PutResourcePolicy', { ResourceArn: arn, Policy: policy });
    const got = await hsm('GetResourcePolicy', { ResourceArn: arn });
    const deleted = await hsm('DeleteResourcePolicy', { ResourceArn: arn });
    const gone = await hsm('GetResourcePolicy', { ResourceArn: arn });
    const unknown = await hsm('GetResourcePolicy', {
      ResourceArn: `arn:aws:cloudhsm:${EAST}:${ACCOUNT}:backup/${seqId('backup', 999)}`,
    });
    // Assess
    expect(none.body).toEqual({});
    expect(put.body).toEqual({ ResourceArn: arn, Policy: policy });
    expect(got.body).toEqual({ Policy: policy });
    expect(deleted.body).toEqual({ ResourceArn: arn, Policy: policy });
    expect(gone.body).toEqual({});
    expect(unknown.body.__type).toBe('CloudHsmResourceNotFoundException');
  });
});

describe('EventBridge PutEvents', () => {
  const entry = (extra: Record<string, unknown>) => ({
    Source: 'cloudhsm-ops',
    DetailType: 'CloudHSM Finding',
    Detail: '{}',
    ...extra,
  });
  const putEvents = (input: unknown) => jsonCall(t.sandbox.url, 'events', 'AWSEvents.PutEvents', EAST, input);

  it('refuses an event bus name with "/" (the model allows [.-_A-Za-z0-9] only)', async () => {
    // Prepare
    t = await startTestSandbox({ fleet: smallFleet(1) });
    // Act
    const answer = await putEvents({ Entries: [entry({ EventBusName: 'team/bus' })] });
    // Assess
    expect(answer.body.__type).toBe('ValidationException');
    expect(t.sandbox.events()).toEqual([]);
  });

  it('refuses entries of exactly 262,144 bytes: AWS says less than 256 KB', async () => {
    // Prepare
    t = await startTestSandbox({ fleet: smallFleet(1) });
    const overhead = 'cloudhsm-ops'.length + 'CloudHSM Finding'.length + '{"blob":""}'.length;
    const detail = JSON.stringify({ blob: 'x'.repeat(256 * 1024 - overhead) });
    // Act
    const answer = await putEvents({ Entries: [entry({ Detail: detail })] });
    // Assess
    expect(answer.body.__type).toBe('ValidationException');
  });
});

describe('EC2', () => {
  it('refuses DescribeSecurityGroups with both GroupIds and MaxResults', async () => {
    // Prepare
    t = await startTestSandbox({ fleet: smallFleet(1) });
    // Act
    const answer = await queryCall(t.sandbox.url, 'ec2', EAST, {
      Action: 'DescribeSecurityGroups',
      Version: '2016-11-15',
      'GroupId.1': 'sg-0a000000000000001',
      MaxResults: '5',
    });
    // Assess
    expect(answer.status).toBe(400);
    expect(xmlErrorCode(answer.text)).toBe('InvalidParameterCombination');
  });

  it.each([
    ['map-public-ip-on-launch', 'false', 3],
    ['default-for-az', 'false', 3],
    ['available-ip-address-count', '251', 3],
    ['ipv6-native', 'false', 3],
    ['subnet-arn', `arn:aws:ec2:${EAST}:${ACCOUNT}:subnet/${SUBNETS[0]}`, 1],
  ])('DescribeSubnets accepts the valid filter %s', async (name, value, count) => {
    // Prepare
    t = await startTestSandbox({ fleet: smallFleet(1) });
    // Act
    const { Subnets } = await t.clients
      .ec2(EAST)
      .send(new DescribeSubnetsCommand({ Filters: [{ Name: name, Values: [value] }] }));
    // Assess
    expect(Subnets).toHaveLength(count);
  });

  it('still pages DescribeSecurityGroups with MaxResults when no GroupIds are given', async () => {
    // Prepare
    t = await startTestSandbox({ fleet: smallFleet(1) });
    // Act
    const answer = await t.clients.ec2(EAST).send(new DescribeSecurityGroupsCommand({ MaxResults: 5 }));
    // Assess
    expect(answer.SecurityGroups!.length).toBeGreaterThan(0);
  });
});

describe("the project's own event bus check (lib/config)", () => {
  it.each([
    ['team/bus', false],
    ['arn:aws:events:us-east-1:111122223333:event-bus/team/bus', false],
    ['ops-bus.v2_x', true],
    ['arn:aws:events:us-east-1:111122223333:event-bus/ops-bus', true],
  ])('%s → %s, as the PutEvents model says', (name, valid) => {
    // Act
    const accepted = PATTERNS.eventBusName.test(name);
    // Assess
    expect(accepted).toBe(valid);
  });
});

describe('model validation of a service without a generated model', () => {
  it('lets the request through (services added later validate once the generator lists them)', () => {
    // Act
    const check = () => validateRequest('kms' as ModelledService, 'Encrypt', {});
    // Assess
    expect(check).not.toThrow();
    expect(decodeQuery('kms' as ModelledService, 'Encrypt', new Map())).toEqual({});
  });
});
