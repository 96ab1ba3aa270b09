/**
 * Cold-start configuration: a bad environment fails the module load (Lambda's init phase)
 * with a message naming the variable, before any AWS call; and the planning instant.
 */
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { ConfigurationError, explainConfigError } from '../../functions/shared/config.js';
import { planningTime } from '../../functions/shared/event.js';
import { createRuntime } from '../../functions/shared/runtime.js';
import { AUDIT_ENV, auditConfigFromEnv } from '../../lib/config/audit.js';
import type { UsageError } from '../../lib/errors.js';
import { loadHandler, useHandlerSandbox } from '../support/lambda.js';

const lambda = useHandlerSandbox({ scope: 'file' });

const base = () =>
  lambda.env({
    REGIONS: 'us-east-1',
    DR_REGIONS: 'us-west-2',
    COPY_RETENTION_DAYS: '90',
  });

describe('a bad environment fails at module load, naming the variable', () => {
  const cases = [
    { job: 'audit', variable: 'FRESHNESS_GRACE_HOURS', value: 'six' },
    { job: 'audit', variable: 'DR_REGIONS', value: 'us-west-2,mars-1' },
    { job: 'copy', variable: 'DR_REGIONS', value: 'us-east-7' },
    { job: 'copy', variable: 'COPY_SINCE', value: 'yesterday' },
    { job: 'prune', variable: 'PRUNE_EXECUTE', value: 'yes' },
    { job: 'prune', variable: 'MAX_DELETIONS', value: '-1' },
    { job: 'prune', variable: 'ENDPOINT_URL', value: 'ftp://127.0.0.1:1' },
    { job: 'copy', variable: 'DEADLINE_MARGIN_SECONDS', value: '0' },
    { job: 'audit', variable: 'MAX_ATTEMPTS', value: 'many' },
  ] as const;

  for (const { job, variable, value } of cases) {
    it(`${job}: ${variable}=${value}`, async () => {
      // Prepare
      lambda.sandbox.clearRequests();
      // Act
      const loading = loadHandler(job, { ...base(), [variable]: value });
      // Assess
      // A fresh module graph per load: compare by name, not by class identity.
      await expect(loading).rejects.toMatchObject({ name: ConfigurationError.name });
      await expect(loading).rejects.toThrow(new RegExp(`cloudhsm-ops-${job}: .*${variable}`));
      expect(lambda.sandbox.requests()).toEqual([]);
      const logged = lambda.out.logs().at(-1);
      expect(logged).toMatchObject({
        level: 'ERROR',
        message: 'invalid configuration: the function cannot start',
      });
      expect(String(logged?.error)).toContain(variable);
    });
  }

  it('copy without DR_REGIONS names the missing variable', async () => {
    // Prepare
    const { DR_REGIONS: _, ...env } = base();
    // Act
    const loading = loadHandler('copy', env);
    // Assess
    await expect(loading).rejects.toThrow(/no DR_REGIONS given$/);
  });

  it('a good environment loads', async () => {
    // Act
    // One at a time: loadHandler stubs process.env around each import, and loads side by side
    // would unstub the environment under each other.
    const loaded = [];
    for (const job of ['audit', 'copy', 'prune'] as const) loaded.push(await loadHandler(job, base()));
    // Assess
    expect(loaded.map((m) => typeof m.handler)).toEqual(['function', 'function', 'function']);
    expect(lambda.sandbox.requests()).toEqual([]);
  });
});

describe('explainConfigError', () => {
  it('names every culprit when two variables are wrong', () => {
    // Prepare
    const env = { REGIONS: 'us-east-1', FRESHNESS_GRACE_HOURS: 'x', DR_RPO_HOURS: '0' };
    let error: UsageError | undefined;
    try {
      auditConfigFromEnv(env);
    } catch (caught) {
      error = caught as UsageError;
    }
    // Act
    const message = explainConfigError(auditConfigFromEnv, env, error!, {
      functionName: 'cloudhsm-ops-audit',
      variables: ['REGIONS', 'FRESHNESS_GRACE_HOURS', 'DR_RPO_HOURS'],
    });
    // Assess
    expect(message).toBe(
      "cloudhsm-ops-audit: invalid configuration in the function's environment: " +
        'FRESHNESS_GRACE_HOURS "x" is not valid (expected a number from 0 to 168); ' +
        'DR_RPO_HOURS must be between 1 and 8760, got 0',
    );
  });
});

describe('planningTime', () => {
  const clock = () => DateTime.fromISO('2026-11-29T05:30:00Z', { zone: 'utc' });

  it('plans for the scheduled time, so a retry re-plans the same instant', () => {
    // Act
    const planned = planningTime({ time: '2026-11-29T05:30:00Z' }, () => clock().plus({ hours: 2 }), false);
    // Assess
    expect(planned).toEqual({
      now: DateTime.fromISO('2026-11-29T05:30:00Z', { zone: 'utc' }),
      source: 'event',
    });
  });

  it('does not believe a time ahead of the clock, unless the endpoint is a local sandbox', () => {
    // Prepare
    const future = { time: '2027-01-01T00:00:00Z' };
    // Act
    const inAws = planningTime(future, clock, false);
    const inSandbox = planningTime(future, clock, true);
    // Assess
    expect(inAws.source).toBe('clock');
    expect(inAws.now.toISO()).toBe(clock().toISO());
    expect(inSandbox.source).toBe('event');
  });

  it('uses the clock for an event without a usable time', () => {
    // Act
    const sources = [{}, { time: 'soon' }, null].map((event) => planningTime(event, clock, false).source);
    // Assess
    expect(sources).toEqual(['clock', 'clock', 'clock']);
  });
});

describe('planningTime: an old event time is not believed (issue 18 §2)', () => {
  const clock = () => DateTime.fromISO('2026-11-29T05:30:00Z', { zone: 'utc' });

  it('the console sample time (1970) is replaced by the clock, saying why', () => {
    // Act
    const planned = planningTime({ time: '1970-01-01T00:00:00Z' }, clock, false);
    // Assess
    expect(planned.source).toBe('clock');
    expect(planned.now.toISO()).toBe(clock().toISO());
    expect(planned.ignored).toMatch(/event time 1970-01-01T00:00:00Z is more than 24 h before the clock/);
  });

  it.each([
    ['2026-11-28T05:31:00Z', 'event'],
    ['2026-11-28T05:30:00Z', 'event'],
    ['2026-11-28T05:29:59Z', 'clock'],
  ] as const)('within the scheduler retry window (24 h) it is believed: %s → %s', (time, source) => {
    expect(planningTime({ time }, clock, false).source).toBe(source);
  });

  it('a time ahead of the clock is also replaced with the reason', () => {
    expect(planningTime({ time: '2027-01-01T00:00:00Z' }, clock, false).ignored).toMatch(
      /event time 2027-01-01T00:00:00Z is ahead of the clock/,
    );
  });

  it('a local sandbox keeps its own clock, wherever it is', () => {
    expect(planningTime({ time: '1970-01-01T00:00:00Z' }, clock, true).source).toBe('event');
  });

  it('the handler runtime plans with the clock and logs a warning naming the ignored time', async () => {
    // Prepare: AWS's own endpoints (no ENDPOINT_URL), the function's clock injected
    const runtime = createRuntime({
      job: 'audit',
      parse: auditConfigFromEnv,
      variables: Object.values(AUDIT_ENV),
      deadlineMarginSeconds: 30,
      env: { AWS_REGION: 'us-east-1', REGIONS: 'us-east-1' },
      clock,
    });
    const before = lambda.out.logs().length;
    let plannedFor: string | undefined;
    // Act: the body makes no AWS call, it only records the instant it was given
    await runtime.invoke(
      { time: '1970-01-01T00:00:00Z' },
      { getRemainingTimeInMillis: () => 900_000 },
      {},
      async (run) => {
        plannedFor = run.now.toISO() ?? undefined;
        return { summary: {}, failures: [] };
      },
    );
    // Assess
    expect(plannedFor).toBe(clock().toISO());
    const warning = lambda.out
      .logs()
      .slice(before)
      .find((line) => line.level === 'WARN');
    expect(warning?.message).toMatch(/event time 1970-01-01T00:00:00Z is more than 24 h before the clock/);
  });
});

describe('the project variable list the lookalike check exempts', () => {
  it('lets every function start with the environment serverless.yml gives it by default', async () => {
    // Prepare: provider-level variables reach every function (serverless.yml `provider.environment`)
    const provider = {
      REGIONS: 'us-east-1',
      DR_REGIONS: 'us-west-2',
      EVENT_BUS_NAME: 'cloudhsm-ops',
      EVENT_SOURCE: 'cloudhsm-ops',
    };
    const platform = {
      AWS_REGION: 'us-east-1',
      POWERTOOLS_METRICS_NAMESPACE: 'CloudHSMOps',
      POWERTOOLS_LOG_LEVEL: 'INFO',
    };
    const functions = {
      copy: { COPY_SINCE: '48h' },
      prune: {
        REGIONS: 'us-east-1,us-west-2',
        KEEP_LAST: '1',
        MAX_DELETIONS: '50',
        COPY_RETENTION_DAYS: '90',
        OLDER_THAN: '',
        TIMEZONE: 'UTC',
        PRUNE_EXECUTE: 'false',
      },
      audit: {
        PUBLISH: 'true',
        FRESHNESS_GRACE_HOURS: '6',
        DR_RPO_HOURS: '30',
        COPY_RETENTION_DAYS: 'source',
      },
    } as const;
    for (const [job, own] of Object.entries(functions)) {
      // Act
      const loading = loadHandler(
        job as keyof typeof functions,
        lambda.env({ ...platform, ...provider, ...own }),
      );
      // Assess
      await expect(loading).resolves.toHaveProperty('handler');
    }
  });
});
