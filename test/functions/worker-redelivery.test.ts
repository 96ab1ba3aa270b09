/**
 * A unit delivered twice is safe (standard queues deliver at least once; a failed record comes
 * back): the worker with the real runUnit against the sandbox's demo fleet, in the hub's own
 * account. Copy stays exactly once, prune re-plans from what is left, an audit's findings keep
 * their findingId and the dispatch run id, so the feed's consumers de-duplicate on the pair.
 */
import type { SQSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { createWorker } from '../../functions/shared/worker.js';
import { encodeUnitMessage } from '../../lib/org/message.js';
import { runUnit } from '../../lib/org/run-unit.js';
import type { OrgJob, UnitMessage } from '../../lib/org/types.js';
import { lambdaContext, useHandlerSandbox } from '../support/lambda.js';
import { sqsEvent } from '../support/sqs.js';

const lambda = useHandlerSandbox({
  env: {
    REGIONS: 'us-east-1',
    DR_REGIONS: 'us-west-2',
    PUBLISH: 'true',
    EVENT_BUS_NAME: 'cloudhsm-ops',
    COPY_RETENTION_DAYS: 'source',
    PRUNE_EXECUTE: 'true',
    MAX_DELETIONS: '1000',
  },
});

const RUN_ID = '6f1c2a7e-3b9d-4c51-8e0a-2d4f6b8c9e10';

function unitMessage(job: OrgJob, region: string): UnitMessage {
  return {
    version: 1,
    runId: RUN_ID,
    plannedAt: lambda.sandbox.clock.now().toISOString(),
    unit: { job, account: { id: lambda.sandbox.account }, region },
    access: { roleName: 'cloudhsm-ops-member' },
  };
}

/** Delivers the same message twice, as SQS may: a second receive of the same record. */
async function deliverTwice(message: UnitMessage): Promise<SQSEvent['Records'][number]['messageId'][][]> {
  const worker = createWorker({ runUnit, env: lambda.env() });
  const body = encodeUnitMessage(message);
  const first = await worker.handler(
    sqsEvent([{ body, messageId: 'm-1', receiveCount: 1 }]),
    lambdaContext(),
  );
  const again = await worker.handler(
    sqsEvent([{ body, messageId: 'm-1', receiveCount: 2 }]),
    lambdaContext(),
  );
  return [first, again].map((r) => r.batchItemFailures.map((f) => f.itemIdentifier));
}

const calls = (operation: string) => lambda.sandbox.requests().filter((r) => r.operation === operation);

describe('a unit delivered twice', () => {
  it('copy: each source backup gets exactly one copy', async () => {
    // Prepare
    const copiesOf = () => lambda.sandbox.backups('us-west-2').filter((b) => b.SourceBackup !== undefined);
    const before = copiesOf().length;
    // Act
    const failures = await deliverTwice(unitMessage('copy', 'us-east-1'));
    // Assess
    expect(failures).toEqual([[], []]);
    const made = calls('CopyBackupToRegion').filter((r) => r.status === 200);
    expect(made.length).toBeGreaterThan(0);
    expect(copiesOf().length - before).toBe(made.length);
    // The demo fleet holds duplicate copies of older backups on purpose; the ones copied here have one each.
    for (const source of made.map((r) => (r.params as { BackupId: string }).BackupId)) {
      expect(copiesOf().filter((b) => b.SourceBackup === source)).toHaveLength(1);
    }
  });

  it('copy: two receives of one message in one batch (run side by side) still make one copy per source backup', async () => {
    // Prepare
    const copiesOf = () => lambda.sandbox.backups('us-west-2').filter((b) => b.SourceBackup !== undefined);
    const worker = createWorker({ runUnit, env: lambda.env() });
    const body = encodeUnitMessage(unitMessage('copy', 'us-east-1'));
    // Act
    const response = await worker.handler(
      sqsEvent([
        { body, messageId: 'm-1', receiveCount: 1 },
        { body, messageId: 'm-1-again', receiveCount: 1 },
      ]),
      lambdaContext(),
    );
    // Assess: whichever lost the claims deferred its copies and asks to run again; none copied twice.
    expect(response.batchItemFailures.length).toBeLessThanOrEqual(1);
    const made = calls('CopyBackupToRegion')
      .filter((r) => r.status === 200)
      .map((r) => (r.params as { BackupId: string }).BackupId);
    expect(made.length).toBeGreaterThan(0);
    for (const source of new Set(made)) {
      expect(
        copiesOf().filter((b) => b.SourceBackup === source && b.BackupState !== 'PENDING_DELETION'),
      ).toHaveLength(1);
    }
  });

  it('prune: the second delivery re-plans and deletes nothing the first deleted', async () => {
    // Act
    const worker = createWorker({ runUnit, env: lambda.env() });
    const body = encodeUnitMessage(unitMessage('prune', 'us-west-2'));
    const first = await worker.handler(sqsEvent([body]), lambdaContext());
    const deletedFirst = calls('DeleteBackup').map((r) => (r.params as { BackupId: string }).BackupId);
    const plannedReads = calls('DescribeBackups').length;
    const again = await worker.handler(sqsEvent([body]), lambdaContext());
    // Assess
    expect([first.batchItemFailures, again.batchItemFailures]).toEqual([[], []]);
    expect(deletedFirst.length).toBeGreaterThan(0);
    expect(calls('DescribeBackups').length).toBeGreaterThan(plannedReads); // it planned again
    expect(calls('DeleteBackup')).toHaveLength(deletedFirst.length); // and found nothing more to delete
    const states = lambda.sandbox
      .backups('us-west-2')
      .filter((b) => deletedFirst.includes(String(b.BackupId)));
    expect(states.every((b) => b.BackupState === 'PENDING_DELETION')).toBe(true);
  });

  it('audit: the findings of both deliveries carry the same findingId + runId pairs (the dispatch run id)', async () => {
    // Act
    const failures = await deliverTwice(unitMessage('audit', 'us-east-1'));
    // Assess
    expect(failures).toEqual([[], []]);
    const findings = lambda.sandbox
      .events()
      .filter((e) => e.detailType === 'CloudHSM Finding')
      .map((e) => e.detail as { findingId: string; runId: string });
    expect(findings.length).toBeGreaterThan(0);
    expect(findings.length % 2).toBe(0);
    const half = findings.length / 2;
    const pairs = (list: typeof findings) => list.map((f) => `${f.findingId} ${f.runId}`).sort();
    expect(pairs(findings.slice(half))).toEqual(pairs(findings.slice(0, half)));
    expect(new Set(findings.map((f) => f.runId))).toEqual(new Set([RUN_ID]));
  });
});
