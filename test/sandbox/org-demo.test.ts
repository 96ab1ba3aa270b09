/**
 * The built-in demo organization (issue 13): a management account and three members with
 * CloudHSM clusters, one of which lacks the role; also shipped as examples/fleet-organization.json
 * and served by `cloudhsm-ops sandbox --fleet <file>`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { DescribeClustersCommand } from '@aws-sdk/client-cloudhsm-v2';
import { ListAccountsCommand } from '@aws-sdk/client-organizations';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AwsClients } from '../../lib/aws/clients.js';
import {
  DEMO_ORGANIZATION,
  demoOrganizationFleet,
  loadFleetFile,
  parseFleet,
  rebaseFleet,
  type Sandbox,
  startSandbox,
} from '../../sandbox/index.js';
import { buildCliBundle, type CliBundle } from '../support/cli-process.js';

const EXAMPLE = new URL('../../examples/fleet-organization.json', import.meta.url).pathname;
const { management, members, roleName } = DEMO_ORGANIZATION;
const readExample = () => JSON.parse(readFileSync(EXAMPLE, 'utf8'));

describe('the demo organization', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ fleet: 'demo-organization' });
  });
  afterAll(() => sandbox?.close());

  it('has a management account without regions and three members with clusters, one without the role', () => {
    // Act
    const fleet = parseFleet(demoOrganizationFleet(), 'demo organization');
    // Assess
    expect(sandbox.accounts()).toEqual([management, ...members.map((m) => m.id)]);
    expect(sandbox.regions()).toEqual([]);
    for (const member of members) {
      const regions = Object.keys(fleet.accounts![member.id]!.regions);
      const clusters = regions.flatMap((r) => sandbox.clusters(r, member.id));
      expect(clusters.length, member.id).toBeGreaterThan(0);
      expect(fleet.accounts![member.id]!.roles).toEqual(member.hasRole ? [roleName] : []);
    }
    expect(members.filter((m) => !m.hasRole)).toHaveLength(1);
  });

  it('answers a member’s calls from its own clusters once its role is assumed; the role-less one denies', async () => {
    // Prepare
    const hub = new AwsClients({ endpoint: sandbox.url, maxAttempts: 1 });
    const [withRole, without] = [members.find((m) => m.hasRole)!, members.find((m) => !m.hasRole)!];
    const arn = (id: string) => `arn:aws:iam::${id}:role/${roleName}`;
    // Act
    const c = (
      await hub
        .sts('us-east-1')
        .send(new AssumeRoleCommand({ RoleArn: arn(withRole.id), RoleSessionName: 'demo' }))
    ).Credentials!;
    const member = new AwsClients({
      endpoint: sandbox.url,
      maxAttempts: 1,
      credentials: async () => ({
        accessKeyId: c.AccessKeyId!,
        secretAccessKey: c.SecretAccessKey!,
        sessionToken: c.SessionToken!,
      }),
    });
    const region = withRole.regions[0]!;
    const { Clusters } = await member.cloudHsm(region).send(new DescribeClustersCommand({}));
    const denied = await hub
      .sts('us-east-1')
      .send(new AssumeRoleCommand({ RoleArn: arn(without.id), RoleSessionName: 'demo' }))
      .catch((e: Error) => e.name);
    // Assess
    expect(Clusters?.map((x) => x.ClusterId)).toEqual(
      sandbox.clusters(region, withRole.id).map((x) => x.ClusterId),
    );
    expect(denied).toBe('AccessDenied');
    hub.destroy();
    member.destroy();
  });

  it('has a small file twin, examples/fleet-organization.json: the same accounts, OUs and missing role', () => {
    // Act
    const example = loadFleetFile(EXAMPLE);
    const demo = parseFleet(demoOrganizationFleet(), 'demo organization');
    // Assess
    const outline = (f: typeof demo) =>
      Object.entries(f.accounts!).map(([id, a]) => [id, a.ou, a.roles, Object.keys(a.regions).length > 0]);
    expect(outline(example)).toEqual(outline(demo));
    expect(example.organization).toEqual(demo.organization);
  });

  it('moves in time with rebaseFleet like the single-account demo (every account’s backups)', () => {
    // Prepare
    const to = new Date('2027-03-01T00:00:00Z');
    const before = parseFleet(readExample(), 'before');
    // Act
    const after = parseFleet(rebaseFleet(loadFleetFile(EXAMPLE), to), 'after');
    // Assess
    const delta = to.getTime() - Date.parse(before.now!);
    const member = members[0]!;
    const region = member.regions[0]!;
    const oldest = (f: typeof before) =>
      Date.parse(f.accounts![member.id]!.regions[region]!.backups[0]!.createdAt);
    expect(after.now).toBe(to.toISOString());
    expect(oldest(after) - oldest(before)).toBe(delta);
  });
});

describe('cloudhsm-ops sandbox --fleet <organization file>', () => {
  let bundle: CliBundle;
  beforeAll(async () => {
    bundle = await buildCliBundle('org-sandbox-test');
  });
  afterAll(() => bundle?.remove());

  function firstLine(child: ChildProcess): Promise<string> {
    return new Promise((resolve, reject) => {
      let buffered = '';
      child.stdout!.on('data', (chunk) => {
        buffered += chunk;
        const end = buffered.indexOf('\n');
        if (end >= 0) resolve(buffered.slice(0, end));
      });
      child.on('close', (code) => reject(new Error(`exited with ${code} before printing a line`)));
    });
  }

  it.each([['virtual'], ['real']])('serves the organization (--clock %s)', async (clock) => {
    // Prepare
    const child = spawn(
      process.execPath,
      [bundle.path, 'sandbox', '--port', '0', '--fleet', EXAMPLE, '--clock', clock],
      {
        cwd: new URL('../../', import.meta.url).pathname,
        env: { ...process.env, AWS_REGION: '', AWS_DEFAULT_REGION: '', CLOUDHSM_OPS_ENDPOINT: undefined },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const closed = new Promise((resolve) => child.on('close', resolve));
    try {
      const url = (await firstLine(child)).replace('listening on ', '');
      const clients = new AwsClients({ endpoint: url, maxAttempts: 1 });
      // Act
      const { Accounts } = await clients.organizations('us-east-1').send(new ListAccountsCommand({}));
      clients.destroy();
      // Assess
      expect(Accounts?.map((a) => a.Id)).toEqual([management, ...members.map((m) => m.id)]);
    } finally {
      child.kill('SIGTERM');
      await closed;
    }
  });
});
