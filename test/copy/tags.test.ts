import { describe, expect, it } from 'vitest';
import { COPY_TAGS, copyTagList } from '../../lib/copy/tags.js';
import type { BackupInfo } from '../../lib/inventory/types.js';
import { recordTagKey } from '../../lib/prune/record.js';

const source: BackupInfo = {
  id: 'backup-abcdefghijk',
  region: 'us-east-1',
  clusterId: 'cluster-abcdefghijk',
  state: 'READY',
  createdAt: new Date('2026-11-28T03:00:00Z'),
  neverExpires: false,
  tags: {},
};

describe('copyTagList', () => {
  it('carries the hold tag and the owner tags to the copy, but not bookkeeping or aws: keys', () => {
    // Prepare
    const sourceTags = {
      env: 'prod',
      'cloudhsm-ops:hold': 'legal',
      [COPY_TAGS.claim]: 'run=x until=2026-11-29T00:00:00Z',
      [COPY_TAGS.copyOf]: 'backup-zzzzzzzzzzz',
      'aws:cloudformation:stack-name': 'x',
    };
    // Act
    const { tags, dropped } = copyTagList(source, sourceTags, 'run-1');
    const byKey = Object.fromEntries(tags.map((t) => [t.Key, t.Value]));
    // Assess
    expect(byKey['cloudhsm-ops:hold']).toBe('legal');
    expect(byKey.env).toBe('prod');
    expect(byKey[COPY_TAGS.copyOf]).toBe(source.id);
    expect(byKey[COPY_TAGS.claim]).toBeUndefined();
    expect(byKey['aws:cloudformation:stack-name']).toBeUndefined();
    expect(dropped).toEqual([]);
  });

  it('never carries a deletion record: a copy of a restored backup was deleted by no one', () => {
    // Prepare: a record left on a READY source when restore could not remove it.
    const sourceTags = { env: 'prod', [recordTagKey('run-old')]: '2026-11-20T00:00:00Z' };
    // Act
    const { tags } = copyTagList(source, sourceTags, 'run-1');
    // Assess
    expect(tags.map((t) => t.Key)).not.toContain(recordTagKey('run-old'));
    expect(tags.map((t) => t.Key)).toContain('env');
  });
});
