/**
 * The queue message of organization mode: one {@link UnitMessage} per SQS message body, written
 * by the dispatch Lambda and read by the worker. The worker trusts nothing it did not check: a
 * body of another version, a malformed account id or role name is refused with a message that
 * names the field, before any AWS call (the record then fails and ends in the dead-letter queue).
 * zod's mini build, imported as a namespace so esbuild keeps only what is used: 20 KB of the
 * worker's bundle instead of 430 KB.
 */
import * as z from 'zod/mini';
import { KNOWN_REGIONS } from '../config/common.js';
import { encodeUnitMessage, MESSAGE_VERSION } from './message-format.js';
import { ACCESS_PATTERNS, type UnitMessage } from './types.js';

export { encodeUnitMessage, MESSAGE_VERSION };

/** A body the worker cannot use; the message names the field and the accepted form. */
export class MessageError extends Error {
  override name = 'MessageError';
}

const pattern = (regex: RegExp, message: string) => z.string().check(z.regex(regex, message));
const accountId = pattern(ACCESS_PATTERNS.accountId, 'expected a 12-digit account id');
const roleName = pattern(ACCESS_PATTERNS.roleName, 'expected an IAM role name (1-64 of A-Z a-z 0-9 +=,.@_-)');
const externalId = pattern(
  ACCESS_PATTERNS.externalId,
  'expected 2-1224 of A-Z a-z 0-9 +=,.@:/_- (sts:ExternalId)',
);
const region = z.string().check(z.refine((value) => KNOWN_REGIONS.has(value), 'expected a known AWS region'));
const accountName = z.string().check(z.minLength(1), z.maxLength(50));

const UNIT_MESSAGE = z.strictObject({
  version: z.literal(MESSAGE_VERSION),
  runId: z.uuid('expected the run id (a UUID)'),
  plannedAt: z.iso.datetime({ offset: true, message: 'expected an ISO 8601 instant' }),
  unit: z.strictObject({
    job: z.enum(['audit', 'copy', 'prune', 'inventory']),
    account: z.strictObject({ id: accountId, name: z.optional(accountName) }),
    region,
  }),
  access: z.strictObject({ roleName, externalId: z.optional(externalId) }),
});

/** Where in the message an issue is, as `unit.account.id`. */
function pathOf(issue: z.core.$ZodIssue): string {
  return issue.path.length > 0 ? issue.path.map(String).join('.') : 'the message';
}

/**
 * Reads one SQS message body. Throws a {@link MessageError} naming each bad field (a version
 * other than {@link MESSAGE_VERSION} is named first and alone: its fields may mean other things).
 */
export function parseUnitMessage(body: string): UnitMessage {
  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch (error) {
    throw new MessageError(`unit message body is not JSON: ${(error as Error).message}`);
  }
  if (raw && typeof raw === 'object' && 'version' in raw && raw.version !== MESSAGE_VERSION) {
    throw new MessageError(
      `unit message version ${JSON.stringify(raw.version)} is not one this worker reads: it reads version ${MESSAGE_VERSION} (deploy the dispatch and worker functions together)`,
    );
  }
  const parsed = UNIT_MESSAGE.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${pathOf(issue)}: ${issue.message}`);
    throw new MessageError(`unit message refused: ${issues.join('; ')}`);
  }
  return parsed.data as UnitMessage;
}
