/**
 * Findings in the AWS Security Finding Format (ASFF), for Security Hub's BatchImportFindings.
 * One ASFF finding per audit finding, with the same stable Id, so each run updates the record
 * it made before: a fixed cluster turns its finding PASSED, a check that no longer applies (or a
 * cluster that is gone) archives it.
 */
import type { AwsSecurityFinding } from '@aws-sdk/client-securityhub';
import type { Finding } from '../events/findings.js';
import { partitionOf } from '../events/types.js';

/** The only ASFF schema version Security Hub accepts. */
export const ASFF_SCHEMA_VERSION = '2018-10-08';
/** ASFF limits (Security Hub User Guide, "Required top-level attributes" and "Resources"). */
export const MAX_TITLE = 256;
export const MAX_DESCRIPTION = 1024;
export const MAX_RECOMMENDATION = 512;
export const MAX_OTHER_PAIRS = 50;
const MAX_OTHER_KEY = 128;
const MAX_OTHER_VALUE = 1024;

/** GeneratorId of a check's findings: `cloudhsm-ops/<checkId>`; also how this tool finds its own findings. */
export const GENERATOR_PREFIX = 'cloudhsm-ops/';

/**
 * ASFF finding types in `namespace/category/classifier` form. Every check compares a cluster
 * with AWS's published best practice, which is this namespace and category.
 */
export const FINDING_TYPES = ['Software and Configuration Checks/AWS Security Best Practices'];

/**
 * The default product ARN of an account: what a custom integration imports under. Security
 * Hub accepts it only when the finding's AwsAccountId is the caller's account.
 */
export function productArn(region: string, account: string): string {
  return `arn:${partitionOf(region)}:securityhub:${region}:${account}:product/${account}/default`;
}

/** Cuts text to `max` characters, marking the cut. */
export function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

export interface AsffTimes {
  /** When the finding was first imported (kept across runs); now when absent. */
  createdAt?: string;
  /** Now. */
  updatedAt: string;
}

/** Details.Other: string pairs, at most 50, keys ≤ 128 and values ≤ 1,024 characters. */
function details(finding: Finding): Record<string, string> {
  const pairs: [string, string][] = [
    ['clusterId', finding.resource.id],
    ['checkId', finding.checkId],
    ['status', finding.status],
    ['severity', finding.severity],
    ['observed', finding.observed],
    ['expected', finding.expected],
    ['findingId', finding.findingId],
    ['runId', finding.runId],
    ['observedAt', finding.observedAt],
  ];
  return Object.fromEntries(
    pairs
      .slice(0, MAX_OTHER_PAIRS)
      .map(([key, value]) => [cut(key, MAX_OTHER_KEY), cut(value, MAX_OTHER_VALUE)]),
  );
}

/**
 * The ASFF finding for an audit finding. FAILED keeps the check's severity; PASSED and
 * NOT_APPLICABLE are INFORMATIONAL (Severity.Original keeps the check's), as Security Hub's
 * own controls do. NOT_APPLICABLE is ARCHIVED: the check no longer applies to the cluster.
 */
export function toAsff(finding: Finding, times: AsffTimes): AwsSecurityFinding {
  const compliance =
    finding.status === 'PASSED' ? 'PASSED' : finding.status === 'FAILED' ? 'FAILED' : 'NOT_AVAILABLE';
  const description = `Observed: ${finding.observed}. Expected: ${finding.expected}.`;
  return {
    SchemaVersion: ASFF_SCHEMA_VERSION,
    Id: finding.findingId,
    ProductArn: productArn(finding.region, finding.account),
    ProductName: 'cloudhsm-ops',
    CompanyName: 'cloudhsm-ops',
    GeneratorId: `${GENERATOR_PREFIX}${finding.checkId}`,
    AwsAccountId: finding.account,
    Types: FINDING_TYPES,
    CreatedAt: times.createdAt ?? times.updatedAt,
    UpdatedAt: times.updatedAt,
    LastObservedAt: finding.observedAt,
    Severity: {
      Label: finding.status === 'FAILED' ? finding.severity : 'INFORMATIONAL',
      Original: finding.severity,
    },
    Title: cut(finding.title, MAX_TITLE),
    Description: cut(description, MAX_DESCRIPTION),
    Remediation: {
      Recommendation: {
        Text: cut(finding.remediation.text, MAX_RECOMMENDATION),
        Url: finding.remediation.url,
      },
    },
    Resources: [
      {
        Type: 'Other',
        Id: finding.resource.arn,
        Partition: partitionOf(finding.region) as never,
        Region: finding.region,
        Details: { Other: details(finding) },
      },
    ],
    Compliance: { Status: compliance },
    RecordState: finding.status === 'NOT_APPLICABLE' ? 'ARCHIVED' : 'ACTIVE',
  };
}

/** The fields a provider sets; Security Hub's own (Workflow, ProcessedAt, ...) are left out of a re-import. */
const PROVIDER_FIELDS = [
  'SchemaVersion',
  'Id',
  'ProductArn',
  'ProductName',
  'CompanyName',
  'GeneratorId',
  'AwsAccountId',
  'Types',
  'CreatedAt',
  'LastObservedAt',
  'Severity',
  'Title',
  'Description',
  'Remediation',
  'Resources',
  'Compliance',
] as const;

/**
 * An earlier run's finding, archived: its cluster is gone (or no longer listed), so nothing
 * will update it again. What it said is kept; RecordState becomes ARCHIVED, UpdatedAt now.
 */
export function archivedCopy(existing: AwsSecurityFinding, updatedAt: string): AwsSecurityFinding {
  const copy: Record<string, unknown> = {};
  for (const field of PROVIDER_FIELDS) if (existing[field] !== undefined) copy[field] = existing[field];
  return { ...(copy as unknown as AwsSecurityFinding), UpdatedAt: updatedAt, RecordState: 'ARCHIVED' };
}
