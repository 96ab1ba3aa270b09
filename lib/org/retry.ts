/**
 * What the worker does with a unit's result (functions/worker.ts): done, retried by SQS, or
 * reported as a failure no retry can fix.
 *
 * A failed SQS record comes back after the visibility timeout, up to the queue's
 * maxReceiveCount (3), then goes to the dead-letter queue. That is right for causes that pass
 * (throttling, timeouts, 5xx, a copy deferred behind another run's claim or the deadline, lost
 * events) and wasteful for causes only a person can fix: a member account without the role or
 * whose trust policy refuses the hub (AccessDenied on sts:AssumeRole), a role missing a
 * permission, a region not enabled in the account (or STS's endpoint turned off), a prune plan over MAX_DELETIONS, bad input. Those are reported (an ERROR line
 * naming the unit and the `UnitsFailed` metric) and the record is deleted: the next schedule
 * tries again, after someone fixed the account.
 *
 * runUnit reports failures as text that carries the AWS error code (lib/errors.ts describeError),
 * so the verdict reads the codes. A code this list does not know is retried: a retry too many
 * ends in the dead-letter queue, where it is seen; a skipped retry would lose work silently.
 */
import type { UnitResult } from './types.js';

/** Error codes (and runUnit's own words) that no retry can change. */
export const PERMANENT_CAUSES: readonly RegExp[] = [
  /\bAccessDenied(Exception)?\b/,
  /\bUnauthorizedOperation\b/,
  /\bUnrecognizedClientException\b/,
  /\bInvalidClientTokenId\b/,
  /\bAuthFailure\b/,
  /\bOptInRequired\b/,
  // STS's regional endpoint is turned off in the hub account: every AssumeRole there fails alike.
  /\bRegionDisabledException\b/,
  /\bno (audit|copy|prune) settings were given\b/,
  // Prune's guardrail: the plan is over MAX_DELETIONS; a re-plan refuses it again until someone raises it.
  /\bmore than MAX_DELETIONS \d+; nothing was deleted\b/,
];

/** What to do with a unit's message. */
export type UnitVerdict =
  | { kind: 'done' }
  /** Report and delete the message: a person must fix the cause. */
  | { kind: 'permanent'; reasons: string[] }
  /** Hand the message back to SQS (a batch item failure). */
  | { kind: 'retry'; reasons: string[] };

/** True when no retry can change the outcome of `reason`. */
export function isPermanent(reason: string): boolean {
  return PERMANENT_CAUSES.some((pattern) => pattern.test(reason));
}

/**
 * Done when the unit succeeded; permanent when it was bad input (exit 2) or every failure is
 * one only a person can fix; otherwise retried.
 */
export function unitVerdict(result: UnitResult): UnitVerdict {
  if (result.exitCode === 0) return { kind: 'done' };
  const reasons = result.failures.length > 0 ? result.failures : [`exit code ${result.exitCode}`];
  if (result.exitCode === 2 || reasons.every(isPermanent)) return { kind: 'permanent', reasons };
  return { kind: 'retry', reasons };
}
