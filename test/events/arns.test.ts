import { afterEach, describe, expect, it } from 'vitest';
import { arns, cloudHsmArn, partitionOf } from '../../lib/events/types.js';
import { planEvents } from '../../lib/prune/events.js';
import type { PrunePlan } from '../../lib/prune/plan.js';
import { runCli } from '../support/cli.js';
import { startTestSandbox, type TestSandbox } from '../support/sandbox.js';

describe('ARNs', () => {
  it.each([
    ['us-east-1', 'aws'],
    ['eu-west-1', 'aws'],
    ['cn-north-1', 'aws-cn'],
    ['cn-northwest-1', 'aws-cn'],
    ['us-gov-west-1', 'aws-us-gov'],
    ['us-gov-east-1', 'aws-us-gov'],
  ])('puts %s in the %s partition', (region, partition) => {
    expect(partitionOf(region)).toBe(partition);
    expect(arns.cluster(region, '111122223333', 'cluster-abcdefghijk')).toBe(
      `arn:${partition}:cloudhsm:${region}:111122223333:cluster/cluster-abcdefghijk`,
    );
    expect(arns.backup(region, '111122223333', 'backup-abcdefghijk')).toBe(
      `arn:${partition}:cloudhsm:${region}:111122223333:backup/backup-abcdefghijk`,
    );
  });

  it('builds every ARN from one function of partition and region', () => {
    expect(cloudHsmArn('aws-cn', 'cn-north-1', '111122223333', 'cluster', 'cluster-abcdefghijk')).toBe(
      'arn:aws-cn:cloudhsm:cn-north-1:111122223333:cluster/cluster-abcdefghijk',
    );
  });

  it('names the source cluster of a dry-run Prune Plan for a DR region under its source region', () => {
    // Prepare: a plan for us-west-2 holding copies of a us-east-1 cluster
    const plan = {
      now: '2026-11-29T12:00:00Z',
      regions: ['us-west-2'],
      clusterId: 'cluster-abcdefghijk',
      cutoff: null,
      deleteAll: false,
      keepLast: 1,
      maxDeletions: 50,
      holdTag: 'cloudhsm-ops:hold',
      overLimit: false,
      entries: [
        {
          backupId: 'backup-copyaaaaaaa',
          region: 'us-west-2',
          sourceRegion: 'us-east-1',
          lineage: 'cluster-abcdefghijk',
          copy: true,
          state: 'READY',
          createdAt: '2026-01-01T00:00:00Z',
          ageDays: 332,
          neverExpires: false,
          held: false,
          decision: 'keep',
          reason: 'keep-last',
          detail: 'newest READY of its lineage',
        },
      ],
      counts: { considered: 1, delete: 0, keep: 1 },
    } as unknown as PrunePlan;
    // Act
    const [event] = planEvents(plan, { runId: 'r', account: '111122223333' });
    // Assess
    expect(event!.resources).toEqual(['arn:aws:cloudhsm:us-east-1:111122223333:cluster/cluster-abcdefghijk']);
  });
});

describe('Prune Plan events against the sandbox', () => {
  let test: TestSandbox | undefined;
  afterEach(async () => {
    await test?.close();
    test = undefined;
  });

  it('name the source cluster under us-east-1 in a dry run of the DR region us-west-2', async () => {
    // Prepare
    test = await startTestSandbox({ fleet: 'demo' });
    // Act
    const run = await runCli([
      'prune',
      '--endpoint',
      test.sandbox.url,
      '--region',
      'us-west-2',
      '--cluster-id',
      'cluster-paymentsprod',
      '--older-than',
      '90d',
      '--now',
      '2026-11-29T12:00:00Z',
      '--publish',
    ]);
    // Assess
    expect(run.code).toBe(0);
    const plans = test.sandbox.events().filter((e) => e.detailType === 'CloudHSM Prune Plan');
    expect(plans.map((e) => e.resources)).toEqual([
      ['arn:aws:cloudhsm:us-east-1:111122223333:cluster/cluster-paymentsprod'],
    ]);
  });
});
