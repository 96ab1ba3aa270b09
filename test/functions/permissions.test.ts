/**
 * The IAM actions granted to each function (functions/shared/permissions.ts, which
 * test/packaging checks against the template) are exactly the actions its code calls: each
 * handler runs against the sandbox with every feature on, and the sandbox's request log
 * says which API calls it made, in which regions.
 */
import { describe, expect, it } from 'vitest';
import {
  actionOf,
  grantedActions,
  JOB_GRANTS,
  MEMBER_GRANTS,
  memberGrants,
  REPORT_GRANTS,
} from '../../functions/shared/permissions.js';
import type { Job } from '../../functions/shared/runtime.js';
import { lambdaContext, loadHandler, scheduledEvent, useHandlerSandbox } from '../support/lambda.js';

const lambda = useHandlerSandbox();

/** Each job configured to do everything it can: publish, execute, several regions. */
const ENV: Record<Job, Record<string, string>> = {
  audit: {
    REGIONS: 'us-east-1,eu-west-1',
    DR_REGIONS: 'us-west-2',
    PUBLISH: 'true',
    REPORT_BUCKET: 'ops-fleet-reports',
  },
  copy: { REGIONS: 'us-east-1', DR_REGIONS: 'us-west-2', COPY_SINCE: '48h' },
  prune: {
    REGIONS: 'us-east-1,us-west-2',
    COPY_RETENTION_DAYS: 'source',
    PRUNE_EXECUTE: 'true',
    MAX_DELETIONS: '1000',
  },
};

async function callsOf(job: Job) {
  const module = await loadHandler(job, lambda.env({ EVENT_BUS_NAME: 'cloudhsm-ops', ...ENV[job] }));
  await module.handler(scheduledEvent(lambda.sandbox.clock.now()), lambdaContext());
  return lambda.sandbox.requests();
}

describe('granted IAM actions equal the actions each handler calls', () => {
  for (const job of ['audit', 'copy', 'prune'] as const) {
    it(job, async () => {
      // Act
      const requests = await callsOf(job);
      // Assess
      expect(requests.filter((r) => r.status >= 400)).toEqual([]);
      const used = [...new Set(requests.flatMap((r) => actionOf(r.service, r.operation) ?? []))].sort();
      const racesOnly = JOB_GRANTS[job].filter((g) => g.onlyWhen).map((g) => g.action);
      // The audit's fleet report is granted by a policy of its own (REPORT_GRANTS), on with REPORT_BUCKET.
      const optional = job === 'audit' ? REPORT_GRANTS.map((g) => g.action) : [];
      expect(used).toEqual(
        [...grantedActions(job).filter((action) => !racesOnly.includes(action)), ...optional].sort(),
      );
      // The roles limit CloudHSM calls to the configured regions.
      const configured = new Set([
        ...(ENV[job].REGIONS ?? '').split(','),
        ...(ENV[job].DR_REGIONS ?? '').split(','),
      ]);
      const regions = new Set(requests.filter((r) => r.service === 'cloudhsm').map((r) => r.region));
      expect([...regions].every((region) => configured.has(region))).toBe(true);
      // The feed goes to the bus in the function's own region only.
      expect(new Set(requests.filter((r) => r.service === 'events').map((r) => r.region))).toEqual(
        new Set(['us-east-1']),
      );
    });
  }

  it('only copy’s duplicate clean-up and late claim reads, and prune’s record removal, are granted without being exercised here, and say why', () => {
    // Act
    const unexercised = Object.entries(JOB_GRANTS).flatMap(([job, grants]) =>
      grants.filter((g) => g.onlyWhen).map((g) => `${job} ${g.action}`),
    );
    // Assess
    // ListTags: a claim is staked from the fresh listing here; test/copy exercises the re-reads.
    expect(unexercised).toEqual([
      'copy cloudhsm:ListTags',
      'copy cloudhsm:DeleteBackup',
      'prune cloudhsm:UntagResource',
    ]);
  });
});

describe('the member role grants', () => {
  it('merge each action the jobs share into one grant, and refuse an action two jobs scope differently', () => {
    // Prepare: copy and prune both need cloudhsm:DescribeBackups; here prune scopes it otherwise.
    const clash = {
      ...JOB_GRANTS,
      prune: [
        { action: 'cloudhsm:DescribeBackups', scope: 'account-backups' as const, why: 'the candidates' },
      ],
    };
    // Act / Assess
    expect(memberGrants(JOB_GRANTS)).toEqual(MEMBER_GRANTS);
    expect(MEMBER_GRANTS.filter((grant) => grant.action === 'cloudhsm:DescribeBackups')).toHaveLength(1);
    expect(() => memberGrants(clash)).toThrow(
      /cloudhsm:DescribeBackups has two scopes \(any, account-backups\)/,
    );
  });
});
