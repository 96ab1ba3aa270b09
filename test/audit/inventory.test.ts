import { afterEach, describe, expect, it } from 'vitest';
import { formatRegion } from '../../cli/commands/inventory.js';
import { gatherRegion } from '../../lib/inventory/gather.js';
import { summarizeRegion } from '../../lib/inventory/summary.js';
import { startTestSandbox, type TestSandbox } from '../support/sandbox.js';

let test: TestSandbox | undefined;
afterEach(async () => {
  await test?.close();
  test = undefined;
});

describe('inventory counts serving HSMs', () => {
  it('counts only ACTIVE HSMs by zone, lists the others apart and leaves DELETED ones out (sandbox)', async () => {
    // Prepare
    test = await startTestSandbox({
      fleet: {
        account: '111122223333',
        regions: {
          'us-east-1': {
            zones: ['us-east-1a', 'us-east-1b'],
            subnets: [
              { id: 'subnet-0a10', zone: 'us-east-1a', vpc: 'vpc-0a1' },
              { id: 'subnet-0a11', zone: 'us-east-1b', vpc: 'vpc-0a1' },
            ],
            securityGroups: [{ id: 'sg-0a11' }],
            clusters: [
              {
                id: 'cluster-mixedhsmsaa',
                subnets: ['subnet-0a10', 'subnet-0a11'],
                securityGroup: 'sg-0a11',
                hsms: [
                  { id: 'hsm-activeaaaaaa', zone: 'us-east-1a' },
                  { id: 'hsm-creatingaaaa', zone: 'us-east-1b', state: 'CREATE_IN_PROGRESS' },
                  { id: 'hsm-deletedaaaaa', zone: 'us-east-1b', state: 'DELETED' },
                ],
              },
            ],
          },
        },
      },
    });
    // Act
    const summary = summarizeRegion(await gatherRegion(test.clients, 'us-east-1'));
    // Assess
    expect(summary.clusters[0]).toMatchObject({
      hsms: 1,
      hsmsByZone: { 'us-east-1a': 1 },
      notServing: { CREATE_IN_PROGRESS: 1 },
    });
    expect(formatRegion(summary)[2]).toContain(
      'ACTIVE HSMs us-east-1a 1; not serving: CREATE_IN_PROGRESS 1;',
    );
  });
});
