import { describe, expect, it } from 'vitest';
import { isLoopbackEndpoint } from '../../lib/aws/clients.js';
import { mapSettled } from '../../lib/concurrency.js';
import {
  parseBackupId,
  parseClusterId,
  parseCount,
  parseDuration,
  parseEndpoint,
  parseRegion,
  parseSeverity,
  uniqueRegions,
} from '../../lib/config/common.js';
import { UsageError } from '../../lib/errors.js';

describe('input parsing', () => {
  it.each([
    ['90d', 90 * 86_400_000],
    ['12h', 12 * 3_600_000],
    ['2w', 14 * 86_400_000],
    ['30m', 30 * 60_000],
    ['P7D', 7 * 86_400_000],
  ])('reads the duration %s', (text, millis) => {
    expect(parseDuration(text).toMillis()).toBe(millis);
  });

  it.each(['', '0d', '-3d', '3 days', 'd', '12x', 'P'])('rejects the duration %j', (text) => {
    expect(() => parseDuration(text)).toThrow(UsageError);
  });

  it('accepts AWS identifiers and rejects near misses', () => {
    expect(parseRegion('eu-central-1')).toBe('eu-central-1');
    expect(parseRegion('us-gov-west-1')).toBe('us-gov-west-1');
    expect(() => parseRegion('us-east')).toThrow(/region "us-east" is not valid/);
    expect(parseClusterId('cluster-abcdefghijk')).toBe('cluster-abcdefghijk');
    expect(() => parseClusterId('cluster-abc')).toThrow(UsageError);
    expect(() => parseClusterId('cluster-abcdefghij1')).toThrow(UsageError);
    expect(parseBackupId('backup-234567abcdef')).toBe('backup-234567abcdef');
    expect(() => parseBackupId('bkp-abcdefghijk')).toThrow(UsageError);
  });

  it('reads severities case-insensitively', () => {
    expect(parseSeverity('high')).toBe('HIGH');
    expect(() => parseSeverity('urgent')).toThrow(/not one of/);
  });

  it('bounds counts', () => {
    expect(parseCount('0', '--keep-last')).toBe(0);
    expect(() => parseCount('1.5', '--keep-last')).toThrow(/whole number/);
    expect(() => parseCount('5', '--x', { min: 10 })).toThrow(/between 10/);
  });

  it('rejects duplicate regions and non-http endpoints', () => {
    expect(uniqueRegions(['us-east-1', 'us-west-2'])).toEqual(['us-east-1', 'us-west-2']);
    expect(() => uniqueRegions(['us-east-1', 'us-east-1'])).toThrow(/more than once/);
    expect(parseEndpoint('http://127.0.0.1:4566/')).toBe('http://127.0.0.1:4566');
    expect(() => parseEndpoint('ftp://x')).toThrow(UsageError);
    expect(() => parseEndpoint('not a url')).toThrow(UsageError);
  });

  it('uses dummy credentials only for loopback endpoints', () => {
    expect(isLoopbackEndpoint('http://127.0.0.1:9')).toBe(true);
    expect(isLoopbackEndpoint('http://localhost:9')).toBe(true);
    expect(isLoopbackEndpoint('https://vpce-123.cloudhsmv2.us-east-1.vpce.amazonaws.com')).toBe(false);
    expect(isLoopbackEndpoint(undefined)).toBe(false);
  });
});

describe('mapSettled', () => {
  it('keeps order, bounds concurrency and isolates failures', async () => {
    // Prepare
    let inFlight = 0;
    let peak = 0;
    const items = [1, 2, 3, 4, 5, 6, 7];
    // Act
    const results = await mapSettled(items, 3, async (n) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight--;
      if (n === 4) throw new Error('four');
      return n * 10;
    });
    // Assess
    expect(peak).toBe(3);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : 'x'))).toEqual([
      10,
      20,
      30,
      'x',
      50,
      60,
      70,
    ]);
  });
});
