import { Settings } from 'luxon';
import { afterEach, describe, expect, it } from 'vitest';
import { nowFrom } from '../../cli/common.js';
import { isThrottling, UsageError } from '../../lib/errors.js';

describe('nowFrom (--now)', () => {
  const machineZone = Settings.defaultZone;
  afterEach(() => {
    Settings.defaultZone = machineZone;
  });

  it('reads a time without an offset as UTC, whatever the machine zone', () => {
    Settings.defaultZone = 'America/New_York';
    expect(nowFrom('2026-11-29T12:00:00').toISO()).toBe('2026-11-29T12:00:00.000Z');
    expect(nowFrom('2026-11-29T12:00:00-05:00').toISO()).toBe('2026-11-29T17:00:00.000Z');
  });

  it('refuses what is not a time', () => {
    expect(() => nowFrom('soon')).toThrow(UsageError);
  });
});

describe('isThrottling', () => {
  it.each(['ThrottlingException', 'ThrottledException', 'RequestLimitExceeded'])('knows %s', (name) => {
    expect(isThrottling(Object.assign(new Error('slow down'), { name }))).toBe(true);
  });

  it('does not count a refusal as throttling', () => {
    expect(isThrottling(Object.assign(new Error('no'), { name: 'CloudHsmInvalidRequestException' }))).toBe(
      false,
    );
  });
});
