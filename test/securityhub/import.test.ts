import { BatchImportFindingsCommand, GetFindingsCommand } from '@aws-sdk/client-securityhub';
import { afterEach, describe, expect, it } from 'vitest';
import { toAsff } from '../../lib/securityhub/asff.js';
import {
  importAsff,
  importFindings,
  MAX_FINDINGS_PER_CALL,
  TOO_LARGE,
} from '../../lib/securityhub/import.js';
import { startTestSandbox, type TestSandbox } from '../support/sandbox.js';
import { finding, NOW } from './fixtures.js';

const ACCOUNT = '111122223333';
const noWait = { sleep: async () => undefined };

/** `count` findings on distinct clusters of us-east-1. */
function findings(count: number, status: 'FAILED' | 'PASSED' = 'FAILED') {
  return Array.from({ length: count }, (_, i) => {
    const cluster = `cluster-${String(i).padStart(11, '0')}`;
    return finding({
      status,
      findingId: `${ACCOUNT}/us-east-1/${cluster}/hsm-count`,
      resource: {
        type: 'AWS::CloudHSM::Cluster',
        id: cluster,
        arn: `arn:aws:cloudhsm:us-east-1:${ACCOUNT}:cluster/${cluster}`,
      },
    });
  });
}

describe('Security Hub import (sandbox)', () => {
  let test: TestSandbox | undefined;
  afterEach(async () => {
    await test?.close();
    test = undefined;
  });
  const start = async (options: Parameters<typeof startTestSandbox>[0]['faults'] = undefined) => {
    test = await startTestSandbox({
      fleet: { account: ACCOUNT, regions: { 'us-east-1': {} } },
      faults: options,
    });
    return test;
  };
  const stored = async (client: ReturnType<TestSandbox['clients']['securityHub']>) => {
    const out = [];
    let token: string | undefined;
    do {
      const page = await client.send(new GetFindingsCommand({ MaxResults: 100, NextToken: token }));
      out.push(...(page.Findings ?? []));
      token = page.NextToken;
    } while (token);
    return out;
  };

  it('imports 230 findings in 3 calls of at most 100, each readable with GetFindings', async () => {
    // Prepare
    const { clients, sandbox } = await start();
    // Act
    const result = await importFindings((r) => clients.securityHub(r), findings(230), {
      account: ACCOUNT,
      now: NOW,
    });
    // Assess
    expect(result).toMatchObject({ imported: 230, archived: 0, calls: 3, failed: [] });
    const calls = sandbox.requests().filter((r) => r.operation === 'BatchImportFindings');
    expect(calls.map((c) => (c.params as { Findings: unknown[] }).Findings.length)).toEqual([100, 100, 30]);
    expect(
      Math.max(...calls.map((c) => (c.params as { Findings: unknown[] }).Findings.length)),
    ).toBeLessThanOrEqual(MAX_FINDINGS_PER_CALL);
    const all = await stored(clients.securityHub('us-east-1'));
    expect(all).toHaveLength(230);
    expect(all[0]).toMatchObject({
      Compliance: { Status: 'FAILED' },
      RecordState: 'ACTIVE',
      Workflow: { Status: 'NEW' },
    });
  });

  it('keeps CreatedAt from the first sighting; a fixed cluster turns PASSED and Security Hub resolves it', async () => {
    // Prepare
    const { clients } = await start();
    const hub = (r: string) => clients.securityHub(r);
    await importFindings(hub, findings(1), { account: ACCOUNT, now: '2026-11-01T00:00:00Z' });
    // Act
    const result = await importFindings(hub, findings(1, 'PASSED'), { account: ACCOUNT, now: NOW });
    // Assess
    expect(result.failed).toEqual([]);
    const [only] = await stored(hub('us-east-1'));
    expect(only).toMatchObject({
      CreatedAt: '2026-11-01T00:00:00Z',
      UpdatedAt: NOW,
      Compliance: { Status: 'PASSED' },
      Workflow: { Status: 'RESOLVED' },
    });
  });

  it('archives an earlier finding this run no longer makes only where mayArchive allows it', async () => {
    // Prepare
    const { clients } = await start();
    const hub = (r: string) => clients.securityHub(r);
    await importFindings(hub, findings(3), { account: ACCOUNT, now: '2026-11-01T00:00:00Z' });
    const goneId = findings(3)[2]!.findingId;
    // Act: the first run may not archive, the second may archive only the gone cluster's finding
    const kept = await importFindings(hub, findings(2), { account: ACCOUNT, now: NOW });
    const archived = await importFindings(hub, findings(2), {
      account: ACCOUNT,
      now: NOW,
      mayArchive: (id) => id === goneId,
    });
    // Assess
    expect(kept.archived).toBe(0);
    expect(archived.archived).toBe(1);
    const gone = (await stored(hub('us-east-1'))).find((f) => f.Id === goneId);
    expect(gone).toMatchObject({
      RecordState: 'ARCHIVED',
      CreatedAt: '2026-11-01T00:00:00Z',
      UpdatedAt: NOW,
    });
  });

  it('reports a finding for another account (default product ARN) as failed, naming it, and imports the rest', async () => {
    const { clients } = await start();
    const other = finding({
      account: '444455556666',
      findingId: '444455556666/us-east-1/cluster-abcdefghijk/hsm-count',
    });
    const result = await importFindings((r) => clients.securityHub(r), [...findings(2), other], {
      account: ACCOUNT,
      now: NOW,
    });
    expect(result.imported).toBe(2);
    expect(result.failed).toEqual([
      expect.objectContaining({
        id: other.findingId,
        region: 'us-east-1',
        errorCode: 'AccessDeniedException',
      }),
    ]);
  });

  it('retries calls that fail with a 5xx and reports what still fails after the last attempt', async () => {
    // Prepare: every BatchImportFindings call fails
    const { clients } = await start({
      rules: [{ operation: 'BatchImportFindings', internalFailureRate: 1 }],
    });
    // Act
    const result = await importFindings(
      (r) => clients.securityHub(r),
      findings(3),
      { account: ACCOUNT, now: NOW },
      {
        maxAttempts: 3,
        ...noWait,
      },
    );
    // Assess
    expect(result.imported).toBe(0);
    expect(result.calls).toBe(3);
    expect(result.failed.map((f) => f.id)).toEqual(findings(3).map((f) => f.findingId));
    expect(result.failed[0]!.errorMessage).toContain('gave up after 3 attempts');
  });

  it('gets everything in on retries when only some calls fail', async () => {
    const { clients } = await start({
      seed: 3,
      rules: [{ operation: 'BatchImportFindings', internalFailureRate: 0.5 }],
    });
    const result = await importFindings(
      (r) => clients.securityHub(r),
      findings(250),
      { account: ACCOUNT, now: NOW },
      {
        maxAttempts: 10,
        ...noWait,
      },
    );
    expect(result.failed).toEqual([]);
    expect(result.imported).toBe(250);
    expect(result.calls).toBeGreaterThan(3);
  });

  it('never sends a finding over 240 KB: it is reported as failed', async () => {
    const { clients, sandbox } = await start();
    const big = { ...toAsff(finding(), { updatedAt: NOW }), ProductFields: { blob: 'x'.repeat(250 * 1024) } };
    const result = await importAsff(clients.securityHub('us-east-1'), 'us-east-1', [big]);
    expect(result.failed).toEqual([expect.objectContaining({ id: big.Id, errorCode: TOO_LARGE })]);
    expect(sandbox.requests().filter((r) => r.operation === 'BatchImportFindings')).toEqual([]);
  });
});

describe('the sandbox Security Hub validates as AWS does', () => {
  let test: TestSandbox | undefined;
  afterEach(async () => {
    await test?.close();
    test = undefined;
  });

  it('rejects a call with more than 100 findings, and names each finding missing a required field', async () => {
    test = await startTestSandbox({ fleet: { account: ACCOUNT, regions: { 'us-east-1': {} } } });
    const hub = test.clients.securityHub('us-east-1');
    const good = toAsff(finding(), { updatedAt: NOW });
    await expect(
      hub.send(new BatchImportFindingsCommand({ Findings: Array.from({ length: 101 }, () => good) })),
    ).rejects.toMatchObject({ name: 'InvalidInputException' });
    const { Title: _title, ...noTitle } = { ...good, Id: 'no-title' };
    const badSchema = { ...good, Id: 'bad-schema', SchemaVersion: '2019-01-01' };
    const longDescription = { ...good, Id: 'long', Description: 'x'.repeat(1025) };
    const badType = { ...good, Id: 'bad-type', Types: ['Whatever/Thing'] };
    const out = await hub.send(
      new BatchImportFindingsCommand({
        Findings: [good, noTitle as typeof good, badSchema, longDescription, badType],
      }),
    );
    expect(out.SuccessCount).toBe(1);
    expect(out.FailedCount).toBe(4);
    expect(out.FailedFindings?.map((f) => [f.Id, f.ErrorCode])).toEqual([
      ['no-title', 'InvalidInput'],
      ['bad-schema', 'InvalidInput'],
      ['long', 'InvalidInput'],
      ['bad-type', 'InvalidInput'],
    ]);
    expect(out.FailedFindings![0]!.ErrorMessage).toContain("required property 'Title'");
  });
});

describe('the sandbox Security Hub judges the batch as a request and each finding on its own', () => {
  let test: TestSandbox | undefined;
  afterEach(async () => {
    await test?.close();
    test = undefined;
  });
  const good = (id: string) => ({ ...toAsff(finding(), { updatedAt: NOW }), Id: id });

  it('refuses the whole request for a value of the wrong type inside a finding, importing none', async () => {
    // Prepare
    test = await startTestSandbox({ fleet: { account: ACCOUNT, regions: { 'us-east-1': {} } } });
    const hub = test.clients.securityHub('us-east-1');
    const wrongType = { ...good('wrong-type'), Confidence: 'high' as unknown as number };
    // Act
    const refused = hub.send(new BatchImportFindingsCommand({ Findings: [good('fine'), wrongType] }));
    // Assess
    await expect(refused).rejects.toMatchObject({
      name: 'InvalidInputException',
      message: expect.stringContaining("'findings.2.member.confidence'"),
    });
    expect((await hub.send(new GetFindingsCommand({}))).Findings).toEqual([]);
  });

  it('lists a finding that breaks the model inside it or an ASFF rule the model lacks, and imports the rest', async () => {
    // Prepare
    test = await startTestSandbox({ fleet: { account: ACCOUNT, regions: { 'us-east-1': {} } } });
    const hub = test.clients.securityHub('us-east-1');
    const base = good('no-resource-type');
    const noResourceType = { ...base, Resources: [{ Id: 'r-1' }] as typeof base.Resources };
    const badLabel = { ...good('bad-label'), Severity: { Label: 'SEVERE' as never } };
    const { Types: _types, ...noTypes } = good('no-types');
    const otherPairs = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v']));
    const manyPairs = {
      ...good('many-pairs'),
      Resources: [{ Type: 'Other', Id: 'r-1', Details: { Other: otherPairs } }],
    };
    const multiLine = { ...good('multi-line'), Description: 'Observed: one HSM.\nExpected: two.' };
    // Act
    const out = await hub.send(
      new BatchImportFindingsCommand({ Findings: [noResourceType, badLabel, noTypes, manyPairs, multiLine] }),
    );
    // Assess
    expect(out.FailedFindings?.map((f) => [f.Id, f.ErrorCode, f.ErrorMessage])).toEqual([
      [
        'no-resource-type',
        'InvalidInput',
        "Finding does not adhere to Amazon Finding Format. data.Resources[0] should have required property 'Type'.",
      ],
      [
        'bad-label',
        'InvalidInput',
        'Finding does not adhere to Amazon Finding Format. data.Severity.Label should be equal to one of the allowed values.',
      ],
      [
        'no-types',
        'InvalidInput',
        "Finding does not adhere to Amazon Finding Format. data should have required property 'Types'.",
      ],
      [
        'many-pairs',
        'InvalidInput',
        'Finding does not adhere to Amazon Finding Format. data.Resources[0].Details.Other should NOT have more than 50 properties.',
      ],
    ]);
    expect(out.SuccessCount).toBe(1);
    expect((await hub.send(new GetFindingsCommand({}))).Findings?.map((f) => f.Id)).toEqual(['multi-line']);
  });
});

describe('the sandbox Security Hub GetFindings', () => {
  let test: TestSandbox | undefined;
  afterEach(async () => {
    await test?.close();
    test = undefined;
  });

  it('refuses a comparison the model allows but the sandbox does not implement as unsupported, not as invalid', async () => {
    // Prepare
    test = await startTestSandbox({ fleet: { account: ACCOUNT, regions: { 'us-east-1': {} } } });
    const hub = test.clients.securityHub('us-east-1');
    await hub.send(new BatchImportFindingsCommand({ Findings: [toAsff(finding(), { updatedAt: NOW })] }));
    // Act
    const answer = hub.send(
      new GetFindingsCommand({ Filters: { Title: [{ Value: 'HSM', Comparison: 'CONTAINS_WORD' }] } }),
    );
    // Assess
    await expect(answer).rejects.toMatchObject({
      name: 'InvalidInputException',
      message: expect.stringContaining(
        'The sandbox does not support the GetFindings comparison CONTAINS_WORD',
      ),
    });
  });
});
