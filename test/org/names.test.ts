/**
 * Account names come from Organizations, where anyone who can create or rename an account picks
 * them: a name with a newline or an ANSI escape must not reach the terminal raw (it could forge a
 * `unit failed:` line or recolour the output). Text escapes them; --json keeps the raw value.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../sandbox/index.js';
import { runCli } from '../support/cli.js';
import { NOW } from '../support/fleet.js';
import { NO_ROLE, orgFleet, PAYMENTS } from '../support/org-fleet.js';

/** A forged failure line after a newline, and a colour escape. */
const FORGED = 'payments\nunit failed: 999999999999 (forged) us-east-1: fake\u001b[31m';
/** The role-less account's name, so it shows in a `unit failed:` line too. */
const FORGED_FAILING = 'dev\r\nunit failed: 888888888888 (forged) us-east-1: fake';

let sandbox: Sandbox;
beforeAll(async () => {
  const fleet = orgFleet();
  fleet.accounts[PAYMENTS]!.name = FORGED;
  fleet.accounts[NO_ROLE]!.name = FORGED_FAILING;
  sandbox = await startSandbox({ fleet });
});
afterAll(() => sandbox?.close());

const cli = (args: string[]) => runCli([...args, '--endpoint', sandbox.url, '--now', NOW]);

describe('account names with control characters', () => {
  it('are escaped in headings, the table and the unit failed: lines', async () => {
    const run = await cli(['audit', '--region', 'us-east-1', '--organization']);
    expect(run.code).toBe(1);
    const text = `${run.stdout}\n${run.stderr}`;
    expect(text).not.toContain('\u001b');
    expect(text).not.toContain('\r');
    expect(text).not.toMatch(/^unit failed: 999999999999/m);
    expect(text).not.toMatch(/^unit failed: 888888888888/m);
    expect(run.stdout).toContain(
      `== ${PAYMENTS} (payments\\nunit failed: 999999999999 (forged) us-east-1: fake\\x1b[31m) us-east-1`,
    );
    expect(run.stderr).toContain(
      `unit failed: ${NO_ROLE} (dev\\r\\nunit failed: 888888888888 (forged) us-east-1: fake) us-east-1`,
    );
  });

  it('--json keeps the raw name (JSON escapes it)', async () => {
    const run = await cli(['audit', '--region', 'us-east-1', '--organization', '--json']);
    const doc = JSON.parse(run.stdout) as { units: { account: string; accountName: string | null }[] };
    expect(doc.units.find((u) => u.account === PAYMENTS)?.accountName).toBe(FORGED);
    expect(doc.units.find((u) => u.account === NO_ROLE)?.accountName).toBe(FORGED_FAILING);
  });
});
