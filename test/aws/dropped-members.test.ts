/**
 * Issue 16 §3 (reading part): the pinned @aws-sdk/client-cloudhsm-v2 3.332.0 does not deserialize
 * Cluster.Mode, NetworkType, HsmTypeRollbackExpiration, nor Backup.BackupArn, HsmType and Mode;
 * lib/aws keeps them anyway, so the inventory carries them.
 */
import { afterEach, expect, it } from 'vitest';
import { listBackups, listClusters } from '../../lib/aws/cloudhsm.js';
import { CLUSTER_A, CLUSTER_B, DAY_MS, NOW_MS, seqId, smallFleet } from '../support/fleet.js';
import { jsonCall } from '../support/raw-aws.js';
import { startTestSandbox, type TestSandbox } from '../support/sandbox.js';

const EAST = 'us-east-1';
let t: TestSandbox;
afterEach(() => t?.close());

it('reads cluster Mode, NetworkType and HsmTypeRollbackExpiration that the SDK drops', async () => {
  // Prepare
  const fleet = smallFleet(2);
  const clusters = fleet.regions[EAST]!.clusters!;
  clusters[0]!.hsmType = 'hsm1.medium';
  clusters[1]!.mode = 'NON_FIPS';
  t = await startTestSandbox({ fleet });
  const client = t.clients.cloudHsm(EAST);
  // The pinned SDK cannot send ModifyCluster HsmType either: start the migration on the wire.
  await jsonCall(t.sandbox.url, 'cloudhsm', 'BaldrApiService.ModifyCluster', EAST, {
    ClusterId: CLUSTER_A,
    HsmType: 'hsm2m.medium',
  });
  // Act
  const read = await listClusters(client, EAST);
  // Assess
  expect(read.map((c) => [c.id, c.mode, c.networkType, c.state])).toEqual([
    [CLUSTER_A, 'FIPS', 'IPV4', 'MODIFY_IN_PROGRESS'],
    [CLUSTER_B, 'NON_FIPS', 'IPV4', 'DEGRADED'],
  ]);
  expect(read[0]!.hsmTypeRollbackExpiration).toEqual(new Date(NOW_MS + 7 * DAY_MS));
  expect(read[1]!.hsmTypeRollbackExpiration).toBeUndefined();
});

it('reads backup BackupArn, HsmType and Mode that the SDK drops', async () => {
  // Prepare
  const fleet = smallFleet(2);
  fleet.regions[EAST]!.clusters![0]!.hsmType = 'hsm1.medium';
  t = await startTestSandbox({ fleet });
  // Act
  const read = await listBackups(t.clients.cloudHsm(EAST), EAST, { clusterIds: [CLUSTER_A] });
  // Assess
  expect(read.find((b) => b.id === seqId('backup', 0))).toMatchObject({
    arn: `arn:aws:cloudhsm:${EAST}:111122223333:backup/${seqId('backup', 0)}`,
    hsmType: 'hsm1.medium',
    mode: 'FIPS',
  });
});
