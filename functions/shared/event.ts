/**
 * What a schedule sends the handlers, and the instant a run is planned for.
 */
import type { ScheduledEvent } from 'aws-lambda';
import { DateTime } from 'luxon';

/**
 * The payload a schedule delivers: an EventBridge `Scheduled Event` (rules), or the
 * same shape that serverless.yml has EventBridge Scheduler send (its `input`, filled with
 * the scheduler's context attributes). Every field is optional: a manual invoke with `{}`
 * is a valid run.
 */
export type ScheduleEvent = Partial<ScheduledEvent<Record<string, unknown>>>;

/** How far ahead of the function's clock a scheduled time may be (clock skew). */
export const FUTURE_TOLERANCE_MS = 5 * 60_000;

/** Where a run's planning instant came from. */
export type TimeSource = 'event' | 'clock';

/**
 * The instant a run is planned for: the event's scheduled `time`, so a retried invocation
 * plans exactly what the first one did; the clock when the event has no usable time. A
 * time ahead of the clock is not believed (it could only make prune delete early), unless
 * `trustEventTime` is set: a local sandbox keeps its own clock, which may be anywhere.
 */
export function planningTime(
  event: ScheduleEvent | null | undefined,
  clock: () => DateTime,
  trustEventTime: boolean,
): { now: DateTime; source: TimeSource } {
  const now = clock();
  const raw = typeof event?.time === 'string' ? event.time : undefined;
  if (!raw) return { now, source: 'clock' };
  const scheduled = DateTime.fromISO(raw, { zone: 'utc' });
  if (!scheduled.isValid) return { now, source: 'clock' };
  if (!trustEventTime && scheduled.toMillis() > now.toMillis() + FUTURE_TOLERANCE_MS) {
    return { now, source: 'clock' };
  }
  return { now: scheduled, source: 'event' };
}
