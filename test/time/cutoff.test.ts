import { DateTime, Settings } from 'luxon';
import { afterEach, describe, expect, it } from 'vitest';
import { UsageError } from '../../lib/errors.js';
import {
  cutoffFromAge,
  cutoffView,
  describeCutoff,
  parseTimestamp,
  parseTimeZone,
} from '../../lib/time/cutoff.js';

const utcOf = (timestamp: string, zone?: string) => parseTimestamp(timestamp, zone).utc.toISO();

describe('--timestamp formats (read in UTC by default)', () => {
  it.each([
    ['03/08/26', '2026-03-08T00:00:00.000Z'],
    ['03/08/2026', '2026-03-08T00:00:00.000Z'],
    ['03/08/2026 14:45', '2026-03-08T14:45:00.000Z'],
    ['3/8/2026', '2026-03-08T00:00:00.000Z'],
    ['12/31/99', '1999-12-31T00:00:00.000Z'],
    ['12/31/69', '1969-12-31T00:00:00.000Z'],
    ['01/01/68', '2068-01-01T00:00:00.000Z'],
    ['02/29/2028', '2028-02-29T00:00:00.000Z'],
    ['2026-03-08', '2026-03-08T00:00:00.000Z'],
    ['2026-03-08T14:45', '2026-03-08T14:45:00.000Z'],
    ['2026-03-08T14:45:30Z', '2026-03-08T14:45:30.000Z'],
    ['2026-03-08T14:45:30.250+02:00', '2026-03-08T12:45:30.250Z'],
    ['2026-03-08T14:45-0500', '2026-03-08T19:45:00.000Z'],
    ['20260308T144500Z', '2026-03-08T14:45:00.000Z'],
  ])('%s → %s', (text, expected) => {
    // Act
    const cutoff = parseTimestamp(text);
    // Assess
    expect(cutoff.utc.toISO()).toBe(expected);
    expect(cutoff.kind).toBe('timestamp');
    expect(cutoff.notes).toEqual([]);
  });
});

describe('--timezone forms', () => {
  it.each([
    [undefined, '2026-01-15T12:00:00.000Z', 'UTC'],
    ['UTC', '2026-01-15T12:00:00.000Z', 'UTC'],
    ['utc', '2026-01-15T12:00:00.000Z', 'UTC'],
    ['GMT', '2026-01-15T12:00:00.000Z', 'UTC'],
    ['Z', '2026-01-15T12:00:00.000Z', 'UTC'],
    ['-0200', '2026-01-15T14:00:00.000Z', 'UTC-2'],
    ['-02:00', '2026-01-15T14:00:00.000Z', 'UTC-2'],
    ['05:00', '2026-01-15T07:00:00.000Z', 'UTC+5'],
    ['+05:30', '2026-01-15T06:30:00.000Z', 'UTC+5:30'],
    ['+0530', '2026-01-15T06:30:00.000Z', 'UTC+5:30'],
    ['UTC+2', '2026-01-15T10:00:00.000Z', 'UTC+2'],
    ['GMT-03:00', '2026-01-15T15:00:00.000Z', 'UTC-3'],
    ['+14:00', '2026-01-14T22:00:00.000Z', 'UTC+14'],
    ['America/New_York', '2026-01-15T17:00:00.000Z', 'America/New_York'],
    ['Asia/Kolkata', '2026-01-15T06:30:00.000Z', 'Asia/Kolkata'],
    ['Europe/London', '2026-01-15T12:00:00.000Z', 'Europe/London'],
  ])('01/15/2026 12:00 in %s → %s', (zone, expected, zoneName) => {
    // Act
    const cutoff = parseTimestamp('01/15/2026 12:00', zone);
    // Assess
    expect(cutoff.utc.toISO()).toBe(expected);
    expect(cutoff.zone).toBe(zoneName);
    expect(cutoff.local.toFormat('MM/dd/yyyy HH:mm')).toBe('01/15/2026 12:00');
  });

  it('follows summer time in an IANA zone (EDT, not EST)', () => {
    expect(utcOf('07/15/2026 12:00', 'America/New_York')).toBe('2026-07-15T16:00:00.000Z');
  });

  it('reads an ISO value without an offset in --timezone', () => {
    expect(utcOf('2026-01-15T12:00', 'America/New_York')).toBe('2026-01-15T17:00:00.000Z');
  });

  it('keeps the offset of an ISO value that names one when no --timezone is given', () => {
    const cutoff = parseTimestamp('2026-01-15T12:00:00+05:30');
    expect(cutoff.utc.toISO()).toBe('2026-01-15T06:30:00.000Z');
    expect(cutoff.zone).toBe('UTC+5:30');
  });

  it('rejects an ISO value naming its own offset together with --timezone', () => {
    expect(() => parseTimestamp('2026-01-15T12:00:00Z', 'America/New_York')).toThrow(
      /names its own UTC offset, so --timezone cannot apply/,
    );
    expect(() => parseTimestamp('2026-01-15T12:00:00+02:00', 'UTC')).toThrow(UsageError);
  });
});

describe('daylight-saving edges (America/New_York, 2026)', () => {
  it('moves a time in the spring-forward gap ahead by the gap, and says so', () => {
    // Act: 02:30 does not exist on 2026-03-08 (02:00 EST → 03:00 EDT).
    const cutoff = parseTimestamp('03/08/2026 02:30', 'America/New_York');
    // Assess
    expect(cutoff.utc.toISO()).toBe('2026-03-08T07:30:00.000Z');
    expect(cutoff.local.toFormat('HH:mm ZZZZ')).toBe('03:30 EDT');
    expect(cutoff.notes).toHaveLength(1);
    expect(cutoff.notes[0]).toMatch(/2026-03-08 02:30 does not exist in America\/New_York/);
    expect(cutoff.notes[0]).toMatch(/2026-03-08 07:30Z/);
  });

  it('takes the later (standard-time) reading in the fall-back overlap, and names the other one', () => {
    // Act: 01:30 happens twice on 2026-11-01 (EDT then EST).
    const cutoff = parseTimestamp('11/01/2026 01:30', 'America/New_York');
    // Assess
    expect(cutoff.utc.toISO()).toBe('2026-11-01T06:30:00.000Z');
    expect(cutoff.notes).toHaveLength(1);
    expect(cutoff.notes[0]).toMatch(/happens twice/);
    expect(cutoff.notes[0]).toMatch(/01:30 EST = 2026-11-01 06:30Z/);
    expect(cutoff.notes[0]).toMatch(/other reading, 01:30 EDT, is 05:30Z/);
  });

  it.each([
    ['in summer (EDT)', Date.UTC(2026, 6, 1)],
    ['in winter (EST)', Date.UTC(2026, 0, 15)],
    ['a year back', Date.UTC(2025, 9, 28)],
  ])('resolves the overlap and the gap the same way whatever the machine date: %s', (_, machineNow) => {
    // Prepare: luxon guesses an ambiguous time's offset from the zone's offset "now".
    Settings.now = () => machineNow;
    try {
      // Act
      const script = parseTimestamp('11/01/2026 01:30', 'America/New_York');
      const iso = parseTimestamp('2026-11-01T01:30', 'America/New_York');
      // Assess
      expect(script.utc.toISO()).toBe('2026-11-01T06:30:00.000Z');
      expect(iso.utc.toISO()).toBe('2026-11-01T06:30:00.000Z');
      expect(script.notes[0]).toMatch(/other reading, 01:30 EDT, is 05:30Z/);
      expect(parseTimestamp('03/08/2026 02:30', 'America/New_York').utc.toISO()).toBe(
        '2026-03-08T07:30:00.000Z',
      );
    } finally {
      Settings.now = () => Date.now();
    }
  });

  it('notes the gap for ISO input without an offset too', () => {
    const cutoff = parseTimestamp('2026-03-08T02:30', 'America/New_York');
    expect(cutoff.utc.toISO()).toBe('2026-03-08T07:30:00.000Z');
    expect(cutoff.notes[0]).toMatch(/does not exist/);
  });

  it('adds no note just before or after the transitions', () => {
    expect(parseTimestamp('03/08/2026 01:59', 'America/New_York').notes).toEqual([]);
    expect(parseTimestamp('03/08/2026 03:00', 'America/New_York').notes).toEqual([]);
    expect(parseTimestamp('11/01/2026 02:00', 'America/New_York').notes).toEqual([]);
  });
});

describe('bad values are UsageErrors', () => {
  it.each([
    '02/30/2026',
    '13/01/26',
    '00/10/2026',
    '02/29/2027',
    '04/31/2026',
    '01/01/2026 24:00',
    '01/01/2026 12:60',
    '2026-02-30',
    '2026-13-01',
    'yesterday',
    '',
    '1/1',
    '01-15-2026',
    '15.01.2026',
    '01/15/2026 12',
    '01/15/202',
  ])('timestamp %j', (text) => {
    expect(() => parseTimestamp(text)).toThrow(UsageError);
  });

  it.each([
    ['02/30/2026', 'February 2026 has 28 days'],
    ['02/29/2027', 'February 2027 has 28 days'],
    ['13/01/26', 'there is no month 13'],
    ['01/01/2026 24:00', 'the hour must be 00–23'],
    ['01/01/2026 12:60', 'the minute must be 00–59'],
  ])('says what is wrong with %j', (text, why) => {
    expect(() => parseTimestamp(text)).toThrow(
      `"${text}" is not a real date and time (${why}); the format is month first`,
    );
  });

  it.each(['Mars/Olympus', '+15:00', '05:61', '5', 'New York', '+', 'UTC+25', '-1400x'])(
    'timezone %j',
    (zone) => {
      expect(() => parseTimeZone(zone)).toThrow(UsageError);
      expect(() => parseTimestamp('01/15/2026', zone)).toThrow(/is not a timezone/);
    },
  );

  it('names the setting the value came from', () => {
    expect(() =>
      parseTimestamp('02/30/2026', undefined, {
        timestamp: 'TIMESTAMP',
        timezone: 'TIMEZONE',
        olderThan: 'OLDER_THAN',
      }),
    ).toThrow(/^TIMESTAMP "02\/30\/2026"/);
  });
});

describe('--older-than', () => {
  const now = DateTime.fromISO('2026-11-29T12:00:00Z', { zone: 'utc' });

  it.each([
    ['90d', '2026-08-31T12:00:00.000Z'],
    ['12h', '2026-11-29T00:00:00.000Z'],
    ['2w', '2026-11-15T12:00:00.000Z'],
  ])('%s before %s', (age, expected) => {
    expect(cutoffFromAge(age, now).utc.toISO()).toBe(expected);
  });

  it('counts days as 24 hours even across a DST change in the display zone', () => {
    const cutoff = cutoffFromAge('30d', now, 'America/New_York');
    expect(cutoff.utc.toISO()).toBe('2026-10-30T12:00:00.000Z');
    expect(cutoff.local.toFormat('HH:mm ZZZZ')).toBe('08:00 EDT');
  });

  it.each(['0d', '90', 'ninety days', '-3d'])('rejects %j', (age) => {
    expect(() => cutoffFromAge(age, now)).toThrow(UsageError);
  });
});

describe('script bug: comparing times without a real zone', () => {
  afterEach(() => {
    Settings.defaultZone = 'system';
  });

  it('reads a timestamp without --timezone as UTC, whatever zone the machine is in', () => {
    // Prepare: the script borrowed the zone of the backup's datetime (boto3: the machine's local zone).
    Settings.defaultZone = 'Asia/Tokyo';
    // Act
    const cutoff = parseTimestamp('03/08/2026 12:00');
    // Assess
    expect(cutoff.utc.toISO()).toBe('2026-03-08T12:00:00.000Z');
  });

  it('uses the zone rules of the date, not local mean time (pytz `replace(tzinfo=...)` gave -04:56)', () => {
    expect(utcOf('01/15/2026 12:00', 'America/New_York')).toBe('2026-01-15T17:00:00.000Z');
  });
});

describe('printing', () => {
  it('shows the cutoff in UTC and in the given zone', () => {
    const cutoff = parseTimestamp('03/08/2026 02:30', 'America/New_York');
    expect(describeCutoff(cutoff)).toBe(
      '2026-03-08 07:30:00 UTC (2026-03-08 03:30:00 EDT, America/New_York)',
    );
    expect(cutoffView(cutoff)).toMatchObject({
      utc: '2026-03-08T07:30:00Z',
      local: '2026-03-08T03:30:00-04:00',
      zone: 'America/New_York',
      input: '03/08/2026 02:30',
    });
  });

  it('shows UTC alone when the zone is UTC', () => {
    expect(describeCutoff(parseTimestamp('03/08/2026'))).toBe('2026-03-08 00:00:00 UTC');
  });
});
