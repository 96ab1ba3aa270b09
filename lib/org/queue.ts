/**
 * Sends units of work to the organization's SQS queue (the dispatch Lambda's side).
 *
 * The queue is a standard queue, sent to without MessageDeduplicationId or MessageGroupId. A
 * FIFO queue's deduplication lasts 5 minutes and covers only sending; it cannot stop a message
 * being received twice (a worker that outlives the visibility timeout, a batch partly failed),
 * and its message groups would hold back every later unit of an account behind a failing one.
 * Units are safe to run twice instead (runUnit: copy claims, prune re-plans, findings keyed on
 * findingId + runId), so at-least-once delivery is enough, and a standard queue has no
 * throughput ceiling for a large organization.
 */
import {
  SendMessageBatchCommand,
  type SendMessageBatchRequestEntry,
  type SendMessageBatchResultEntry,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { describeError } from '../errors.js';
import { backoff, isRetryableCallError, sleep } from '../events/publisher.js';
import { encodeUnitMessage } from './message-format.js';
import type { Unit, UnitMessage } from './types.js';

/** SendMessageBatch takes at most 10 entries per call. */
export const MAX_BATCH_ENTRIES = 10;
/** ... and at most 256 KiB of message bodies per call (and per message). */
export const MAX_BATCH_BYTES = 262_144;
/** Attempts per unit, the first included, before it is reported as not sent. */
export const DEFAULT_SEND_ATTEMPTS = 4;
const DEFAULT_BACKOFF_MS = 200;

/** A unit that did not reach the queue, and why (the last error code and message). */
export interface UnsentUnit {
  unit: Unit;
  reason: string;
}

/** What sending did. */
export interface SendResult {
  sent: number;
  /** SendMessageBatch calls made, retries included. */
  calls: number;
  failed: UnsentUnit[];
}

export interface SendOptions {
  /** Attempts per unit (default {@link DEFAULT_SEND_ATTEMPTS}). */
  maxAttempts?: number;
  /** Base of the exponential backoff between rounds, full jitter (default 200 ms; 0 in tests). */
  backoffMs?: number;
}

interface Pending {
  message: UnitMessage;
  body: string;
  bytes: number;
  last: string;
}

/** Entries in calls of at most {@link MAX_BATCH_ENTRIES} and {@link MAX_BATCH_BYTES}, in order. */
function toBatches(pending: Pending[]): Pending[][] {
  const batches: Pending[][] = [];
  let batch: Pending[] = [];
  let bytes = 0;
  for (const item of pending) {
    if (batch.length === MAX_BATCH_ENTRIES || bytes + item.bytes > MAX_BATCH_BYTES) {
      batches.push(batch);
      batch = [];
      bytes = 0;
    }
    batch.push(item);
    bytes += item.bytes;
  }
  if (batch.length > 0) batches.push(batch);
  return batches;
}

const NOT_RETRIED = '(not retried: the request was at fault)';

/** One call's outcome: entries to send again, and entries that failed for good. */
async function sendBatch(
  client: SQSClient,
  queueUrl: string,
  batch: Pending[],
): Promise<{ retry: Pending[]; final: UnsentUnit[]; sent: number }> {
  // Ids are positions within the call: unique per call, as SendMessageBatch requires.
  const entries: SendMessageBatchRequestEntry[] = batch.map((item, i) => ({
    Id: String(i),
    MessageBody: item.body,
  }));
  try {
    const output = await client.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
    const retry: Pending[] = [];
    const final: UnsentUnit[] = [];
    const failures = new Map((output.Failed ?? []).map((failure) => [failure.Id, failure]));
    const successes = new Set((output.Successful ?? []).map((s: SendMessageBatchResultEntry) => s.Id));
    let sent = 0;
    batch.forEach((item, i) => {
      const failure = failures.get(String(i));
      if (failure) {
        item.last = `${failure.Code}: ${failure.Message ?? ''}`.trim();
        if (failure.SenderFault)
          final.push({ unit: item.message.unit, reason: `${item.last} ${NOT_RETRIED}` });
        else retry.push(item);
      } else if (successes.has(String(i))) {
        sent++;
      } else {
        // An entry the answer does not mention is not proof of delivery: send it again.
        item.last = 'SendMessageBatch returned no result for this entry';
        retry.push(item);
      }
    });
    return { retry, final, sent };
  } catch (error) {
    const last = describeError(error);
    for (const item of batch) item.last = last;
    if (isRetryableCallError(error)) return { retry: batch, final: [], sent: 0 };
    return {
      retry: [],
      final: batch.map((item) => ({ unit: item.message.unit, reason: `${last} ${NOT_RETRIED}` })),
      sent: 0,
    };
  }
}

/**
 * Sends one message per unit to `queueUrl` with SendMessageBatch. Entries a call reports as
 * failed through no fault of the request (SenderFault false), and calls that fail with a
 * retryable error (throttling, 5xx, timeouts: the client's own retries included), are sent again
 * after an exponential backoff with full jitter, up to `maxAttempts` per unit. Nothing is dropped
 * silently: a body over 256 KiB, an entry the queue refused for good and one still failing after
 * the attempts come back in `failed`, each naming its unit.
 */
export async function sendUnits(
  client: SQSClient,
  queueUrl: string,
  messages: readonly UnitMessage[],
  options: SendOptions = {},
): Promise<SendResult> {
  const maxAttempts = Math.max(1, options.maxAttempts ?? DEFAULT_SEND_ATTEMPTS);
  const backoffMs = options.backoffMs ?? DEFAULT_BACKOFF_MS;
  const failed: UnsentUnit[] = [];
  let pending: Pending[] = [];
  for (const message of messages) {
    const body = encodeUnitMessage(message);
    const bytes = Buffer.byteLength(body, 'utf8');
    if (bytes > MAX_BATCH_BYTES) {
      failed.push({
        unit: message.unit,
        reason: `message is ${bytes} bytes: SQS takes at most ${MAX_BATCH_BYTES}`,
      });
      continue;
    }
    pending.push({ message, body, bytes, last: '' });
  }
  let sent = 0;
  let calls = 0;
  for (let attempt = 1; attempt <= maxAttempts && pending.length > 0; attempt++) {
    if (attempt > 1) await sleep(backoff(backoffMs, attempt - 1));
    const retry: Pending[] = [];
    for (const batch of toBatches(pending)) {
      const outcome = await sendBatch(client, queueUrl, batch);
      calls++;
      sent += outcome.sent;
      failed.push(...outcome.final);
      retry.push(...outcome.retry);
    }
    pending = retry;
  }
  for (const item of pending) {
    failed.push({ unit: item.message.unit, reason: `${item.last} (gave up after ${maxAttempts} attempts)` });
  }
  return { sent, calls, failed };
}
