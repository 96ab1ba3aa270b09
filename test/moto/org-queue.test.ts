/**
 * Organization mode end to end, through moto's SQS (an independent implementation of the
 * queue; skipped with a warning where moto is missing): the dispatch function sends an audit's
 * units to a moto queue, the test receives them and hands them to the worker function as the
 * event source mapping would (Lambda SQS events), and the worker runs each unit in its member
 * account of the sandbox's demo organization (STS AssumeRole into the members). One unit fails
 * for a passing cause and comes back as the only batchItemFailure; the account without the
 * member role is reported and not retried; the queue then holds exactly the failed unit.
 */
import {
  ChangeMessageVisibilityBatchCommand,
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDispatch } from '../../functions/shared/dispatch.js';
import { createWorker } from '../../functions/shared/worker.js';
import { parseUnitMessage } from '../../lib/org/message.js';
import { runUnit } from '../../lib/org/run-unit.js';
import { DEMO_ORGANIZATION, type Sandbox, startSandbox } from '../../sandbox/index.js';
import { type Captured, captureOutput, lambdaContext, scheduledEvent } from '../support/lambda.js';
import { sqsRecord } from '../support/sqs.js';
import { MOTO_ENV, type Moto, motoAvailable, startMoto } from './moto.js';

const available = motoAvailable();
const [PAYMENTS, EUROPE, LEGACY] = DEMO_ORGANIZATION.members.map((m) => m.id);

let moto: Moto;
let sandbox: Sandbox;
let sqs: SQSClient;
let queueUrl: string;

beforeAll(async () => {
  if (!available) return;
  [moto, sandbox] = await Promise.all([startMoto(), startSandbox({ fleet: 'demo-organization' })]);
  sqs = new SQSClient({
    region: 'us-east-1',
    endpoint: moto.url,
    credentials: { accessKeyId: MOTO_ENV.AWS_ACCESS_KEY_ID, secretAccessKey: MOTO_ENV.AWS_SECRET_ACCESS_KEY },
  });
  const created = await sqs.send(
    new CreateQueueCommand({
      QueueName: 'cloudhsm-ops-test-units',
      Attributes: { VisibilityTimeout: '5400' },
    }),
  );
  queueUrl = created.QueueUrl!;
}, 60_000);

afterAll(async () => {
  sqs?.destroy();
  await Promise.all([moto?.stop(), sandbox?.close()]);
});

/** Everything visible in the queue now, as the event source mapping's records. */
async function receiveAll(): Promise<Message[]> {
  const messages: Message[] = [];
  for (;;) {
    const page = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 0,
        AttributeNames: ['ApproximateReceiveCount'],
      }),
    );
    if (!page.Messages?.length) return messages;
    messages.push(...page.Messages);
  }
}

const recordOf = (m: Message): SQSRecord => ({
  ...sqsRecord(m.Body!, m.MessageId!, Number(m.Attributes?.ApproximateReceiveCount ?? 1)),
  receiptHandle: m.ReceiptHandle!,
});
const unitOf = (m: Message) => {
  const { unit } = parseUnitMessage(m.Body!);
  return `${unit.account.id} ${unit.region}`;
};

describe.runIf(available)('dispatch → moto SQS → worker, against the demo organization', () => {
  let out: Captured;

  it('runs every unit once; only the unit whose failure may pass comes back, and stays in the queue', async () => {
    out = captureOutput();
    try {
      // Prepare: every CloudHSM call of the europe account in eu-west-1 fails (a passing cause).
      sandbox.setFaults({
        rules: [{ account: EUROPE, region: 'eu-west-1', service: 'cloudhsm', internalFailureRate: 1 }],
      });
      const dispatch = createDispatch({
        env: {
          AWS_REGION: 'us-east-1',
          ENDPOINT_URL: moto.url,
          QUEUE_URL: queueUrl,
          EXTERNAL_ID: 'cloudhsm-ops-demo',
          ACCOUNTS: [PAYMENTS, EUROPE, LEGACY].join(','),
          REGIONS: 'us-east-1,eu-west-1',
        },
      });
      const worker = createWorker({
        runUnit,
        env: {
          AWS_REGION: 'us-east-1',
          ENDPOINT_URL: sandbox.url,
          MAX_ATTEMPTS: '1',
          REGIONS: 'us-east-1',
          DR_REGIONS: 'us-west-2',
          PUBLISH: 'true',
          EVENT_BUS_NAME: 'cloudhsm-ops',
        },
      });

      // Act: dispatch, then what the event source mapping does with what it receives.
      const dispatched = await dispatch.handler(
        { ...scheduledEvent(sandbox.clock.now()), detail: { job: 'audit' } },
        lambdaContext(),
      );
      const received = await receiveAll();
      const response = await worker.handler({ Records: received.map(recordOf) }, lambdaContext());
      const failed = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
      const done = received.filter((m) => !failed.has(m.MessageId!));
      await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: done.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
        }),
      );
      // The failed ones come back after the visibility timeout; here at once.
      await sqs.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: queueUrl,
          Entries: received
            .filter((m) => failed.has(m.MessageId!))
            .map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle!, VisibilityTimeout: 0 })),
        }),
      );
      const again = await receiveAll();

      // Assess: the dispatch sent 3 accounts × 2 regions through moto, and the test received them all.
      expect(dispatched).toMatchObject({ dispatchedJob: 'audit', units: 6, sent: 6, notSent: [] });
      expect(received.map(unitOf).sort()).toEqual(
        [PAYMENTS, EUROPE, LEGACY].flatMap((a) => [`${a} eu-west-1`, `${a} us-east-1`]).sort(),
      );
      // Assess: exactly the europe eu-west-1 unit failed for a passing cause.
      expect(received.filter((m) => failed.has(m.MessageId!)).map(unitOf)).toEqual([`${EUROPE} eu-west-1`]);
      expect(again.map(unitOf)).toEqual([`${EUROPE} eu-west-1`]);
      expect(again[0]!.Attributes?.ApproximateReceiveCount).toBe('2');
      // Assess: the account without the role is reported and not retried.
      const permanent = out
        .logs()
        .filter((l) => l.message === 'unit failed; not retried (a retry cannot fix this)');
      expect(permanent.map((l) => `${l.account} ${l.region}`).sort()).toEqual([
        `${LEGACY} eu-west-1`,
        `${LEGACY} us-east-1`,
      ]);
      expect(String(permanent[0]!.failures)).toMatch(/AssumeRole.*AccessDenied/);
      // Assess: the payments account's findings reached the hub's bus, under the dispatch run id.
      const findings = sandbox
        .events()
        .filter((e) => e.detailType === 'CloudHSM Finding')
        .map((e) => e.detail as { account: string; runId: string });
      expect(findings.some((f) => f.account === PAYMENTS)).toBe(true);
      expect(new Set(findings.map((f) => f.runId))).toEqual(new Set([dispatched.runId]));
    } finally {
      out.restore();
      sandbox.setFaults({ rules: [] });
    }
  }, 120_000);
});
