import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
} from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AwsClients } from '../../lib/aws/clients.js';
import { sgExposure } from '../../lib/checks/sg-exposure.js';
import { subnetCoverage } from '../../lib/checks/subnet-coverage.js';
import { listSecurityGroups, listSubnets, listZones } from '../../lib/inventory/gather.js';
import { cluster, healthyFacts } from '../support/facts.js';
import { type Moto, motoAvailable, startMoto } from './moto.js';

/**
 * Cross-check: the EC2 describe calls the audit gathers with (lib/inventory/gather.ts),
 * answered by moto's EC2 rather than our own sandbox, give the checks what they expect.
 */
describe.skipIf(!motoAvailable())('EC2 gathering against moto', () => {
  let moto: Moto;
  let clients: AwsClients;
  const ids = { vpc: '', subnetA: '', subnetB: '', group: '' };

  beforeAll(async () => {
    moto = await startMoto();
    clients = new AwsClients({ endpoint: moto.url, maxAttempts: 1 });
    const ec2 = clients.ec2('us-east-1');
    const vpc = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.20.0.0/16' }));
    ids.vpc = vpc.Vpc!.VpcId!;
    const subnet = (cidr: string, zone: string) =>
      ec2.send(new CreateSubnetCommand({ VpcId: ids.vpc, CidrBlock: cidr, AvailabilityZone: zone }));
    ids.subnetA = (await subnet('10.20.1.0/24', 'us-east-1a')).Subnet!.SubnetId!;
    ids.subnetB = (await subnet('10.20.2.0/24', 'us-east-1b')).Subnet!.SubnetId!;
    const group = await ec2.send(
      new CreateSecurityGroupCommand({
        GroupName: 'cloudhsm-cluster-abcdefghijk-sg',
        Description: 'cluster group',
        VpcId: ids.vpc,
      }),
    );
    ids.group = group.GroupId!;
    await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: ids.group,
        IpPermissions: [
          {
            IpProtocol: 'tcp',
            FromPort: 2223,
            ToPort: 2225,
            IpRanges: [{ CidrIp: '0.0.0.0/0' }],
            Ipv6Ranges: [{ CidrIpv6: '::/0' }],
          },
          { IpProtocol: 'tcp', FromPort: 2225, ToPort: 3000, IpRanges: [{ CidrIp: '10.0.0.0/8' }] },
          { IpProtocol: '-1', UserIdGroupPairs: [{ GroupId: ids.group }] },
        ],
      }),
    );
  });

  afterAll(async () => {
    clients?.destroy();
    await moto?.stop();
  });

  it('lists the region Availability Zones, all available', async () => {
    const zones = await listZones(clients.ec2('us-east-1'));
    expect(zones.map((z) => z.name)).toEqual(
      expect.arrayContaining(['us-east-1a', 'us-east-1b', 'us-east-1c']),
    );
    expect(zones.every((z) => z.state === 'available' && z.type === 'availability-zone')).toBe(true);
  });

  it('describes the named subnets with their zone and VPC', async () => {
    const subnets = await listSubnets(clients.ec2('us-east-1'), [ids.subnetA, ids.subnetB]);
    expect(subnets.sort((a, b) => a.zone.localeCompare(b.zone))).toEqual([
      { id: ids.subnetA, zone: 'us-east-1a', vpcId: ids.vpc },
      { id: ids.subnetB, zone: 'us-east-1b', vpcId: ids.vpc },
    ]);
  });

  it('reads the security group inbound rules as the checks expect them', async () => {
    const [group] = await listSecurityGroups(clients.ec2('us-east-1'), [ids.group]);
    expect(group).toMatchObject({ id: ids.group, vpcId: ids.vpc, name: 'cloudhsm-cluster-abcdefghijk-sg' });
    expect(group!.ingress).toEqual(
      expect.arrayContaining([
        {
          protocol: 'tcp',
          fromPort: 2223,
          toPort: 2225,
          cidrs: ['0.0.0.0/0'],
          ipv6Cidrs: ['::/0'],
          groupIds: [],
        },
        { protocol: 'tcp', fromPort: 2225, toPort: 3000, cidrs: ['10.0.0.0/8'], ipv6Cidrs: [], groupIds: [] },
        expect.objectContaining({ protocol: '-1', cidrs: [], ipv6Cidrs: [], groupIds: [ids.group] }),
      ]),
    );
  });

  it('gives subnet-coverage and sg-exposure the facts to fail this cluster for the right reasons', async () => {
    // Prepare
    const ec2 = clients.ec2('us-east-1');
    const [zones, subnets, securityGroups] = await Promise.all([
      listZones(ec2),
      listSubnets(ec2, [ids.subnetA, ids.subnetB]),
      listSecurityGroups(ec2, [ids.group]),
    ]);
    const facts = healthyFacts({
      cluster: cluster({
        vpcId: ids.vpc,
        securityGroupId: ids.group,
        subnetMapping: { 'us-east-1a': ids.subnetA, 'us-east-1b': ids.subnetB },
      }),
      zones,
      subnets,
      securityGroups,
    });
    const missing = zones
      .map((z) => z.name)
      .filter((name) => name !== 'us-east-1a' && name !== 'us-east-1b')
      .sort();
    // Act
    const coverage = subnetCoverage.evaluate(facts);
    const exposure = sgExposure.evaluate(facts);
    // Assess
    expect(coverage.status).toBe('FAILED');
    expect(coverage.observed).toBe(
      `subnets in 2 of ${zones.length} available zones (us-east-1a, us-east-1b); missing: ${missing.join(', ')}`,
    );
    expect(exposure.status).toBe('FAILED');
    expect(exposure.observed).toBe(
      `${ids.group} admits addresses beyond private networks to the HSM ports: 0.0.0.0/0 via tcp 2223-2225 ` +
        '(opens 2223-2225); ::/0 via tcp 2223-2225 (opens 2223-2225) (together: every public IPv4 address, ' +
        'every public IPv6 address)',
    );
  });
});
