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

/**
 * How far behind the clock a scheduled time may be. EventBridge Scheduler retries delivery for
 * at most 24 h (its maximum event age), and Lambda's asynchronous retries fall inside that; an
 * older `time` is not a schedule's (the console's sample event says 1970), and believing it
 * would make copy replicate every backup ever taken and audit publish findings dated then.
 */
export const MAX_EVENT_AGE_MS = 24 * 3_600_000;

/** Where a run's planning instant came from. */
export type TimeSource = 'event' | 'clock';

/** The planning instant, where it came from, and why an event time was set aside. */
export interface PlanningTime {
  now: DateTime;
  source: TimeSource;
  /** Set when the event carried a time that was not believed: the reason, for the log. */
  ignored?: string;
}

/**
 * The instant a run is planned for: the event's scheduled `time`, so a retried invocation
 * plans exactly what the first one did; the clock when the event has no usable time. A time
 * ahead of the clock (it could only make prune delete early) or more than
 * {@link MAX_EVENT_AGE_MS} behind it is not believed, unless `trustEventTime` is set: a local
 * sandbox keeps its own clock, which may be anywhere.
 */
export function planningTime(
  event: ScheduleEvent | null | undefined,
  clock: () => DateTime,
  trustEventTime: boolean,
): PlanningTime {
  const now = clock();
  const raw = typeof event?.time === 'string' ? event.time : undefined;
  if (!raw) return { now, source: 'clock' };
  const scheduled = DateTime.fromISO(raw, { zone: 'utc' });
  if (!scheduled.isValid) {
    return { now, source: 'clock', ignored: `event time ${JSON.stringify(raw)} is not an ISO 8601 time` };
  }
  if (trustEventTime) return { now: scheduled, source: 'event' };
  const clockText = now.toUTC().toISO();
  if (scheduled.toMillis() > now.toMillis() + FUTURE_TOLERANCE_MS) {
    return { now, source: 'clock', ignored: `event time ${raw} is ahead of the clock (${clockText})` };
  }
  if (scheduled.toMillis() < now.toMillis() - MAX_EVENT_AGE_MS) {
    return {
      now,
      source: 'clock',
      ignored:
        `event time ${raw} is more than 24 h before the clock (${clockText}), older than any ` +
        'scheduled delivery or retry: not a schedule',
    };
  }
  return { now: scheduled, source: 'event' };
}
