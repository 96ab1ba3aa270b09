/**
 * The audit with SECURITY_HUB=true calls exactly the Security Hub actions SECURITY_HUB_GRANTS
 * lists (infra/security-hub.yml grants them in a policy of its own; test/packaging checks it).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { actionOf, SECURITY_HUB_GRANTS } from '../../functions/shared/permissions.js';
import {
  type Captured,
  captureOutput,
  lambdaContext,
  loadHandler,
  scheduledEvent,
} from '../support/lambda.js';
import { startTestSandbox, type TestSandbox } from '../support/sandbox.js';

let s: TestSandbox;
let out: Captured;
beforeEach(async () => {
  s = await startTestSandbox({ fleet: 'demo' });
  out = captureOutput();
});
afterEach(async () => {
  out.restore();
  await s.close();
});

describe('the audit function with SECURITY_HUB=true', () => {
  it('imports every finding and calls exactly the granted Security Hub actions, in the audited regions', async () => {
    // Prepare
    const module = await loadHandler('audit', {
      AWS_REGION: 'us-east-1',
      ENDPOINT_URL: s.sandbox.url,
      REGIONS: 'us-east-1,eu-west-1',
      SECURITY_HUB: 'true',
    });
    // Act
    const summary = (await module.handler(scheduledEvent(s.sandbox.clock.now()), lambdaContext())) as {
      securityHub?: { imported: number; failed: number };
      findings: { total: number };
    };
    // Assess
    const requests = s.sandbox.requests().filter((r) => r.service === 'securityhub');
    expect(requests.filter((r) => r.status >= 400)).toEqual([]);
    const used = [...new Set(requests.map((r) => actionOf('securityhub', r.operation)))].sort();
    expect(used).toEqual(SECURITY_HUB_GRANTS.map((g) => g.action).sort());
    expect(new Set(requests.map((r) => r.region))).toEqual(new Set(['us-east-1', 'eu-west-1']));
    expect(summary.securityHub).toEqual({ imported: summary.findings.total, archived: 0, failed: 0 });
  });

  it('imports nothing under DRY_RUN=true', async () => {
    const module = await loadHandler('audit', {
      AWS_REGION: 'us-east-1',
      ENDPOINT_URL: s.sandbox.url,
      REGIONS: 'us-east-1',
      SECURITY_HUB: 'true',
      DRY_RUN: 'true',
    });
    await module.handler(scheduledEvent(s.sandbox.clock.now()), lambdaContext());
    expect(s.sandbox.requests().filter((r) => r.service === 'securityhub')).toEqual([]);
  });
});
