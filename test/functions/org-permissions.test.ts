/**
 * Organization mode's grants (functions/shared/permissions.ts) equal the calls its functions
 * make, read from the sandbox's request log of the demo organization (which says whose
 * credentials made each call): dispatch lists the organization (SQS is mocked: the sandbox has
 * no queue); the worker's units call AssumeRole and PutEvents as the hub and exactly the member
 * grants as the member.
 */
import { SendMessageBatchCommand, type SendMessageBatchRequestEntry, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDispatch } from '../../functions/shared/dispatch.js';
import {
  actionOf,
  actionsOfGrants,
  DISPATCH_GRANTS,
  JOB_GRANTS,
  MEMBER_GRANTS,
  WORKER_GRANTS,
} from '../../functions/shared/permissions.js';
import { createWorker } from '../../functions/shared/worker.js';
import { encodeUnitMessage } from '../../lib/org/message.js';
import { runUnit } from '../../lib/org/run-unit.js';
import type { OrgJob, UnitMessage } from '../../lib/org/types.js';
import { DEMO_ORGANIZATION, type Sandbox, startSandbox } from '../../sandbox/index.js';
import { type Captured, captureOutput, lambdaContext, scheduledEvent } from '../support/lambda.js';
import { sqsEvent } from '../support/sqs.js';

const HUB = DEMO_ORGANIZATION.management;
const PAYMENTS = DEMO_ORGANIZATION.members[0].id;
const sqs = mockClient(SQSClient);
let sandbox: Sandbox;
let out: Captured;

beforeAll(async () => {
  sandbox = await startSandbox({ fleet: 'demo-organization' });
});
afterAll(() => sandbox.close());
beforeEach(() => {
  out = captureOutput();
  sandbox.clearRequests();
});
afterEach(() => {
  out.restore();
  sqs.reset();
});

/** The IAM actions of the logged requests made with `account`'s credentials. */
const actionsBy = (account: string) =>
  [
    ...new Set(
      sandbox
        .requests()
        .filter((r) => r.account === account)
        .flatMap((r) => actionOf(r.service, r.operation) ?? []),
    ),
  ].sort();

describe('organization mode: granted actions equal the actions called', () => {
  it('dispatch: Organizations List calls (the whole organization, then an OU subtree) and SQS SendMessage', async () => {
    // Prepare
    sqs.on(SendMessageBatchCommand).callsFake((input) => ({
      Successful: input.Entries.map((e: SendMessageBatchRequestEntry) => ({ Id: e.Id, MessageId: 'm' })),
    }));
    const env = {
      AWS_REGION: 'us-east-1',
      ENDPOINT_URL: sandbox.url,
      QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/111111111111/cloudhsm-ops-prod-units',
      EXTERNAL_ID: 'ext-id-1',
      ORGANIZATION: 'true',
    };
    const event = { ...scheduledEvent(sandbox.clock.now()), detail: { job: 'audit' } };
    // Act
    await createDispatch({ env }).handler(event, lambdaContext());
    await createDispatch({ env: { ...env, ORGANIZATION_OU: 'ou-ab12-payments' } }).handler(
      event,
      lambdaContext(),
    );
    // Assess
    expect(sandbox.requests().filter((r) => r.status >= 400)).toEqual([]);
    const sqsActions = sqs
      .calls()
      .map((c) => actionOf('sqs', c.args[0].constructor.name.replace(/Command$/, '')));
    expect([...new Set([...actionsBy(HUB), ...sqsActions])].sort()).toEqual(actionsOfGrants(DISPATCH_GRANTS));
  });

  it('worker: AssumeRole and PutEvents as the hub; as the member, exactly the member grants its jobs exercise', async () => {
    // Prepare
    const worker = createWorker({
      runUnit,
      env: {
        AWS_REGION: 'us-east-1',
        ENDPOINT_URL: sandbox.url,
        REGIONS: 'us-east-1',
        DR_REGIONS: 'us-west-2',
        PUBLISH: 'true',
        EVENT_BUS_NAME: 'cloudhsm-ops',
        PRUNE_EXECUTE: 'true',
        MAX_DELETIONS: '1000',
        COPY_RETENTION_DAYS: 'source',
      },
    });
    const message = (job: OrgJob, region: string): UnitMessage => ({
      version: 1,
      runId: '6f1c2a7e-3b9d-4c51-8e0a-2d4f6b8c9e10',
      plannedAt: sandbox.clock.now().toISOString(),
      unit: { job, account: { id: PAYMENTS }, region },
      access: { roleName: DEMO_ORGANIZATION.roleName },
    });
    const units = [
      message('audit', 'us-east-1'),
      message('copy', 'us-east-1'),
      message('prune', 'us-west-2'),
    ];
    // Act: one unit at a time (copy's copies, then prune's plan, see each other's results)
    for (const unit of units) {
      const response = await worker.handler(sqsEvent([encodeUnitMessage(unit)]), lambdaContext());
      expect(response.batchItemFailures).toEqual([]);
    }
    // Assess
    expect(sandbox.requests().filter((r) => r.status >= 400)).toEqual([]);
    expect(actionsBy(HUB)).toEqual(['events:PutEvents', 'sts:AssumeRole']);
    expect(actionsOfGrants(WORKER_GRANTS)).toEqual(expect.arrayContaining(actionsBy(HUB)));
    // Granted for races only (copy's re-read of a claim), as in the single-account functions.
    const racesOnly = new Set(
      actionsOfGrants(MEMBER_GRANTS).filter((action) =>
        Object.values(JOB_GRANTS).every((grants) => grants.every((g) => g.action !== action || g.onlyWhen)),
      ),
    );
    expect([...racesOnly]).toEqual(['cloudhsm:ListTags']);
    expect(actionsBy(PAYMENTS)).toEqual(actionsOfGrants(MEMBER_GRANTS).filter((a) => !racesOnly.has(a)));
  });
});
