import { type AwsSecurityFinding, GetFindingsCommand } from '@aws-sdk/client-securityhub';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AwsClients } from '../../lib/aws/clients.js';
import { importFindings } from '../../lib/securityhub/import.js';
import { type Moto, motoAvailable, startMoto } from '../moto/moto.js';
import { startTestSandbox, type TestSandbox } from '../support/sandbox.js';
import { finding } from './fixtures.js';

/** moto's default account: both services must see the findings as the caller's own. */
const ACCOUNT = '123456789012';
const REGION = 'us-east-1';

function findings(statuses: ('FAILED' | 'PASSED' | 'NOT_APPLICABLE')[], now: string) {
  return statuses.map((status, i) => {
    const cluster = `cluster-${String(i).padStart(11, '0')}`;
    return finding({
      status,
      account: ACCOUNT,
      observedAt: now,
      findingId: `${ACCOUNT}/${REGION}/${cluster}/hsm-count`,
      resource: {
        type: 'AWS::CloudHSM::Cluster',
        id: cluster,
        arn: `arn:aws:cloudhsm:${REGION}:${ACCOUNT}:cluster/${cluster}`,
      },
    });
  });
}

/** The fields the provider sets, as each service returns them, by Id. */
async function stored(clients: AwsClients): Promise<Record<string, Partial<AwsSecurityFinding>>> {
  const out: Record<string, Partial<AwsSecurityFinding>> = {};
  const page = await clients.securityHub(REGION).send(new GetFindingsCommand({ MaxResults: 100 }));
  for (const f of page.Findings ?? []) {
    out[f.Id!] = {
      ProductArn: f.ProductArn,
      GeneratorId: f.GeneratorId,
      AwsAccountId: f.AwsAccountId,
      Types: f.Types,
      CreatedAt: f.CreatedAt,
      UpdatedAt: f.UpdatedAt,
      Severity: f.Severity,
      Title: f.Title,
      Description: f.Description,
      Compliance: f.Compliance,
      RecordState: f.RecordState,
      Resources: f.Resources,
    };
  }
  return out;
}

/**
 * Cross-check: the same imports into moto's Security Hub and into the sandbox's are accepted
 * by both and read back the same (moto validates less; the sandbox is the strict one).
 */
describe.skipIf(!motoAvailable())('Security Hub import against moto', () => {
  let moto: Moto;
  let motoClients: AwsClients;
  let sandbox: TestSandbox;

  beforeAll(async () => {
    moto = await startMoto();
    motoClients = new AwsClients({ endpoint: moto.url, maxAttempts: 1 });
    sandbox = await startTestSandbox({ fleet: { account: ACCOUNT, regions: { [REGION]: {} } } });
  }, 30_000);
  afterAll(async () => {
    motoClients?.destroy();
    await sandbox?.close();
    await moto?.stop();
  });

  it('accepts the same findings, and a second run (a fix, a gone cluster) reads back the same from both', async () => {
    // Act: a first run with three failures, then a run where one is fixed and one cluster is gone
    const first = findings(['FAILED', 'FAILED', 'FAILED'], '2026-11-28T12:00:00Z');
    const second = findings(['PASSED', 'FAILED'], '2026-11-29T12:00:00Z');
    const gone = first[2]!.findingId;
    const results = [];
    for (const clients of [motoClients, sandbox.clients]) {
      const hub = (region: string) => clients.securityHub(region);
      results.push(await importFindings(hub, first, { account: ACCOUNT, now: '2026-11-28T12:00:00Z' }));
      results.push(
        await importFindings(hub, second, {
          account: ACCOUNT,
          now: '2026-11-29T12:00:00Z',
          mayArchive: (id) => id === gone,
        }),
      );
    }
    // Assess
    for (const result of results) expect(result.failed).toEqual([]);
    expect(results.map((r) => [r.imported, r.archived])).toEqual([
      [3, 0],
      [3, 1],
      [3, 0],
      [3, 1],
    ]);
    const [fromMoto, fromSandbox] = [await stored(motoClients), await stored(sandbox.clients)];
    expect(Object.keys(fromMoto).sort()).toEqual(first.map((f) => f.findingId).sort());
    expect(fromSandbox).toEqual(fromMoto);
    expect(fromMoto[first[0]!.findingId]).toMatchObject({
      CreatedAt: '2026-11-28T12:00:00Z',
      UpdatedAt: '2026-11-29T12:00:00Z',
      Compliance: { Status: 'PASSED' },
    });
    expect(fromMoto[gone]).toMatchObject({ RecordState: 'ARCHIVED', CreatedAt: '2026-11-28T12:00:00Z' });
  }, 60_000);
});
