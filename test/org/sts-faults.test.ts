/**
 * An organization run when the hub's STS misbehaves, against the sandbox: a hung AssumeRole must
 * not cost one timeout per account (a circuit breaker), and a throttled one must not fail units
 * that a patient caller would have served. Counts calls and outcomes, never wall time.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BREAKER_THRESHOLD, MAX_ASSUME_IN_FLIGHT } from '../../lib/org/credentials.js';
import { type OrganizationFleetFile, type Sandbox, startSandbox } from '../../sandbox/index.js';
import { runCli } from '../support/cli.js';
import { NOW } from '../support/fleet.js';
import { MANAGEMENT, ROLE } from '../support/org-fleet.js';

const MEMBERS = 30;
const memberId = (i: number) => String(900_000_000_000 + i);

/** The hub and {@link MEMBERS} member accounts with the role and no clusters. */
function fleet(): OrganizationFleetFile {
  const accounts: OrganizationFleetFile['accounts'] = { [MANAGEMENT]: { name: 'management' } };
  for (let i = 0; i < MEMBERS; i++) accounts[memberId(i)] = { name: `member-${i}`, roles: [ROLE] };
  return { now: NOW, organization: { managementAccount: MANAGEMENT, ous: [] }, accounts };
}

interface OrgDoc {
  units: { account: string; exitCode: number; failures: string[] }[];
  failedUnits: string[];
}

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ fleet: fleet() });
});
afterAll(() => sandbox?.close());
/** AssumeRole requests as they arrive (the request log records a request only once answered). */
let assumeRoleRequests = 0;
beforeEach(() => {
  sandbox.setFaults({ rules: [] });
  sandbox.clearRequests();
  assumeRoleRequests = 0;
  sandbox.setHooks({
    beforeRequest(call) {
      if (call.operation === 'AssumeRole') assumeRoleRequests += 1;
    },
  });
});

const cli = (args: string[]) => runCli([...args, '--endpoint', sandbox.url, '--now', NOW]);

describe('organization runs against a misbehaving STS', () => {
  it('a hung AssumeRole trips a breaker: the accounts not yet tried fail at once, each named', async () => {
    sandbox.setFaults({ rules: [{ operation: 'AssumeRole', latencyMs: 60_000 }] });
    const run = await cli([
      'audit',
      '--region',
      'us-east-1',
      '--organization',
      '--timeout',
      '0.3',
      '--max-attempts',
      '1',
      '--max-units',
      '8',
      '--json',
    ]);
    expect(`${run.code} ${run.stderr}`).toMatch(/^1 /);
    const doc = JSON.parse(run.stdout) as OrgDoc;
    const members = doc.units.filter((u) => u.account !== MANAGEMENT);
    expect(members).toHaveLength(MEMBERS);
    // At most two rounds of AssumeRoles whatever --max-units is: the calls in flight, then the
    // ones the first timeouts let in until the breaker opens (at the third). Units that were
    // waiting for an STS slot when it opened are not tried.
    expect(assumeRoleRequests).toBeLessThanOrEqual(MAX_ASSUME_IN_FLIGHT + BREAKER_THRESHOLD - 1);
    for (const unit of members) {
      expect(unit.exitCode).toBe(1);
      expect(unit.failures.join('\n')).toMatch(
        /no answer within 0\.3 s|not tried: STS in us-east-1 did not answer/,
      );
    }
    const notTried = members.filter((u) => /not tried/.test(u.failures.join('\n')));
    expect(notTried.length).toBeGreaterThanOrEqual(MEMBERS - MAX_ASSUME_IN_FLIGHT - BREAKER_THRESHOLD + 1);
    expect(notTried[0]!.failures[0]).toMatch(
      /not tried: STS in us-east-1 did not answer AssumeRole for 3 accounts in a row \(.*no answer within 0\.3 s/,
    );
    expect(doc.failedUnits).toHaveLength(MEMBERS);
  });

  it('a throttled AssumeRole (5 calls a second) still serves every account at the default --max-units, even with --max-attempts 2', async () => {
    sandbox.setFaults({ rules: [{ operation: 'AssumeRole', throttleRps: 5 }] });
    const run = await cli([
      'audit',
      '--region',
      'us-east-1',
      '--organization',
      '--max-attempts',
      '2',
      '--json',
    ]);
    const doc = JSON.parse(run.stdout) as OrgDoc;
    expect(doc.failedUnits).toEqual([]);
    expect(run.code).toBe(0);
    expect(doc.units).toHaveLength(MEMBERS + 1);
    // Still one AssumeRole answered per member account.
    const answered = sandbox.requests().filter((r) => r.operation === 'AssumeRole' && r.status === 200);
    expect(answered).toHaveLength(MEMBERS);
  });
});
