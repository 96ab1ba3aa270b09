/**
 * AWS Security Hub BatchImportFindings and GetFindings (REST-JSON: `POST /findings/import`,
 * `POST /findings`), holding each region's findings by Id. Requests are held to Security Hub's
 * model before the handler runs (sandbox/model.ts): the batch of 1-100 findings and every type,
 * else InvalidInputException. Each finding is then judged on its own, as Security Hub does: its
 * model constraints (required attributes, patterns, enums, ranges), then the ASFF rules the model
 * does not carry (below), then whether the account may import under the product ARN (the default
 * product only for the caller's own account); a finding that fails is listed in FailedFindings,
 * never silently dropped, and the others are imported.
 */
import { ApiError } from '../errors.js';
import { itemProblem } from '../model.js';
import { decodeToken, encodeToken, fingerprint } from '../paging.js';
import type { Handler } from './context.js';
import type { Input } from './input.js';

const MAX_FINDING_BYTES = 240 * 1024;
const MAX_RESULTS = 100;
/** ASFF's required attributes the model leaves optional (it requires the other ten). */
const REQUIRED_BY_ASFF = ['Severity', 'Types'] as const;
const SCHEMA_VERSION = '2018-10-08';
/** ASFF type namespaces (`namespace/category/classifier`). */
const TYPE_NAMESPACES = new Set([
  'Software and Configuration Checks',
  'TTPs',
  'Effects',
  'Unusual Behaviors',
  'Sensitive Data Identifications',
]);
const TYPE_PATTERN = /^([^/]+)(\/[^/]+){0,2}$/;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
/** ASFF string limits the model does not carry (Security Hub User Guide, ASFF attributes). */
const MAX_LENGTHS = { Id: 512, Title: 256, Description: 1024 } as const;
const MAX_TYPES = 50;
const MAX_RESOURCES = 32;
const MAX_RECOMMENDATION = 512;
const MAX_OTHER_PAIRS = 50;
const MAX_OTHER_KEY = 128;
const MAX_OTHER_VALUE = 1024;

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

/** Why a finding's Types break ASFF (the model checks only that they are strings), or undefined. */
function typesProblem(types: string[]): string | undefined {
  if (types.length < 1 || types.length > MAX_TYPES)
    return `data.Types should NOT have ${types.length < 1 ? 'fewer than 1' : `more than ${MAX_TYPES}`} items`;
  const bad = types.findIndex((type) => !TYPE_PATTERN.test(type));
  if (bad >= 0) return `data.Types[${bad}] should match pattern "${TYPE_PATTERN.source}"`;
  const unknown = types.findIndex((type) => !TYPE_NAMESPACES.has(type.split('/')[0]!));
  if (unknown >= 0)
    return `data.Types[${unknown}] should start with one of the namespaces ${[...TYPE_NAMESPACES].join(', ')}`;
  return undefined;
}

/** Why a resource's Details.Other breaks ASFF (the model checks only string keys and values), or undefined. */
function otherProblem(other: Record<string, string>, path: string): string | undefined {
  const pairs = Object.entries(other);
  if (pairs.length > MAX_OTHER_PAIRS)
    return `${path} should NOT have more than ${MAX_OTHER_PAIRS} properties`;
  const longKey = pairs.find(([key]) => key.length > MAX_OTHER_KEY);
  if (longKey)
    return `${path} property name '${longKey[0]}' should NOT be longer than ${MAX_OTHER_KEY} characters`;
  const longValue = pairs.find(([, value]) => value.length > MAX_OTHER_VALUE);
  if (longValue) return `${path}.${longValue[0]} should NOT be longer than ${MAX_OTHER_VALUE} characters`;
  return undefined;
}

/**
 * Why a finding breaks ASFF where the model has no constraint, or undefined. The model has
 * already passed it: the required attributes it knows are present, every value has its type.
 */
function asffRuleProblem(finding: Input): string | undefined {
  const missing = REQUIRED_BY_ASFF.find((field) => finding[field] === undefined || finding[field] === null);
  if (missing) return `data should have required property '${missing}'`;
  if (finding.SchemaVersion !== SCHEMA_VERSION)
    return `data.SchemaVersion should be equal to constant '${SCHEMA_VERSION}'`;
  for (const [field, max] of Object.entries(MAX_LENGTHS)) {
    if ((finding[field] as string).length > max)
      return `data.${field} should NOT be longer than ${max} characters`;
  }
  for (const field of ['CreatedAt', 'UpdatedAt'] as const) {
    const value = finding[field] as string;
    if (!ISO.test(value) || Number.isNaN(Date.parse(value)))
      return `data.${field} should match format "date-time"`;
  }
  const types = typesProblem(finding.Types as string[]);
  if (types) return types;
  if ((finding.Severity as Input).Label === undefined)
    return "data.Severity should have required property 'Label'";
  const resources = finding.Resources as Input[];
  if (resources.length < 1 || resources.length > MAX_RESOURCES)
    return `data.Resources should NOT have ${resources.length < 1 ? 'fewer than 1' : `more than ${MAX_RESOURCES}`} items`;
  for (const [i, resource] of resources.entries()) {
    const other = (resource.Details as Input | undefined)?.Other as Record<string, string> | undefined;
    const found = other && otherProblem(other, `data.Resources[${i}].Details.Other`);
    if (found) return found;
  }
  const recommendation = ((finding.Remediation as Input | undefined)?.Recommendation as Input | undefined)
    ?.Text;
  if (typeof recommendation === 'string' && recommendation.length > MAX_RECOMMENDATION)
    return `data.Remediation.Recommendation.Text should NOT be longer than ${MAX_RECOMMENDATION} characters`;
  return undefined;
}

/** Why a finding does not adhere to ASFF, in Security Hub's words, or undefined. */
function asffProblem(finding: Input): string | undefined {
  const problem = itemProblem('securityhub', 'AwsSecurityFinding', finding) ?? asffRuleProblem(finding);
  return problem && `Finding does not adhere to Amazon Finding Format. ${problem}.`;
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
  // The model has held the batch to 1-100 findings, each a structure with its types.
  const findings = input.Findings as Input[];
  const account = context.state.account;
  const ownProduct = `arn:${partition(context.region)}:securityhub:${context.region}:${account}:product/${account}/default`;
  const store = context.state.region(context.region).securityHubFindings;
  const now = context.state.clock.now().toISOString();
  const failed: { Id: string; ErrorCode: string; ErrorMessage: string }[] = [];
  for (const finding of findings) {
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
      // The model has held Comparison to its enum: what is left (CONTAINS_WORD) is valid in AWS.
      throw invalid(`The sandbox does not support the GetFindings comparison ${String(filter.Comparison)}.`);
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
  // The model has held MaxResults to 1-100.
  const max = (input.MaxResults as number | undefined) ?? MAX_RESULTS;
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
