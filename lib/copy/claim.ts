import type { CloudHSMV2Client } from '@aws-sdk/client-cloudhsm-v2';
import { readTags, removeTag, writeTag } from './calls.js';
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

/** After the settle wait: whether the claim is ours. */
export type ClaimResult =
  | { status: 'held'; backupId: string; sourceTags: Record<string, string>; until: Date }
  | { status: 'held-by-other'; backupId: string; holder?: Claim }
  | { status: 'not-confirmed'; backupId: string; gapMs: number }
  | { status: 'failed'; backupId: string; error: unknown };

function withoutClaim(tags: Record<string, string>): Record<string, string> {
  const { [COPY_TAGS.claim]: _claim, ...rest } = tags;
  return rest;
}

/**
 * Reads the backup's tags (which the copy needs anyway) and, unless another run holds an
 * unexpired claim, writes this run's claim. The time from sending the read to the write's
 * answer is measured: it must be shorter than the settle wait for the claim to count.
 */
export async function stakeClaim(
  client: CloudHSMV2Client,
  backupId: string,
  runId: string,
  ttlMs: number,
  clock: ClaimClock,
): Promise<Stake> {
  const started = clock.monotonic();
  try {
    const tags = await readTags(client, backupId);
    const current = parseClaim(tags[COPY_TAGS.claim]);
    if (current && current.runId !== runId && current.until.getTime() > clock.now().getTime()) {
      return { status: 'held-by-other', backupId, holder: current };
    }
    const until = new Date(clock.now().getTime() + ttlMs);
    await writeTag(client, backupId, { Key: COPY_TAGS.claim, Value: formatClaim({ runId, until }) });
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

/**
 * Re-reads the claim after the settle wait: it is ours only if nobody overwrote it and our
 * read-to-write gap was shorter than the wait. A claim that could not be confirmed is left
 * in place (it expires by itself): removing it might remove another run's live claim.
 */
export async function confirmClaim(
  client: CloudHSMV2Client,
  stake: Extract<Stake, { status: 'staked' }>,
  runId: string,
  settleMs: number,
): Promise<ClaimResult> {
  if (stake.gapMs >= settleMs)
    return { status: 'not-confirmed', backupId: stake.backupId, gapMs: stake.gapMs };
  try {
    const tags = await readTags(client, stake.backupId);
    const current = parseClaim(tags[COPY_TAGS.claim]);
    if (current?.runId === runId) {
      return { status: 'held', backupId: stake.backupId, sourceTags: stake.sourceTags, until: stake.until };
    }
    return { status: 'held-by-other', backupId: stake.backupId, holder: current };
  } catch (error) {
    return { status: 'failed', backupId: stake.backupId, error };
  }
}

/** Removes a claim this run holds, once its copies are done. */
export async function releaseClaim(client: CloudHSMV2Client, backupId: string): Promise<void> {
  await removeTag(client, backupId, COPY_TAGS.claim);
}

/** The run whose claim the backup carries now (expired or not), if any. */
export async function claimedBy(client: CloudHSMV2Client, backupId: string): Promise<string | undefined> {
  return parseClaim((await readTags(client, backupId))[COPY_TAGS.claim])?.runId;
}
