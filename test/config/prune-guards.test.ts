import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { parseDuration, parseRegion } from '../../lib/config/common.js';
import { PRUNE_ENV_NAMES, pruneConfigFromEnv } from '../../lib/config/prune.js';
import { UsageError } from '../../lib/errors.js';
import { runPrune } from '../../lib/prune/run.js';

const NOW = DateTime.fromISO('2026-11-29T12:00:00Z', { zone: 'utc' });

// Clients that fail the test if anything is called: bad input must change (and read) nothing.
const untouchable = new Proxy(
  {},
  {
    get() {
      throw new Error('an AWS client was used');
    },
  },
) as never;

describe('input that would widen a prune is refused before any call', () => {
  it('refuses an unknown but well-formed region', () => {
    expect(() => parseRegion('us-east-7')).toThrow(/not a known AWS region/);
  });

  it('refuses an age so large that now minus it is no date', () => {
    expect(() => parseDuration('999999999999d')).toThrow(/longer than 100 years/);
    expect(() => pruneConfigFromEnv({ REGIONS: 'us-east-1', OLDER_THAN: '999999999999d' })).toThrow(
      UsageError,
    );
  });

  it('refuses a cutoff in the future (a two-digit-year typo such as 03/08/68)', async () => {
    // Prepare
    const config = pruneConfigFromEnv({ REGIONS: 'us-east-1', TIMESTAMP: '03/08/68', PRUNE_EXECUTE: 'true' });
    // Act
    const run = runPrune({ clients: untouchable }, config, NOW);
    // Assess
    await expect(run).rejects.toThrow(/in the future/);
    await expect(run).rejects.toBeInstanceOf(UsageError);
    // The library names settings; a caller that passes its names gets them back (here the Lambda's).
    await expect(run).rejects.toThrow(
      /check timestamp \(MM\/DD\/YY is month first; 2-digit years 00-68 are 2000-2068\)$/,
    );
    await expect(runPrune({ clients: untouchable, names: PRUNE_ENV_NAMES }, config, NOW)).rejects.toThrow(
      /check TIMESTAMP \(MM\/DD\/YY is month first; 2-digit years 00-68 are 2000-2068\)$/,
    );
  });
});
