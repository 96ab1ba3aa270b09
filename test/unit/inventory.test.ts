import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { toBackupInfo } from '../../lib/aws/cloudhsm.js';
import { planPrune } from '../../lib/prune/plan.js';

describe('toBackupInfo', () => {
  it('keeps what the service says for a complete entry', () => {
    const info = toBackupInfo(
      {
        BackupId: 'backup-abcdefghijk',
        BackupState: 'READY',
        CreateTimestamp: new Date('2026-01-01T00:00:00Z'),
      },
      'us-east-1',
    );
    expect(info.state).toBe('READY');
  });

  it.each([
    ['no state', { CreateTimestamp: new Date('2026-01-01T00:00:00Z') }],
    ['no CreateTimestamp', { BackupState: 'READY' }],
    // What SDK 3.332 makes of an ISO-string timestamp (docs/aws-api.md §1.1): 1970-01-01T00:33:46Z.
    ['a misread 1970 CreateTimestamp', { BackupState: 'READY', CreateTimestamp: new Date(2026_000) }],
  ])('marks an entry with %s UNKNOWN, and prune keeps it', (_, fields) => {
    // Prepare
    const info = toBackupInfo({ BackupId: 'backup-abcdefghijk', ...fields } as never, 'us-east-1');
    // Act
    const plan = planPrune(
      { region: 'us-east-1', clusters: [], backups: [info] },
      {
        regions: ['us-east-1'],
        cutoff: { kind: 'older-than', olderThan: '90d' },
        keepLast: 0,
        maxDeletions: 50,
        holdTags: ['cloudhsm-ops:hold'],
      } as never,
      DateTime.fromISO('2026-11-29T12:00:00Z', { zone: 'utc' }),
    );
    // Assess
    expect(info.state).toBe('UNKNOWN');
    expect(plan.entries[0]!.decision).toBe('keep');
  });
});
