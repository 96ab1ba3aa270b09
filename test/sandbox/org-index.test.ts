/** The in-process sandbox API with accounts: backups/clusters/addBackup per account, accounts(). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../sandbox/index.js';
import { CLUSTER_A } from '../support/fleet.js';
import { LEDGER, MANAGEMENT, NO_ROLE, orgFleet, PAYMENTS, SUSPENDED } from '../support/org-fleet.js';

const EAST = 'us-east-1';

describe('the sandbox API per account', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ fleet: orgFleet() });
  });
  afterAll(() => sandbox?.close());

  it('lists the accounts in the fleet’s order; `account` is the management account', () => {
    // Assess
    expect(sandbox.accounts()).toEqual([MANAGEMENT, PAYMENTS, LEDGER, NO_ROLE, SUSPENDED]);
    expect(sandbox.account).toBe(MANAGEMENT);
  });

  it('reads backups and clusters of the management account by default, of another when named', () => {
    // Act
    const hub = sandbox.backups(EAST);
    const member = sandbox.backups(EAST, PAYMENTS);
    const clusters = sandbox.clusters(EAST, PAYMENTS);
    // Assess
    expect(hub).toEqual([]);
    expect(sandbox.clusters(EAST)).toEqual([]);
    expect(member.length).toBeGreaterThan(0);
    expect(member[0]?.BackupArn).toMatch(new RegExp(`^arn:aws:cloudhsm:${EAST}:${PAYMENTS}:backup/`));
    expect(clusters.map((c) => c.ClusterId)).toContain(CLUSTER_A);
  });

  it('adds a backup to the account named, and only there', () => {
    // Act
    const id = sandbox.addBackup(EAST, { clusterId: CLUSTER_A }, PAYMENTS);
    // Assess
    expect(sandbox.backups(EAST, PAYMENTS).map((b) => b.BackupId)).toContain(id);
    expect(sandbox.backups(EAST).map((b) => b.BackupId)).not.toContain(id);
  });

  it('refuses an account the sandbox does not hold, naming the ones it holds', () => {
    // Act
    const act = () => sandbox.backups(EAST, '999999999999');
    // Assess
    expect(act).toThrow(
      `the sandbox holds no account 999999999999 (it holds ${sandbox.accounts().join(', ')})`,
    );
  });

  it('answers the admin routes for the account named in ?account=, and refuses one it does not hold', async () => {
    // Act
    const get = (path: string) => fetch(`${sandbox.url}${path}`, { signal: AbortSignal.timeout(10_000) });
    const member = await get(`/_sandbox/clusters?region=${EAST}&account=${PAYMENTS}`);
    const hub = await get(`/_sandbox/backups?region=${EAST}`);
    const unknown = await get(`/_sandbox/backups?region=${EAST}&account=999999999999`);
    // Assess
    expect(((await member.json()) as Array<{ ClusterId: string }>).map((c) => c.ClusterId)).toContain(
      CLUSTER_A,
    );
    expect(await hub.json()).toEqual([]);
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { error: string }).error).toMatch(/holds no account 999999999999/);
  });
});
