/**
 * `npm run package` (osls package) once, offline and without credentials, then assertions on
 * the CloudFormation template it generates and on the function packages themselves.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  actionsOfGrants,
  DISPATCH_GRANTS,
  grantedActions,
  JOB_GRANTS,
  MEMBER_GRANTS,
  PLATFORM_ACTIONS,
  REPORT_GRANTS,
  SECURITY_HUB_GRANTS,
  WORKER_GRANTS,
} from '../../functions/shared/permissions.js';
import type { Job } from '../../functions/shared/runtime.js';
import { KEPT_RUNS } from '../../functions/shared/worker.js';
import { REPORT_PREFIX } from '../../lib/report/s3.js';
import { readZip } from './zip.js';

const run = promisify(execFile);
// CloudFormation Fn::Sub strings, not template literals.
// biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation substitution syntax
const ACCOUNT_BACKUPS = 'arn:${AWS::Partition}:cloudhsm:*:${AWS::AccountId}:backup/*';
const FEED_LOG_GROUP_STREAMS =
  // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation substitution syntax
  'arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:${FeedLogGroup}:*';
const ROOT = new URL('../..', import.meta.url).pathname;
const JOBS = ['audit', 'copy', 'prune'] as const;
const LOGICAL = { audit: 'Audit', copy: 'Copy', prune: 'Prune' } as const;

/** `unshare -n` runs a command with no network at all (root on Linux); elsewhere we cannot prove it. */
function canCutNetwork(): boolean {
  try {
    execFileSync('unshare', ['-n', 'true'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** The environment minus anything that could carry AWS credentials or configuration. */
function credentialFreeEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) if (!name.startsWith('AWS_')) env[name] = value;
  env.AWS_CONFIG_FILE = '/nonexistent/aws-config';
  env.AWS_SHARED_CREDENTIALS_FILE = '/nonexistent/aws-credentials';
  return env;
}

type Resource = {
  Type: string;
  Properties: Record<string, unknown>;
  Condition?: string;
  DependsOn?: unknown;
};
type Statement = {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
};

let out: string;
type Template = { Resources: Record<string, Resource>; Conditions?: Record<string, unknown> };
let template: Template;
/** The organization mode's template (`<out>/organization`). */
let orgTemplate: Template;
const offline = canCutNetwork();

beforeAll(async () => {
  out = mkdtempSync(join(tmpdir(), 'cloudhsm-ops-package-'));
  const command = ['npm', 'run', 'package', '--', '--package', out];
  const [file, ...args] = offline ? ['unshare', '-n', ...command] : command;
  await run(file!, args, { cwd: ROOT, env: credentialFreeEnv(), timeout: 120_000 });
  template = JSON.parse(readFileSync(join(out, 'cloudformation-template-update-stack.json'), 'utf8'));
  orgTemplate = JSON.parse(
    readFileSync(join(out, 'organization', 'cloudformation-template-update-stack.json'), 'utf8'),
  );
}, 150_000);

afterAll(() => {
  if (out) rmSync(out, { recursive: true, force: true });
});

const resource = (id: string): Resource => {
  const found = template.Resources[id];
  if (!found) throw new Error(`no resource ${id} in the template`);
  return found;
};
const ofType = (type: string) => Object.entries(template.Resources).filter(([, r]) => r.Type === type);
const getAtt = (id: string, attribute = 'Arn') => ({ 'Fn::GetAtt': [id, attribute] });
const actionsOf = (statement: Statement) => [statement.Action].flat();
const statementsOf = (roleId: string): Statement[] =>
  (resource(roleId).Properties.Policies as { PolicyDocument: { Statement: Statement[] } }[]).flatMap(
    (policy) => policy.PolicyDocument.Statement,
  );
const cronFields = (expression: string) => {
  const match = /^cron\((.+)\)$/.exec(expression);
  if (!match) throw new Error(`not a cron expression: ${expression}`);
  const [minute, hour, dayOfMonth, month, dayOfWeek, year] = match[1]!.split(' ');
  return { minute, hour, dayOfMonth, month, dayOfWeek, year };
};
/** Hours of the day a cron hour field fires at. */
const hoursOf = (field: string): number[] => {
  if (field === '*') return Array.from({ length: 24 }, (_, h) => h);
  const step = /^(\*|\d+)\/(\d+)$/.exec(field);
  if (step) {
    const start = step[1] === '*' ? 0 : Number(step[1]);
    return Array.from({ length: 24 }, (_, h) => h).filter(
      (h) => h >= start && (h - start) % Number(step[2]) === 0,
    );
  }
  return field.split(',').map(Number);
};

describe('npm run package', () => {
  // beforeAll ran it with the network cut (unshare -n) and no credentials: both templates exist.
  // How long it takes is not a test's to judge (bench/cold-start.ts measures the bundles).
  it.runIf(offline)('packages both modes with no network and no AWS credentials', () => {
    expect(Object.keys(template.Resources).length).toBeGreaterThan(0);
    expect(Object.keys(orgTemplate.Resources).length).toBeGreaterThan(0);
  });

  it('makes one package per function holding only its minified ES-module bundle', () => {
    for (const job of JOBS) {
      // Act
      const files = readZip(join(out, `${job}.zip`));
      // Assess
      expect([...files.keys()]).toEqual([`functions/${job}.mjs`]);
      const bundle = files.get(`functions/${job}.mjs`)!.toString('utf8');
      expect(bundle.startsWith("import { createRequire as __cr } from 'node:module';")).toBe(true);
      expect(bundle.split('\n').length).toBeLessThan(200); // minified
    }
  });

  it('a packaged bundle initialises in a fresh Node process, and fails at init on a bad variable', async () => {
    // Prepare
    const bundle = join(out, 'prune.mjs');
    writeFileSync(bundle, readZip(join(out, 'prune.zip')).get('functions/prune.mjs')!);
    const load = `import(${JSON.stringify(bundle)}).then((m) => console.log(typeof m.handler))`;
    const env = {
      PATH: process.env.PATH,
      AWS_REGION: 'us-east-1',
      REGIONS: 'us-west-2',
      COPY_RETENTION_DAYS: '90',
    };
    // Act
    const good = await run(process.execPath, ['--input-type=module', '-e', load], { env });
    const bad = run(process.execPath, ['--input-type=module', '-e', load], {
      env: { ...env, KEEP_LAST: 'lots' },
    });
    // Assess
    expect(good.stdout.trim()).toBe('function');
    await expect(bad).rejects.toMatchObject({ stderr: expect.stringContaining('KEEP_LAST') });
  });
});

describe('the functions', () => {
  it('run on nodejs22.x with their handler, their own role and no framework-made role', () => {
    for (const job of JOBS) {
      const fn = resource(`${LOGICAL[job]}LambdaFunction`).Properties;
      expect(fn.Runtime).toBe('nodejs22.x');
      expect(fn.Handler).toBe(`functions/${job}.handler`);
      expect(fn.Role).toEqual(getAtt(`${LOGICAL[job]}Role`));
    }
    expect(template.Resources.IamRoleLambdaExecution).toBeUndefined();
  });

  it('have safe environment defaults: prune plans only, audit publishes, all to the feed bus', () => {
    const env = (job: Job) =>
      (
        resource(`${LOGICAL[job]}LambdaFunction`).Properties.Environment as {
          Variables: Record<string, string>;
        }
      ).Variables;
    expect(env('prune')).toMatchObject({
      PRUNE_EXECUTE: 'false',
      REGIONS: 'us-east-1,us-west-2',
      KEEP_LAST: '1',
      MAX_DELETIONS: '50',
      COPY_RETENTION_DAYS: 'source',
      DUPLICATE_COPIES: 'true',
      TIMEZONE: 'UTC',
    });
    expect(env('audit')).toMatchObject({ PUBLISH: 'true', REGIONS: 'us-east-1', DR_REGIONS: 'us-west-2' });
    // The scheduled audit's and prune's copy retention both follow each source cluster (issue 17):
    // what the audit calls a stale or duplicate copy is what the scheduled prune deletes.
    expect(env('audit').COPY_RETENTION_DAYS).toBe('source');
    expect(env('prune').COPY_RETENTION_DAYS).toBe(env('audit').COPY_RETENTION_DAYS);
    expect(env('audit').FAIL_ON).toBeUndefined();
    expect(env('copy')).toMatchObject({ REGIONS: 'us-east-1', DR_REGIONS: 'us-west-2', COPY_SINCE: '48h' });
    for (const job of JOBS) {
      expect(env(job)).toMatchObject({
        EVENT_BUS_NAME: 'cloudhsm-ops',
        EVENT_SOURCE: 'cloudhsm-ops',
        POWERTOOLS_METRICS_NAMESPACE: 'CloudHSMOps',
        POWERTOOLS_SERVICE_NAME: `cloudhsm-ops-${job}`,
      });
      expect(env(job).ENDPOINT_URL).toBeUndefined();
    }
    expect(resource('FeedBus').Properties.Name).toBe('cloudhsm-ops');
  });

  it('keep their logs 90 days', () => {
    for (const job of JOBS) {
      expect(resource(`${LOGICAL[job]}LogGroup`).Properties).toEqual({
        LogGroupName: `/aws/lambda/cloudhsm-ops-prod-${job}`,
        RetentionInDays: 90,
      });
    }
  });

  it('send failed asynchronous invocations to an encrypted queue; the audit is not retried', () => {
    expect(resource('FailedInvocationsQueue').Properties).toMatchObject({ SqsManagedSseEnabled: true });
    for (const job of JOBS) {
      const config = resource(`${LOGICAL[job]}LambdaEvConf`);
      expect(config.Type).toBe('AWS::Lambda::EventInvokeConfig');
      expect(config.Properties).toMatchObject({
        FunctionName: { Ref: `${LOGICAL[job]}LambdaFunction` },
        DestinationConfig: { OnFailure: { Destination: getAtt('FailedInvocationsQueue') } },
        MaximumRetryAttempts: job === 'audit' ? 0 : 2,
      });
    }
    expect(resource('FailedInvocationsAlarm').Properties).toMatchObject({
      AlarmActions: [{ Ref: 'AlertTopic' }],
    });
  });
});

describe('the schedules', () => {
  const schedules = () =>
    Object.fromEntries(
      ofType('AWS::Scheduler::Schedule').map(([, r]): [string, Record<string, unknown>] => {
        const target = r.Properties.Target as { Arn: { 'Fn::GetAtt': [string, string] } };
        return [target.Arn['Fn::GetAtt'][0], r.Properties];
      }),
    );

  it('invoke each function through EventBridge Scheduler, in a time zone, with the scheduler role', () => {
    // Act
    const byFunction = schedules();
    // Assess
    expect(Object.keys(byFunction).sort()).toEqual([
      'AuditLambdaFunction',
      'CopyLambdaFunction',
      'PruneLambdaFunction',
    ]);
    for (const schedule of Object.values(byFunction)) {
      expect(schedule).toMatchObject({
        State: 'ENABLED',
        ScheduleExpressionTimezone: 'UTC',
        FlexibleTimeWindow: { Mode: 'OFF' },
        Target: { RoleArn: getAtt('SchedulerRole') },
      });
      const input = JSON.parse((schedule.Target as { Input: string }).Input);
      expect(input).toMatchObject({
        'detail-type': 'Scheduled Event',
        time: '<aws.scheduler.scheduled-time>',
      });
    }
  });

  it('run copy and audit at least daily, and prune daily outside the hours DST repeats or skips', () => {
    // Act
    const byFunction = schedules();
    const fields = (id: string) => cronFields(byFunction[id]!.ScheduleExpression as string);
    // Assess
    expect(byFunction.CopyLambdaFunction!.ScheduleExpression).toBe('cron(15 */6 * * ? *)');
    expect(byFunction.AuditLambdaFunction!.ScheduleExpression).toBe('cron(0 */4 * * ? *)');
    expect(byFunction.PruneLambdaFunction!.ScheduleExpression).toBe('cron(30 5 * * ? *)');
    for (const id of ['CopyLambdaFunction', 'AuditLambdaFunction']) {
      expect(fields(id)).toMatchObject({ dayOfMonth: '*', month: '*', dayOfWeek: '?', year: '*' });
      expect(hoursOf(fields(id).hour!).length).toBeGreaterThanOrEqual(1);
    }
    const prune = fields('PruneLambdaFunction');
    expect(prune).toMatchObject({ dayOfMonth: '*', month: '*', dayOfWeek: '?', year: '*' });
    expect(hoursOf(prune.hour!)).toHaveLength(1);
    expect(hoursOf(prune.hour!).every((h) => h < 1 || h > 3)).toBe(true);
  });

  it('use a role that EventBridge Scheduler of this account may assume to invoke the three functions, nothing else', () => {
    // Act
    const role = resource('SchedulerRole').Properties;
    // Assess
    expect(role.AssumeRolePolicyDocument).toMatchObject({
      Statement: [
        {
          Principal: { Service: 'scheduler.amazonaws.com' },
          Action: 'sts:AssumeRole',
          Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
        },
      ],
    });
    expect(statementsOf('SchedulerRole')).toEqual([
      {
        Sid: 'InvokeScheduledFunctions',
        Effect: 'Allow',
        Action: 'lambda:InvokeFunction',
        Resource: JOBS.map((job) => getAtt(`${LOGICAL[job]}LambdaFunction`)),
      },
    ]);
  });
});

describe('the function roles', () => {
  for (const job of JOBS) {
    it(`${job}: exactly the granted actions, none wildcard, each on the narrowest resource`, () => {
      // Act
      const statements = statementsOf(`${LOGICAL[job]}Role`);
      const actions = statements.flatMap(actionsOf);
      // Assess: the set of actions
      expect(statements.every((s) => s.Effect === 'Allow')).toBe(true);
      expect(actions.filter((a) => a.includes('*'))).toEqual([]);
      expect(new Set(actions).size).toBe(actions.length);
      expect([...actions].sort()).toEqual(
        [...grantedActions(job), ...PLATFORM_ACTIONS.logs, ...PLATFORM_ACTIONS.failureDestination].sort(),
      );
      // Assess: the resource of each action
      const scopeOf = new Map(JOB_GRANTS[job].map((g) => [g.action, g.scope]));
      for (const statement of statements) {
        for (const action of actionsOf(statement)) {
          const scope = scopeOf.get(action);
          if (scope === 'any') expect(statement.Resource).toBe('*');
          if (scope === 'account-backups')
            expect(statement.Resource).toEqual({
              'Fn::Sub': ACCOUNT_BACKUPS,
            });
          if (scope === 'event-bus') expect(statement.Resource).toEqual(getAtt('FeedBus'));
          if (action.startsWith('logs:'))
            expect(statement.Resource).toEqual(getAtt(`${LOGICAL[job]}LogGroup`));
          if (action.startsWith('sqs:')) expect(statement.Resource).toEqual(getAtt('FailedInvocationsQueue'));
          if (action.startsWith('cloudhsm:'))
            expect(statement.Condition).toMatchObject({
              StringEquals: {
                'aws:RequestedRegion': { 'Fn::Split': [',', expect.stringMatching(/^[a-z0-9-,]+$/)] },
              },
            });
        }
      }
      expect(resource(`${LOGICAL[job]}Role`).Properties.AssumeRolePolicyDocument).toMatchObject({
        Statement: [{ Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      });
    });
  }
});

describe('the findings feed', () => {
  const pattern = (file: string) => JSON.parse(readFileSync(join(ROOT, 'infra/event-rules', file), 'utf8'));

  it('routes HIGH and CRITICAL FAILED findings on the feed bus to the alert topic, which lets only that rule publish', () => {
    // Act
    const rule = resource('HighFindingsRule').Properties;
    const policy = resource('AlertTopicPolicy').Properties.PolicyDocument as { Statement: Statement[] };
    // Assess
    expect(rule).toMatchObject({ EventBusName: { Ref: 'FeedBus' }, State: 'ENABLED' });
    expect(rule.EventPattern).toEqual(pattern('failed-high-critical-findings.json'));
    expect(rule.Targets).toEqual([{ Id: 'alert-topic', Arn: { Ref: 'AlertTopic' } }]);
    expect(policy.Statement.find((s) => s.Sid === 'HighFindingsRule')).toMatchObject({
      Principal: { Service: 'events.amazonaws.com' },
      Action: 'sns:Publish',
      Resource: { Ref: 'AlertTopic' },
      Condition: { ArnEquals: { 'aws:SourceArn': getAtt('HighFindingsRule') } },
    });
  });

  it('subscribes the alert e-mail only when one is given', () => {
    expect(resource('AlertEmailSubscription')).toMatchObject({
      Condition: 'HasAlertEmail',
      Properties: { Protocol: 'email' },
    });
    expect(template.Conditions?.HasAlertEmail).toEqual({ 'Fn::Not': [{ 'Fn::Equals': ['', ''] }] });
  });

  it('keeps every event of the source in a /aws/events/ log group that EventBridge may write to', () => {
    // Act
    const rule = resource('EverythingRule');
    const logPolicy = resource('FeedLogGroupPolicy').Properties.PolicyDocument as { 'Fn::Sub': string };
    const document = JSON.parse(logPolicy['Fn::Sub']) as { Statement: Statement[] };
    // Assess
    expect(rule.Properties.EventPattern).toEqual(pattern('everything-from-source.json'));
    expect(rule.Properties.EventBusName).toEqual({ Ref: 'FeedBus' });
    expect(rule.DependsOn).toEqual(['FeedLogGroupPolicy']);
    expect(resource('FeedLogGroup').Properties).toEqual({
      LogGroupName: '/aws/events/cloudhsm-ops-prod-feed',
      RetentionInDays: 90,
    });
    expect(document.Statement).toEqual([
      expect.objectContaining({
        Effect: 'Allow',
        Principal: { Service: ['events.amazonaws.com', 'delivery.logs.amazonaws.com'] },
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: FEED_LOG_GROUP_STREAMS,
      }),
    ]);
  });
});

describe('the fleet report bucket (issue 15)', () => {
  it('is off by default: the bucket, its policy and the grant exist only when fleetReport is "true"', () => {
    expect(template.Conditions?.HasFleetReport).toEqual({ 'Fn::Equals': ['false', 'true'] });
    for (const id of ['ReportBucket', 'ReportBucketPolicy', 'AuditReportPolicy'])
      expect(resource(id).Condition).toBe('HasFleetReport');
    const env = (
      resource('AuditLambdaFunction').Properties.Environment as { Variables: Record<string, unknown> }
    ).Variables;
    expect(env.REPORT_BUCKET).toEqual({
      'Fn::If': ['HasFleetReport', { Ref: 'ReportBucket' }, { Ref: 'AWS::NoValue' }],
    });
    for (const job of ['copy', 'prune'] as const) {
      const other = resource(`${LOGICAL[job]}LambdaFunction`).Properties.Environment as {
        Variables: Record<string, unknown>;
      };
      expect(other.Variables.REPORT_BUCKET).toBeUndefined();
    }
  });

  it('grants the audit role exactly REPORT_GRANTS, on the report prefix of that bucket only', () => {
    const policy = resource('AuditReportPolicy').Properties as {
      Roles: unknown[];
      PolicyDocument: { Statement: Statement[] };
    };
    expect(policy.Roles).toEqual([{ Ref: 'AuditRole' }]);
    expect(policy.PolicyDocument.Statement.flatMap(actionsOf).sort()).toEqual(
      REPORT_GRANTS.map((g) => g.action).sort(),
    );
    for (const statement of policy.PolicyDocument.Statement) {
      expect(statement.Effect).toBe('Allow');
      // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation substitution syntax
      expect(statement.Resource).toEqual({ 'Fn::Sub': '${ReportBucket.Arn}/cloudhsm-ops/fleet-report/*' });
    }
    expect(REPORT_PREFIX).toBe('cloudhsm-ops/fleet-report/');
  });

  it('grants the audit role exactly SECURITY_HUB_GRANTS when securityHub is on, on its own product and hub only', () => {
    const policy = resource('AuditSecurityHubPolicy') as Resource & { Condition?: string };
    expect(policy.Condition).toBe('HasSecurityHub');
    const properties = policy.Properties as { Roles: unknown[]; PolicyDocument: { Statement: Statement[] } };
    expect(properties.Roles).toEqual([{ Ref: 'AuditRole' }]);
    const statements = properties.PolicyDocument.Statement;
    expect(statements.flatMap(actionsOf).sort()).toEqual(SECURITY_HUB_GRANTS.map((g) => g.action).sort());
    const resourceOf = (action: string) => statements.find((s) => actionsOf(s).includes(action))?.Resource;
    expect(resourceOf('securityhub:BatchImportFindings')).toEqual({
      // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation substitution syntax
      'Fn::Sub': 'arn:${AWS::Partition}:securityhub:*:${AWS::AccountId}:product/${AWS::AccountId}/default',
    });
    expect(resourceOf('securityhub:GetFindings')).toEqual({
      // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation substitution syntax
      'Fn::Sub': 'arn:${AWS::Partition}:securityhub:*:${AWS::AccountId}:hub/default',
    });
    const audit = resource('AuditLambdaFunction').Properties.Environment as {
      Variables: Record<string, unknown>;
    };
    expect(audit.Variables.SECURITY_HUB).toBe('false');
  });

  it('keeps the bucket private, encrypted and reachable over TLS only', () => {
    expect(resource('ReportBucket').Properties).toMatchObject({
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
    });
    const policy = resource('ReportBucketPolicy').Properties.PolicyDocument as { Statement: Statement[] };
    expect(policy.Statement).toEqual([
      expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    ]);
  });
});

describe('organization mode (the organization parameter "true", issue 13)', () => {
  const orgResource = (id: string): Resource => {
    const found = orgTemplate.Resources[id];
    if (!found) throw new Error(`no resource ${id} in the organization template`);
    return found;
  };
  const orgStatements = (roleId: string): Statement[] =>
    (orgResource(roleId).Properties.Policies as { PolicyDocument: { Statement: Statement[] } }[]).flatMap(
      (policy) => policy.PolicyDocument.Statement,
    );
  const orgEnv = (id: string) =>
    (orgResource(id).Properties.Environment as { Variables: Record<string, unknown> }).Variables;

  it('packages the dispatch and worker functions only, each its own minified bundle, next to the single-account package', () => {
    const functions = Object.entries(orgTemplate.Resources)
      .filter(([, r]) => r.Type === 'AWS::Lambda::Function')
      .map(([id]) => id)
      .sort();
    expect(functions).toEqual(['DispatchLambdaFunction', 'WorkerLambdaFunction']);
    for (const name of ['dispatch', 'worker']) {
      const files = readZip(join(out, 'organization', `${name}.zip`));
      expect([...files.keys()]).toEqual([`functions/${name}.mjs`]);
      expect(
        orgResource(`${name === 'dispatch' ? 'Dispatch' : 'Worker'}LambdaFunction`).Properties,
      ).toMatchObject({
        Runtime: 'nodejs22.x',
        Handler: `functions/${name}.handler`,
      });
    }
    // The single-account package holds its three functions only.
    expect(
      ofType('AWS::Lambda::Function')
        .map(([id]) => id)
        .sort(),
    ).toEqual(['AuditLambdaFunction', 'CopyLambdaFunction', 'PruneLambdaFunction']);
    // The member accounts' role template is packaged as it is in the repository.
    expect(readFileSync(join(out, 'member-role.yml'), 'utf8')).toBe(
      readFileSync(join(ROOT, 'infra/member-role.yml'), 'utf8'),
    );
  });

  it('a value of the organization parameter other than "true" or "false" fails packaging', async () => {
    const bad = run('npx', ['osls', 'package', '--param=organization=yes', '--package', join(out, 'bad')], {
      cwd: ROOT,
      env: credentialFreeEnv(),
      timeout: 120_000,
    });
    await expect(bad).rejects.toMatchObject({
      stdout: expect.stringMatching(/Cannot resolve variable at "functions"/),
    });
  }, 130_000);

  it('a packaged worker initialises in a fresh Node process, and fails at init on a bad variable', async () => {
    const bundle = join(out, 'worker.mjs');
    writeFileSync(bundle, readZip(join(out, 'organization', 'worker.zip')).get('functions/worker.mjs')!);
    const load = `import(${JSON.stringify(bundle)}).then((m) => console.log(typeof m.handler))`;
    const env = {
      PATH: process.env.PATH,
      AWS_REGION: 'us-east-1',
      REGIONS: 'us-east-1',
      DR_REGIONS: 'us-west-2',
    };
    const good = await run(process.execPath, ['--input-type=module', '-e', load], { env });
    const bad = run(process.execPath, ['--input-type=module', '-e', load], {
      env: { ...env, MAX_DELETIONS: 'all' },
    });
    expect(good.stdout.trim()).toBe('function');
    await expect(bad).rejects.toMatchObject({ stderr: expect.stringContaining('MAX_DELETIONS') });
  });

  it('the units queue hides a unit six worker timeouts long, and moves it to an encrypted DLQ after 3 receives', () => {
    const worker = orgResource('WorkerLambdaFunction').Properties;
    const queue = orgResource('UnitsQueue').Properties;
    expect(queue.VisibilityTimeout as number).toBeGreaterThanOrEqual(6 * (worker.Timeout as number));
    expect(queue).toMatchObject({
      SqsManagedSseEnabled: true,
      RedrivePolicy: { deadLetterTargetArn: getAtt('UnitsDeadLetterQueue'), maxReceiveCount: 3 },
    });
    const dlq = orgResource('UnitsDeadLetterQueue').Properties;
    expect(dlq).toMatchObject({
      SqsManagedSseEnabled: true,
      RedriveAllowPolicy: { redrivePermission: 'byQueue' },
    });
    expect(dlq.MessageRetentionPeriod as number).toBeGreaterThan(queue.MessageRetentionPeriod as number);
    expect(orgResource('UnitsDeadLetterAlarm').Properties).toMatchObject({
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: getAtt('UnitsDeadLetterQueue', 'QueueName') }],
      AlarmActions: [{ Ref: 'AlertTopic' }],
    });
  });

  it('the worker consumes the queue with ReportBatchItemFailures, small batches and a maximum concurrency', () => {
    const mappings = Object.values(orgTemplate.Resources).filter(
      (r) => r.Type === 'AWS::Lambda::EventSourceMapping',
    );
    expect(mappings).toHaveLength(1);
    const mapping = mappings[0]!.Properties;
    expect(mapping).toMatchObject({
      EventSourceArn: getAtt('UnitsQueue'),
      FunctionName: getAtt('WorkerLambdaFunction'),
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 10 },
    });
    expect(mapping.BatchSize as number).toBeLessThanOrEqual(10);
    // A warm worker keeps KEPT_RUNS runs' member credentials: one batch must not evict its own.
    expect(mapping.BatchSize as number).toBeLessThan(KEPT_RUNS);
  });

  it('dispatch runs once per job on the jobs’ schedules, the job named in the input, not retried', () => {
    const schedules = Object.values(orgTemplate.Resources)
      .filter((r) => r.Type === 'AWS::Scheduler::Schedule')
      .map((r) => r.Properties as { ScheduleExpression: string; Target: { Arn: unknown; Input: string } });
    const byJob = Object.fromEntries(
      schedules.map((s) => [JSON.parse(s.Target.Input).detail.job as string, s.ScheduleExpression]),
    );
    expect(byJob).toEqual({
      audit: 'cron(0 */4 * * ? *)',
      copy: 'cron(15 */6 * * ? *)',
      prune: 'cron(30 5 * * ? *)',
    });
    for (const schedule of schedules) {
      expect(schedule.Target.Arn).toEqual(getAtt('DispatchLambdaFunction'));
      expect(JSON.parse(schedule.Target.Input)).toMatchObject({ time: '<aws.scheduler.scheduled-time>' });
    }
    expect(orgResource('DispatchLambdaEvConf').Properties).toMatchObject({ MaximumRetryAttempts: 0 });
    expect(orgEnv('DispatchLambdaFunction')).toMatchObject({
      QUEUE_URL: { Ref: 'UnitsQueue' },
      MEMBER_ROLE_NAME: 'cloudhsm-ops-member',
      ORGANIZATION: { 'Fn::If': ['HasAccountList', { Ref: 'AWS::NoValue' }, 'true'] },
    });
    expect(orgEnv('WorkerLambdaFunction')).toMatchObject({ PRUNE_EXECUTE: 'false', PUBLISH: 'true' });
  });

  it('dispatch may list the organization and send to its queue, nothing more', () => {
    const statements = orgStatements('DispatchRole');
    expect(statements.flatMap(actionsOf).sort()).toEqual(
      [
        ...actionsOfGrants(DISPATCH_GRANTS),
        ...PLATFORM_ACTIONS.logs,
        ...PLATFORM_ACTIONS.failureDestination,
      ].sort(),
    );
    const sends = statements.filter((s) => actionsOf(s).includes('sqs:SendMessage')).map((s) => s.Resource);
    expect(sends).toHaveLength(2);
    expect(sends).toEqual(expect.arrayContaining([getAtt('FailedInvocationsQueue'), getAtt('UnitsQueue')]));
    for (const s of statements.filter((s) => actionsOf(s).some((a) => a.startsWith('organizations:')))) {
      expect(s.Resource).toBe('*');
    }
  });

  it('the worker may assume the member role by name only, publish, consume its queue, and act in its own account', () => {
    const statements = orgStatements('WorkerRole');
    const actions = statements.flatMap(actionsOf);
    expect(new Set(actions).size).toBe(actions.length);
    expect([...actions].sort()).toEqual(
      [...actionsOfGrants([...WORKER_GRANTS, ...MEMBER_GRANTS]), ...PLATFORM_ACTIONS.logs].sort(),
    );
    expect(actions.filter((a) => a.startsWith('organizations:'))).toEqual([]);
    const resourceOf = (action: string) => statements.find((s) => actionsOf(s).includes(action))!.Resource;
    expect(resourceOf('sts:AssumeRole')).toEqual({
      // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation substitution syntax
      'Fn::Sub': 'arn:${AWS::Partition}:iam::*:role/cloudhsm-ops-member',
    });
    for (const action of ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'])
      expect(resourceOf(action)).toEqual(getAtt('UnitsQueue'));
    expect(resourceOf('events:PutEvents')).toEqual(getAtt('FeedBus'));
    const scopeOf = new Map(MEMBER_GRANTS.map((g) => [g.action, g.scope]));
    for (const [action, scope] of scopeOf) {
      expect(resourceOf(action)).toEqual(scope === 'any' ? '*' : { 'Fn::Sub': ACCOUNT_BACKUPS });
    }
    expect(orgResource('WorkerRole').Properties.RoleName).toBe('cloudhsm-ops-prod-us-east-1-worker');
  });
});
