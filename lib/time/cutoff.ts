/**
 * The prune cutoff: a point in time read from `--timestamp` (in `--timezone`) or computed
 * from `--older-than`. Backups created at or before it are candidates.
 *
 * Rules (docs/architecture.md §4.6):
 * - `--timestamp` takes the seed script's formats `MM/DD/YY`, `MM/DD/YYYY`, `MM/DD/YYYY HH:mm`
 *   (month first; one-digit months and days are tolerated) and ISO 8601.
 * - The wall-clock time is read in `--timezone`: an IANA name (`America/New_York`), an offset
 *   (`-0200`, `05:00`, `+05:30`, `UTC+2`) or `UTC`/`GMT`/`Z`. Without it, UTC: never the
 *   machine's zone (the script's bug was to borrow whatever zone the backup's time carried).
 * - An ISO value that names its own offset (`...Z`, `...+02:00`) is an exact instant. Giving
 *   `--timezone` as well is rejected: two sources for one offset is ambiguous input, and
 *   guessing which wins on a command that deletes key material is the wrong trade.
 * - Two-digit years follow the script (Python's `%y`): 69–99 → 1969–1999, 00–68 → 2000–2068.
 * - Daylight-saving gaps and overlaps are resolved the same way at any machine date (a time in
 *   a gap moves forward by the gap, as luxon does; a time in an overlap takes the later,
 *   standard-time reading, chosen here since luxon's choice follows the machine's date),
 *   and a note says so, so the printed cutoff is never a surprise.
 */
import { DateTime, type Duration, FixedOffsetZone, IANAZone, type Zone } from 'luxon';
import { parseDuration } from '../config/common.js';
import { UsageError } from '../errors.js';

/** How the cutoff was given. */
export type CutoffKind = 'timestamp' | 'older-than' | 'copy-retention';

/** A resolved cutoff: one instant, plus the zone it was given in for printing. */
export interface Cutoff {
  kind: CutoffKind;
  /** The text the user gave (`03/08/2026 02:30`, `90d`). */
  input: string;
  /** The instant, in UTC. */
  utc: DateTime;
  /** The same instant in the zone the timestamp was read in (UTC for `--older-than`). */
  local: DateTime;
  /** The zone's name as resolved (`America/New_York`, `UTC-2`, `UTC`). */
  zone: string;
  /** How daylight-saving gaps or overlaps were resolved; empty when nothing was ambiguous. */
  notes: string[];
}

/** A cutoff as plain JSON, for plans, events and `--json`. */
export interface CutoffView {
  kind: CutoffKind;
  input: string;
  utc: string;
  local: string;
  zone: string;
  notes: string[];
}

/** A parsed `--timezone`. */
export interface ParsedZone {
  zone: Zone;
  name: string;
  /** False when no timezone was given and UTC is the default. */
  explicit: boolean;
}

/** Flag (or environment variable) names used in error messages. */
export interface CutoffLabels {
  timestamp: string;
  timezone: string;
  olderThan: string;
}

export const CLI_LABELS: CutoffLabels = {
  timestamp: '--timestamp',
  timezone: '--timezone',
  olderThan: '--older-than',
};

const UTC_NAMES = new Set(['UTC', 'GMT', 'Z', 'UT', 'ZULU']);
const OFFSET = /^(?:(?:UTC|GMT)\s*)?([+-])?(\d{1,2})(?::?(\d{2}))?$/i;
const SCRIPT_FORMAT = /^(\d{1,2})\/(\d{1,2})\/(\d{2}|\d{4})(?:[ T](\d{1,2}):(\d{2}))?$/;

function zoneError(text: string, label: string): UsageError {
  return new UsageError(
    `${label} "${text}" is not a timezone (expected an IANA name such as America/New_York, ` +
      'an offset such as -0200, 05:00 or +05:30, or UTC/GMT)',
  );
}

function parseOffset(text: string, label: string): Zone | undefined {
  const match = OFFSET.exec(text);
  if (!match) return undefined;
  const [, sign, hoursText, minutesText] = match;
  // A bare number such as "5" is too easily a typo for a zone; an offset needs a sign or minutes.
  if (!sign && minutesText === undefined) return undefined;
  const hours = Number(hoursText);
  const minutes = Number(minutesText ?? '0');
  if (hours > 14 || minutes > 59 || (hours === 14 && minutes > 0)) throw zoneError(text, label);
  const total = (hours * 60 + minutes) * (sign === '-' ? -1 : 1);
  return FixedOffsetZone.instance(total);
}

/**
 * Reads a `--timezone` value. Absent or empty means UTC (not the machine's zone).
 * Unsigned offsets (`05:00`) are east of UTC, as the seed script's `typedate` read them.
 */
export function parseTimeZone(text: string | undefined, label = CLI_LABELS.timezone): ParsedZone {
  const value = text?.trim() ?? '';
  if (value === '') return { zone: FixedOffsetZone.utcInstance, name: 'UTC', explicit: false };
  if (UTC_NAMES.has(value.toUpperCase())) {
    return { zone: FixedOffsetZone.utcInstance, name: 'UTC', explicit: true };
  }
  const offset = parseOffset(value, label);
  if (offset) return { zone: offset, name: offset.name, explicit: true };
  if (/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(value) && IANAZone.isValidZone(value)) {
    const zone = IANAZone.create(value);
    return { zone, name: zone.name, explicit: true };
  }
  throw zoneError(value, label);
}

/** Python's `%y`: 69–99 are the 1900s, 00–68 the 2000s. */
function expandYear(text: string): number {
  if (text.length === 4) return Number(text);
  const yy = Number(text);
  return yy >= 69 ? 1900 + yy : 2000 + yy;
}

function carriesOwnOffset(text: string): boolean {
  // Parsed in two different default zones, a value naming its own offset is the same instant.
  const a = DateTime.fromISO(text, { zone: 'UTC' });
  const b = DateTime.fromISO(text, { zone: FixedOffsetZone.instance(90) });
  return a.isValid && b.isValid && a.toMillis() === b.toMillis();
}

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

function wallClockOf(dt: DateTime): WallClock {
  return { year: dt.year, month: dt.month, day: dt.day, hour: dt.hour, minute: dt.minute };
}

function sameWallClock(a: WallClock, b: WallClock): boolean {
  return (
    a.year === b.year && a.month === b.month && a.day === b.day && a.hour === b.hour && a.minute === b.minute
  );
}

function formatWallClock(w: WallClock): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${w.year}-${p(w.month)}-${p(w.day)} ${p(w.hour)}:${p(w.minute)}`;
}

/** Notes on how luxon resolved a wall-clock time that falls in a DST gap or overlap. */
function daylightSavingNotes(requested: WallClock, resolved: DateTime, zoneName: string): string[] {
  const local = formatWallClock(requested);
  if (!sameWallClock(requested, wallClockOf(resolved))) {
    return [
      `${local} does not exist in ${zoneName} (the clocks skip it); read as ` +
        `${resolved.toFormat('yyyy-MM-dd HH:mm ZZZZ')} = ${resolved.toUTC().toFormat("yyyy-MM-dd HH:mm'Z'")}`,
    ];
  }
  const readings = resolved.getPossibleOffsets();
  if (readings.length > 1) {
    const other = readings.find((r) => r.offset !== resolved.offset);
    const otherText = other
      ? `; the other reading, ${other.toFormat('HH:mm ZZZZ')}, is ${other.toUTC().toFormat("HH:mm'Z'")}`
      : '';
    return [
      `${local} happens twice in ${zoneName} (the clocks go back); read as ` +
        `${resolved.toFormat('HH:mm ZZZZ')} = ${resolved.toUTC().toFormat("yyyy-MM-dd HH:mm'Z'")}${otherText}`,
    ];
  }
  return [];
}

/**
 * The later of a wall-clock time's readings in a daylight-saving overlap (the standard-time
 * one), else the time itself. luxon picks an overlap's reading from the zone's offset at the
 * machine's current date, so without this the cutoff would move with the clock.
 */
function laterReading(dt: DateTime): DateTime {
  return DateTime.max(dt, ...dt.getPossibleOffsets()) ?? dt;
}

function buildCutoff(kind: CutoffKind, input: string, instant: DateTime, zone: ParsedZone, notes: string[]) {
  return {
    kind,
    input,
    utc: instant.toUTC(),
    local: instant.setZone(zone.zone).setLocale('en-US'),
    zone: zone.name,
    notes,
  } satisfies Cutoff;
}

/** What is wrong with a wall-clock reading, in words; undefined when it is a real date and time. */
function wallClockProblem(w: WallClock): string | undefined {
  if (w.month < 1 || w.month > 12) return `there is no month ${w.month}`;
  const days = DateTime.utc(w.year, w.month, 1).daysInMonth!;
  if (w.day < 1 || w.day > days) {
    return `${DateTime.utc(w.year, w.month, 1).setLocale('en-US').toFormat('MMMM yyyy')} has ${days} days`;
  }
  // luxon would roll 24:00 over to the next day; the script (strptime) rejected it, and so do we.
  if (w.hour > 23) return 'the hour must be 00–23';
  if (w.minute > 59) return 'the minute must be 00–59';
  return undefined;
}

function fromScriptFormat(text: string, match: RegExpExecArray, zone: ParsedZone, label: string): Cutoff {
  const [, monthText, dayText, yearText, hourText, minuteText] = match;
  const requested: WallClock = {
    year: expandYear(yearText!),
    month: Number(monthText),
    day: Number(dayText),
    hour: Number(hourText ?? '0'),
    minute: Number(minuteText ?? '0'),
  };
  const problem = wallClockProblem(requested);
  const dt = DateTime.fromObject(requested, { zone: zone.zone, locale: 'en-US' });
  if (problem || !dt.isValid) {
    throw new UsageError(
      `${label} "${text}" is not a real date and time (${problem ?? dt.invalidExplanation}); ` +
        'the format is month first: MM/DD/YY, MM/DD/YYYY or MM/DD/YYYY HH:mm',
    );
  }
  const instant = laterReading(dt);
  return buildCutoff('timestamp', text, instant, zone, daylightSavingNotes(requested, instant, zone.name));
}

function fromIso(text: string, zone: ParsedZone, labels: CutoffLabels): Cutoff {
  const parsed = DateTime.fromISO(text, { zone: zone.zone, setZone: true, locale: 'en-US' });
  if (!parsed.isValid) {
    throw new UsageError(
      `${labels.timestamp} "${text}" is not a valid date (${parsed.invalidExplanation ?? parsed.invalidReason}); ` +
        'expected MM/DD/YY, MM/DD/YYYY, MM/DD/YYYY HH:mm or ISO 8601 such as 2026-03-08T02:30:00Z',
    );
  }
  if (carriesOwnOffset(text)) {
    if (zone.explicit) {
      throw new UsageError(
        `${labels.timestamp} "${text}" names its own UTC offset, so ${labels.timezone} cannot apply to it: ` +
          `drop ${labels.timezone}, or drop the offset from the timestamp`,
      );
    }
    const own: ParsedZone = { zone: parsed.zone, name: parsed.zone.name, explicit: true };
    return buildCutoff('timestamp', text, parsed, own, []);
  }
  const requested = wallClockOf(DateTime.fromISO(text, { zone: 'UTC' }));
  const instant = laterReading(parsed);
  return buildCutoff('timestamp', text, instant, zone, daylightSavingNotes(requested, instant, zone.name));
}

/**
 * Reads `--timestamp` in `--timezone`. Throws {@link UsageError} for anything that is not a
 * real date and time in one of the accepted formats.
 */
export function parseTimestamp(text: string, timezone?: string, labels: CutoffLabels = CLI_LABELS): Cutoff {
  const value = text.trim();
  const zone = parseTimeZone(timezone, labels.timezone);
  if (value === '') throw new UsageError(`${labels.timestamp} is empty`);
  const script = SCRIPT_FORMAT.exec(value);
  if (script) return fromScriptFormat(value, script, zone, labels.timestamp);
  if (/^\d{4}-?\d{2}/.test(value)) return fromIso(value, zone, labels);
  throw new UsageError(
    `${labels.timestamp} "${text}" is not in a supported format ` +
      '(MM/DD/YY, MM/DD/YYYY, MM/DD/YYYY HH:mm, or ISO 8601 such as 2026-03-08T02:30:00Z)',
  );
}

/** Reads `--older-than` (`90d`, `12h`, `2w`). */
export function parseAge(text: string, label = CLI_LABELS.olderThan): Duration {
  return parseDuration(text, label);
}

/**
 * `--older-than`: the cutoff is `now` minus the age. `timezone`, when given, is only the zone
 * the cutoff is printed in; the instant does not depend on it.
 */
export function cutoffFromAge(
  text: string,
  now: DateTime,
  timezone?: string,
  labels: CutoffLabels = CLI_LABELS,
): Cutoff {
  return cutoffBeforeNow('older-than', text.trim(), parseAge(text, labels.olderThan), now, timezone, labels);
}

/** A cutoff a fixed age before `now` (`--older-than`, copy retention days). */
export function cutoffBeforeNow(
  kind: CutoffKind,
  input: string,
  age: Duration,
  now: DateTime,
  timezone?: string,
  labels: CutoffLabels = CLI_LABELS,
): Cutoff {
  const zone = parseTimeZone(timezone, labels.timezone);
  // Whole days are 24-hour days here: an age is elapsed time, not calendar arithmetic in a zone.
  const utc = now.toUTC().minus(age.shiftTo('milliseconds'));
  if (!utc.isValid) throw new UsageError(`${input}: now minus that age is not a date luxon can represent`);
  return buildCutoff(kind, input, utc, zone, []);
}

/** JSON form of a cutoff. */
export function cutoffView(cutoff: Cutoff): CutoffView {
  return {
    kind: cutoff.kind,
    input: cutoff.input,
    utc: cutoff.utc.toISO({ suppressMilliseconds: true })!,
    local: cutoff.local.toISO({ suppressMilliseconds: true })!,
    zone: cutoff.zone,
    notes: [...cutoff.notes],
  };
}

/** One line for people: the cutoff in UTC, and in the zone it was given in when that differs. */
export function describeCutoff(cutoff: Cutoff): string {
  const utc = cutoff.utc.toFormat("yyyy-MM-dd HH:mm:ss 'UTC'");
  if (cutoff.zone === 'UTC') return utc;
  return `${utc} (${cutoff.local.toFormat('yyyy-MM-dd HH:mm:ss ZZZZ')}, ${cutoff.zone})`;
}
