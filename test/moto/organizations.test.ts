/**
 * Cross-check with moto (issue 13): the same boto3 calls (Organizations' six listings and
 * DescribeOrganization, STS AssumeRole, GetCallerIdentity with the assumed keys) against moto's
 * server and the sandbox give the same response shapes: key sets and value types, not values.
 * Skipped with a warning where moto is missing.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../sandbox/index.js';
import { OU_PAYMENTS, orgFleet, PAYMENTS, ROLE } from '../support/org-fleet.js';
import { type Moto, motoAvailable, runPython, runPythonAsync, startMoto } from './moto.js';

const SCRIPT = fileURLToPath(new URL('./organizations_sts.py', import.meta.url));
type Shapes = Record<string, unknown>;

/**
 * Members moto sends that AWS sends only in other cases: AssumeRole's PackedPolicySize comes with
 * session policies or tags (none are passed here); moto always sends it.
 */
function withoutMotoOnly(shapes: Shapes): Shapes {
  const { PackedPolicySize: _size, ...assumed } = shapes.AssumeRole as Record<string, unknown>;
  return { ...shapes, AssumeRole: assumed };
}

describe.skipIf(!motoAvailable())('Organizations and STS: the sandbox against moto', () => {
  let moto: Moto;
  let sandbox: Sandbox;
  let fromMoto: Shapes;
  let fromSandbox: Shapes;
  beforeAll(async () => {
    moto = await startMoto();
    sandbox = await startSandbox({ fleet: orgFleet() });
    const made = runPython(SCRIPT, ['setup'], moto.url) as { member: string; ou: string };
    fromMoto = runPython(SCRIPT, ['probe', made.member, made.ou, ROLE], moto.url) as Shapes;
    fromSandbox = (await runPythonAsync(
      SCRIPT,
      ['probe', PAYMENTS, OU_PAYMENTS, ROLE],
      sandbox.url,
    )) as Shapes;
  }, 60_000);
  afterAll(async () => {
    await moto?.stop();
    await sandbox?.close();
  });

  it.each([
    'DescribeOrganization',
    'ListRoots',
    'ListAccounts',
    'ListAccounts(MaxResults=1)',
    'ListAccountsForParent',
    'ListChildren(ACCOUNT)',
    'ListChildren(ORGANIZATIONAL_UNIT)',
    'ListOrganizationalUnitsForParent',
    'AssumeRole',
    'GetCallerIdentity(assumed)',
  ])('%s has the same shape', (call) => {
    // Assess
    expect(fromSandbox[call]).toBeDefined();
    expect(withoutMotoOnly(fromSandbox)[call]).toEqual(withoutMotoOnly(fromMoto)[call]);
  });

  it('binds the assumed keys to the member account and its assumed-role ARN in both', () => {
    // Assess
    expect(fromSandbox.values).toEqual({ Account: true, Arn: true });
    expect(fromMoto.values).toEqual({ Account: true, Arn: true });
  });
});
