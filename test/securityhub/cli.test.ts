import { GetFindingsCommand } from '@aws-sdk/client-securityhub';
import { afterEach, describe, expect, it } from 'vitest';
import { CHECKS } from '../../lib/checks/index.js';
import { runCli } from '../support/cli.js';
import { startTestSandbox, type TestSandbox } from '../support/sandbox.js';

const NOW = '2026-11-29T12:00:00Z';

describe('cloudhsm-ops audit --security-hub', () => {
  let test: TestSandbox | undefined;
  afterEach(async () => {
    await test?.close();
    test = undefined;
  });

  it('imports every finding into the Security Hub of the cluster region and says so', async () => {
    // Prepare
    test = await startTestSandbox({ fleet: 'demo' });
    // Act
    const run = await runCli([
      'audit',
      '--endpoint',
      test.sandbox.url,
      '--region',
      'eu-west-1',
      '--now',
      NOW,
      '--security-hub',
    ]);
    // Assess
    expect(run.stderr).not.toContain('not imported');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Imported ${2 * CHECKS.length} finding(s) into Security Hub in eu-west-1`);
    const found = await test.clients.securityHub('eu-west-1').send(
      new GetFindingsCommand({
        Filters: { ComplianceStatus: [{ Value: 'FAILED', Comparison: 'EQUALS' }] },
      }),
    );
    expect(found.Findings?.map((f) => f.GeneratorId)).toContain('cloudhsm-ops/degraded');
  }, 60_000);

  it('puts the import in the --json document', async () => {
    test = await startTestSandbox({ fleet: 'demo' });
    const run = await runCli([
      'audit',
      '--endpoint',
      test.sandbox.url,
      '--region',
      'eu-west-1',
      '--now',
      NOW,
      '--security-hub',
      '--json',
    ]);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).securityHub).toEqual({
      imported: 2 * CHECKS.length,
      archived: 0,
      calls: 1,
      regions: ['eu-west-1'],
      failed: [],
    });
  }, 60_000);

  it('exits 1 naming the findings Security Hub did not take', async () => {
    // Prepare
    test = await startTestSandbox({
      fleet: 'demo',
      faults: { rules: [{ operation: 'BatchImportFindings', internalFailureRate: 1 }] },
    });
    // Act
    const run = await runCli([
      'audit',
      '--endpoint',
      test.sandbox.url,
      '--region',
      'eu-west-1',
      '--now',
      NOW,
      '--security-hub',
      '--max-attempts',
      '1',
    ]);
    // Assess
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`${2 * CHECKS.length} finding(s) not imported into Security Hub`);
    expect(run.stderr).toContain('111122223333/eu-west-1/cluster-degradedeuro/');
    expect(run.stderr).toContain(
      `audit failed: ${2 * CHECKS.length} finding(s) not imported into Security Hub`,
    );
  }, 60_000);
});
