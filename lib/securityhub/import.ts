/**
 * Imports audit findings into Security Hub with BatchImportFindings, in the audited account
 * and each cluster's region. Each region's earlier findings of this tool are read first
 * (GetFindings) so CreatedAt keeps the first sighting, and so a finding whose cluster is gone
 * can be archived. Like the EventBridge publisher, nothing is dropped silently: a finding
 * over 240 KB, one rejected with a final error, and one still failing after the retries all
 * come back in `failed`, which makes the run exit 1 naming them.
 */
import {
  type AwsSecurityFinding,
  BatchImportFindingsCommand,
  paginateGetFindings,
  type SecurityHubClient,
} from '@aws-sdk/client-securityhub';
import { describeError, errorCode } from '../errors.js';
import type { Finding } from '../events/findings.js';
import { isRetryableCallError } from '../events/publisher.js';
import { archivedCopy, GENERATOR_PREFIX, productArn, toAsff } from './asff.js';

/** BatchImportFindings takes at most this many findings per call. */
export const MAX_FINDINGS_PER_CALL = 100;
/** Security Hub refuses a finding larger than this (240 KB). */
export const MAX_FINDING_BYTES = 240 * 1024;
export const DEFAULT_IMPORT_ATTEMPTS = 5;
export const DEFAULT_IMPORT_BACKOFF_MS = 100;
const MAX_BACKOFF_MS = 5_000;
/** GetFindings' largest page. */
const GET_FINDINGS_PAGE = 100;

/** Per-finding error codes worth another try; every other code is final. */
const RETRYABLE_FINDING_CODE = /internal|throttl|toomanyrequests|limitexceeded|serviceunavailable/i;

/** Our code for a finding that was never sent because it is over 240 KB. */
export const TOO_LARGE = 'FindingTooLarge';

/** A finding Security Hub did not take, with why. */
export interface NotImported {
  id: string;
  region: string;
  errorCode: string;
  errorMessage: string;
}

export interface SecurityHubResult {
  /** Findings Security Hub accepted (archived ones included). */
  imported: number;
  /** Earlier findings archived because their cluster is gone. */
  archived: number;
  /** BatchImportFindings calls made. */
  calls: number;
  regions: string[];
  failed: NotImported[];
}

export interface ImportOptions {
  maxAttempts?: number;
  backoffMs?: number;
  /** Waits between retry rounds (tests pass one that does not wait). */
  sleep?(ms: number): Promise<void>;
}

export interface ImportContext {
  account: string;
  /** ISO 8601 UTC: UpdatedAt of every finding, CreatedAt of new ones. */
  now: string;
  /**
   * Whether an earlier finding with this Id that this run did not produce may be archived (its
   * cluster is gone). Default: never. The audit allows it only where nothing was left unjudged.
   */
  mayArchive?(id: string): boolean;
}

interface Pending {
  finding: AwsSecurityFinding;
  lastCode: string;
  lastMessage: string;
}

const defaultSleep = (ms: number) =>
  ms > 0 ? new Promise<void>((resolve) => setTimeout(resolve, ms)) : Promise.resolve();

/** Splits findings into calls of at most 100, in order. */
export function toImportBatches<T>(items: readonly T[]): T[][] {
  const batches: T[][] = [];
  for (let i = 0; i < items.length; i += MAX_FINDINGS_PER_CALL)
    batches.push(items.slice(i, i + MAX_FINDINGS_PER_CALL));
  return batches;
}

/** This tool's earlier findings in a region of the account, by Id (every page). */
export async function existingFindings(
  client: SecurityHubClient,
  region: string,
  account: string,
): Promise<Map<string, AwsSecurityFinding>> {
  const found = new Map<string, AwsSecurityFinding>();
  const pages = paginateGetFindings(
    { client, pageSize: GET_FINDINGS_PAGE },
    {
      Filters: {
        ProductArn: [{ Value: productArn(region, account), Comparison: 'EQUALS' }],
        AwsAccountId: [{ Value: account, Comparison: 'EQUALS' }],
        GeneratorId: [{ Value: GENERATOR_PREFIX, Comparison: 'PREFIX' }],
      },
      MaxResults: GET_FINDINGS_PAGE,
    },
  );
  for await (const page of pages) {
    for (const finding of page.Findings ?? []) {
      // With cross-region aggregation other regions' findings can show up here; ours say their region.
      if (finding.Id?.startsWith(`${account}/${region}/`)) found.set(finding.Id, finding);
    }
  }
  return found;
}

/** One BatchImportFindings call: what it took, what to retry, what failed for good. */
async function sendBatch(client: SecurityHubClient, batch: Pending[], region: string) {
  const retry: Pending[] = [];
  const final: NotImported[] = [];
  try {
    const output = await client.send(
      new BatchImportFindingsCommand({ Findings: batch.map((p) => p.finding) }),
    );
    const byId = new Map(batch.map((p) => [p.finding.Id!, p]));
    const failedIds = new Set<string>();
    for (const failure of output.FailedFindings ?? []) {
      const item = failure.Id ? byId.get(failure.Id) : undefined;
      const code = failure.ErrorCode ?? 'Unknown';
      const message = failure.ErrorMessage ?? '';
      if (!item) {
        final.push({ id: failure.Id ?? '(no id)', region, errorCode: code, errorMessage: message });
        continue;
      }
      failedIds.add(item.finding.Id!);
      if (RETRYABLE_FINDING_CODE.test(code)) retry.push({ ...item, lastCode: code, lastMessage: message });
      else final.push({ id: item.finding.Id!, region, errorCode: code, errorMessage: message });
    }
    // A count that disagrees with the list means some failures were not named: never count them as imported.
    const unnamed = (output.FailedCount ?? 0) - (output.FailedFindings?.length ?? 0);
    const imported = batch.length - failedIds.size - Math.max(0, unnamed);
    if (unnamed > 0) {
      final.push({
        id: '(unnamed)',
        region,
        errorCode: 'FailedCountMismatch',
        errorMessage: `Security Hub counted ${output.FailedCount} failed finding(s) but named ${output.FailedFindings?.length ?? 0}`,
      });
    }
    return { imported, retry, final };
  } catch (error) {
    const code = errorCode(error) ?? 'Error';
    const message = describeError(error);
    if (isRetryableCallError(error)) {
      return {
        imported: 0,
        retry: batch.map((p) => ({ ...p, lastCode: code, lastMessage: message })),
        final,
      };
    }
    for (const p of batch) final.push({ id: p.finding.Id!, region, errorCode: code, errorMessage: message });
    return { imported: 0, retry, final };
  }
}

/** Imports one region's ASFF findings in calls of ≤ 100, retrying what may succeed later. */
export async function importAsff(
  client: SecurityHubClient,
  region: string,
  findings: readonly AwsSecurityFinding[],
  options: ImportOptions = {},
): Promise<Pick<SecurityHubResult, 'imported' | 'calls' | 'failed'>> {
  const maxAttempts = Math.max(1, options.maxAttempts ?? DEFAULT_IMPORT_ATTEMPTS);
  const backoffMs = options.backoffMs ?? DEFAULT_IMPORT_BACKOFF_MS;
  const sleep = options.sleep ?? defaultSleep;
  const failed: NotImported[] = [];
  let pending: Pending[] = [];
  for (const finding of findings) {
    const size = Buffer.byteLength(JSON.stringify(finding), 'utf8');
    if (size > MAX_FINDING_BYTES) {
      failed.push({
        id: finding.Id ?? '',
        region,
        errorCode: TOO_LARGE,
        errorMessage: `finding is ${size} bytes; Security Hub takes at most ${MAX_FINDING_BYTES} bytes per finding`,
      });
    } else pending.push({ finding, lastCode: '', lastMessage: '' });
  }
  let imported = 0;
  let calls = 0;
  for (let attempt = 1; attempt <= maxAttempts && pending.length > 0; attempt++) {
    if (attempt > 1)
      await sleep(Math.floor(Math.random() * Math.min(MAX_BACKOFF_MS, backoffMs * 2 ** (attempt - 2))));
    const retry: Pending[] = [];
    for (const batch of toImportBatches(pending)) {
      const outcome = await sendBatch(client, batch, region);
      calls++;
      imported += outcome.imported;
      failed.push(...outcome.final);
      retry.push(...outcome.retry);
    }
    pending = retry;
  }
  for (const item of pending) {
    failed.push({
      id: item.finding.Id!,
      region,
      errorCode: item.lastCode,
      errorMessage: `${item.lastMessage} (gave up after ${maxAttempts} attempts)`,
    });
  }
  return { imported, calls, failed };
}

/**
 * Imports every finding into Security Hub in its own region of `context.account`: reads the
 * region's earlier findings of this tool (CreatedAt is kept from the first sighting), maps
 * each finding to ASFF, archives earlier findings this run no longer produces where
 * `mayArchive` allows, and imports in calls of ≤ 100. A region whose earlier findings cannot
 * be read imports nothing (CreatedAt would be lost) and reports each of its findings failed.
 */
export async function importFindings(
  clientFor: (region: string) => SecurityHubClient,
  findings: readonly Finding[],
  context: ImportContext,
  options: ImportOptions = {},
): Promise<SecurityHubResult> {
  const byRegion = new Map<string, Finding[]>();
  for (const finding of findings)
    byRegion.set(finding.region, [...(byRegion.get(finding.region) ?? []), finding]);
  const result: SecurityHubResult = {
    imported: 0,
    archived: 0,
    calls: 0,
    regions: [...byRegion.keys()],
    failed: [],
  };
  for (const [region, regional] of byRegion) {
    const client = clientFor(region);
    let existing: Map<string, AwsSecurityFinding>;
    try {
      existing = await existingFindings(client, region, context.account);
    } catch (error) {
      const message = `could not read earlier findings (GetFindings): ${describeError(error)}`;
      const code = errorCode(error) ?? 'Error';
      for (const f of regional)
        result.failed.push({ id: f.findingId, region, errorCode: code, errorMessage: message });
      continue;
    }
    const current = regional.map((f) =>
      toAsff(f, { createdAt: existing.get(f.findingId)?.CreatedAt, updatedAt: context.now }),
    );
    const ids = new Set(regional.map((f) => f.findingId));
    const gone = [...existing.values()].filter(
      (f) => !ids.has(f.Id!) && f.RecordState !== 'ARCHIVED' && (context.mayArchive?.(f.Id!) ?? false),
    );
    const archived = gone.map((f) => archivedCopy(f, context.now));
    const outcome = await importAsff(client, region, [...current, ...archived], options);
    const failedIds = new Set(outcome.failed.map((f) => f.id));
    result.imported += outcome.imported;
    result.archived += archived.filter((f) => !failedIds.has(f.Id!)).length;
    result.calls += outcome.calls;
    result.failed.push(...outcome.failed);
  }
  return result;
}

/** `3 finding(s) not imported into Security Hub: <id> in <region> (<code>: <message>); ...` */
export function describeNotImported(failed: readonly NotImported[]): string {
  const shown = failed.slice(0, 10).map((f) => `${f.id} in ${f.region} (${f.errorCode}: ${f.errorMessage})`);
  const more = failed.length > 10 ? `; and ${failed.length - 10} more` : '';
  return `${failed.length} finding(s) not imported into Security Hub: ${shown.join('; ')}${more}`;
}
