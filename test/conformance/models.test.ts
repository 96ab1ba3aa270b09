/**
 * The sandbox held to AWS's own service models (issue 16 §1), read from the installed botocore at
 * test time (skipped with a warning where there is none):
 * - the sandbox's generated copy (sandbox/models/aws-models.json) matches that botocore, and covers
 *   exactly the operations the sandbox implements;
 * - every constraint of every input shape of those operations (required, type, pattern, length,
 *   range, enum) is tried once valid and once invalid: the invalid try gets AWS's validation error
 *   naming the member, the valid one does not; in an operation that imports a batch one item at a
 *   time (Security Hub's BatchImportFindings, REST-JSON), a constraint inside an item instead fails
 *   only that item, listed in the response by its Id and naming the member (see BATCHES);
 * - a scenario that makes every operation succeed has each response checked against its output
 *   shape: no member the model lacks, every required member present, timestamps as the protocol
 *   encodes them (JSON 1.1: epoch seconds; EC2/awsQuery: ISO 8601; Security Hub's findings hold
 *   their times as ISO 8601 strings, which the model types as strings).
 */
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../sandbox/index.js';
import { MODELS } from '../../sandbox/model.js';
import { cloudHsmHandlers } from '../../sandbox/services/cloudhsm.js';
import { ec2Handlers } from '../../sandbox/services/ec2.js';
import { eventsHandlers } from '../../sandbox/services/events.js';
import { kmsHandlers } from '../../sandbox/services/kms.js';
import { organizationsHandlers } from '../../sandbox/services/organizations.js';
import { securityHubHandlers } from '../../sandbox/services/securityhub.js';
import { stsHandlers } from '../../sandbox/services/sts.js';
import { CLUSTER_A, SUBNETS, seqId, smallFleet } from '../support/fleet.js';
import { OU_PAYMENTS, orgFleet, PAYMENTS, ROLE, ROOT } from '../support/org-fleet.js';
import { jsonCall, queryCall, type RawAnswer, restJsonCall } from '../support/raw-aws.js';
import {
  applyCase,
  botocoreDir,
  type Case,
  checkJsonOutput,
  checkXmlOutput,
  constraintCases,
  judgedPerItem,
  loadModel,
  type Model,
  parseXml,
  toQuery,
  ValueMaker,
  valueAt,
  wholeMatch,
} from './model-walk.js';

const DIR = botocoreDir();
const EAST = 'us-east-1';
const ACCOUNT = '111122223333';
const BACKUP = seqId('backup', 0);
const BACKUP_ARN = `arn:aws:cloudhsm:${EAST}:${ACCOUNT}:backup/${BACKUP}`;
const CERT = '-----BEGIN CERTIFICATE-----\nMIIBsandbox==\n-----END CERTIFICATE-----';

type Service = 'cloudhsm' | 'events' | 'ec2' | 'sts' | 'kms' | 'securityhub' | 'organizations';
const BOTOCORE: Record<Service, string> = {
  cloudhsm: 'cloudhsmv2',
  events: 'events',
  ec2: 'ec2',
  sts: 'sts',
  kms: 'kms',
  securityhub: 'securityhub',
  organizations: 'organizations',
};
const HANDLERS: Record<Service, object> = {
  cloudhsm: cloudHsmHandlers,
  events: eventsHandlers,
  ec2: ec2Handlers,
  sts: stsHandlers,
  kms: kmsHandlers,
  securityhub: securityHubHandlers,
  organizations: organizationsHandlers,
};
/** AWS's validation error codes: [invalid value, missing member]. */
const CODES: Record<Service, [string, string]> = {
  cloudhsm: ['CloudHsmInvalidRequestException', 'CloudHsmInvalidRequestException'],
  events: ['ValidationException', 'ValidationException'],
  ec2: ['InvalidParameterValue', 'MissingParameter'],
  sts: ['ValidationError', 'ValidationError'],
  kms: ['ValidationException', 'ValidationException'],
  securityhub: ['InvalidInputException', 'InvalidInputException'],
  organizations: ['InvalidInputException', 'InvalidInputException'],
};

/** Valid values for the patterned shapes, naming things the test fleet has. */
const EXAMPLES: Record<string, unknown> = {
  BackupId: BACKUP,
  BackupArn: BACKUP,
  ClusterId: CLUSTER_A,
  HsmId: seqId('hsm', 1),
  Region: 'us-west-2',
  ExternalAz: 'us-east-1a',
  SubnetId: SUBNETS[0],
  IpAddress: '10.0.0.99',
  EniId: 'eni-0a000000000000001',
  Cert: CERT,
  HsmType: 'hsm2m.medium',
  CloudHsmArn: BACKUP_ARN,
  ResourceId: CLUSTER_A,
  TagKey: 'env',
  TagValue: 'prod',
  Field: 'clusterIds',
  BackupRetentionValue: '90',
  NonPartnerEventBusNameOrArn: 'default',
  EndpointId: 'abcde.veo',
  tokenCodeType: '123456',
  ParentId: 'r-ab12',
};

/**
 * Valid items for lists of structures without a required member: the query protocol cannot send
 * an empty structure, so a list of them would go over the wire empty.
 */
const STRUCTURE_EXAMPLES: Record<string, unknown> = {
  ProvidedContext: {
    ProviderArn: 'arn:aws:iam::aws:contextProvider/IdentityCenter',
    ContextAssertion: 'abcd',
  },
};

const models = DIR
  ? (Object.fromEntries(Object.entries(BOTOCORE).map(([s, b]) => [s, loadModel(DIR, b)])) as Record<
      Service,
      Model
    >)
  : undefined;

const lowerFirst = (name: string) => name.charAt(0).toLowerCase() + name.slice(1);

/**
 * The member name an error message must mention for a case: the last named step of its path, as a
 * request error spells it (lower camel case) or, with `lower` false, as the JSON names it.
 */
function memberOf(c: Case, lower = true): string {
  const named = c.path.filter((step): step is string => typeof step === 'string');
  const last = named.at(-1) ?? '';
  if (last.startsWith('{')) return last.slice(1, -1);
  return lower ? lowerFirst(last) : last;
}

/** `[code, message]` of an error answer, or undefined for a success. */
function errorOf(service: Service, answer: RawAnswer): [string, string] | undefined {
  if (answer.status === 200) return undefined;
  if (isJson(service)) {
    return [String(answer.body.__type), String(answer.body.Message ?? '')];
  }
  const code = /<Code>([^<]*)<\/Code>/.exec(answer.text)?.[1] ?? '';
  const message = /<Message>([^<]*)<\/Message>/.exec(answer.text)?.[1] ?? '';
  return [
    code,
    message
      .replace(/&apos;/g, "'")
      .replace(/&quot;/g, '"')
      .replace(/&amp;/g, '&'),
  ];
}

/** The services that answer in JSON: JSON 1.1, and REST-JSON (Security Hub); the others speak the query protocols. */
const isJson = (
  service: Service,
): service is 'cloudhsm' | 'events' | 'kms' | 'securityhub' | 'organizations' =>
  service === 'cloudhsm' ||
  service === 'events' ||
  service === 'kms' ||
  service === 'securityhub' ||
  service === 'organizations';

/**
 * A finding Security Hub imports: the caller's own account under its default product ARN, every
 * attribute ASFF requires (including Types and Severity, which the model leaves optional).
 */
const FINDING = {
  SchemaVersion: '2018-10-08',
  Id: 'model-walk/finding-1',
  ProductArn: `arn:aws:securityhub:${EAST}:${ACCOUNT}:product/${ACCOUNT}/default`,
  GeneratorId: 'model-walk',
  AwsAccountId: ACCOUNT,
  Types: ['Software and Configuration Checks/AWS Security Best Practices'],
  CreatedAt: '2026-11-29T12:00:00Z',
  UpdatedAt: '2026-11-29T12:00:00Z',
  Severity: { Label: 'HIGH' },
  Title: 'A finding',
  Description: 'What was found.',
  Resources: [{ Type: 'Other', Id: 'resource-1' }],
};

/**
 * Operations that import a batch of items one by one: the valid request they are walked from, and
 * where an item sits. A constraint inside an item fails only that item (listed in the response);
 * the batch's own constraints and every type fail the request (see judgedPerItem).
 */
const BATCHES: Record<string, { base: Record<string, unknown>; item: (string | number)[] }> = {
  'securityhub BatchImportFindings': { base: { Findings: [FINDING] }, item: ['Findings', 0] },
};

/** The item failures a batch response lists: `[Id, ErrorCode, ErrorMessage]`. */
function failedItems(answer: RawAnswer): [string, string, string][] {
  const failed = (answer.body.FailedFindings ?? []) as {
    Id: string;
    ErrorCode: string;
    ErrorMessage: string;
  }[];
  return failed.map((f) => [f.Id, f.ErrorCode, f.ErrorMessage]);
}

const isModelError = (error: [string, string] | undefined) =>
  error?.[1].startsWith('1 validation error detected');

function call(
  sandbox: Sandbox,
  service: Service,
  model: Model,
  operation: string,
  request: Record<string, unknown>,
) {
  if (model.metadata.protocol === 'rest-json') {
    const { method, requestUri } = model.operations[operation]!.http!;
    return restJsonCall(sandbox.url, 'securityhub', method, requestUri, EAST, request);
  }
  if (isJson(service)) {
    return jsonCall(
      sandbox.url,
      service as 'cloudhsm' | 'events' | 'kms' | 'organizations',
      `${model.metadata.targetPrefix}.${operation}`,
      EAST,
      request,
    );
  }
  const input = model.operations[operation]!.input?.shape;
  const params = input ? toQuery(model, input, request, '', service === 'ec2', {}) : {};
  const version = service === 'ec2' ? '2016-11-15' : '2011-06-15';
  return queryCall(sandbox.url, service, EAST, { Action: operation, Version: version, ...params });
}

describe.skipIf(!DIR)('the sandbox against botocore’s service models', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ fleet: smallFleet(3) });
  });
  afterAll(() => sandbox?.close());

  it('has a generated model copy that matches the installed botocore', () => {
    // Act
    const output = execFileSync('node', ['scripts/sandbox-models.mjs', '--check', '--botocore', DIR!], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    // Assess
    expect(output).toMatch(/matches botocore/);
  });

  it.each(Object.keys(BOTOCORE) as Service[])(
    'models exactly the %s operations the sandbox implements',
    (service) => {
      // Act
      const modelled = Object.keys(MODELS[service].operations).sort();
      // Assess
      expect(modelled).toEqual(Object.keys(HANDLERS[service]).sort());
      for (const operation of modelled) expect(models![service].operations[operation]).toBeDefined();
    },
  );

  it('has an example for every patterned shape that matches its pattern', () => {
    // Act
    const wrong = Object.entries(EXAMPLES).filter(([shape, value]) => {
      const found = Object.values(models!).find((m) => m.shapes[shape])?.shapes[shape];
      return !found?.pattern || !wholeMatch(found.pattern).test(String(value));
    });
    // Assess
    expect(wrong).toEqual([]);
  });

  const operations = (Object.keys(BOTOCORE) as Service[]).flatMap((service) =>
    Object.keys(MODELS[service].operations).map((operation) => [service, operation] as const),
  );

  it.each(operations)('%s %s: each input constraint once valid, once invalid', async (service, operation) => {
    // Prepare
    const model = models![service];
    const input = model.operations[operation]!.input?.shape;
    const maker = new ValueMaker(model, { ...EXAMPLES, ...STRUCTURE_EXAMPLES });
    const cases = input ? constraintCases(model, input, maker, service === 'ec2' || service === 'sts') : [];
    const batch = BATCHES[`${service} ${operation}`];
    const base = batch?.base ?? (input ? maker.required(input) : {});
    const [invalidCode, missingCode] = CODES[service];
    const failures: string[] = [];
    let perItem = 0;
    // Act
    for (const c of cases) {
      // A batch is walked from a valid item: a valid case keeps the item's own value where it has one.
      const tried =
        batch && c.valid && valueAt(base, c.path) !== undefined ? { ...c, value: valueAt(base, c.path) } : c;
      const request = applyCase(base, maker, input!, tried);
      const answer = await call(sandbox, service, model, operation, request);
      const error = errorOf(service, answer);
      if (c.valid && isModelError(error)) failures.push(`${c.label}: valid value refused: ${error![1]}`);
      if (batch && c.valid && failedItems(answer).length > 0)
        failures.push(`${c.label}: valid item refused: ${failedItems(answer).join('; ')}`);
      if (batch && !c.valid && judgedPerItem(c, batch.item)) {
        perItem++;
        // The request goes through; the one item is listed as failed, by its Id, naming the member.
        const id = String(valueAt(request, [...batch.item, 'Id']) ?? '');
        const member = memberOf(c, false);
        const [item] = failedItems(answer);
        if (
          error ||
          failedItems(answer).length !== 1 ||
          item![0] !== id ||
          item![1] !== 'InvalidInput' ||
          !item![2].includes(member)
        ) {
          failures.push(
            `${c.label}: expected item ${id} failed (InvalidInput) naming ${member}, got ${error ? error.join(': ') : JSON.stringify(failedItems(answer))}`,
          );
        }
        continue;
      }
      if (!c.valid) {
        const code = c.omit ? missingCode : invalidCode;
        if (!error || error[0] !== code || !isModelError(error) || !error[1].includes(memberOf(c))) {
          failures.push(
            `${c.label}: expected ${code} naming ${memberOf(c)}, got ${error ? error.join(': ') : 'success'}`,
          );
        }
      }
    }
    // Assess
    expect(failures).toEqual([]);
    expect(!batch || perItem > 0, 'a batch operation has constraints judged per item').toBe(true);
    expect(cases.length > 0 || !input || Object.keys(model.shapes[input]!.members ?? {}).length === 0).toBe(
      true,
    );
  });
});

describe.skipIf(!DIR)('sandbox responses against the output shapes', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ fleet: smallFleet(3) });
  });
  afterAll(() => sandbox?.close());

  /** Calls a JSON operation, expects success, and returns the problems the output shape finds. */
  async function checked(service: 'cloudhsm' | 'events', operation: string, input: unknown, region = EAST) {
    const model = models![service];
    const answer = await jsonCall(
      sandbox.url,
      service,
      `${model.metadata.targetPrefix}.${operation}`,
      region,
      input,
    );
    expect(answer.status, `${operation}: ${answer.text}`).toBe(200);
    const shape = model.operations[operation]!.output?.shape;
    return { body: answer.body, problems: shape ? checkJsonOutput(model, shape, answer.body) : [] };
  }

  it('answers every CloudHSM v2 operation with a response the model allows', async () => {
    // Prepare
    const problems: Record<string, string[]> = {};
    const done = new Set<string>();
    const run = async (operation: string, input: unknown, region = EAST) => {
      const result = await checked('cloudhsm', operation, input, region);
      done.add(operation);
      if (result.problems.length > 0) problems[`${operation} ${JSON.stringify(input)}`] = result.problems;
      return result.body;
    };
    // Act
    await run('DescribeClusters', {});
    await run('DescribeBackups', {});
    await run('DescribeBackups', { MaxResults: 1, SortAscending: true });
    await run('CopyBackupToRegion', {
      BackupId: BACKUP,
      DestinationRegion: 'us-west-2',
      TagList: [{ Key: 'copy', Value: 'yes' }],
    });
    await run('DescribeBackups', {}, 'us-west-2');
    await run('DeleteBackup', { BackupId: seqId('backup', 2) });
    await run('DescribeBackups', { Filters: { states: ['PENDING_DELETION'] } });
    await run('RestoreBackup', { BackupId: seqId('backup', 2) });
    await run('ModifyBackupAttributes', { BackupId: seqId('backup', 2), NeverExpires: true });
    await run('ModifyCluster', {
      ClusterId: CLUSTER_A,
      BackupRetentionPolicy: { Type: 'DAYS', Value: '30' },
    });
    await run('TagResource', { ResourceId: CLUSTER_A, TagList: [{ Key: 'team', Value: 'hsm' }] });
    await run('ListTags', { ResourceId: CLUSTER_A, MaxResults: 1 });
    await run('UntagResource', { ResourceId: CLUSTER_A, TagKeyList: ['team'] });
    const created = await run('CreateCluster', {
      HsmType: 'hsm2m.medium',
      SubnetIds: [SUBNETS[0]],
      Mode: 'NON_FIPS',
      TagList: [{ Key: 'env', Value: 'test' }],
    });
    const newCluster = (created.Cluster as { ClusterId: string }).ClusterId;
    await run('InitializeCluster', { ClusterId: newCluster, SignedCert: CERT, TrustAnchor: CERT });
    const hsm = await run('CreateHsm', { ClusterId: CLUSTER_A, AvailabilityZone: 'us-east-1c' });
    await run('DescribeClusters', { Filters: { clusterIds: [CLUSTER_A] } });
    await run('DeleteHsm', { ClusterId: CLUSTER_A, HsmId: (hsm.Hsm as { HsmId: string }).HsmId });
    await run('DeleteCluster', { ClusterId: newCluster });
    await run('PutResourcePolicy', {
      ResourceArn: BACKUP_ARN,
      Policy: '{"Version":"2012-10-17","Statement":[]}',
    });
    await run('GetResourcePolicy', { ResourceArn: BACKUP_ARN });
    await run('DeleteResourcePolicy', { ResourceArn: BACKUP_ARN });
    // Assess
    expect(problems).toEqual({});
    expect([...done].sort()).toEqual(
      Object.keys(models!.cloudhsm.operations)
        .filter((op) => op in cloudHsmHandlers)
        .sort(),
    );
  });

  it('answers PutEvents (accepted and failed entries) with a response the model allows', async () => {
    // Act
    const { body, problems } = await checked('events', 'PutEvents', {
      Entries: [
        { Source: 'cloudhsm-ops', DetailType: 'CloudHSM Finding', Detail: '{"a":1}', Time: 1_795_000_000 },
        { Source: 'cloudhsm-ops', DetailType: 'CloudHSM Finding' },
      ],
    });
    // Assess
    expect(problems).toEqual([]);
    expect(body.FailedEntryCount).toBe(1);
  });

  it('answers KMS DescribeCustomKeyStores (all, one page, by name) with a response the model allows', async () => {
    // Prepare
    const fleet = smallFleet(3);
    fleet.regions[EAST]!.customKeyStores = [
      {
        id: 'cks-0a000000000000001',
        name: 'primary',
        clusterId: CLUSTER_A,
        createdAt: '2026-01-01T00:00:00Z',
      },
      {
        id: 'cks-0a000000000000002',
        name: 'broken',
        clusterId: CLUSTER_A,
        state: 'FAILED',
        errorCode: 'NETWORK_ERRORS',
      },
    ];
    const kms = await startSandbox({ fleet });
    const model = models!.kms;
    const shape = model.operations.DescribeCustomKeyStores!.output!.shape;
    try {
      // Act
      const answers = [];
      for (const input of [{}, { Limit: 1 }, { CustomKeyStoreName: 'broken' }]) {
        answers.push(
          await jsonCall(
            kms.url,
            'kms',
            `${model.metadata.targetPrefix}.DescribeCustomKeyStores`,
            EAST,
            input,
          ),
        );
      }
      // Assess
      for (const answer of answers) {
        expect(answer.status, answer.text).toBe(200);
        expect(checkJsonOutput(model, shape, answer.body)).toEqual([]);
      }
      expect(answers.map((a) => (a.body.CustomKeyStores as unknown[]).length)).toEqual([2, 1, 1]);
      expect(answers[1]!.body.NextMarker).toEqual(expect.any(String));
    } finally {
      await kms.close();
    }
  });

  it('answers Security Hub BatchImportFindings (imported and failed) and GetFindings (all, one page, filtered) with responses the model allows', async () => {
    // Prepare
    const model = models!.securityhub;
    const send = (operation: string, input: unknown) => {
      const { method, requestUri } = model.operations[operation]!.http!;
      return restJsonCall(sandbox.url, 'securityhub', method, requestUri, EAST, input);
    };
    const second = { ...FINDING, Id: 'model-walk/finding-2', Compliance: { Status: 'PASSED' } };
    const broken = { ...FINDING, Id: 'model-walk/broken', Title: ' ' };
    // Act
    const answers = [
      ['BatchImportFindings', await send('BatchImportFindings', { Findings: [FINDING, second, broken] })],
      ['GetFindings', await send('GetFindings', {})],
      ['GetFindings', await send('GetFindings', { MaxResults: 1 })],
      [
        'GetFindings',
        await send('GetFindings', {
          Filters: { ComplianceStatus: [{ Value: 'PASSED', Comparison: 'EQUALS' }] },
        }),
      ],
    ] as const;
    // Assess
    for (const [operation, answer] of answers) {
      expect(answer.status, answer.text).toBe(200);
      expect(checkJsonOutput(model, model.operations[operation]!.output!.shape, answer.body)).toEqual([]);
    }
    expect(answers[0][1].body).toMatchObject({ SuccessCount: 2, FailedCount: 1 });
    expect(answers.slice(1).map(([, a]) => (a.body.Findings as unknown[]).length)).toEqual([2, 1, 1]);
    expect(answers[2][1].body.NextToken).toEqual(expect.any(String));
  });

  it.each([
    ['ec2', 'DescribeAvailabilityZones', {}],
    ['ec2', 'DescribeSubnets', {}],
    ['ec2', 'DescribeSubnets', { MaxResults: '5' }],
    ['ec2', 'DescribeSecurityGroups', {}],
    ['sts', 'GetCallerIdentity', {}],
  ] as const)('answers %s %s %j with XML the model allows', async (service, operation, params) => {
    // Prepare
    const model = models![service];
    const { shape, resultWrapper } = model.operations[operation]!.output!;
    // Act
    const answer = await call(sandbox, service, model, operation, {});
    const withParams = await queryCall(sandbox.url, service, EAST, {
      Action: operation,
      Version: service === 'ec2' ? '2016-11-15' : '2011-06-15',
      ...params,
    });
    // Assess
    for (const { status, text } of [answer, withParams]) {
      expect(status, text).toBe(200);
      const root = parseXml(text)[`${operation}Response`]![0] as Record<string, unknown[]>;
      const { requestId: _id, ResponseMetadata: _meta, ...rest } = root;
      const node = resultWrapper ? (rest[resultWrapper]?.[0] ?? '') : rest;
      expect(checkXmlOutput(model, shape, node, operation, service === 'ec2')).toEqual([]);
    }
  });
});

describe.skipIf(!DIR)('organization responses against the output shapes', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ fleet: orgFleet() });
  });
  afterAll(() => sandbox?.close());

  it('answers every Organizations operation (first and later pages) with a response the model allows', async () => {
    // Prepare
    const model = models!.organizations;
    const problems: Record<string, string[]> = {};
    const done = new Set<string>();
    const run = async (operation: string, input: Record<string, unknown>) => {
      const answer = await jsonCall(
        sandbox.url,
        'organizations',
        `${model.metadata.targetPrefix}.${operation}`,
        EAST,
        input,
      );
      expect(answer.status, `${operation}: ${answer.text}`).toBe(200);
      const shape = model.operations[operation]!.output!.shape;
      const found = checkJsonOutput(model, shape, answer.body);
      if (found.length > 0) problems[`${operation} ${JSON.stringify(input)}`] = found;
      done.add(operation);
      return answer.body;
    };
    // Act
    await run('DescribeOrganization', {});
    await run('ListRoots', {});
    const first = await run('ListAccounts', { MaxResults: 2 });
    await run('ListAccounts', { MaxResults: 2, NextToken: first.NextToken });
    await run('ListAccountsForParent', { ParentId: ROOT });
    await run('ListAccountsForParent', { ParentId: OU_PAYMENTS, MaxResults: 20 });
    await run('ListChildren', { ParentId: ROOT, ChildType: 'ORGANIZATIONAL_UNIT' });
    await run('ListChildren', { ParentId: OU_PAYMENTS, ChildType: 'ACCOUNT' });
    await run('ListOrganizationalUnitsForParent', { ParentId: ROOT });
    // Assess
    expect(problems).toEqual({});
    // The later page really was one: without a NextToken the second ListAccounts repeats the first.
    expect(first.NextToken).toEqual(expect.any(String));
    expect([...done].sort()).toEqual(Object.keys(organizationsHandlers).sort());
  });

  it('answers STS AssumeRole and the assumed GetCallerIdentity with XML the model allows', async () => {
    // Prepare
    const model = models!.sts;
    const check = (operation: string, text: string) => {
      const { shape, resultWrapper } = model.operations[operation]!.output!;
      const root = parseXml(text)[`${operation}Response`]![0] as Record<string, unknown[]>;
      return checkXmlOutput(model, shape, root[resultWrapper!]?.[0] ?? '', operation, false);
    };
    // Act
    const assumed = await queryCall(sandbox.url, 'sts', EAST, {
      Action: 'AssumeRole',
      Version: '2011-06-15',
      RoleArn: `arn:aws:iam::${PAYMENTS}:role/${ROLE}`,
      RoleSessionName: 'conformance',
      DurationSeconds: '900',
    });
    // Assess
    expect(assumed.status, assumed.text).toBe(200);
    expect(check('AssumeRole', assumed.text)).toEqual([]);
    expect(assumed.text).toMatch(/<Expiration>\d{4}-\d\d-\d\dT[\d:.]+Z<\/Expiration>/);
  });
});
