/**
 * EventBridge PutEvents (JSON 1.1, `AWSEvents.PutEvents`) with AWS's validation and limits:
 * 1-10 entries, 256 KB in all, per-entry errors with FailedEntryCount.
 */
import { randomUUID } from 'node:crypto';
import { ApiError } from '../errors.js';
import type { CallContext, Handler, ReceivedEvent } from './context.js';
import type { Input } from './input.js';

const MAX_ENTRIES = 10;
/** AWS: "The total entry size must be less than 256KB", so exactly 256 KB is refused. */
const MAX_BYTES = 256 * 1024;
/** The model's NonPartnerEventBusNameOrArn: no `/` in a name (only partner buses have one). */
const BUS_NAME = /^[.\-_A-Za-z0-9]{1,256}$/;
const BUS_ARN = /^arn:aws[\w-]*:events:[a-z0-9-]+:\d{12}:event-bus\/([.\-_A-Za-z0-9]{1,256})$/;

const bytes = (text: unknown) => (typeof text === 'string' ? Buffer.byteLength(text, 'utf8') : 0);

/** An entry's size as AWS counts it: Time (14 bytes) + Source + DetailType + Detail + Resources. */
export function entrySize(entry: Input): number {
  const resources = Array.isArray(entry.Resources) ? entry.Resources : [];
  return (
    (entry.Time !== undefined ? 14 : 0) +
    bytes(entry.Source) +
    bytes(entry.DetailType) +
    bytes(entry.Detail) +
    resources.reduce((sum: number, r) => sum + bytes(r), 0)
  );
}

function validation(message: string): ApiError {
  return new ApiError('ValidationException', message);
}

function busNameOf(value: unknown): string {
  if (value === undefined || value === null) return 'default';
  if (typeof value !== 'string') throw validation('EventBusName must be a string');
  const arn = BUS_ARN.exec(value);
  if (arn) return arn[1]!;
  if (!BUS_NAME.test(value)) throw validation(`EventBusName "${value}" is not a valid event bus name or ARN`);
  return value;
}

type EntryResult = { EventId: string } | { ErrorCode: string; ErrorMessage: string };

function failure(code: string, message: string): EntryResult {
  return { ErrorCode: code, ErrorMessage: message };
}

/** Checks one entry; returns the parsed detail or the per-entry error. */
function checkEntry(entry: Input): { detail: object } | EntryResult {
  for (const field of ['Source', 'DetailType', 'Detail']) {
    if (typeof entry[field] !== 'string' || entry[field] === '') {
      return failure(
        'InvalidArgument',
        `Parameter ${field} is not valid. Reason: ${field} is a required argument.`,
      );
    }
  }
  const source = entry.Source as string;
  if (source.startsWith('aws.')) {
    return failure('NotAuthorizedForSourceException', `Not authorized for the source ${source}.`);
  }
  if ((entry.DetailType as string).length > 128) {
    return failure(
      'InvalidArgument',
      'Parameter DetailType is not valid. Reason: longer than 128 characters.',
    );
  }
  const resources = entry.Resources;
  if (
    resources !== undefined &&
    (!Array.isArray(resources) || resources.some((r) => typeof r !== 'string' || r.length > 2048))
  ) {
    return failure(
      'InvalidArgument',
      'Parameter Resources is not valid. Reason: each resource must be an ARN of at most 2048 characters.',
    );
  }
  let detail: unknown;
  try {
    detail = JSON.parse(entry.Detail as string);
  } catch {
    return failure('MalformedDetail', 'Detail is malformed.');
  }
  if (!detail || typeof detail !== 'object' || Array.isArray(detail)) {
    return failure('MalformedDetail', 'Detail is malformed: it must be a JSON object.');
  }
  return { detail };
}

function eventTime(value: unknown, context: CallContext): string {
  const ms = typeof value === 'number' ? value * 1000 : context.state.clock.nowMs();
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

const putEvents: Handler = (context, input) => {
  const entries = input.Entries;
  if (!Array.isArray(entries) || entries.length < 1 || entries.length > MAX_ENTRIES) {
    const count = Array.isArray(entries) ? entries.length : 0;
    throw validation(
      `1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length between 1 and ${MAX_ENTRIES} (got ${count})`,
    );
  }
  if (entries.some((e) => !e || typeof e !== 'object' || Array.isArray(e))) {
    throw new ApiError('SerializationException', 'Each entry must be a structure');
  }
  const typed = entries as Input[];
  const total = typed.reduce((sum, e) => sum + entrySize(e), 0);
  if (total >= MAX_BYTES)
    throw validation(
      `Total size of the entries in the request is over the limit (${total} bytes; it must be less than ${MAX_BYTES}).`,
    );
  const busNames = typed.map((e) => busNameOf(e.EventBusName));
  const checked = typed.map(checkEntry);
  if (checked.every((c) => !('detail' in c))) {
    throw validation(
      'Parameter(s) Source, DetailType and Detail must be specified (and valid) in at least one entry.',
    );
  }
  const results: EntryResult[] = typed.map((entry, i) => {
    const check = checked[i]!;
    if (!('detail' in check)) return check;
    const injected = context.events.entryFailure(context.region);
    if (injected) return failure(injected, `Injected ${injected} (sandbox fault)`);
    const event: ReceivedEvent = {
      eventId: randomUUID(),
      region: context.region,
      account: context.state.account,
      source: entry.Source as string,
      detailType: entry.DetailType as string,
      detail: check.detail,
      resources: (entry.Resources as string[] | undefined) ?? [],
      busName: busNames[i]!,
      time: eventTime(entry.Time, context),
    };
    context.events.accept(event);
    return { EventId: event.eventId };
  });
  return { FailedEntryCount: results.filter((r) => 'ErrorCode' in r).length, Entries: results };
};

/** EventBridge operations by name. */
export const eventsHandlers: Record<string, Handler> = { PutEvents: putEvents };
