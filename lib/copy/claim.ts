import { addTags, type CloudHSMV2Client, listTags, removeTags } from '../aws/cloudhsm.js';
import type { BackupInfo } from '../inventory/types.js';
import { type Claim, COPY_TAGS, formatClaim, parseClaim } from './tags.js';

/**
 * Claims on source backups keep two overlapping runs from copying the same backup.
 * The reasoning (and its limits) is in lib/copy/README.md, "Overlapping runs".
 */

export interface ClaimClock {
  /** Wall-clock time, compared with other runs' claim expiry. */
  now(): Date;
  /** A monotonic clock in ms for the read-to-write gap; always real time. */
  monotonic(): number;
}

/** The first half of claiming: read, refuse if another run holds it, write ours. */
export type Stake =
  | { status: 'staked'; backupId: string; sourceTags: Record<string, string>; until: Date; gapMs: number }
  | { status: 'held-by-other'; backupId: string; holder: Claim }
  | { status: 'failed'; backupId: string; error: unknown };

/** After the settle wait: whether the claim is ours (or the source went away meanwhile). */
export type ClaimResult =
  | { status: 'held'; backupId: string; sourceTags: Record<string, string>; until: Date }
  | { status: 'held-by-other'; backupId: string; holder?: Claim }
  | { status: 'not-confirmed'; backupId: string; gapMs: number }
  | { status: 'source-gone'; backupId: string; state?: string }
  | { status: 'failed'; backupId: string; error: unknown };

/**
 * A backup's tags read a moment ago, and when that read was sent (monotonic ms): a stake
 * can start from it instead of reading again. The gap is then measured from `sentAt`.
 */
export interface TagRead {
  tags: Record<string, string>;
  sentAt: number;
}

function withoutClaim(tags: Record<string, string>): Record<string, string> {
  const { [COPY_TAGS.claim]: _claim, ...rest } = tags;
  return rest;
}

/**
 * Reads the backup's tags (which the copy needs anyway) — or takes a fresh `read` made
 * already — and, unless another run holds an unexpired claim, writes this run's claim. The
 * time from sending the read to the write's answer is measured: it must be shorter than the
 * settle wait for the claim to count.
 */
export async function stakeClaim(
  client: CloudHSMV2Client,
  backupId: string,
  runId: string,
  ttlMs: number,
  clock: ClaimClock,
  read?: TagRead,
): Promise<Stake> {
  const started = read?.sentAt ?? clock.monotonic();
  try {
    const tags = read?.tags ?? (await listTags(client, backupId));
    const current = parseClaim(tags[COPY_TAGS.claim]);
    if (current && current.runId !== runId && current.until.getTime() > clock.now().getTime()) {
      return { status: 'held-by-other', backupId, holder: current };
    }
    const until = new Date(clock.now().getTime() + ttlMs);
    await addTags(client, backupId, [{ Key: COPY_TAGS.claim, Value: formatClaim({ runId, until }) }]);
    return {
      status: 'staked',
      backupId,
      sourceTags: withoutClaim(tags),
      until,
      gapMs: clock.monotonic() - started,
    };
  } catch (error) {
    return { status: 'failed', backupId, error };
  }
}

/** True when a stake's read-to-write gap lets it be confirmed at all (shorter than the settle wait). */
export function confirmable(stake: Extract<Stake, { status: 'staked' }>, settleMs: number): boolean {
  return stake.gapMs < settleMs;
}

/**
 * Decides, from the source backup as read after the settle wait, whether the claim is
 * ours: only if our read-to-write gap was shorter than the wait and the tag still names our
 * run. The read is DescribeBackups by id, whose answer carries the tags (one call confirms
 * up to 50 claims of a region); a source no longer listed, PENDING_DELETION or DELETED went
 * away since planning. A claim that is not ours is never removed blindly (see the release).
 */
export function confirmClaim(
  stake: Extract<Stake, { status: 'staked' }>,
  runId: string,
  settleMs: number,
  backup: BackupInfo | undefined,
): ClaimResult {
  if (!confirmable(stake, settleMs))
    return { status: 'not-confirmed', backupId: stake.backupId, gapMs: stake.gapMs };
  if (!backup || backup.state === 'PENDING_DELETION' || backup.state === 'DELETED')
    return { status: 'source-gone', backupId: stake.backupId, state: backup?.state };
  const current = parseClaim(backup.tags[COPY_TAGS.claim]);
  if (current?.runId === runId) {
    return { status: 'held', backupId: stake.backupId, sourceTags: stake.sourceTags, until: stake.until };
  }
  return { status: 'held-by-other', backupId: stake.backupId, holder: current };
}

/** Removes a claim this run holds, once its copies are done. */
export async function releaseClaim(client: CloudHSMV2Client, backupId: string): Promise<void> {
  await removeTags(client, backupId, [COPY_TAGS.claim]);
}

/** The run whose claim the backup carries now (expired or not), if any. */
export async function claimedBy(client: CloudHSMV2Client, backupId: string): Promise<string | undefined> {
  return parseClaim((await listTags(client, backupId))[COPY_TAGS.claim])?.runId;
}
