import { describe, expect, it } from 'vitest';
import {
  ASFF_SCHEMA_VERSION,
  archivedCopy,
  MAX_DESCRIPTION,
  MAX_OTHER_PAIRS,
  productArn,
  toAsff,
} from '../../lib/securityhub/asff.js';
import { finding, NOW } from './fixtures.js';

describe('the ASFF mapping', () => {
  it('maps a FAILED finding with every field ASFF requires, the default product ARN and a stable Id', () => {
    // Act
    const asff = toAsff(finding(), { updatedAt: NOW });
    // Assess
    expect(asff).toMatchObject({
      SchemaVersion: ASFF_SCHEMA_VERSION,
      Id: '111122223333/us-east-1/cluster-abcdefghijk/hsm-count',
      ProductArn: 'arn:aws:securityhub:us-east-1:111122223333:product/111122223333/default',
      GeneratorId: 'cloudhsm-ops/hsm-count',
      AwsAccountId: '111122223333',
      CreatedAt: NOW,
      UpdatedAt: NOW,
      Severity: { Label: 'CRITICAL', Original: 'CRITICAL' },
      Title: 'Cluster has at least two ACTIVE HSMs',
      Compliance: { Status: 'FAILED' },
      RecordState: 'ACTIVE',
      Remediation: {
        Recommendation: { Text: 'Add an HSM.', Url: expect.stringMatching(/^https:\/\/docs\.aws/) },
      },
    });
    expect(ASFF_SCHEMA_VERSION).toBe('2018-10-08');
    for (const type of asff.Types!) expect(type.split('/').length).toBeGreaterThanOrEqual(2);
    expect(asff.Types![0]).toMatch(/^Software and Configuration Checks\//);
    expect(asff.Description).toContain('1 ACTIVE HSM');
    expect(asff.Resources).toEqual([
      expect.objectContaining({
        Type: 'Other',
        Id: 'arn:aws:cloudhsm:us-east-1:111122223333:cluster/cluster-abcdefghijk',
        Partition: 'aws',
        Region: 'us-east-1',
        Details: {
          Other: expect.objectContaining({ clusterId: 'cluster-abcdefghijk', checkId: 'hsm-count' }),
        },
      }),
    ]);
  });

  it('keeps CreatedAt from the first sighting and sets UpdatedAt to now', () => {
    const asff = toAsff(finding(), { createdAt: '2026-11-01T00:00:00Z', updatedAt: NOW });
    expect(asff.CreatedAt).toBe('2026-11-01T00:00:00Z');
    expect(asff.UpdatedAt).toBe(NOW);
  });

  it('a PASSED finding is INFORMATIONAL and PASSED, still ACTIVE, so a fixed cluster closes its finding', () => {
    const asff = toAsff(finding({ status: 'PASSED' }), { updatedAt: NOW });
    expect(asff.Severity).toEqual({ Label: 'INFORMATIONAL', Original: 'CRITICAL' });
    expect(asff.Compliance).toEqual({ Status: 'PASSED' });
    expect(asff.RecordState).toBe('ACTIVE');
  });

  it('a NOT_APPLICABLE finding is ARCHIVED (the check no longer applies), with compliance NOT_AVAILABLE', () => {
    const asff = toAsff(finding({ status: 'NOT_APPLICABLE', observed: 'not applicable: parked' }), {
      updatedAt: NOW,
    });
    expect(asff.RecordState).toBe('ARCHIVED');
    expect(asff.Compliance).toEqual({ Status: 'NOT_AVAILABLE' });
  });

  it('cuts Description to 1,024 characters and keeps Details.Other within 50 pairs of 1,024-character values', () => {
    const asff = toAsff(finding({ observed: 'x'.repeat(5000) }), { updatedAt: NOW });
    expect(asff.Description!.length).toBeLessThanOrEqual(MAX_DESCRIPTION);
    expect(asff.Description!.endsWith('…')).toBe(true);
    const other = asff.Resources![0]!.Details!.Other!;
    expect(Object.keys(other).length).toBeLessThanOrEqual(MAX_OTHER_PAIRS);
    for (const [key, value] of Object.entries(other)) {
      expect(key.length).toBeLessThanOrEqual(128);
      expect(value.length).toBeLessThanOrEqual(1024);
    }
    expect(asff.Remediation!.Recommendation!.Text!.length).toBeLessThanOrEqual(512);
  });

  it('uses the partition of the region in every ARN', () => {
    expect(productArn('cn-north-1', '111122223333')).toBe(
      'arn:aws-cn:securityhub:cn-north-1:111122223333:product/111122223333/default',
    );
    const asff = toAsff(
      finding({
        region: 'us-gov-west-1',
        resource: {
          type: 'AWS::CloudHSM::Cluster',
          id: 'c',
          arn: 'arn:aws-us-gov:cloudhsm:us-gov-west-1:1:cluster/c',
        },
      }),
      { updatedAt: NOW },
    );
    expect(asff.ProductArn).toMatch(/^arn:aws-us-gov:securityhub:us-gov-west-1:/);
    expect(asff.Resources![0]!.Partition).toBe('aws-us-gov');
  });

  it('archives a finding from an earlier run whose cluster is gone, keeping what it said', () => {
    const earlier = toAsff(finding(), {
      createdAt: '2026-11-01T00:00:00Z',
      updatedAt: '2026-11-28T00:00:00Z',
    });
    const archived = archivedCopy(
      { ...earlier, Workflow: { Status: 'NEW' }, ProcessedAt: 'x' } as never,
      NOW,
    );
    expect(archived).toMatchObject({
      Id: earlier.Id,
      RecordState: 'ARCHIVED',
      CreatedAt: '2026-11-01T00:00:00Z',
      UpdatedAt: NOW,
    });
    expect(archived).not.toHaveProperty('Workflow');
    expect(archived).not.toHaveProperty('ProcessedAt');
  });
});
