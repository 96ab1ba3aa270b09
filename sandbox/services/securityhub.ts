/**
 * AWS Security Hub BatchImportFindings and GetFindings (REST-JSON: `POST /findings/import`,
 * `POST /findings`), holding each region's findings by Id. BatchImportFindings validates as
 * Security Hub does: 1-100 findings per call (else InvalidInputException), and per finding the
 * required ASFF attributes, the 2018-10-08 schema, the field limits, 240 KB, and that the
 * account may import under the product ARN (the default product only for the caller's own
 * account); a finding that fails is listed in FailedFindings, never silently dropped.
 */
import { ApiError } from '../errors.js';
import { decodeToken, encodeToken, fingerprint } from '../paging.js';
import type { Handler } from './context.js';
import type { Input } from './input.js';

const MAX_FINDINGS = 100;
const MAX_FINDING_BYTES = 240 * 1024;
const MAX_RESULTS = 100;
const REQUIRED = [
  'AwsAccountId',
  'CreatedAt',
  'Description',
  'GeneratorId',
  'Id',
  'ProductArn',
  'Resources',
  'SchemaVersion',
  'Severity',
  'Title',
  'Types',
  'UpdatedAt',
] as const;
const SEVERITY_LABELS = new Set(['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL']);
const COMPLIANCE = new Set(['PASSED', 'WARNING', 'FAILED', 'NOT_AVAILABLE']);
const RECORD_STATES = new Set(['ACTIVE', 'ARCHIVED']);
/** ASFF type namespaces (`namespace/category/classifier`). */
const TYPE_NAMESPACES = new Set([
  'Software and Configuration Checks',
  'TTPs',
  'Effects',
  'Unusual Behaviors',
  'Sensitive Data Identifications',
]);
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** The operation a REST-JSON request names by method and path. */
export function securityHubOperation(method: string, path: string): string {
  if (method === 'POST' && path === '/findings/import') return 'BatchImportFindings';
  if (method === 'POST' && path === '/findings') return 'GetFindings';
  return `${method} ${path}`;
}

function invalid(message: string): ApiError {
  return new ApiError('InvalidInputException', message);
}

const text = (value: unknown) => (typeof value === 'string' ? value : undefined);

/** Why a finding does not adhere to ASFF (Security Hub's words), or undefined. */
function asffProblem(finding: Input): string | undefined {
  const missing = REQUIRED.find((field) => finding[field] === undefined || finding[field] === null);
  if (missing)
    return `Finding does not adhere to Amazon Finding Format. data should have required property '${missing}'.`;
  if (finding.SchemaVersion !== '2018-10-08')
    return `Invalid SchemaVersion ${String(finding.SchemaVersion)}: expected 2018-10-08.`;
  const id = text(finding.Id);
  if (!id || id.length > 512) return 'Id must be a string of 1-512 characters.';
  if (!text(finding.Title) || text(finding.Title)!.length > 256)
    return 'Title must be a string of 1-256 characters.';
  if (!text(finding.Description) || text(finding.Description)!.length > 1024)
    return 'Description must be a string of 1-1024 characters.';
  for (const field of ['CreatedAt', 'UpdatedAt'] as const) {
    const value = text(finding[field]);
    if (!value || !ISO.test(value) || Number.isNaN(Date.parse(value)))
      return `${field} must be an ISO 8601 timestamp.`;
  }
  const types = finding.Types;
  if (!Array.isArray(types) || types.length < 1 || types.length > 50) return 'Types must hold 1-50 types.';
  for (const type of types) {
    const parts = typeof type === 'string' ? type.split('/') : [];
    if (parts.length < 1 || parts.length > 3 || !TYPE_NAMESPACES.has(parts[0]!))
      return `Type ${JSON.stringify(type)} is not in namespace/category/classifier form with a valid namespace.`;
  }
  const severity = finding.Severity as Input;
  if (typeof severity !== 'object' || !SEVERITY_LABELS.has(String(severity.Label)))
    return 'Severity.Label must be one of INFORMATIONAL, LOW, MEDIUM, HIGH, CRITICAL.';
  const resources = finding.Resources;
  if (!Array.isArray(resources) || resources.length < 1 || resources.length > 32)
    return 'Resources must hold 1-32 resources.';
  for (const resource of resources as Input[]) {
    if (!text(resource?.Type) || !text(resource?.Id)) return 'Each resource needs a Type and an Id.';
    const other = (resource.Details as Input | undefined)?.Other as Record<string, unknown> | undefined;
    if (other !== undefined) {
      const pairs = Object.entries(other);
      if (pairs.length > 50) return 'Resources[].Details.Other holds more than 50 key-value pairs.';
      if (pairs.some(([k, v]) => k.length > 128 || typeof v !== 'string' || v.length > 1024))
        return 'Resources[].Details.Other keys are at most 128 characters and values strings of at most 1024.';
    }
  }
  const compliance = (finding.Compliance as Input | undefined)?.Status;
  if (compliance !== undefined && !COMPLIANCE.has(String(compliance)))
    return 'Compliance.Status must be PASSED, WARNING, FAILED or NOT_AVAILABLE.';
  if (finding.RecordState !== undefined && !RECORD_STATES.has(String(finding.RecordState)))
    return 'RecordState must be ACTIVE or ARCHIVED.';
  const recommendation = ((finding.Remediation as Input | undefined)?.Recommendation as Input | undefined)
    ?.Text;
  if (typeof recommendation === 'string' && recommendation.length > 512)
    return 'Remediation.Recommendation.Text is longer than 512 characters.';
  return undefined;
}

/** The partition of a region, as ARNs spell it. */
function partition(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

/**
 * Security Hub's workflow follows the provider's updates: archiving a finding or turning it
 * from FAILED to PASSED resolves it; a resolved finding that fails again is NEW again.
 */
function workflowAfter(previous: Input | undefined, next: Input): string {
  const before = ((previous?.Workflow as Input | undefined)?.Status as string | undefined) ?? 'NEW';
  if (!previous) return next.RecordState === 'ARCHIVED' ? 'RESOLVED' : 'NEW';
  const status = (f: Input | undefined) => (f?.Compliance as Input | undefined)?.Status;
  if (next.RecordState === 'ARCHIVED' && previous.RecordState !== 'ARCHIVED') return 'RESOLVED';
  if (status(next) === 'PASSED' && status(previous) === 'FAILED') return 'RESOLVED';
  if (before === 'RESOLVED' && next.RecordState !== 'ARCHIVED' && status(next) === 'FAILED') return 'NEW';
  return before;
}

const batchImportFindings: Handler = (context, input) => {
  const findings = input.Findings;
  if (!Array.isArray(findings) || findings.length < 1 || findings.length > MAX_FINDINGS) {
    const count = Array.isArray(findings) ? findings.length : 0;
    throw invalid(`Findings must hold between 1 and ${MAX_FINDINGS} findings (got ${count}).`);
  }
  const account = context.state.account;
  const ownProduct = `arn:${partition(context.region)}:securityhub:${context.region}:${account}:product/${account}/default`;
  const store = context.state.region(context.region).securityHubFindings;
  const now = context.state.clock.now().toISOString();
  const failed: { Id: string; ErrorCode: string; ErrorMessage: string }[] = [];
  for (const raw of findings) {
    const finding = (raw && typeof raw === 'object' && !Array.isArray(raw) ? raw : {}) as Input;
    const id = text(finding.Id) ?? '';
    const fail = (code: string, message: string) =>
      failed.push({ Id: id, ErrorCode: code, ErrorMessage: message });
    if (Buffer.byteLength(JSON.stringify(finding)) > MAX_FINDING_BYTES) {
      fail('InvalidInput', `Finding is larger than the ${MAX_FINDING_BYTES / 1024} KB a finding may be.`);
      continue;
    }
    const problem = asffProblem(finding);
    if (problem) {
      fail('InvalidInput', problem);
      continue;
    }
    if (finding.ProductArn !== ownProduct || finding.AwsAccountId !== account) {
      fail(
        'AccessDeniedException',
        `Account ${account} may import findings only for its own account under ${ownProduct} ` +
          `(got AwsAccountId ${String(finding.AwsAccountId)}, ProductArn ${String(finding.ProductArn)}).`,
      );
      continue;
    }
    const previous = store.get(id) as Input | undefined;
    const kept = { ...finding, RecordState: finding.RecordState ?? 'ACTIVE' };
    store.set(id, { ...kept, ProcessedAt: now, Workflow: { Status: workflowAfter(previous, kept) } });
  }
  return {
    FailedCount: failed.length,
    SuccessCount: findings.length - failed.length,
    FailedFindings: failed,
  };
};

/** Where a GetFindings filter key reads its value. */
const FILTER_FIELDS: Record<string, (f: Input) => unknown> = {
  Id: (f) => f.Id,
  ProductArn: (f) => f.ProductArn,
  GeneratorId: (f) => f.GeneratorId,
  AwsAccountId: (f) => f.AwsAccountId,
  Title: (f) => f.Title,
  RecordState: (f) => f.RecordState,
  ComplianceStatus: (f) => (f.Compliance as Input | undefined)?.Status,
  SeverityLabel: (f) => (f.Severity as Input | undefined)?.Label,
  WorkflowStatus: (f) => (f.Workflow as Input | undefined)?.Status,
  ResourceId: (f) => (f.Resources as Input[] | undefined)?.map((r) => r.Id),
  ResourceType: (f) => (f.Resources as Input[] | undefined)?.map((r) => r.Type),
};

function matchesOne(value: string, filter: Input): boolean {
  const wanted = String(filter.Value ?? '');
  switch (filter.Comparison) {
    case 'EQUALS':
      return value === wanted;
    case 'NOT_EQUALS':
      return value !== wanted;
    case 'PREFIX':
      return value.startsWith(wanted);
    case 'PREFIX_NOT_EQUALS':
      return !value.startsWith(wanted);
    case 'CONTAINS':
      return value.includes(wanted);
    case 'NOT_CONTAINS':
      return !value.includes(wanted);
    default:
      throw invalid(`Comparison ${String(filter.Comparison)} is not valid for a string filter.`);
  }
}

/**
 * Security Hub's filter logic: values of one key are ORed (negative comparisons ANDed), keys are
 * ANDed. A filter key the sandbox does not know is refused rather than ignored.
 */
function matches(finding: Input, filters: Input): boolean {
  for (const [key, list] of Object.entries(filters)) {
    const read = FILTER_FIELDS[key];
    if (!read) throw invalid(`The sandbox does not support the GetFindings filter ${key}.`);
    if (!Array.isArray(list) || list.length === 0) continue;
    const raw = read(finding);
    const values = (Array.isArray(raw) ? raw : [raw]).map((v) => (v === undefined ? '' : String(v)));
    const negative = (list as Input[]).filter((f) => String(f.Comparison).includes('NOT'));
    const positive = (list as Input[]).filter((f) => !String(f.Comparison).includes('NOT'));
    if (negative.some((f) => !values.every((v) => matchesOne(v, f)))) return false;
    if (positive.length && !positive.some((f) => values.some((v) => matchesOne(v, f)))) return false;
  }
  return true;
}

const getFindings: Handler = (context, input) => {
  const max = input.MaxResults ?? MAX_RESULTS;
  if (typeof max !== 'number' || !Number.isInteger(max) || max < 1 || max > MAX_RESULTS) {
    throw invalid(`MaxResults must be between 1 and ${MAX_RESULTS}.`);
  }
  const filters = (input.Filters ?? {}) as Input;
  const all = [...context.state.view(context.region).securityHubFindings.values()] as Input[];
  const found = all.filter((f) => matches(f, filters));
  const print = fingerprint({ filters, region: context.region });
  const token = text(input.NextToken);
  const start = token ? decodeToken<{ i: number }>(token, print, 'InvalidInputException').i : 0;
  const page = found.slice(start, start + max);
  const next = start + page.length;
  return {
    Findings: page,
    ...(next < found.length ? { NextToken: encodeToken({ i: next, f: print }) } : {}),
  };
};

/** Security Hub operations by name. */
export const securityHubHandlers: Record<string, Handler> = {
  BatchImportFindings: batchImportFindings,
  GetFindings: getFindings,
};
