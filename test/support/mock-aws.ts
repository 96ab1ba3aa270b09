import type { Backup, Cluster } from '@aws-sdk/client-cloudhsm-v2';
import {
  DescribeAvailabilityZonesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  EC2Client,
  type SecurityGroup,
  type Subnet,
} from '@aws-sdk/client-ec2';
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import {
  type CustomKeyStoresListEntry,
  DescribeCustomKeyStoresCommand,
  KMSClient,
} from '@aws-sdk/client-kms';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { FakeCloudHsm } from './fake-cloudhsm.js';

/** What one mocked region holds, in SDK shapes. */
export interface MockRegion {
  clusters?: Cluster[];
  backups?: Backup[];
  zones?: string[];
  subnets?: Subnet[];
  securityGroups?: SecurityGroup[];
  /** KMS custom key stores (DescribeCustomKeyStores). */
  keyStores?: CustomKeyStoresListEntry[];
  /** Makes every CloudHSM call in the region fail with this error. */
  fail?: Error;
}

/**
 * The region of the client a faked call was made on. aws-sdk-client-mock's getClient()
 * returns the client of the latest send(), so it must be read before the first await.
 */
async function regionOf(getClient: () => unknown): Promise<string> {
  const client = getClient() as { config: { region: () => Promise<string> } };
  return client.config.region();
}

const unrecognized = (region: string) =>
  Object.assign(new Error(`unexpected region ${region}`), { name: 'UnrecognizedClientException' });

/**
 * Mocks CloudHSM (the shared in-memory fake), EC2, STS and EventBridge for every client
 * instance, answering per region from `regions`. Returns the mocks and a record of in-flight
 * cluster gathering (each DescribeClusters takes `delayMs`).
 */
export function mockAws(regions: Record<string, MockRegion>, options: { delayMs?: number } = {}) {
  const fake = new FakeCloudHsm();
  const hsm = fake.mock;
  const ec2 = mockClient(EC2Client);
  const sts = mockClient(STSClient);
  const events = mockClient(EventBridgeClient);
  const kms = mockClient(KMSClient);
  for (const [region, data] of Object.entries(regions)) {
    fake.clusters.set(region, data.clusters ?? []);
    for (const backup of data.backups ?? []) fake.put(region, backup as Backup & { BackupId: string });
    const fail = data.fail;
    if (fail)
      for (const op of ['DescribeClusters', 'DescribeBackups'])
        fake.broken.set(`${op}@${region}`, () => fail);
  }
  fake.beforeCall = (call) => {
    if (!regions[call.region]) throw unrecognized(call.region);
  };
  fake.latencyMs.set('DescribeClusters', options.delayMs ?? 0);
  const tracker = {
    get maxInFlight() {
      return fake.peakInFlight.get('DescribeClusters') ?? 0;
    },
  };

  const regionData = async (getClient: () => unknown) => {
    const region = await regionOf(getClient);
    const data = regions[region];
    if (!data) throw unrecognized(region);
    return data;
  };

  ec2.on(DescribeAvailabilityZonesCommand).callsFake(async (_input, getClient) => {
    const data = await regionData(getClient);
    return {
      AvailabilityZones: (data.zones ?? []).map((ZoneName) => ({
        ZoneName,
        State: 'available',
        ZoneType: 'availability-zone',
      })),
    };
  });
  ec2
    .on(DescribeSubnetsCommand)
    .callsFake(async (_input, getClient) => ({ Subnets: (await regionData(getClient)).subnets ?? [] }));
  ec2.on(DescribeSecurityGroupsCommand).callsFake(async (_input, getClient) => ({
    SecurityGroups: (await regionData(getClient)).securityGroups ?? [],
  }));
  kms.on(DescribeCustomKeyStoresCommand).callsFake(async (_input, getClient) => ({
    CustomKeyStores: (await regionData(getClient)).keyStores ?? [],
  }));
  sts.on(GetCallerIdentityCommand).resolves({ Account: '111122223333' });
  events.on(PutEventsCommand).callsFake((input: { Entries: PutEventsRequestEntry[] }) => ({
    Entries: input.Entries.map((_, i) => ({ EventId: `event-${i}` })),
    FailedEntryCount: 0,
  }));
  const restore = () => {
    for (const mock of [hsm, ec2, sts, events, kms]) mock.restore();
  };
  return { hsm, ec2, sts, events, kms, tracker, restore };
}
