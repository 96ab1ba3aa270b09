/**
 * Durations that read two ways (issue 18 §5): `6M` was six minutes while `P6M` is six months,
 * so `--older-than 6M` planned the deletion of everything over six minutes old. Upper-case M is
 * refused everywhere; prune ages under one day are refused (an explicit --timestamp goes finer).
 */
import { describe, expect, it } from 'vitest';
import { parseDuration } from '../../lib/config/common.js';
import {
  PRUNE_ENV_NAMES,
  PRUNE_FLAG_NAMES,
  parsePruneConfig,
  pruneConfigFromEnv,
} from '../../lib/config/prune.js';
import { UsageError } from '../../lib/errors.js';

const DAY = 86_400_000;

describe('parseDuration: no unit that reads both ways', () => {
  it.each(['6M', '6 M', '1.5M'])('refuses %j: M is minutes to some, months to others', (text) => {
    expect(() => parseDuration(text, '--since')).toThrow(UsageError);
    expect(() => parseDuration(text, '--since')).toThrow(
      /--since ".*" is ambiguous: M reads as minutes or months; write .*m for minutes, or P.*M \(ISO 8601\) or days for months/,
    );
  });

  it('keeps lower-case m as minutes, and the ISO forms as the standard defines them', () => {
    expect(parseDuration('30m').toMillis()).toBe(30 * 60_000);
    expect(parseDuration('PT6M').toMillis()).toBe(6 * 60_000);
    expect(parseDuration('P6M').shiftTo('days').days).toBeGreaterThanOrEqual(180);
    expect(parseDuration('90D').toMillis()).toBe(90 * DAY);
  });
});

describe('prune ages under one day are refused (a --timestamp is the way to go finer)', () => {
  it.each([
    ['6M', /--older-than "6M" is ambiguous/],
    ['6m', /--older-than "6m" is under one day.*\(6m is 6 minutes; for months write P6M or 180d\)/],
    [
      '12h',
      /--older-than "12h" is under one day: prune ages are at least 1d, and a finer cutoff is a --timestamp/,
    ],
    ['PT23H', /--older-than "PT23H" is under one day/],
    ['86399s', /--older-than "86399s" is under one day/],
  ])('--older-than %s', (olderThan, message) => {
    expect(() => parsePruneConfig({ regions: 'us-east-1', olderThan }, PRUNE_FLAG_NAMES)).toThrow(message);
  });

  it.each(['1d', '24h', '1440m', 'P6M', 'P1D', '90d'])('--older-than %s is accepted', (olderThan) => {
    expect(parsePruneConfig({ regions: 'us-east-1', olderThan }, PRUNE_FLAG_NAMES).cutoff).toMatchObject({
      kind: 'older-than',
      olderThan,
    });
  });

  it('the Lambda: OLDER_THAN=6M and OLDER_THAN=12h are refused, naming the variable', () => {
    expect(() => pruneConfigFromEnv({ REGIONS: 'us-east-1', OLDER_THAN: '6M' })).toThrow(
      /OLDER_THAN "6M" is ambiguous/,
    );
    expect(() => pruneConfigFromEnv({ REGIONS: 'us-east-1', OLDER_THAN: '12h' })).toThrow(
      /OLDER_THAN "12h" is under one day: prune ages are at least 1d, and a finer cutoff is a TIMESTAMP/,
    );
    expect(PRUNE_ENV_NAMES.olderThan).toBe('OLDER_THAN');
  });
});
