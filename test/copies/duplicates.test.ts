/**
 * Issue 17 §1: the one rule for duplicate DR copies (audit now, prune later): per source backup
 * in one region, keep the oldest READY copy, never delete a held or NeverExpires one.
 */
import { describe, expect, it } from 'vitest';
import { duplicateCopies } from '../../lib/copies/duplicates.js';
import { copy, hoursAgo } from '../support/facts.js';

const HOLD = 'cloudhsm-ops:hold';

describe('duplicateCopies', () => {
  it('finds nothing when every source backup has one copy', () => {
    const copies = [
      copy({ id: 'backup-copyaaaaaaa', sourceBackupId: 'backup-srcaaaaaaaa' }),
      copy({ id: 'backup-copybbbbbbb', sourceBackupId: 'backup-srcbbbbbbbb' }),
    ];
    expect(duplicateCopies(copies, HOLD)).toEqual([]);
  });

  it('keeps the oldest READY copy of each source backup and marks the rest extra', () => {
    const copies = [
      copy({ id: 'backup-copy2aaaaaa', sourceBackupId: 'backup-srcaaaaaaaa', copiedAt: hoursAgo(2) }),
      copy({ id: 'backup-copy1aaaaaa', sourceBackupId: 'backup-srcaaaaaaaa', copiedAt: hoursAgo(5) }),
      copy({ id: 'backup-copy3aaaaaa', sourceBackupId: 'backup-srcaaaaaaaa', copiedAt: hoursAgo(1) }),
      copy({ id: 'backup-onlybbbbbbb', sourceBackupId: 'backup-srcbbbbbbbb' }),
    ];
    const [group, ...rest] = duplicateCopies(copies, HOLD);
    expect(rest).toEqual([]);
    expect(group!.sourceBackupId).toBe('backup-srcaaaaaaaa');
    expect(group!.region).toBe('us-west-2');
    expect(group!.keep.id).toBe('backup-copy1aaaaaa');
    expect(group!.extra.map((c) => c.id)).toEqual(['backup-copy2aaaaaa', 'backup-copy3aaaaaa']);
    expect(group!.protected).toEqual([]);
    expect(group!.copies).toHaveLength(3);
  });

  it('never marks a held or NeverExpires copy extra, even when it is not the oldest', () => {
    const copies = [
      copy({ id: 'backup-oldestaaaaa', sourceBackupId: 'backup-srcaaaaaaaa', copiedAt: hoursAgo(9) }),
      copy({
        id: 'backup-heldaaaaaaa',
        sourceBackupId: 'backup-srcaaaaaaaa',
        copiedAt: hoursAgo(8),
        tags: { [HOLD]: 'audit' },
      }),
      copy({
        id: 'backup-neveraaaaaa',
        sourceBackupId: 'backup-srcaaaaaaaa',
        copiedAt: hoursAgo(7),
        neverExpires: true,
      }),
      copy({ id: 'backup-plainaaaaaa', sourceBackupId: 'backup-srcaaaaaaaa', copiedAt: hoursAgo(6) }),
    ];
    const [group] = duplicateCopies(copies, HOLD);
    expect(group!.keep.id).toBe('backup-oldestaaaaa');
    expect(group!.extra.map((c) => c.id)).toEqual(['backup-plainaaaaaa']);
    expect(group!.protected.map((c) => c.id)).toEqual(['backup-heldaaaaaaa', 'backup-neveraaaaaa']);
  });

  it('keeps the oldest READY copy even when it is held, and reports a group whose extras are all protected', () => {
    const copies = [
      copy({
        id: 'backup-heldaaaaaaa',
        sourceBackupId: 'backup-srcaaaaaaaa',
        copiedAt: hoursAgo(9),
        tags: { [HOLD]: '' },
      }),
      copy({
        id: 'backup-neveraaaaaa',
        sourceBackupId: 'backup-srcaaaaaaaa',
        copiedAt: hoursAgo(7),
        neverExpires: true,
      }),
    ];
    const [group] = duplicateCopies(copies, HOLD);
    expect(group!.keep.id).toBe('backup-heldaaaaaaa');
    expect(group!.extra).toEqual([]);
    expect(group!.protected.map((c) => c.id)).toEqual(['backup-neveraaaaaa']);
  });

  it('counts READY copies only: one being created or deleted is not a duplicate and is never extra', () => {
    const copies = [
      copy({ id: 'backup-readyaaaaaa', sourceBackupId: 'backup-srcaaaaaaaa', copiedAt: hoursAgo(3) }),
      copy({
        id: 'backup-makingaaaaa',
        sourceBackupId: 'backup-srcaaaaaaaa',
        state: 'CREATE_IN_PROGRESS',
        copiedAt: hoursAgo(9),
      }),
      copy({
        id: 'backup-goingaaaaaa',
        sourceBackupId: 'backup-srcaaaaaaaa',
        state: 'PENDING_DELETION',
        copiedAt: hoursAgo(9),
      }),
      copy({
        id: 'backup-unknownaaaa',
        sourceBackupId: 'backup-srcaaaaaaaa',
        state: 'UNKNOWN',
        copiedAt: hoursAgo(9),
      }),
    ];
    expect(duplicateCopies(copies, HOLD)).toEqual([]);
  });

  it('keeps copies in different regions apart, and ignores backups that are not copies', () => {
    const copies = [
      copy({ id: 'backup-westaaaaaaa', sourceBackupId: 'backup-srcaaaaaaaa' }),
      copy({ id: 'backup-euaaaaaaaaa', region: 'eu-west-1', sourceBackupId: 'backup-srcaaaaaaaa' }),
      {
        ...copy({ id: 'backup-ownaaaaaaaa', sourceBackupId: 'x' }),
        sourceBackupId: undefined,
        sourceRegion: undefined,
      },
      {
        ...copy({ id: 'backup-ownbbbbbbbb', sourceBackupId: 'x' }),
        sourceBackupId: undefined,
        sourceRegion: undefined,
      },
    ];
    expect(duplicateCopies(copies, HOLD)).toEqual([]);
  });

  it('breaks a tie on copy time by id, and falls back to the create time without a copy time, so the answer never depends on order', () => {
    const a = copy({ id: 'backup-bbbbbbbbbbb', sourceBackupId: 'backup-srcaaaaaaaa', copiedAt: hoursAgo(4) });
    const b = copy({ id: 'backup-aaaaaaaaaaa', sourceBackupId: 'backup-srcaaaaaaaa', copiedAt: hoursAgo(4) });
    const c = copy({
      id: 'backup-ccccccccccc',
      sourceBackupId: 'backup-srcaaaaaaaa',
      copiedAt: undefined,
      createdAt: hoursAgo(5),
    });
    for (const order of [
      [a, b, c],
      [c, b, a],
      [b, c, a],
    ]) {
      const [group] = duplicateCopies(order, HOLD);
      expect(group!.keep.id).toBe('backup-ccccccccccc');
      expect(group!.extra.map((x) => x.id)).toEqual(['backup-aaaaaaaaaaa', 'backup-bbbbbbbbbbb']);
    }
  });

  it('lists groups by region, then source backup', () => {
    const copies = [
      copy({ id: 'backup-w2b1aaaaaaa', sourceBackupId: 'backup-srcbbbbbbbb' }),
      copy({ id: 'backup-w2b2aaaaaaa', sourceBackupId: 'backup-srcbbbbbbbb' }),
      copy({ id: 'backup-eua1aaaaaaa', region: 'eu-west-1', sourceBackupId: 'backup-srcaaaaaaaa' }),
      copy({ id: 'backup-eua2aaaaaaa', region: 'eu-west-1', sourceBackupId: 'backup-srcaaaaaaaa' }),
      copy({ id: 'backup-w2a1aaaaaaa', sourceBackupId: 'backup-srcaaaaaaaa' }),
      copy({ id: 'backup-w2a2aaaaaaa', sourceBackupId: 'backup-srcaaaaaaaa' }),
    ];
    expect(duplicateCopies(copies, HOLD).map((g) => `${g.region} ${g.sourceBackupId}`)).toEqual([
      'eu-west-1 backup-srcaaaaaaaa',
      'us-west-2 backup-srcaaaaaaaa',
      'us-west-2 backup-srcbbbbbbbb',
    ]);
  });
});
