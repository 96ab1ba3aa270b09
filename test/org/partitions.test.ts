/**
 * An organization run works in one partition: the member role's ARN, the hub's credentials and
 * Organizations all belong to the first region's. A DR region or an event region in another
 * partition would be read or written with credentials that do not exist there (and a backup
 * cannot be copied across partitions), so it is refused like a --region list that spans two.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../sandbox/index.js';
import { runCli } from '../support/cli.js';
import { NOW } from '../support/fleet.js';
import { orgFleet, PAYMENTS } from '../support/org-fleet.js';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ fleet: orgFleet() });
});
afterAll(() => sandbox?.close());

describe('organization runs refuse a second partition anywhere in the run', () => {
  it.each([
    [
      'audit --dr-region',
      ['audit', '--dr-region', 'cn-north-1'],
      /us-east-1 \(aws\) and cn-north-1 \(aws-cn\)/,
    ],
    [
      'audit --event-region',
      ['audit', '--publish', '--event-region', 'cn-north-1'],
      /us-east-1 \(aws\) and cn-north-1 \(aws-cn\)/,
    ],
    [
      'copy --event-region',
      ['copy', '--dr-region', 'us-west-2', '--publish', '--event-region', 'us-gov-west-1'],
      /us-east-1 \(aws\) and us-gov-west-1 \(aws-us-gov\)/,
    ],
    [
      'prune --event-region',
      ['prune', '--older-than', '90d', '--publish', '--event-region', 'cn-north-1'],
      /us-east-1 \(aws\) and cn-north-1 \(aws-cn\)/,
    ],
  ])('%s in another partition: exit 2, nothing called', async (_name, args, message) => {
    sandbox.clearRequests();
    const run = await runCli([
      ...args,
      '--region',
      'us-east-1',
      '--accounts',
      PAYMENTS,
      '--endpoint',
      sandbox.url,
      '--now',
      NOW,
    ]);
    expect(run.stderr).toMatch(message);
    expect(run.code).toBe(2);
    expect(sandbox.requests()).toEqual([]);
  });
});
