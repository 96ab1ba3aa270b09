import {
  type EventBridgeClient,
  PutEventsCommand,
  type PutEventsCommandOutput,
  type PutEventsRequestEntry,
} from '@aws-sdk/client-eventbridge';
import { mapSettled } from '../concurrency.js';
import { describeError, errorCode, THROTTLING_CODES } from '../errors.js';
import type { FeedEvent, FeedTarget, PublishOptions, PublishResult, UndeliveredEvent } from './types.js';

/** PutEvents takes at most this many entries per call. */
export const MAX_ENTRIES_PER_CALL = 10;

/** The total entry size of one PutEvents call must stay below this (256 KB). */
export const MAX_CALL_BYTES = 256 * 1024;

/** What `Time` adds to an entry's size when it is set (docs/aws-api.md §3.3). */
const TIME_BYTES = 14;

export const DEFAULT_PUBLISH_ATTEMPTS = 5;
export const DEFAULT_BACKOFF_MS = 100;
/** No single wait between retry rounds is longer than this. */
const MAX_BACKOFF_MS = 5_000;

/** Per-entry error codes PutEvents says are worth retrying; every other code is final. */
export const RETRYABLE_ENTRY_CODES: ReadonlySet<string> = new Set(['InternalFailure', 'ThrottlingException']);

/** Codes we report for entries that never reached EventBridge. */
export const LOCAL_ERROR_CODES = {
  tooLarge: 'EntryTooLarge',
  malformed: 'MalformedDetail',
} as const;

const RETRYABLE_CALL_ERRORS = new Set([
  ...THROTTLING_CODES,
  'InternalException',
  'InternalFailure',
  'InternalError',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
]);

/**
 * An entry's size as EventBridge counts it toward the 256 KB call limit: 14 bytes for
 * `Time` if set, plus the UTF-8 bytes of Source, DetailType, Detail and each Resource.
 */
export function entrySize(entry: PutEventsRequestEntry): number {
  let size = entry.Time ? TIME_BYTES : 0;
  for (const text of [entry.Source, entry.DetailType, entry.Detail]) {
    if (text) size += Buffer.byteLength(text, 'utf8');
  }
  for (const resource of entry.Resources ?? []) size += Buffer.byteLength(resource, 'utf8');
  return size;
}

/** The PutEvents entry for one feed event. Throws when the detail cannot be serialised. */
export function toEntry(event: FeedEvent, target: FeedTarget): PutEventsRequestEntry {
  const detail = JSON.stringify(event.detail);
  if (typeof detail !== 'string' || !detail.startsWith('{')) {
    throw new TypeError('the detail does not serialise to a JSON object');
  }
  return {
    Source: target.source,
    DetailType: event.detailType,
    Detail: detail,
    Resources: event.resources,
    ...(event.time ? { Time: event.time } : {}),
    ...(target.busName ? { EventBusName: target.busName } : {}),
  };
}

interface Pending {
  event: FeedEvent;
  entry: PutEventsRequestEntry;
  size: number;
  lastCode: string;
  lastMessage: string;
}

/**
 * Splits entries into PutEvents calls in their original order: at most 10 entries and
 * a total size strictly below 256 KB per call. Every item must fit on its own.
 */
export function toBatches<T extends { size: number }>(items: readonly T[]): T[][] {
  const batches: T[][] = [];
  let batch: T[] = [];
  let bytes = 0;
  for (const item of items) {
    if (batch.length === MAX_ENTRIES_PER_CALL || bytes + item.size >= MAX_CALL_BYTES) {
      if (batch.length > 0) batches.push(batch);
      batch = [];
      bytes = 0;
    }
    batch.push(item);
    bytes += item.size;
  }
  if (batch.length > 0) batches.push(batch);
  return batches;
}

/** True when a failed PutEvents call (not a failed entry) is worth trying again. */
export function isRetryableCallError(error: unknown): boolean {
  const e = error as { $retryable?: unknown; $metadata?: { httpStatusCode?: number } };
  if (e && typeof e === 'object') {
    if (e.$retryable) return true;
    const status = e.$metadata?.httpStatusCode;
    if (status !== undefined && (status >= 500 || status === 429)) return true;
  }
  const code = errorCode(error);
  return code !== undefined && RETRYABLE_CALL_ERRORS.has(code);
}

/** Waits `ms` (no timer at all for 0). */
export function sleep(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}

/** Full jitter: a random wait up to base × 2^(round − 1), capped. */
export function backoff(baseMs: number, round: number): number {
  if (baseMs <= 0) return 0;
  return Math.floor(Math.random() * Math.min(MAX_BACKOFF_MS, baseMs * 2 ** (round - 1)));
}

/** PutEvents calls in flight at once. */
export const PUBLISH_CONCURRENCY = 4;

/**
 * Sends feed events to EventBridge with PutEvents.
 *
 * Entries go out in calls of at most 10 entries and under 256 KB (sized the way AWS
 * counts), up to {@link PUBLISH_CONCURRENCY} calls at once; the last call of each round goes
 * after the others, so a closing event stays last. EventBridge itself promises no order. Only entries that failed with a retryable code (`InternalFailure`,
 * `ThrottlingException`), or whose whole call failed with a retryable error (throttling,
 * 5xx, timeouts), are sent again, after an exponential backoff with full jitter. Nothing
 * is dropped silently: an entry too large on its own, one whose detail cannot be
 * serialised, one rejected with a final code, and one still failing after `maxAttempts`
 * all come back in `failed` with their error code.
 */
export async function publishEvents(
  client: EventBridgeClient,
  events: FeedEvent[],
  target: FeedTarget,
  options: PublishOptions = {},
): Promise<PublishResult> {
  const maxAttempts = Math.max(1, options.maxAttempts ?? DEFAULT_PUBLISH_ATTEMPTS);
  const backoffMs = options.backoffMs ?? DEFAULT_BACKOFF_MS;
  const failed: UndeliveredEvent[] = [];
  let pending: Pending[] = [];

  for (const event of events) {
    let entry: PutEventsRequestEntry;
    try {
      entry = toEntry(event, target);
    } catch (error) {
      failed.push({ event, errorCode: LOCAL_ERROR_CODES.malformed, errorMessage: describeError(error) });
      continue;
    }
    const size = entrySize(entry);
    if (size >= MAX_CALL_BYTES) {
      failed.push({
        event,
        errorCode: LOCAL_ERROR_CODES.tooLarge,
        errorMessage: `entry is ${size} bytes; PutEvents takes less than ${MAX_CALL_BYTES} bytes per call`,
      });
      continue;
    }
    pending.push({ event, entry, size, lastCode: '', lastMessage: '' });
  }

  let published = 0;
  let calls = 0;
  for (let attempt = 1; attempt <= maxAttempts && pending.length > 0; attempt++) {
    if (attempt > 1) await sleep(backoff(backoffMs, attempt - 1));
    const retry: Pending[] = [];
    const batches = toBatches(pending);
    const add = (outcome: BatchOutcome) => {
      calls++;
      published += outcome.published;
      failed.push(...outcome.final);
      retry.push(...outcome.retry);
    };
    // Batches go out side by side (sendBatch never throws), except the last, which is sent
    // after the others: a run's closing event (the run summary) stays last in its round.
    const last = batches.pop();
    await mapSettled(batches, PUBLISH_CONCURRENCY, async (batch) => add(await sendBatch(client, batch)));
    if (last) add(await sendBatch(client, last));
    pending = retry;
  }

  for (const item of pending) {
    failed.push({
      event: item.event,
      errorCode: item.lastCode,
      errorMessage: `${item.lastMessage} (gave up after ${maxAttempts} attempts)`,
    });
  }
  return { published, failed, calls };
}

interface BatchOutcome {
  published: number;
  retry: Pending[];
  final: UndeliveredEvent[];
}

async function sendBatch(client: EventBridgeClient, batch: Pending[]): Promise<BatchOutcome> {
  const outcome: BatchOutcome = { published: 0, retry: [], final: [] };
  let response: PutEventsCommandOutput;
  try {
    response = await client.send(new PutEventsCommand({ Entries: batch.map((item) => item.entry) }));
  } catch (error) {
    const code = errorCode(error) ?? 'Error';
    const message = describeError(error);
    if (isRetryableCallError(error)) {
      for (const item of batch) outcome.retry.push({ ...item, lastCode: code, lastMessage: message });
    } else {
      for (const item of batch)
        outcome.final.push({ event: item.event, errorCode: code, errorMessage: message });
    }
    return outcome;
  }

  const results = response.Entries ?? [];
  batch.forEach((item, index) => {
    const result = results[index];
    if (result?.ErrorCode) {
      const message = result.ErrorMessage ?? result.ErrorCode;
      if (RETRYABLE_ENTRY_CODES.has(result.ErrorCode)) {
        outcome.retry.push({ ...item, lastCode: result.ErrorCode, lastMessage: message });
      } else {
        outcome.final.push({ event: item.event, errorCode: result.ErrorCode, errorMessage: message });
      }
    } else if (result?.EventId) {
      outcome.published++;
    } else {
      // A response shorter than the request, or an entry with neither id nor error, is not proof of delivery.
      outcome.retry.push({
        ...item,
        lastCode: 'MissingResult',
        lastMessage: 'PutEvents returned no result for this entry',
      });
    }
  });
  return outcome;
}

/** Identifies an undelivered event for an error log: its type and finding id or resource. */
export function describeEvent(event: FeedEvent): string {
  const detail = event.detail as { findingId?: unknown; runId?: unknown; backupId?: unknown };
  const what =
    typeof detail.findingId === 'string'
      ? detail.findingId
      : typeof detail.backupId === 'string'
        ? detail.backupId
        : (event.resources[0] ?? (typeof detail.runId === 'string' ? `run ${detail.runId}` : ''));
  return what ? `${event.detailType} ${what}` : event.detailType;
}

/**
 * One error message naming everything that was lost, for logs and the CLI's stderr
 * (the first `limit` events individually, then a count).
 */
export function describeUndelivered(failed: UndeliveredEvent[], target: FeedTarget, limit = 20): string {
  const lines = failed
    .slice(0, limit)
    .map((item) => `  - ${describeEvent(item.event)}: ${item.errorCode}: ${item.errorMessage}`);
  if (failed.length > limit) lines.push(`  ... and ${failed.length - limit} more`);
  const bus = target.busName || 'default';
  return `${failed.length} event(s) were NOT delivered to EventBridge bus "${bus}" in ${target.region}:\n${lines.join('\n')}`;
}
