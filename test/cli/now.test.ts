import { Settings } from 'luxon';
import { afterEach, describe, expect, it } from 'vitest';
import { nowFrom } from '../../cli/common.js';
import { isThrottling, UsageError } from '../../lib/errors.js';

const SANDBOX = 'http://127.0.0.1:4566';

describe('nowFrom (--now)', () => {
  const machineZone = Settings.defaultZone;
  afterEach(() => {
    Settings.defaultZone = machineZone;
  });

  it('reads a time without an offset as UTC, whatever the machine zone', () => {
    Settings.defaultZone = 'America/New_York';
    expect(nowFrom({ now: '2026-11-29T12:00:00', endpoint: SANDBOX }).toISO()).toBe(
      '2026-11-29T12:00:00.000Z',
    );
    expect(nowFrom({ now: '2026-11-29T12:00:00-05:00', endpoint: SANDBOX }).toISO()).toBe(
      '2026-11-29T17:00:00.000Z',
    );
  });

  it('refuses what is not a time', () => {
    expect(() => nowFrom({ now: 'soon', endpoint: SANDBOX })).toThrow(UsageError);
  });

  it.each([
    ['no endpoint (real AWS)', undefined],
    ['a VPC endpoint', 'https://vpce-1.cloudhsmv2.us-east-1.vpce.amazonaws.com'],
    ['a private address', 'http://10.0.0.5:4566'],
  ])('is refused with %s: it would move cutoffs against real backups', (_, endpoint) => {
    expect(() => nowFrom({ now: '2099-01-01T00:00:00Z', endpoint })).toThrow(/loopback/);
  });

  it.each(['http://127.0.0.1:4566', 'http://localhost:4566', 'http://[::1]:4566', 'http://0.0.0.0:4566'])(
    'is accepted against the loopback sandbox %s',
    (endpoint) => {
      expect(nowFrom({ now: '2026-11-29T12:00:00Z', endpoint }).toISO()).toBe('2026-11-29T12:00:00.000Z');
    },
  );
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
