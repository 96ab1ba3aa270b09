import {
  DescribeAvailabilityZonesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  type EC2Client,
  paginateDescribeSubnets,
} from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SG, SUBNETS, smallFleet } from '../support/fleet.js';
import { startTestSandbox, type TestSandbox } from '../support/sandbox.js';

let t: TestSandbox;
let ec2: EC2Client;
beforeAll(async () => {
  t = await startTestSandbox({ fleet: smallFleet(1) });
  ec2 = t.clients.ec2('us-east-1');
});
afterAll(() => t.close());

async function errorOf(
  promise: Promise<unknown>,
): Promise<Error & { $metadata?: { httpStatusCode?: number } }> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to fail');
}

describe('DescribeAvailabilityZones', () => {
  it("lists the fleet's zones with ids, states and types", async () => {
    // Act
    const { AvailabilityZones } = await ec2.send(new DescribeAvailabilityZonesCommand({}));
    // Assess
    expect(AvailabilityZones!.map((z) => [z.ZoneName, z.ZoneId, z.State, z.ZoneType, z.RegionName])).toEqual([
      ['us-east-1a', 'use1-az1', 'available', 'availability-zone', 'us-east-1'],
      ['us-east-1b', 'use1-az2', 'available', 'availability-zone', 'us-east-1'],
      ['us-east-1c', 'use1-az6', 'impaired', 'availability-zone', 'us-east-1'],
    ]);
  });

  it.each([
    [[{ Name: 'zone-type', Values: ['availability-zone'] }], 3],
    [[{ Name: 'state', Values: ['available'] }], 2],
    [
      [
        { Name: 'zone-name', Values: ['us-east-1b', 'us-east-1c'] },
        { Name: 'state', Values: ['impaired'] },
      ],
      1,
    ],
    [[{ Name: 'region-name', Values: ['us-east-1'] }], 3],
    [[{ Name: 'zone-name', Values: ['us-east-1*'] }], 3],
  ])('filters %j', async (Filters, expected) => {
    // Act
    const { AvailabilityZones } = await ec2.send(new DescribeAvailabilityZonesCommand({ Filters }));
    // Assess
    expect(AvailabilityZones).toHaveLength(expected);
  });

  it('answers per region, from the SigV4 scope', async () => {
    // Act
    const { AvailabilityZones } = await t.clients
      .ec2('us-west-2')
      .send(new DescribeAvailabilityZonesCommand({}));
    // Assess
    expect(AvailabilityZones!.map((z) => z.ZoneName)).toEqual(['us-west-2a', 'us-west-2b']);
  });

  it('rejects an unknown filter and an unknown zone name with EC2 errors', async () => {
    // Act
    const filter = await errorOf(
      ec2.send(new DescribeAvailabilityZonesCommand({ Filters: [{ Name: 'colour', Values: ['x'] }] })),
    );
    const zone = await errorOf(ec2.send(new DescribeAvailabilityZonesCommand({ ZoneNames: ['us-east-1z'] })));
    // Assess
    expect(filter.name).toBe('InvalidParameterValue');
    expect(zone.name).toBe('InvalidParameterValue');
    expect(zone.$metadata?.httpStatusCode).toBe(400);
  });
});

describe('DescribeSubnets', () => {
  it.each([
    [{ SubnetIds: [SUBNETS[1]!] }, [SUBNETS[1]]],
    [{ Filters: [{ Name: 'subnet-id', Values: [SUBNETS[0]!, SUBNETS[2]!] }] }, [SUBNETS[0], SUBNETS[2]]],
    [{ Filters: [{ Name: 'availability-zone', Values: ['us-east-1b'] }] }, [SUBNETS[1]]],
    [{ Filters: [{ Name: 'vpc-id', Values: ['vpc-0a00000000000001'] }] }, SUBNETS],
    [{ Filters: [{ Name: 'vpc-id', Values: ['vpc-0b'] }] }, []],
  ])('selects %j', async (input, expected) => {
    // Act
    const { Subnets } = await ec2.send(new DescribeSubnetsCommand(input));
    // Assess
    expect(Subnets!.map((s) => s.SubnetId)).toEqual(expected);
  });

  it('describes a subnet as EC2 does', async () => {
    // Act
    const { Subnets } = await ec2.send(new DescribeSubnetsCommand({ SubnetIds: [SUBNETS[2]!] }));
    // Assess
    expect(Subnets![0]).toMatchObject({
      SubnetId: SUBNETS[2],
      VpcId: 'vpc-0a00000000000001',
      AvailabilityZone: 'us-east-1c',
      AvailabilityZoneId: 'use1-az6',
      State: 'available',
      CidrBlock: '10.0.2.0/24',
      OwnerId: '111122223333',
      DefaultForAz: false,
    });
  });

  it('pages with MaxResults and NextToken', async () => {
    // Act
    const pages: string[][] = [];
    for await (const page of paginateDescribeSubnets({ client: ec2, pageSize: 5 }, {})) {
      pages.push(page.Subnets!.map((s) => s.SubnetId!));
    }
    const first = await ec2.send(new DescribeSubnetsCommand({ MaxResults: 5 }));
    // Assess
    expect(pages.flat()).toEqual(SUBNETS);
    expect(first.NextToken).toBeUndefined();
  });

  it('rejects an unknown subnet id and an out-of-range MaxResults', async () => {
    // Act
    const unknown = await errorOf(
      ec2.send(new DescribeSubnetsCommand({ SubnetIds: ['subnet-0fffffffffffffff0'] })),
    );
    const max = await errorOf(ec2.send(new DescribeSubnetsCommand({ MaxResults: 4 })));
    // Assess
    expect(unknown.name).toBe('InvalidSubnetID.NotFound');
    expect(max.name).toBe('InvalidParameterValue');
  });
});

describe('DescribeSecurityGroups', () => {
  it('returns inbound rules with IPv4, IPv6 and all-protocol permissions', async () => {
    // Act
    const { SecurityGroups } = await ec2.send(
      new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-id', Values: [SG] }] }),
    );
    // Assess
    expect(SecurityGroups).toHaveLength(1);
    expect(SecurityGroups![0]).toMatchObject({
      GroupId: SG,
      VpcId: 'vpc-0a00000000000001',
      OwnerId: '111122223333',
    });
    expect(SecurityGroups![0]!.IpPermissions).toEqual([
      {
        IpProtocol: 'tcp',
        FromPort: 2223,
        ToPort: 2225,
        IpRanges: [{ CidrIp: '10.0.0.0/16' }],
        Ipv6Ranges: [],
        PrefixListIds: [],
        UserIdGroupPairs: [],
      },
      {
        IpProtocol: '-1',
        IpRanges: [],
        Ipv6Ranges: [{ CidrIpv6: '::/0' }],
        PrefixListIds: [],
        UserIdGroupPairs: [],
      },
    ]);
    expect(SecurityGroups![0]!.IpPermissionsEgress![0]).toMatchObject({
      IpProtocol: '-1',
      IpRanges: [{ CidrIp: '0.0.0.0/0' }],
    });
  });

  it('filters by vpc-id and ip-permission fields; GroupIds must exist', async () => {
    // Act
    const byVpc = await ec2.send(
      new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'vpc-id', Values: ['vpc-0b'] }] }),
    );
    const open = await ec2.send(
      new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'ip-permission.ipv6-cidr', Values: ['::/0'] }] }),
    );
    const unknown = await errorOf(
      ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: ['sg-0fffffffffffffff0'] })),
    );
    // Assess
    expect(byVpc.SecurityGroups).toEqual([]);
    expect(open.SecurityGroups!.map((g) => g.GroupId)).toEqual([SG]);
    expect(unknown.name).toBe('InvalidGroup.NotFound');
  });

  it('answers DryRun with DryRunOperation', async () => {
    // Act
    const error = await errorOf(ec2.send(new DescribeSecurityGroupsCommand({ DryRun: true })));
    // Assess
    expect(error.name).toBe('DryRunOperation');
    expect(error.$metadata?.httpStatusCode).toBe(412);
  });
});
