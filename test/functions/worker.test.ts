/**
 * The worker function (functions/shared/worker.ts) with a stand-in runUnit: each SQS record is
 * one unit; only the units that should run again come back as batchItemFailures
 * (ReportBatchItemFailures), permanent failures are reported and not retried, and a message it
 * cannot read is refused (kept for the dead-letter queue).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConfigurationError } from '../../functions/shared/config.js';
import { createWorker, type WorkerUnitDeps } from '../../functions/shared/worker.js';
import { encodeUnitMessage } from '../../lib/org/message.js';
import type { UnitMessage, UnitResult } from '../../lib/org/types.js';
import { type Captured, captureOutput, lambdaContext, metricTotal } from '../support/lambda.js';
import { sqsEvent } from '../support/sqs.js';

const ENV = {
  AWS_REGION: 'us-east-1',
  REGIONS: 'us-east-1',
  DR_REGIONS: 'us-west-2',
  PUBLISH: 'true',
  EVENT_BUS_NAME: 'cloudhsm-ops',
  COPY_RETENTION_DAYS: 'source',
};

const message = (account: string, job: UnitMessage['unit']['job'] = 'audit'): UnitMessage => ({
  version: 1,
  runId: '6f1c2a7e-3b9d-4c51-8e0a-2d4f6b8c9e10',
  plannedAt: '2026-11-29T04:00:00.000Z',
  unit: { job, account: { id: account }, region: 'us-east-1' },
  access: { roleName: 'cloudhsm-ops-member' },
});

/** A runUnit whose outcome per account is set by the test; it records what it was given. */
function standIn(outcomes: Record<string, Omit<UnitResult, 'unit'>>) {
  const calls: { deps: WorkerUnitDeps; message: UnitMessage }[] = [];
  const runUnit = async (deps: WorkerUnitDeps, m: UnitMessage): Promise<UnitResult> => {
    calls.push({ deps, message: m });
    return { unit: m.unit, ...(outcomes[m.unit.account.id] ?? { exitCode: 0, failures: [] }) };
  };
  return { runUnit, calls };
}

let out: Captured;
beforeEach(() => {
  out = captureOutput();
});
afterEach(() => out.restore());

describe('the worker', () => {
  it('reports only the units to run again as batchItemFailures; a permanent failure is reported, not retried', async () => {
    // Prepare
    const { runUnit, calls } = standIn({
      '222222222222': { exitCode: 0, failures: [] },
      '333333333333': {
        exitCode: 1,
        failures: ['CloudHSM DescribeBackups in us-east-1: ThrottlingException: Rate exceeded'],
      },
      '444444444444': {
        exitCode: 1,
        failures: [
          'account 444444444444: sts:AssumeRole on arn:aws:iam::444444444444:role/cloudhsm-ops-member failed: AccessDenied: not authorized',
        ],
      },
    });
    // Lambda's on-demand start (Powertools counts ColdStart only then).
    vi.stubEnv('AWS_LAMBDA_INITIALIZATION_TYPE', 'on-demand');
    const worker = createWorker({ runUnit, env: ENV });
    vi.unstubAllEnvs();
    const event = sqsEvent(
      ['222222222222', '333333333333', '444444444444'].map((a) => encodeUnitMessage(message(a))),
    );
    // Act
    const response = await worker.handler(event, lambdaContext());
    // Assess
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-1' }] });
    expect(calls.map((c) => c.message)).toEqual(
      ['222222222222', '333333333333', '444444444444'].map((a) => message(a)),
    );
    expect(metricTotal(out, 'UnitsSucceeded')).toBe(1);
    expect(metricTotal(out, 'UnitsRetried')).toBe(1);
    expect(metricTotal(out, 'UnitsFailed')).toBe(1);
    expect(metricTotal(out, 'ColdStart')).toBe(1);
    await worker.handler(sqsEvent([encodeUnitMessage(message('222222222222'))]), lambdaContext());
    expect(metricTotal(out, 'ColdStart')).toBe(1); // the warm invocation adds none
    const permanent = out
      .logs()
      .find((l) => l.message === 'unit failed; not retried (a retry cannot fix this)');
    expect(permanent).toMatchObject({
      level: 'ERROR',
      account: '444444444444',
      region: 'us-east-1',
      unitJob: 'audit',
    });
    expect(permanent?.failures).toEqual([expect.stringContaining('AccessDenied')]);
    expect(out.logs().find((l) => l.message === 'unit failed; SQS delivers it again')).toMatchObject({
      level: 'WARN',
      account: '333333333333',
      runId: '6f1c2a7e-3b9d-4c51-8e0a-2d4f6b8c9e10',
    });
  });

  it('every record failing is still a partial response (each is retried on its own), not a thrown batch', async () => {
    const { runUnit } = standIn({
      '222222222222': { exitCode: 1, failures: ['copy deferred: claimed by another run'] },
      '333333333333': { exitCode: 1, failures: ['TimeoutError: no answer within 30 s'] },
    });
    const worker = createWorker({ runUnit, env: ENV });
    // Act
    const response = await worker.handler(
      sqsEvent([
        encodeUnitMessage(message('222222222222', 'copy')),
        encodeUnitMessage(message('333333333333', 'copy')),
      ]),
      lambdaContext(),
    );
    // Assess
    expect(response.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(['m-0', 'm-1']);
  });

  it('a runUnit that throws (it should not) fails its record, logged, and the others go on', async () => {
    const { runUnit: ok } = standIn({});
    const worker = createWorker({
      runUnit: async (deps, m) => {
        if (m.unit.account.id === '333333333333') throw new TypeError('cannot read properties of undefined');
        return ok(deps, m);
      },
      env: ENV,
    });
    // Act
    const response = await worker.handler(
      sqsEvent([encodeUnitMessage(message('222222222222')), encodeUnitMessage(message('333333333333'))]),
      lambdaContext(),
    );
    // Assess
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'm-1' }]);
    expect(out.logs().find((l) => l.message === 'unit stopped by an error')).toMatchObject({
      level: 'ERROR',
      account: '333333333333',
      error: expect.stringContaining('cannot read properties of undefined'),
    });
    expect(metricTotal(out, 'UnitsRetried')).toBe(1);
  });

  it('refuses a message it cannot read without running anything; it stays for the dead-letter queue', async () => {
    const { runUnit, calls } = standIn({});
    const worker = createWorker({ runUnit, env: ENV });
    const future = JSON.stringify({ ...message('222222222222'), version: 2 });
    // Act
    const response = await worker.handler(
      sqsEvent([future, 'not json', encodeUnitMessage(message('333333333333'))]),
      lambdaContext(),
    );
    // Assess
    expect(response.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(['m-0', 'm-1']);
    expect(calls.map((c) => c.message.unit.account.id)).toEqual(['333333333333']);
    expect(metricTotal(out, 'UnitMessagesRefused')).toBe(2);
    const refused = out.logs().filter((l) => l.message === 'unit message refused');
    expect(refused.map((l) => l.messageId)).toEqual(['m-0', 'm-1']);
    expect(String(refused[0]!.error)).toMatch(/version 2 .*reads version 1/);
  });

  it('gives runUnit every job’s settings from its one environment, the hub clients and the deadline', async () => {
    const { runUnit, calls } = standIn({});
    const worker = createWorker({ runUnit, env: { ...ENV, DEADLINE_MARGIN_SECONDS: '60' } });
    let remaining = 120_000;
    // Act
    await worker.handler(
      sqsEvent([encodeUnitMessage(message('222222222222', 'prune'))]),
      lambdaContext(() => remaining),
    );
    // Assess
    const { deps } = calls[0]!;
    expect(deps.settings.audit).toMatchObject({
      regions: ['us-east-1'],
      drRegions: ['us-west-2'],
      publish: true,
    });
    expect(deps.settings.copy).toMatchObject({ drRegions: ['us-west-2'] });
    expect(deps.settings.prune).toMatchObject({ regions: ['us-east-1'] });
    expect(deps.hub).toBe(worker.runtime.clients);
    expect(deps.members).toBe(worker.credentials.of(calls[0]!.message.runId, deps.clock));
    expect(deps.shouldStop?.()).toBe(false);
    remaining = 59_000;
    expect(deps.shouldStop?.()).toBe(true);
  });

  it('keeps one member credentials cache per dispatch run, the newest 8, across warm invocations', async () => {
    const { runUnit, calls } = standIn({});
    const worker = createWorker({ runUnit, env: ENV });
    const runIds = Array.from({ length: 10 }, (_, i) => `6f1c2a7e-3b9d-4c51-8e0a-2d4f6b8c9e1${i}`);
    // Act: ten runs' units, the first run's twice
    for (const runId of [runIds[0]!, ...runIds, runIds[9]!]) {
      await worker.handler(
        sqsEvent([encodeUnitMessage({ ...message('222222222222'), runId })]),
        lambdaContext(),
      );
    }
    // Assess
    expect(calls[0]!.deps.members).toBe(calls[1]!.deps.members);
    expect(calls.at(-1)!.deps.members).toBe(calls.at(-2)!.deps.members);
    expect(calls[0]!.deps.members).not.toBe(calls.at(-1)!.deps.members);
    expect(worker.credentials.kept()).toEqual(runIds.slice(2));
  });

  it.each([
    [{ DR_REGIONS: 'us-west-9' }, /DR_REGIONS/],
    [{ KEEP_LAST: 'lots' }, /KEEP_LAST/],
    [{ FAIL_ON: 'HIGH' }, /FAIL_ON is not read by this function/],
    [{ REPORT_BUCKET: 'reports' }, /REPORT_BUCKET is not read by this function: the fleet report/],
    [{ DELETE_ALL: 'true' }, /DELETE_ALL is not read by this function/],
  ])('fails its cold start on %o, naming the variable', (patch, expected) => {
    const { runUnit } = standIn({});
    expect(() => createWorker({ runUnit, env: { ...ENV, ...patch } })).toThrow(ConfigurationError);
    expect(() => createWorker({ runUnit, env: { ...ENV, ...patch } })).toThrow(expected);
  });
  it('against a local endpoint, each record of a batch keeps its own planned instant, though records run side by side', async () => {
    // Prepare: two runs planned a day apart in one batch; each unit reads its clock after the other has started.
    const seen: Record<string, string> = {};
    const runUnit = async (deps: WorkerUnitDeps, m: UnitMessage): Promise<UnitResult> => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      seen[m.unit.account.id] = deps.clock().toISOString().slice(0, 10);
      return { unit: m.unit, exitCode: 0, failures: [] };
    };
    const worker = createWorker({ runUnit, env: { ...ENV, ENDPOINT_URL: 'http://127.0.0.1:4566' } });
    const first = message('222222222222');
    const second = {
      ...message('333333333333'),
      runId: 'a1b2c3d4-0000-4000-8000-000000000002',
      plannedAt: '2026-11-30T04:00:00.000Z',
    };
    // Act
    await worker.handler(sqsEvent([first, second].map(encodeUnitMessage)), lambdaContext());
    // Assess
    expect(seen).toEqual({ '222222222222': '2026-11-29', '333333333333': '2026-11-30' });
  });
});
