/** lib/copy/result.ts: why a copy run failed, in words, and its exit decision (lib/jobs/run.ts). */
import { describe, expect, it } from 'vitest';
import { type CopyLine, copyRunFailed, copyRunFailures } from '../../lib/copy/result.js';

const line = (over: Partial<CopyLine> = {}): CopyLine => ({
  sourceRegion: 'us-east-1',
  sourceBackupId: 'backup-aaaaaaaaaaa',
  destinationRegion: 'us-west-2',
  ...over,
});
const none = { failed: [], notReady: [], deferred: [] };

describe('copyRunFailures', () => {
  it('is empty, and the run passes, when every copy was made and every event delivered', () => {
    expect(copyRunFailures({ ...none, events: { published: 3, calls: 1, failed: [] } })).toEqual([]);
    expect(copyRunFailed(none)).toBe(false);
  });

  it('names each kind of failure once, with its count, deferrals with their reasons and claim holders', () => {
    const result = {
      failed: [line({ reason: 'CloudHsmInternalFailureException' })],
      notReady: [line(), line()],
      deferred: [
        line({ reason: 'claimed-by-another-run', holderRunId: 'run-7' }),
        line({ reason: 'stopped' }),
        line({ reason: 'claimed-by-another-run', holderRunId: 'run-7' }),
      ],
      events: { published: 0, calls: 1, failed: [{ event: 'x', errorCode: 'E', errorMessage: 'm' }] },
    };
    expect(copyRunFailures(result)).toEqual([
      '1 copy line(s) failed',
      '2 copy(ies) not READY in time',
      '3 copy(ies) deferred, not made yet (claimed-by-another-run, stopped; claims held by run run-7)',
      '1 event(s) not delivered',
    ]);
    expect(copyRunFailed(result)).toBe(true);
  });

  it('fails the run on a lost event alone', () => {
    const events = { published: 0, calls: 1, failed: [{ event: 'x', errorCode: 'E', errorMessage: 'm' }] };
    expect(copyRunFailed({ ...none, events })).toBe(true);
  });
});
