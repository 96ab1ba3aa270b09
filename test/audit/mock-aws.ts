import {
  type Backup,
  CloudHSMV2Client,
  type Cluster,
  DescribeBackupsCommand,
  DescribeClustersCommand,
} from '@aws-sdk/client-cloudhsm-v2';
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

/**
 * Mocks CloudHSM, EC2, STS and EventBridge for every client instance, answering per
 * region from `regions`. Returns the mocks and a record of in-flight gathering.
 */
export function mockAws(regions: Record<string, MockRegion>, options: { delayMs?: number } = {}) {
  const hsm = mockClient(CloudHSMV2Client);
  const ec2 = mockClient(EC2Client);
  const sts = mockClient(STSClient);
  const events = mockClient(EventBridgeClient);
  const kms = mockClient(KMSClient);
  const tracker = { inFlight: 0, maxInFlight: 0 };
  const delay = () => new Promise((resolve) => setTimeout(resolve, options.delayMs ?? 0));

  const regionData = async (getClient: () => unknown) => {
    const region = await regionOf(getClient);
    const data = regions[region];
    if (!data)
      throw Object.assign(new Error(`unexpected region ${region}`), { name: 'UnrecognizedClientException' });
    return data;
  };

  hsm.on(DescribeClustersCommand).callsFake(async (_input, getClient) => {
    const pending = regionData(getClient);
    pending.catch(() => undefined); // awaited below; keeps an early rejection from being "unhandled"
    tracker.inFlight++;
    tracker.maxInFlight = Math.max(tracker.maxInFlight, tracker.inFlight);
    try {
      await delay();
      const data = await pending;
      if (data.fail) throw data.fail;
      return { Clusters: data.clusters ?? [] };
    } finally {
      tracker.inFlight--;
    }
  });
  hsm.on(DescribeBackupsCommand).callsFake(async (_input, getClient) => {
    const data = await regionData(getClient);
    if (data.fail) throw data.fail;
    return { Backups: data.backups ?? [] };
  });
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
