import type { AwsClients } from '../aws/clients.js';
import { describeBackupsById } from '../aws/cloudhsm.js';
import { mapSettled } from '../concurrency.js';
import { describeError } from '../errors.js';
import type { BackupInfo } from '../inventory/types.js';
import {
  type ClaimResult,
  claimedBy,
  confirmable,
  confirmClaim,
  releaseClaim,
  type Stake,
  stakeClaim,
} from './claim.js';
import type { CopyPlanItem } from './plan.js';
import { type CopyLine, type CopyResult, failure } from './result.js';
import { isoSeconds } from './tags.js';

/**
 * The claim step of a copy run: stake, settle, confirm (claim.ts has the primitives), file
 * what the run may not copy, and release every claim it wrote. The protocol and its proof
 * are in lib/copy/README.md, "Overlapping runs".
 */

/** A copy the plan asks for: its plan line and its result line. */
export interface PendingCopy {
  item: CopyPlanItem & { destinationRegion: string };
  line: CopyLine;
}

/** A claim this run wrote on a source backup; `held` when it was confirmed as ours. */
export interface StakedClaim {
  source: BackupInfo;
  until: Date;
  held: boolean;
}

/** What claiming needs from the run. */
export interface ClaimRun {
  clients: AwsClients;
  runId: string;
  concurrency: number;
  settleMs: number;
  ttlMs: number;
  /** Wall clock: claim expiry. */
  now: () => Date;
  /** Real time in ms: the read-to-write gap. */
  monotonic: () => number;
  /** The settle wait; must really pass real time. */
  settle: (ms: number) => Promise<void>;
  /** When (monotonic ms) each source region's listing was requested: its tags are a claim's read. */
  listedAt: ReadonlyMap<string, number>;
  onProgress: (done: number, total: number) => void;
}

/** The result lists claiming files lines into. */
export type ClaimLines = Pick<CopyResult, 'deferred' | 'skipped' | 'failed' | 'warnings'>;

/** What claiming leaves: the copies this run may make, and every claim it wrote. */
export interface Claimed {
  copies: (PendingCopy & { sourceTags: Record<string, string> })[];
  staked: StakedClaim[];
  /** Each held source's claim expiry. */
  until: Map<string, Date>;
  /** Sources whose claim was staked from a tag read made after the plan's destination lookup. */
  readLate: Set<string>;
}

/**
 * Claims every source backup that has copies to make: stake all, wait once, confirm all.
 * Returns the copies whose source this run now holds, with the claims' source tags, and
 * every claim it wrote (for the release).
 */
export async function claimSources(
  run: ClaimRun,
  lines: ClaimLines,
  pending: PendingCopy[],
): Promise<Claimed> {
  const sources = [...new Map(pending.map((p) => [p.item.source.id, p.item.source])).values()];
  const readLate = new Set<string>();
  const stakes = await stakeAll(run, sources, readLate);
  // Every claim this run may have written, for the release: a failed stake's write may
  // have landed with its answer lost (the release reads it before removing it).
  const ours: StakedClaim[] = [];
  const latest = new Date(run.now().getTime() + run.ttlMs);
  stakes.forEach((stake, index) => {
    const source = sources[index]!;
    if (stake.status === 'staked') ours.push({ source, until: stake.until, held: false });
    else if (stake.status === 'failed') ours.push({ source, until: latest, held: false });
  });
  let claimOf: Map<string, ClaimResult>;
  try {
    if (ours.length > 0) await run.settle(run.settleMs);
    claimOf = await confirmAll(run, sources, stakes);
  } catch (error) {
    await releaseClaims(run, lines, ours);
    throw error;
  }
  for (const claim of ours) claim.held = claimOf.get(claim.source.id)?.status === 'held';
  run.onProgress(sources.length * 2, sources.length * 2);

  const copies: (PendingCopy & { sourceTags: Record<string, string> })[] = [];
  const until = new Map<string, Date>();
  for (const copy of pending) {
    const claim = claimOf.get(copy.item.source.id)!;
    if (claim.status === 'held') {
      copies.push({ ...copy, sourceTags: claim.sourceTags });
      until.set(claim.backupId, claim.until);
    } else {
      fileUnclaimed(run, lines, copy.line, claim);
    }
  }
  return { copies, staked: ours, until, readLate };
}

/**
 * Stakes a claim on each source. A source whose region was listed less than half the
 * settle wait ago is staked from the listing's tags (DescribeBackups carries them), which
 * saves a ListTags; the gap is then measured from that listing's request, so the proof
 * holds unchanged (README, "Overlapping runs"). Later ones read their tags first.
 */
async function stakeAll(run: ClaimRun, sources: BackupInfo[], readLate: Set<string>): Promise<Stake[]> {
  const clock = { now: run.now, monotonic: run.monotonic };
  let done = 0;
  run.onProgress(0, sources.length * 2);
  const stakes = await mapSettled(sources, run.concurrency, async (source) => {
    const listedAt = run.listedAt.get(source.region);
    const fresh = listedAt !== undefined && run.monotonic() - listedAt < run.settleMs / 2;
    const stake = await stakeClaim(
      run.clients.cloudHsm(source.region),
      source.id,
      run.runId,
      run.ttlMs,
      clock,
      fresh ? { tags: source.tags, sentAt: listedAt } : undefined,
    );
    if (!fresh) readLate.add(source.id);
    run.onProgress(++done, sources.length * 2);
    return stake;
  });
  return stakes.map((s) => (s as PromiseFulfilledResult<Stake>).value);
}

/**
 * Confirms the stakes after the settle wait with one DescribeBackups by id per source
 * region (up to 50 ids a call), whose answer carries each backup's tags and state.
 */
async function confirmAll(
  run: ClaimRun,
  sources: BackupInfo[],
  stakes: Stake[],
): Promise<Map<string, ClaimResult>> {
  const settle = run.settleMs;
  const toRead = sources.filter((_source, index) => {
    const stake = stakes[index]!;
    return stake.status === 'staked' && confirmable(stake, settle);
  });
  const regions = [...new Set(toRead.map((source) => source.region))];
  const reads = await mapSettled(regions, run.concurrency, (region) =>
    describeBackupsById(
      run.clients.cloudHsm(region),
      region,
      toRead.filter((source) => source.region === region).map((source) => source.id),
    ),
  );
  const claimOf = new Map<string, ClaimResult>();
  stakes.forEach((stake, index) => {
    const source = sources[index]!;
    if (stake.status !== 'staked') {
      claimOf.set(source.id, stake);
      return;
    }
    const read = reads[regions.indexOf(source.region)];
    if (read?.status === 'rejected') {
      claimOf.set(source.id, { status: 'failed', backupId: source.id, error: read.reason });
      return;
    }
    const backup = read?.status === 'fulfilled' ? read.value.get(source.id) : undefined;
    claimOf.set(source.id, confirmClaim(stake, run.runId, settle, backup));
  });
  return claimOf;
}

/** Files a copy whose source this run does not hold: deferred, skipped (source gone) or failed. */
function fileUnclaimed(
  run: ClaimRun,
  lines: ClaimLines,
  line: CopyLine,
  claim: Exclude<ClaimResult, { status: 'held' }>,
): void {
  if (claim.status === 'held-by-other') {
    const holder = claim.holder
      ? `run ${claim.holder.runId} holds its claim until ${isoSeconds(claim.holder.until)}; a run after that copies it`
      : 'another run holds its claim';
    lines.deferred.push({
      ...line,
      reason: 'claimed-by-another-run',
      detail: holder,
      ...(claim.holder
        ? { holderRunId: claim.holder.runId, claimUntil: isoSeconds(claim.holder.until) }
        : {}),
    });
  } else if (claim.status === 'not-confirmed') {
    lines.deferred.push({
      ...line,
      reason: 'claim-not-confirmed',
      holderRunId: run.runId,
      detail: `claiming took ${Math.round(claim.gapMs)} ms, over the ${run.settleMs} ms settle time; the claim is withdrawn and the next run copies it`,
    });
  } else if (claim.status === 'source-gone') {
    lines.skipped.push({
      ...line,
      reason: 'source-deleted',
      detail: `source deleted since planning (${claim.state ?? 'no longer listed'}); nothing to copy`,
    });
  } else {
    lines.failed.push(failure(line, claim.error, 'could not claim the source backup'));
  }
}

/**
 * Removes every claim this run wrote, whatever happened since. A confirmed claim that has
 * not expired is ours for sure (no other run writes over an unexpired claim it read), so
 * it is removed straight away. Any other (not confirmed, confirm failed, or expired while
 * copying) is read first and removed only if it still names this run: the read and the
 * removal are one round trip apart, far less than the settle wait another run needs
 * between writing a claim and trusting it (lib/copy/README.md, "Overlapping runs").
 */
export async function releaseClaims(run: ClaimRun, lines: ClaimLines, staked: StakedClaim[]): Promise<void> {
  const margin = run.settleMs;
  const released = await mapSettled(staked, run.concurrency, async (claim) => {
    const client = run.clients.cloudHsm(claim.source.region);
    const certain = claim.held && run.now().getTime() + margin < claim.until.getTime();
    if (certain || (await claimedBy(client, claim.source.id)) === run.runId)
      await releaseClaim(client, claim.source.id);
  });
  released.forEach((outcome, index) => {
    if (outcome.status === 'rejected') {
      lines.warnings.push(
        `could not remove the claim tag from ${staked[index]!.source.id} (${describeError(outcome.reason)}); ` +
          `it expires by itself at ${isoSeconds(staked[index]!.until)}`,
      );
    }
  });
}
