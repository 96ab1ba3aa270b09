/**
 * Bad input, everywhere it can arrive: every command of the CLI (exit 2, a message naming the
 * problem, no AWS call that changes anything — checked on the request log of one sandbox every
 * case points at), and every environment variable the Lambda config parsers read (a
 * UsageError naming the value before any client exists).
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  ConfigurationError,
  checkVariableNames,
  deadlineMarginFromEnv,
  endpointFromEnv,
  maxAttemptsFromEnv,
} from '../../functions/shared/config.js';
import { AUDIT_LAMBDA_VARIABLES, auditConfigFromEnv } from '../../lib/config/audit.js';
import { COPY_LAMBDA_VARIABLES, copyConfigFromEnv } from '../../lib/config/copy.js';
import { PRUNE_LAMBDA_REFUSED, PRUNE_LAMBDA_VARIABLES, pruneConfigFromEnv } from '../../lib/config/prune.js';
import { UsageError } from '../../lib/errors.js';
import { runCli as cli } from '../support/cli.js';
import { startTestSandbox, type TestSandbox } from '../support/sandbox.js';

const CLUSTER = 'cluster-paymentsprod';
const BACKUP = 'backup-abcdefghijk';

interface CliCase {
  args: string[];
  message: RegExp;
}

/** Cases whose command talks to AWS: `--endpoint <sandbox>` is added to each. */
const AWS_COMMANDS: Record<string, CliCase[]> = {
  audit: [
    { args: ['--region', 'useast1'], message: /--region value "useast1" is not valid/ },
    {
      args: ['--region', 'us-east-1', '--region', 'us-east-1'],
      message: /--region us-east-1 is given more than once/,
    },
    { args: ['--region', 'us-east-1', '--fail-on', 'SEVERE'], message: /severity "SEVERE" is not one of/ },
    {
      args: ['--region', 'us-east-1', '--grace-hours', 'soon'],
      message: /--grace-hours "soon" is not valid \(expected a number from 0 to 168\)/,
    },
    {
      args: ['--region', 'us-east-1', '--rpo-hours', '0'],
      message: /--rpo-hours must be between 1 and 8760, got 0/,
    },
    {
      args: ['--region', 'us-east-1', '--copy-retention-days', '1.5'],
      message: /--copy-retention-days "1.5" is not a whole number/,
    },
    {
      args: ['--region', 'us-east-1', '--copy-retention', 'cluster'],
      message: /--copy-retention "cluster" is not "fixed" or "source"/,
    },
    {
      args: ['--region', 'us-east-1', '--event-source', 'aws.ops'],
      message: /--event-source "aws.ops" is not valid/,
    },
    {
      args: ['--region', 'us-east-1', '--event-bus', 'ops feed!'],
      message: /--event-bus "ops feed!" is not a valid event bus name/,
    },
    {
      args: ['--region', 'us-east-1', '--hold-tag', 'hold*me'],
      message: /--hold-tag "hold\*me" is not a valid tag key/,
    },
    {
      args: ['--region', 'us-east-1', '--now', 'yesterday'],
      message: /--now "yesterday" is not an ISO 8601 time/,
    },
    {
      args: ['--region', 'us-east-1', '--max-attempts', '0'],
      message: /--max-attempts must be a whole number from 1 to 20/,
    },
    {
      args: ['--region', 'us-east-1', '--max-attempts', '0x5'],
      message: /--max-attempts must be a whole number from 1 to 20, got "0x5"/,
    },
    { args: ['--region', 'us-east-1', '--bogus'], message: /unknown option '--bogus'/ },
  ],
  copy: [
    {
      args: ['--region', 'us-east-1', '--dr-region', 'us-east-1'],
      message: /--dr-region us-east-1 is also a source region/,
    },
    {
      args: ['--region', 'us-east-9', '--dr-region', 'us-west-2'],
      message: /--region value "us-east-9" is not a known AWS region/,
    },
    { args: ['--region', 'us-east-1'], message: /no --dr-region given/ },
    {
      args: ['--region', 'us-east-1', '--dr-region', 'us-west-2', '--since', 'two days'],
      message: /--since "two days" is not valid/,
    },
    {
      args: ['--region', 'us-east-1', '--dr-region', 'us-west-2', '--wait-timeout', '0s'],
      message: /--wait-timeout "0s" is not valid/,
    },
    {
      args: ['--region', 'us-east-1', '--dr-region', 'us-west-2', '--concurrency', '65'],
      message: /--concurrency must be between 1 and 64, got 65/,
    },
    {
      args: ['--region', 'us-east-1', '--dr-region', 'us-west-2', '--cluster-id', 'cluster-1'],
      message: /--cluster-id "cluster-1" is not valid/,
    },
    {
      args: ['--region', 'us-east-1', '--dr-region', 'us-west-2', '--event-source', 'aws.x'],
      message: /--event-source "aws.x" is not valid/,
    },
    {
      args: ['--region', 'us-east-1', '--dr-region', 'us-west-2', '--region'],
      message: /option '--region <region>' argument missing/,
    },
  ],
  prune: [
    {
      args: ['--region', 'us-east-1'],
      message: /say which backups are stale: --timestamp <date>, --older-than/,
    },
    { args: ['--region', 'us-east-1', '--timestamp', '13/45/2026'], message: /--timestamp "13\/45\/2026"/ },
    {
      args: ['--region', 'us-east-1', '--cluster-id', CLUSTER, '--timestamp', '03/01/2026', '--deleteall'],
      message: /--timestamp and --deleteall cannot be used together/,
    },
    {
      args: ['--region', 'us-east-1', '--timestamp', '03/01/2026', '--timezone', 'Mars/Olympus'],
      message: /--timezone "Mars\/Olympus"/,
    },
    { args: ['--region', 'us-east-1', '--deleteall'], message: /--deleteall needs --cluster-id/ },
    {
      args: ['--region', 'us-west-2', '--copy-retention', 'cluster'],
      message: /--copy-retention "cluster" is not "fixed" or "source"/,
    },
    {
      args: ['--region', 'us-west-2', '--copy-retention', 'fixed'],
      message: /--copy-retention fixed needs --copy-retention-days <days>/,
    },
    {
      args: ['--region', 'us-west-2', '--copy-retention-days', '30', '--copies-as-of', '11/29/2026'],
      message: /--copies-as-of "11\/29\/2026" is not an ISO 8601 instant with Z or an offset/,
    },
    {
      args: ['--region', 'us-west-2', '--older-than', '90d', '--copies-as-of', '2026-11-29T12:00:00Z'],
      message: /--copies-as-of only applies to copy retention/,
    },
    {
      args: [
        '--region',
        'us-west-2',
        '--copy-retention-days',
        '30',
        '--copies-as-of',
        '2026-12-29T12:00:00Z',
        '--now',
        '2026-11-29T12:00:00Z',
      ],
      message: /--copies-as-of 2026-12-29T12:00:00Z is in the future/,
    },
    {
      args: ['--region', 'us-west-2', '--copy-retention-days', 'sauce'],
      message: /--copy-retention-days "sauce"/,
    },
    {
      args: ['--region', 'us-west-2', '--cluster-id', CLUSTER, '--deleteall', '--duplicate-copies'],
      message: /--deleteall and --duplicate-copies cannot be used together/,
    },
    {
      args: ['--region', 'us-east-1', '--older-than', '90d', '--keep-last', '0'],
      message: /--keep-last 0 would leave a lineage with no backup/,
    },
    {
      args: [
        '--region',
        'us-east-1',
        '--cluster-id',
        CLUSTER,
        '--deleteall',
        '--keep-last',
        '0',
        '--confirm',
        'cluster-otherclusterx',
      ],
      message: /--confirm "cluster-otherclusterx" does not match --cluster-id/,
    },
    { args: ['--region', 'us-east-1', '--older-than', '90x'], message: /--older-than "90x"/ },
    { args: ['--region', 'us-east-1', '--older-than', '6M'], message: /--older-than "6M" is ambiguous/ },
    {
      args: ['--region', 'us-east-1', '--older-than', '12h'],
      message:
        /--older-than "12h" is under one day: prune ages are at least 1d, and a finer cutoff is a --timestamp/,
    },
    {
      args: ['--region', 'us-east-1', '--older-than', '90d', '--max-deletions', '0'],
      message: /--max-deletions must be between 1 and 100000, got 0/,
    },
    {
      args: [
        '--region',
        'us-east-1',
        '--older-than',
        '90d',
        '--cluster-id',
        CLUSTER,
        '--clusterID',
        'cluster-otherclusterx',
      ],
      message: /--cluster-id and --clusterID disagree/,
    },
    {
      args: ['--region', 'us-east-1', '--older-than', '90d', '--execute', '--event-bus', 'ops'],
      message: /--event-bus needs --publish/,
    },
    {
      args: ['--region', 'us-east-1', '--older-than', '90d', '--execute', '--now', 'soon'],
      message: /--now "soon" is not an ISO 8601 date/,
    },
    {
      args: ['--region', 'us-east-1', '--older-than', '90d', '--hold-tag', 'hold*me'],
      message: /--hold-tag "hold\*me" is not a valid tag key/,
    },
    {
      args: ['--region', 'us-east-1', '--older-than', '90d', '--execute', '--concurrency', '99'],
      message: /--concurrency must be between 1 and 32, got 99/,
    },
    {
      args: ['--older-than', '90d', '--execute'],
      message: /no region given: pass --region \(or set AWS_REGION\)/,
    },
    {
      args: ['--region', 'us-east-1', '--cluster-id', '', '--older-than', '90d', '--execute'],
      message: /--cluster-id is empty: give a value, or leave the option out/,
    },
    {
      args: ['--region', 'us-east-1', '--cluster-id', '   ', '--older-than', '90d'],
      message: /--cluster-id is empty: give a value, or leave the option out/,
    },
    {
      args: [
        '--region',
        'us-east-1',
        '--older-than',
        '90d',
        '--hold-tag',
        'legal-hold',
        '--hold-tag',
        'bad*key',
      ],
      message: /--hold-tag "bad\*key" is not a valid tag key/,
    },
  ],
  restore: [
    {
      args: ['--region', 'us-east-1'],
      message: /--backup-id (<id> )?\(repeatable\) or --deleted-since <age>/,
    },
    {
      args: ['--region', 'us-east-1', '--backup-id', BACKUP, '--deleted-since', '2h'],
      message: /give either --backup-id.* or --deleted-since.*, not both/,
    },
    {
      args: ['--region', 'us-east-1', '--backup-id', 'backup-1'],
      message: /--backup-id "backup-1" is not valid/,
    },
    {
      args: ['--region', 'us-east-1', '--deleted-since', 'forever'],
      message: /--deleted-since "forever" is not valid/,
    },
    {
      args: ['--region', 'us-east-1', '--backup-id', BACKUP, '--cluster-id', CLUSTER],
      message: /--cluster-id only narrows --deleted-since/,
    },
    {
      args: ['--region', 'us-east-1', '--deleted-since', '2h', '--concurrency', '0'],
      message: /--concurrency must be between 1 and 32, got 0/,
    },
    {
      args: ['--region', 'us-east-1', '--backup-id', BACKUP, '--event-bus', 'ops'],
      message: /--event-bus needs --publish/,
    },
    { args: ['--region', 'us-east-1', '--run-id', ''], message: /--run-id is empty/ },
    { args: ['--region', 'us-east-1', '--run-id', 'run one'], message: /--run-id "run one" is not a run id/ },
    {
      args: ['--region', 'us-east-1', '--run-id', 'run-1', '--deleted-since', '2h'],
      message: /give only one of --backup-id, --deleted-since or --run-id/,
    },
    {
      args: ['--region', 'us-east-1', '--run-id', 'run-1', '--dry-run', '--hold'],
      message: /--hold changes tags: it cannot go with --dry-run/,
    },
  ],
  inventory: [
    { args: ['--region', 'bogus'], message: /--region value "bogus" is not valid/ },
    {
      args: ['--region', 'us-east-1', '--region', 'us-east-1'],
      message: /--region us-east-1 is given more than once/,
    },
    {
      args: ['--region', 'us-east-1', '--max-attempts', '50'],
      message: /--max-attempts must be a whole number from 1 to 20, got "50"/,
    },
    {
      args: ['--region', 'us-east-1', '--timeout', '0'],
      message: /--timeout must be a number of seconds above 0 and at most 900, got "0"/,
    },
  ],
  report: [
    {
      args: ['--region', 'us-east-1'],
      message: /say where the report goes: --html <file> for the page, --json for the data/,
    },
    {
      args: ['--region', 'us-east-1', '--json', '--days', '0'],
      message: /--days must be between 1 and 400, got 0/,
    },
    {
      args: ['--region', 'us-east-1', '--json', '--prune-older-than', 'soon'],
      message: /--prune-older-than "soon" is not valid \(expected a positive amount such as 90d/,
    },
    { args: ['--region', 'useast1', '--json'], message: /--region value "useast1" is not valid/ },
    { args: ['--region', 'us-east-1', '--html', ''], message: /--html is empty: give a value/ },
  ],
};

/** The organization options (lib/config/org.ts), refused alike by every job that takes them. */
const ORG_JOBS: Record<string, string[]> = {
  audit: ['--region', 'us-east-1'],
  copy: ['--region', 'us-east-1', '--dr-region', 'us-west-2'],
  prune: ['--region', 'us-east-1', '--older-than', '90d'],
  inventory: ['--region', 'us-east-1'],
};
const ORG_CASES: CliCase[] = [
  {
    args: ['--accounts', '12345678901'],
    message: /--accounts "12345678901" is not an account id \(12 digits/,
  },
  {
    args: ['--accounts', '111111111111,111111111111'],
    message: /--accounts 111111111111 is given more than once/,
  },
  {
    args: ['--accounts', '111111111111', '--organization'],
    message: /--accounts and --organization cannot be combined/,
  },
  { args: ['--ou', 'ou-ab12-cdef3456'], message: /--ou needs --organization/ },
  {
    args: ['--exclude-accounts', '111111111111'],
    message: /--exclude-accounts needs --accounts or --organization/,
  },
  { args: ['--organization', '--ou', 'ou-bad'], message: /--ou "ou-bad" is not an OU id/ },
  {
    args: ['--organization', '--role-name', 'a/b'],
    message: /--role-name "a\/b" is not a valid IAM role name/,
  },
  {
    args: ['--organization', '--external-id', 'x'],
    message: /--external-id is not valid \(2 to 1224 characters/,
  },
  { args: ['--organization', '--max-units', '0'], message: /--max-units must be between 1 and 100, got 0/ },
  {
    args: ['--accounts', '111111111111', '--exclude-accounts', '111111111111'],
    message: /no account left to run in/,
  },
  { args: ['--role-name', 'ops-member'], message: /--role-name needs --accounts or --organization/ },
  { args: ['--external-id', 'ops-2026'], message: /--external-id needs --accounts or --organization/ },
  { args: ['--max-units', '4'], message: /--max-units needs --accounts or --organization/ },
  {
    args: ['--organization', '--ou', 'ou-ab12-ledger01', '--ou', 'ou-ab12-cdef3456'],
    message: /--ou is given more than once/,
  },
  {
    args: ['--accounts', '111111111111', '--region', 'cn-north-1'],
    message: /us-east-1 \(aws\) and cn-north-1 \(aws-cn\).*one partition/,
  },
];

/** `sandbox` takes no --endpoint (it is the endpoint); none of these may start a server. */
const SANDBOX_CASES: CliCase[] = [
  { args: ['--port', '70000'], message: /--port must be between 0 and 65535, got 70000/ },
  { args: ['--generate', '0'], message: /--generate must be between 1 and 100000, got 0/ },
  { args: ['--generate', '10', '--fleet', 'demo'], message: /give either --fleet or --generate, not both/ },
  { args: ['--clock', 'sometimes'], message: /--clock must be "real" or "virtual", got "sometimes"/ },
  {
    args: ['--internal-failure-rate', '2'],
    message: /--internal-failure-rate must be a number from 0 to 1, got "2"/,
  },
  { args: ['--throttle-rps', '0'], message: /--throttle-rps must be a positive number, got "0"/ },
  {
    args: ['--fleet', '/nonexistent/fleet.json'],
    message: /cannot read fleet file \/nonexistent\/fleet.json/,
  },
  {
    args: ['--fault-operation', 'DeleteBackup'],
    message: /--fault-operation and --fault-region narrow a fault: give one too/,
  },
  { args: ['--latency-ms', 'slow'], message: /--latency-ms "slow" is not a whole number/ },
];

let test: TestSandbox;
const saved = { AWS_REGION: process.env.AWS_REGION, AWS_DEFAULT_REGION: process.env.AWS_DEFAULT_REGION };
beforeAll(async () => {
  test = await startTestSandbox({ fleet: 'demo' });
});
afterAll(async () => {
  await test.close();
});
beforeEach(() => {
  // Region fallbacks would turn "no region given" into a valid run.
  delete process.env.AWS_REGION;
  delete process.env.AWS_DEFAULT_REGION;
  test.sandbox.clearRequests();
});
afterEach(() => {
  for (const [key, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
});

/** Runs a case; the sandbox command gets a deadline so a case that wrongly starts a server fails instead of hanging. */
async function refused(args: string[], message: RegExp): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`cloudhsm-ops ${args.join(' ')} did not return`)), 10_000);
  });
  const run = await Promise.race([cli(args), deadline]).finally(() => clearTimeout(timer));
  expect(run.code).toBe(2);
  expect(run.stderr).toMatch(message);
  expect(run.stderr).toMatch(/nothing was changed|add --help for usage/);
  expect(test.sandbox.requests().filter((r) => r.mutating)).toEqual([]);
  // Stronger than the contract: bad input is caught before any call at all.
  expect(test.sandbox.requests()).toEqual([]);
}

describe('bad input on the command line: exit 2, a clear message, no change', () => {
  for (const [command, cases] of Object.entries(AWS_COMMANDS)) {
    it.each(cases)(`${command} $args`, async ({ args, message }) => {
      await refused([command, '--endpoint', test.sandbox.url, ...args], message);
    });
  }
  for (const [command, base] of Object.entries(ORG_JOBS)) {
    it.each(ORG_CASES)(`${command} (organization) $args`, async ({ args, message }) => {
      await refused([command, '--endpoint', test.sandbox.url, ...base, ...args], message);
    });
  }
  it('prune refuses --cluster-id and a future cutoff across accounts before any call; audit refuses --format ocsf across accounts', async () => {
    await refused(
      [
        'prune',
        '--endpoint',
        test.sandbox.url,
        ...ORG_JOBS.prune!,
        '--cluster-id',
        CLUSTER,
        '--organization',
      ],
      /--cluster-id names one cluster of one account and region/,
    );
    await refused(
      [
        'copy',
        '--endpoint',
        test.sandbox.url,
        ...ORG_JOBS.copy!,
        '--cluster-id',
        CLUSTER,
        '--accounts',
        '111111111111',
      ],
      /--cluster-id names one cluster of one account and region/,
    );
    await refused(
      [
        'prune',
        '--endpoint',
        test.sandbox.url,
        '--region',
        'us-east-1',
        '--timestamp',
        '01/01/2099',
        '--organization',
      ],
      /the cutoff 2099-01-01T00:00:00.000Z is in the future/,
    );
    await refused(
      [
        'audit',
        '--endpoint',
        test.sandbox.url,
        ...ORG_JOBS.audit!,
        '--format',
        'ocsf',
        '--accounts',
        '111111111111',
      ],
      /--format ocsf covers one account/,
    );
  });
  it.each(SANDBOX_CASES)('sandbox $args', async ({ args, message }) => {
    await refused(['sandbox', ...args], message);
  });
  it.each([
    ['prune', '--region', 'us-east-1', '--older-than', '90d', '--execute'],
    ['copy', '--region', 'us-east-1', '--dr-region', 'us-west-2'],
    ['audit', '--region', 'us-east-1'],
    ['restore', '--region', 'us-east-1', '--deleted-since', '2h'],
  ])('--now against real AWS (no loopback endpoint) is refused: %s', async (...args) => {
    delete process.env.CLOUDHSM_OPS_ENDPOINT;
    await refused([...args, '--now', '2099-01-01T00:00:00Z'], /--now is a testing aid for the local sandbox/);
  });
  // A script passing an unset variable (`--cluster-id "$UNSET"`) must never widen what a run does.
  it.each([
    ['prune', '--region', '', '--older-than', '90d'],
    ['prune', '--region', 'us-east-1', '--older-than', '90d', '--hold-tag', ''],
    ['prune', '--region', 'us-east-1', '--older-than', '90d', '--hold-tag', 'legal,'],
    ['prune', '--region', 'us-east-1', '--older-than', ' '],
    ['restore', '--region', 'us-east-1', '--deleted-since', '1d', '--cluster-id', ''],
    ['restore', '--region', 'us-east-1', '--run-id', ' '],
    ['audit', '--region', 'us-east-1', '--dr-region', ''],
    ['audit', '--region', 'us-east-1', '--dr-region', ' , '],
    ['copy', '--region', 'us-east-1', '--dr-region', 'us-west-2', '--cluster-id', ''],
    ['copy', '--region', 'us-east-1', '--dr-region', 'us-west-2', '--since', ''],
    ['inventory', '--region', ''],
  ])('a blank value is refused, never read as "not given": %s', async (...args) => {
    process.env.AWS_REGION = 'us-east-1';
    await refused([...args, '--endpoint', test.sandbox.url], /is empty|empty (value|entry)/);
  });
  // The Lambda refuses REGIONS="us-east-1, us-west-2" (the value feeds IAM region conditions, which
  // compare exact strings); the command line reads lists the same way, so one form works in both.
  it.each([
    ['prune', '--older-than', '90d', '--region', 'us-east-1, us-west-2'],
    ['copy', '--region', 'us-east-1', '--dr-region', 'us-west-2, eu-west-1'],
    ['audit', '--region', 'us-east-1 ,us-west-2'],
    ['restore', '--deleted-since', '2h', '--region', 'us-east-1, us-west-2'],
    ['inventory', '--region', 'us-east-1, us-west-2'],
  ])('a comma list with white space is refused, as in the Lambda environment: %s', async (...args) => {
    const value = args.at(-1)!;
    await refused(
      [...args, '--endpoint', test.sandbox.url],
      new RegExp(
        `"${value}" contains white space: lists are comma-separated without spaces, e\\.g\\. us-east-1,us-west-2`,
      ),
    );
  });
  it('a bad --endpoint is bad input too', async () => {
    await refused(
      ['audit', '--endpoint', 'ftp://127.0.0.1:1', '--region', 'us-east-1'],
      /endpoint "ftp:\/\/127.0.0.1:1" must use http or https/,
    );
  });
  it('plain http to a host that is not this machine is bad input unless opted into', async () => {
    await refused(
      ['audit', '--endpoint', 'http://192.0.2.2:4700', '--region', 'us-east-1'],
      /endpoint "http:\/\/192.0.2.2:4700" is plain http to a host that is not this machine/,
    );
  });
});

type EnvCase = { env: Record<string, string>; message: RegExp };

const PRUNE_SPEC = { variables: PRUNE_LAMBDA_VARIABLES, refused: PRUNE_LAMBDA_REFUSED };
const COPY_SPEC = { variables: COPY_LAMBDA_VARIABLES };
const AUDIT_SPEC = { variables: AUDIT_LAMBDA_VARIABLES };

const PRUNE_BASE = { REGIONS: 'us-east-1', OLDER_THAN: '90d' };
const PRUNE_ENV: EnvCase[] = [
  { env: { OLDER_THAN: '90d' }, message: /REGIONS is required/ },
  { env: { ...PRUNE_BASE, REGIONS: 'us-east-1,nowhere' }, message: /REGIONS value "nowhere" is not valid/ },
  { env: { ...PRUNE_BASE, CLUSTER_ID: 'cluster-1' }, message: /CLUSTER_ID "cluster-1" is not valid/ },
  { env: { REGIONS: 'us-east-1', OLDER_THAN: 'ninety days' }, message: /OLDER_THAN "ninety days"/ },
  { env: { REGIONS: 'us-east-1', OLDER_THAN: '6M' }, message: /OLDER_THAN "6M" is ambiguous/ },
  { env: { REGIONS: 'us-east-1', OLDER_THAN: '6m' }, message: /OLDER_THAN "6m" is under one day/ },
  { env: { REGIONS: 'us-east-1', TIMESTAMP: '2026-13-45' }, message: /TIMESTAMP "2026-13-45"/ },
  {
    env: { REGIONS: 'us-east-1', TIMESTAMP: '03/01/2026', TIMEZONE: 'Mars/Olympus' },
    message: /TIMEZONE "Mars\/Olympus"/,
  },
  {
    env: { ...PRUNE_BASE, TIMESTAMP: '03/01/2026' },
    message: /give only one of TIMESTAMP or OLDER_THAN/,
  },
  { env: { ...PRUNE_BASE, KEEP_LAST: '-1' }, message: /KEEP_LAST "-1" is not a whole number/ },
  { env: { ...PRUNE_BASE, KEEP_LAST: '0' }, message: /KEEP_LAST 0 would leave a lineage with no backup/ },
  {
    env: { ...PRUNE_BASE, MAX_DELETIONS: '0' },
    message: /MAX_DELETIONS must be between 1 and 100000, got 0/,
  },
  {
    env: { ...PRUNE_BASE, COPY_RETENTION_DAYS: '0' },
    message: /COPY_RETENTION_DAYS must be between 1 and 36500, got 0/,
  },
  { env: { ...PRUNE_BASE, COPY_RETENTION_DAYS: 'sauce' }, message: /COPY_RETENTION_DAYS "sauce"/ },
  { env: { ...PRUNE_BASE, DUPLICATE_COPIES: 'yes' }, message: /DUPLICATE_COPIES must be "true" or "false"/ },
  { env: { ...PRUNE_BASE, HOLD_TAG: 'hold*me' }, message: /HOLD_TAG "hold\*me" is not a valid tag key/ },
  {
    env: { ...PRUNE_BASE, PRUNE_EXECUTE: 'yes please' },
    message: /PRUNE_EXECUTE must be "true" or "false", got "yes please"/,
  },
  {
    env: { ...PRUNE_BASE, EVENT_BUS_NAME: 'ops feed!' },
    message: /EVENT_BUS_NAME "ops feed!" is not a valid event bus name or ARN/,
  },
  {
    env: { ...PRUNE_BASE, EVENT_BUS_NAME: 'ops', EVENT_SOURCE: 'aws.cloudhsm' },
    message:
      /EVENT_SOURCE "aws.cloudhsm" is not valid \(at most 256 characters, no spaces, not starting with "aws."\)/,
  },
  {
    env: { ...PRUNE_BASE, EVENT_BUS_NAME: 'ops', EVENT_REGION: 'us-east-7' },
    message: /EVENT_REGION "us-east-7" is not a known AWS region/,
  },
  // Issue 18 §4/§10: the same reading of empty and odd values in every job.
  { env: { ...PRUNE_BASE, DRY_RUN: 'maybe' }, message: /DRY_RUN must be "true" or "false", got "maybe"/ },
  { env: { ...PRUNE_BASE, REGIONS: ',' }, message: /REGIONS="," has an empty entry/ },
  {
    env: { ...PRUNE_BASE, REGIONS: 'us-east-1, us-west-2' },
    message: /REGIONS="us-east-1, us-west-2" contains white space: lists are comma-separated without spaces/,
  },
  { env: { ...PRUNE_BASE, EVENT_BUS_NAME: '' }, message: /EVENT_BUS_NAME is set but empty/ },
  { env: { ...PRUNE_BASE, CLUSTER_ID: ' ' }, message: /CLUSTER_ID is set but empty/ },
  { env: { ...PRUNE_BASE, CONCURRENCY: '0' }, message: /CONCURRENCY must be between 1 and 32, got 0/ },
  { env: { ...PRUNE_BASE, HOLD_TAG: 'legal-hold,bad*' }, message: /HOLD_TAG "bad\*" is not a valid tag key/ },
];

const COPY_BASE = { REGIONS: 'us-east-1', DR_REGIONS: 'us-west-2' };
const COPY_ENV: EnvCase[] = [
  { env: { REGIONS: 'us-east-1' }, message: /no DR_REGIONS given/ },
  { env: { DR_REGIONS: 'us-west-2' }, message: /no SOURCE_REGIONS \(or REGIONS\) given/ },
  {
    env: { ...COPY_BASE, REGIONS: 'us-east-7' },
    message: /SOURCE_REGIONS \(or REGIONS\) value "us-east-7" is not a known AWS region/,
  },
  {
    env: { ...COPY_BASE, SOURCE_REGIONS: 'us-east-1,us-east-1' },
    message: /SOURCE_REGIONS \(or REGIONS\) us-east-1 is given more than once/,
  },
  { env: { ...COPY_BASE, DR_REGIONS: 'west' }, message: /DR_REGIONS value "west" is not valid/ },
  { env: { ...COPY_BASE, CLUSTER_ID: 'cluster-abc' }, message: /CLUSTER_ID "cluster-abc" is not valid/ },
  { env: { ...COPY_BASE, COPY_SINCE: 'a while' }, message: /COPY_SINCE "a while" is not valid/ },
  { env: { ...COPY_BASE, COPY_SINCE: '2M' }, message: /COPY_SINCE "2M" is ambiguous/ },
  {
    env: { ...COPY_BASE, EVENT_BUS_NAME: 'ops feed!' },
    message: /EVENT_BUS_NAME "ops feed!" is not a valid event bus name/,
  },
  { env: { ...COPY_BASE, EVENT_SOURCE: 'aws.copy' }, message: /EVENT_SOURCE "aws.copy" is not valid/ },
  {
    env: { ...COPY_BASE, AWS_REGION: 'moon-base-1' },
    message: /EVENT_REGION \(or AWS_REGION\) "moon-base-1" is not valid/,
  },
  { env: { ...COPY_BASE, CONCURRENCY: '0' }, message: /CONCURRENCY must be between 1 and 64, got 0/ },
  { env: { ...COPY_BASE, DR_REGIONS: '' }, message: /DR_REGIONS is set but empty/ },
  { env: { ...COPY_BASE, EVENT_BUS_NAME: '' }, message: /EVENT_BUS_NAME is set but empty/ },
  { env: { ...COPY_BASE, REGIONS: 'us-east-1,' }, message: /REGIONS="us-east-1," has an empty entry/ },
  {
    env: { ...COPY_BASE, DR_REGIONS: 'us-west-2, eu-west-1' },
    message: /DR_REGIONS="us-west-2, eu-west-1" contains white space/,
  },
  { env: { ...COPY_BASE, DRY_RUN: 'yes' }, message: /DRY_RUN must be "true" or "false", got "yes"/ },
  {
    env: { ...COPY_BASE, EVENT_REGION: 'us-east-7' },
    message: /EVENT_REGION \(or AWS_REGION\) "us-east-7" is not a known AWS region/,
  },
];

const AUDIT_BASE = { REGIONS: 'us-east-1' };
const AUDIT_ENV: EnvCase[] = [
  { env: {}, message: /no region to audit: give at least one region/ },
  {
    env: { REGIONS: 'us-east-1,atlantis' },
    message: /REGIONS \(or AWS_REGION\) value "atlantis" is not valid/,
  },
  { env: { AWS_REGION: 'atlantis' }, message: /REGIONS \(or AWS_REGION\) value "atlantis" is not valid/ },
  {
    env: { ...AUDIT_BASE, DR_REGIONS: 'us-west-2,us-west-2' },
    message: /DR_REGIONS us-west-2 is given more than once/,
  },
  { env: { ...AUDIT_BASE, PUBLISH: 'maybe' }, message: /PUBLISH must be "true" or "false", got "maybe"/ },
  {
    env: { ...AUDIT_BASE, SECURITY_HUB: 'maybe' },
    message: /SECURITY_HUB must be "true" or "false", got "maybe"/,
  },
  {
    env: { ...AUDIT_BASE, EVENT_BUS_NAME: 'ops feed!' },
    message: /EVENT_BUS_NAME "ops feed!" is not a valid event bus name/,
  },
  { env: { ...AUDIT_BASE, EVENT_SOURCE: 'aws.audit' }, message: /EVENT_SOURCE "aws.audit" is not valid/ },
  { env: { ...AUDIT_BASE, EVENT_REGION: 'eu' }, message: /EVENT_REGION \(or AWS_REGION\) "eu" is not valid/ },
  {
    env: { ...AUDIT_BASE, FRESHNESS_GRACE_HOURS: '200' },
    message: /FRESHNESS_GRACE_HOURS must be between 0 and 168, got 200/,
  },
  {
    env: { ...AUDIT_BASE, DR_RPO_HOURS: 'day' },
    message: /DR_RPO_HOURS "day" is not valid \(expected a number from 1 to 8760\)/,
  },
  {
    env: { ...AUDIT_BASE, COPY_RETENTION_DAYS: '0' },
    message: /COPY_RETENTION_DAYS must be between 1 and 36500, got 0/,
  },
  {
    env: { ...AUDIT_BASE, COPY_RETENTION_DAYS: 'sauce' },
    message: /COPY_RETENTION_DAYS "sauce" is not a whole number or "source"/,
  },
  { env: { ...AUDIT_BASE, HOLD_TAG: 'hold*me' }, message: /HOLD_TAG "hold\*me" is not a valid tag key/ },
  { env: { ...AUDIT_BASE, DR_REGIONS: '' }, message: /DR_REGIONS is set but empty/ },
  { env: { ...AUDIT_BASE, EVENT_BUS_NAME: ' ' }, message: /EVENT_BUS_NAME is set but empty/ },
  { env: { REGIONS: ',' }, message: /REGIONS="," has an empty entry/ },
  { env: { REGIONS: 'us-east-1 ' }, message: /REGIONS="us-east-1 " contains white space/ },
  {
    env: { REGIONS: 'us-east-1, us-west-2' },
    message:
      /REGIONS="us-east-1, us-west-2" contains white space: lists are comma-separated without spaces, e\.g\. us-east-1,us-west-2/,
  },
  { env: { ...AUDIT_BASE, DRY_RUN: '1' }, message: /DRY_RUN must be "true" or "false", got "1"/ },
];

describe('bad Lambda environment: a UsageError naming the value, before any client exists', () => {
  const parsers = [
    ['prune', pruneConfigFromEnv, PRUNE_ENV],
    ['copy', copyConfigFromEnv, COPY_ENV],
    ['audit', auditConfigFromEnv, AUDIT_ENV],
  ] as const;
  for (const [job, parse, cases] of parsers) {
    it.each(cases)(`${job} $env`, ({ env, message }) => {
      let error: unknown;
      try {
        parse(env);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(UsageError);
      expect((error as Error).message).toMatch(message);
    });
  }

  it.each([
    [
      () => endpointFromEnv({ ENDPOINT_URL: 'ftp://127.0.0.1:1' }, 'fn'),
      /ENDPOINT_URL="ftp:\/\/127.0.0.1:1": endpoint .* must use http or https/,
    ],
    [
      () => deadlineMarginFromEnv({ DEADLINE_MARGIN_SECONDS: '0' }, 'fn', 30),
      /DEADLINE_MARGIN_SECONDS must be between 1 and 600, got 0/,
    ],
    [
      () => maxAttemptsFromEnv({ MAX_ATTEMPTS: 'many' }, 'fn'),
      /MAX_ATTEMPTS must be a whole number from 1 to 20, got "many"/,
    ],
    [
      () => endpointFromEnv({ ENDPOINT_URL: 'http://192.0.2.2:4700' }, 'fn'),
      /ENDPOINT_URL="http:\/\/192.0.2.2:4700": .*plain http.*ALLOW_INSECURE_ENDPOINT=true/,
    ],
    [
      () => endpointFromEnv({ ALLOW_INSECURE_ENDPOINT: 'yes' }, 'fn'),
      /ALLOW_INSECURE_ENDPOINT must be "true" or "false", got "yes"/,
    ],
  ])('handler setting %#', (read, message) => {
    expect(read).toThrow(ConfigurationError);
    expect(read).toThrow(message);
  });

  it('prune: messages name only variables the function reads (no DELETE_ALL, no CONFIRM)', () => {
    for (const env of [
      { ...PRUNE_BASE, KEEP_LAST: '0' },
      { ...PRUNE_BASE, TIMESTAMP: '03/01/2026' },
      { REGIONS: 'us-east-1', DUPLICATE_COPIES: 'false' },
    ]) {
      expect(() => pruneConfigFromEnv(env)).toThrow(UsageError);
      expect(() => pruneConfigFromEnv(env)).not.toThrow(/DELETE_ALL|CONFIRM/);
    }
    expect(() => pruneConfigFromEnv({ REGIONS: 'us-east-1', DUPLICATE_COPIES: 'false' })).toThrow(
      /COPY_RETENTION_DAYS/,
    );
  });

  it('DRY_RUN=true is honoured by every job and wins', () => {
    expect(pruneConfigFromEnv({ ...PRUNE_BASE, PRUNE_EXECUTE: 'true', DRY_RUN: 'true' })).toMatchObject({
      execute: false,
      dryRunOverrode: true,
    });
    expect(copyConfigFromEnv({ ...COPY_BASE, DRY_RUN: 'true' }).dryRun).toBe(true);
    expect(auditConfigFromEnv({ ...AUDIT_BASE, PUBLISH: 'true', DRY_RUN: 'true' }).publish).toBe(false);
  });

  it.each([
    [
      { CLUSTER_IDS: 'cluster-paymentsprod' },
      /CLUSTER_IDS is not a variable this function reads: did you mean CLUSTER_ID\?/,
    ],
    [{ MAX_DELETION: '500' }, /MAX_DELETION .*did you mean MAX_DELETIONS\?/],
    [{ KEEPLAST: '3' }, /KEEPLAST .*did you mean KEEP_LAST\?/],
    [{ HOLD_TAGS: 'legal' }, /HOLD_TAGS .*did you mean HOLD_TAG\?/],
    [{ PRUNE_DRY_RUN: 'true' }, /PRUNE_DRY_RUN .*did you mean DRY_RUN\?/],
    [{ PRUNE_EXECUTION: 'true' }, /PRUNE_EXECUTION .*did you mean PRUNE_EXECUTE\?/],
    [
      { cluster_id: 'cluster-paymentsprod' },
      /cluster_id .*did you mean CLUSTER_ID\? \(names are case-sensitive\)/,
    ],
    [{ DELETE_ALL: 'true' }, /DELETE_ALL is not read by this function: .*--deleteall/],
    [{ PUBLISH: 'false' }, /PUBLISH is not read by this function: .*whenever EVENT_BUS_NAME is set/],
  ])('prune Lambda: a lookalike variable %j fails the cold start', (env, message) => {
    const check = () => checkVariableNames(env, PRUNE_SPEC, 'cloudhsm-ops-prune');
    expect(check).toThrow(ConfigurationError);
    expect(check).toThrow(message);
  });

  it('a lookalike is judged against the function it is set on', () => {
    expect(() => checkVariableNames({ DR_REGION: 'us-west-2' }, COPY_SPEC, 'cloudhsm-ops-copy')).toThrow(
      /DR_REGION .*did you mean DR_REGIONS\?/,
    );
    expect(() => checkVariableNames({ FRESHNESS_GRACE: '6' }, AUDIT_SPEC, 'cloudhsm-ops-audit')).toThrow(
      /FRESHNESS_GRACE .*did you mean FRESHNESS_GRACE_HOURS\?/,
    );
  });

  it("never refuses the platform's variables, another job's variables, or unrelated names", () => {
    const env = {
      AWS_REGION: 'us-east-1',
      AWS_LAMBDA_FUNCTION_NAME: 'x',
      AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
      _HANDLER: 'functions/prune.handler',
      _X_AMZN_TRACE_ID: 'Root=1',
      LAMBDA_TASK_ROOT: '/var/task',
      LAMBDA_RUNTIME_DIR: '/var/runtime',
      POWERTOOLS_LOG_LEVEL: 'INFO',
      POWERTOOLS_METRICS_NAMESPACE: 'CloudHSMOps',
      NODE_OPTIONS: '--enable-source-maps',
      NODE_EXTRA_CA_CERTS: '/etc/ca.pem',
      TZ: ':UTC',
      LANG: 'en_US.UTF-8',
      PATH: '/usr/bin',
      LD_LIBRARY_PATH: '/lib',
      DR_REGIONS: 'us-west-2',
      COPY_SINCE: '48h',
      FRESHNESS_GRACE_HOURS: '6',
      SHELL: '/bin/sh',
      UNRELATED_SETTING: 'x',
    };
    expect(() => checkVariableNames(env, PRUNE_SPEC, 'cloudhsm-ops-prune')).not.toThrow();
    expect(() => checkVariableNames(env, COPY_SPEC, 'cloudhsm-ops-copy')).not.toThrow();
    expect(() => checkVariableNames(env, AUDIT_SPEC, 'cloudhsm-ops-audit')).not.toThrow();
  });

  it('covers every variable the parsers read', () => {
    const covered = new Set(
      parsers.flatMap(([, , cases]) => cases.flatMap((c: EnvCase) => Object.keys(c.env))),
    );
    const read = [
      // lib/config/prune.ts LAMBDA_ENV_KEYS
      'REGIONS',
      'CLUSTER_ID',
      'OLDER_THAN',
      'TIMESTAMP',
      'TIMEZONE',
      'KEEP_LAST',
      'MAX_DELETIONS',
      'COPY_RETENTION_DAYS',
      'DUPLICATE_COPIES',
      'HOLD_TAG',
      'PRUNE_EXECUTE',
      'EVENT_BUS_NAME',
      'EVENT_SOURCE',
      'EVENT_REGION',
      // lib/config/copy.ts copyConfigFromEnv
      'SOURCE_REGIONS',
      'DR_REGIONS',
      'COPY_SINCE',
      'AWS_REGION',
      'CONCURRENCY',
      // lib/config/audit.ts AUDIT_ENV
      'PUBLISH',
      'EVENT_REGION',
      'FRESHNESS_GRACE_HOURS',
      'DR_RPO_HOURS',
    ];
    expect(read.filter((name) => !covered.has(name))).toEqual([]);
    const total = Object.values(AWS_COMMANDS).flat().length + SANDBOX_CASES.length + 1;
    expect(total + PRUNE_ENV.length + COPY_ENV.length + AUDIT_ENV.length).toBeGreaterThanOrEqual(30);
  });
});

describe('a --cluster-id naming no cluster: exit 2 after listing, nothing changed', () => {
  it.each([[[] as string[]], [['--execute']]])('prune %j', async (extra) => {
    const run = await cli([
      'prune',
      '--endpoint',
      test.sandbox.url,
      '--region',
      'us-east-1',
      '--cluster-id',
      'cluster-doesnotexist',
      '--older-than',
      '90d',
      ...extra,
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/no backup of cluster-doesnotexist \(nor any copy of one\) in us-east-1/);
    expect(test.sandbox.requests().filter((r) => r.mutating)).toEqual([]);
  });
});
