/**
 * Which failed units the worker hands back to SQS (lib/org/retry.ts): a cause that another
 * receive can fix is retried; a cause that only a person can fix is reported, not retried.
 */
import { describe, expect, it } from 'vitest';
import { unitVerdict } from '../../lib/org/retry.js';
import type { UnitResult } from '../../lib/org/types.js';

const unit = { job: 'audit' as const, account: { id: '222222222222' }, region: 'us-east-1' };
const failed = (...failures: string[]): UnitResult => ({ unit, exitCode: 1, failures });

describe('unitVerdict', () => {
  it('a unit that succeeded is done', () => {
    expect(unitVerdict({ unit, exitCode: 0, failures: [] })).toEqual({ kind: 'done' });
  });

  it.each([
    'account 222222222222: sts:AssumeRole on arn:aws:iam::222222222222:role/cloudhsm-ops-member failed: AccessDenied: User is not authorized to perform: sts:AssumeRole',
    'CloudHSM DescribeClusters in ap-east-1: UnrecognizedClientException: The security token included in the request is invalid',
    'EC2 DescribeSubnets in me-south-1: AuthFailure: AWS was not able to validate the provided access credentials',
    'region af-south-1: OptInRequired: the region is not enabled for this account',
    'account 222222222222: sts:AssumeRole on arn:aws:iam::222222222222:role/r failed: RegionDisabledException: STS is not activated in this region',
    'CloudHSM DescribeBackups: AccessDeniedException: not authorized',
    'no prune settings were given for this prune unit',
    'the plan deletes 120 backups, more than MAX_DELETIONS 50; nothing was deleted. Review the dry run, then raise MAX_DELETIONS to 120 or narrow the cutoff',
  ])('a cause only a person can fix is permanent: %s', (reason) => {
    expect(unitVerdict(failed(reason))).toEqual({ kind: 'permanent', reasons: [reason] });
  });

  it.each([
    'CloudHSM DescribeBackups in us-west-2: no answer within 30 s (8 attempts)',
    'CloudHSM CopyBackupToRegion: ThrottlingException: Rate exceeded',
    'copy of backup-abc to us-west-2 deferred: claimed by run 1234 until 2026-11-29T06:20:00Z',
    'events lost: PutEvents failed: InternalFailure',
  ])('anything else is retried: %s', (reason) => {
    expect(unitVerdict(failed(reason))).toEqual({ kind: 'retry', reasons: [reason] });
  });

  it('bad input (exit 2) is permanent: the same message would be refused again', () => {
    expect(unitVerdict({ unit, exitCode: 2, failures: ['REGIONS "x" is not a region'] }).kind).toBe(
      'permanent',
    );
  });

  it('a unit with a retryable failure among permanent ones is retried (the retry may finish the rest)', () => {
    const verdict = unitVerdict(
      failed('AccessDenied: on kms:DescribeCustomKeyStores', 'ThrottlingException: slow down'),
    );
    expect(verdict.kind).toBe('retry');
  });
});
