/**
 * The dispatch function (functions/shared/dispatch.ts): the schedule names the job; the units
 * are the accounts × the job's regions, planned for the schedule's instant, sent to QUEUE_URL;
 * units not sent fail the invocation, each named. SQS and Organizations are mocked here;
 * test/moto/org-queue.test.ts sends to moto's SQS.
 */
import {
  ListAccountsCommand,
  ListAccountsForParentCommand,
  ListChildrenCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { SendMessageBatchCommand, type SendMessageBatchRequestEntry, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDispatch } from '../../functions/shared/dispatch.js';
import { RunFailedError } from '../../functions/shared/runtime.js';
import { parseUnitMessage } from '../../lib/org/message.js';
import {
  type Captured,
  captureOutput,
  lambdaContext,
  metricTotal,
  scheduledEvent,
} from '../support/lambda.js';

const sqs = mockClient(SQSClient);
const organizations = mockClient(OrganizationsClient);
const QUEUE = 'https://sqs.us-east-1.amazonaws.com/111111111111/cloudhsm-ops-prod-units';
const ENV = {
  AWS_REGION: 'us-east-1',
  // A loopback endpoint: dummy credentials, and the event's time is believed (no machine clock).
  ENDPOINT_URL: 'http://127.0.0.1:9',
  QUEUE_URL: QUEUE,
  EXTERNAL_ID: 'ext-id-1',
  REGIONS: 'us-east-1,eu-west-1',
  PRUNE_REGIONS: 'us-west-2',
};
const AT = new Date('2026-11-29T04:00:00Z');
const eventFor = (job: string) => ({ ...scheduledEvent(AT), detail: { job } });

const acceptAll = () =>
  sqs.on(SendMessageBatchCommand).callsFake((input) => ({
    Successful: input.Entries.map((e: SendMessageBatchRequestEntry) => ({
      Id: e.Id,
      MessageId: `m-${e.Id}`,
    })),
    Failed: [],
  }));
const sentMessages = () =>
  sqs
    .commandCalls(SendMessageBatchCommand)
    .flatMap((c) => c.args[0].input.Entries ?? [])
    .map((e) => parseUnitMessage(e.MessageBody!));

let out: Captured;
beforeEach(() => {
  out = captureOutput();
});
afterEach(() => {
  out.restore();
  sqs.reset();
  organizations.reset();
});

describe('the dispatch function', () => {
  it('sends one unit per listed account × the job’s regions, planned for the scheduled time', async () => {
    // Prepare
    acceptAll();
    const dispatch = createDispatch({
      env: { ...ENV, ACCOUNTS: '222222222222,333333333333', EXTERNAL_ID: 'ext-id-1' },
    });
    // Act
    const result = await dispatch.handler(eventFor('audit'), lambdaContext());
    // Assess
    expect(result).toMatchObject({
      job: 'dispatch',
      dispatchedJob: 'audit',
      accounts: 2,
      units: 4,
      sent: 4,
      notSent: [],
    });
    const messages = sentMessages();
    expect(messages.map((m) => `${m.unit.job} ${m.unit.account.id} ${m.unit.region}`)).toEqual([
      'audit 222222222222 us-east-1',
      'audit 222222222222 eu-west-1',
      'audit 333333333333 us-east-1',
      'audit 333333333333 eu-west-1',
    ]);
    for (const m of messages) {
      expect(m).toMatchObject({
        runId: result.runId,
        plannedAt: '2026-11-29T04:00:00.000Z',
        access: { roleName: 'cloudhsm-ops-member', externalId: 'ext-id-1' },
      });
    }
    expect(sqs.commandCalls(SendMessageBatchCommand)[0]!.args[0].input.QueueUrl).toBe(QUEUE);
    expect(metricTotal(out, 'UnitsDispatched')).toBe(4);
    expect(metricTotal(out, 'UnitsNotSent')).toBe(0);
    expect(metricTotal(out, 'Failures')).toBe(0);
  });

  it('covers the organization’s ACTIVE accounts under the OU, in prune’s own regions', async () => {
    // Prepare
    acceptAll();
    organizations
      .on(ListAccountsForParentCommand, { ParentId: 'ou-ab12-cdef3456' })
      .resolves({
        Accounts: [
          { Id: '222222222222', Name: 'payments-prod', Status: 'ACTIVE' },
          { Id: '444444444444', Name: 'closed', Status: 'SUSPENDED' },
        ],
      })
      .on(ListAccountsForParentCommand, { ParentId: 'ou-ab12-child0001' })
      .resolves({ Accounts: [{ Id: '333333333333', Name: 'payments-dr', Status: 'ACTIVE' }] })
      .on(ListChildrenCommand, { ParentId: 'ou-ab12-cdef3456' })
      .resolves({ Children: [{ Id: 'ou-ab12-child0001', Type: 'ORGANIZATIONAL_UNIT' }] })
      .on(ListChildrenCommand, { ParentId: 'ou-ab12-child0001' })
      .resolves({ Children: [] });
    const dispatch = createDispatch({
      env: { ...ENV, ORGANIZATION: 'true', ORGANIZATION_OU: 'ou-ab12-cdef3456' },
    });
    // Act
    const result = await dispatch.handler(eventFor('prune'), lambdaContext());
    // Assess
    expect(result).toMatchObject({
      dispatchedJob: 'prune',
      accounts: 2,
      units: 2,
      sent: 2,
      regions: ['us-west-2'],
    });
    expect(sentMessages().map((m) => [m.unit.account, m.unit.region])).toEqual([
      [{ id: '222222222222', name: 'payments-prod' }, 'us-west-2'],
      [{ id: '333333333333', name: 'payments-dr' }, 'us-west-2'],
    ]);
    expect(organizations.commandCalls(ListAccountsCommand)).toHaveLength(0);
  });

  it('fails the invocation naming each unit that could not be sent; the others are sent', async () => {
    // Prepare: the queue refuses one account's message for good
    sqs.on(SendMessageBatchCommand).callsFake((input) => {
      const entries = input.Entries as SendMessageBatchRequestEntry[];
      const refused = entries.filter(
        (e) => parseUnitMessage(e.MessageBody!).unit.account.id === '333333333333',
      );
      return {
        Successful: entries.filter((e) => !refused.includes(e)).map((e) => ({ Id: e.Id, MessageId: 'm' })),
        Failed: refused.map((e) => ({
          Id: e.Id,
          Code: 'InvalidParameterValue',
          Message: 'refused',
          SenderFault: true,
        })),
      };
    });
    const dispatch = createDispatch({
      env: { ...ENV, ACCOUNTS: '222222222222,333333333333', REGIONS: 'us-east-1' },
    });
    // Act
    const run = dispatch.handler(eventFor('copy'), lambdaContext());
    // Assess
    await expect(run).rejects.toThrow(RunFailedError);
    await expect(run).rejects.toThrow(
      /unit 333333333333 us-east-1 not sent: InvalidParameterValue: refused \(not retried: the request was at fault\)/,
    );
    expect(sentMessages().map((m) => m.unit.account.id)).toEqual(['222222222222', '333333333333']);
    expect(metricTotal(out, 'UnitsDispatched')).toBe(1);
    expect(metricTotal(out, 'UnitsNotSent')).toBe(1);
    expect(out.logs().find((l) => l.message === 'unit not sent')).toMatchObject({
      level: 'ERROR',
      account: '333333333333',
      region: 'us-east-1',
    });
  });

  it('fails naming the OU when the organization does not know it; nothing is sent', async () => {
    acceptAll();
    organizations
      .on(ListAccountsForParentCommand)
      .rejects(Object.assign(new Error('parent not found'), { name: 'ParentNotFoundException' }));
    const dispatch = createDispatch({
      env: { ...ENV, ORGANIZATION: 'true', ORGANIZATION_OU: 'ou-ab12-zzzz9999' },
    });
    // Act
    const run = dispatch.handler(eventFor('audit'), lambdaContext());
    // Assess
    await expect(run).rejects.toThrow(
      /accounts: ORGANIZATION_OU ou-ab12-zzzz9999 is not an OU of this organization/,
    );
    expect(sqs.commandCalls(SendMessageBatchCommand)).toHaveLength(0);
  });

  it('refuses an event that names no job it dispatches, sending nothing', async () => {
    acceptAll();
    const dispatch = createDispatch({ env: { ...ENV, ACCOUNTS: '222222222222' } });
    for (const event of [scheduledEvent(AT), eventFor('restore')]) {
      await expect(dispatch.handler(event, lambdaContext())).rejects.toThrow(
        /names no job it dispatches.*expected one of audit, copy, prune/,
      );
    }
    expect(sqs.commandCalls(SendMessageBatchCommand)).toHaveLength(0);
    // Counted and logged like any failed run, so the Failures alarm sees a schedule that names nothing.
    expect(metricTotal(out, 'Failures')).toBe(2);
    expect(out.logs().filter((l) => l.message === 'dispatch run stopped by an error')).toHaveLength(2);
  });

  it('fails its cold start on a bad setting, naming the variable', () => {
    expect(() => createDispatch({ env: { ...ENV, QUEUE_URL: undefined as unknown as string } })).toThrow(
      /QUEUE_URL/,
    );
    expect(() => createDispatch({ env: { ...ENV, EXTERNAL_ID: undefined as unknown as string } })).toThrow(
      /EXTERNAL_ID is required \(the external id the member roles trust/,
    );
    expect(() => createDispatch({ env: { ...ENV, ACCOUNTS: '12' } })).toThrow(
      /ACCOUNTS "12" is not an account id/,
    );
    expect(() => createDispatch({ env: { ...ENV, ORGANISATION: 'true' } })).toThrow(
      /did you mean ORGANIZATION/,
    );
  });
});
