import { copyBackupToRegion, describeBackupsById, findCopies } from '../aws/cloudhsm.js';
import { mapSettled } from '../concurrency.js';
import { describeError, errorCode, isThrottling } from '../errors.js';
import type { BackupInfo } from '../inventory/types.js';
import { type ClaimRun, claimSources, type PendingCopy, releaseClaims } from './claim-step.js';
import type { CopyContext } from './context.js';
import { copiesBySource } from './plan.js';
import { type CopyLine, type CopyLines, failure } from './result.js';
import { COPY_TAGS, copyTagList, isoSeconds } from './tags.js';
import { byId, GONE_STATES } from './verify.js';

/**
 * The copy step of a copy run: claim the sources, look again where needed, make each copy
 * exactly once, release every claim. lib/copy/README.md says why each part is there.
 */

/** The lines the copy step files. */
export type CopyStepLines = Pick<
  CopyLines,
  'copied' | 'alreadyPresent' | 'skipped' | 'failed' | 'deferred' | 'warnings'
>;

/** A copy whose source this run holds, with the source's tags (read by the claim). */
type HeldCopy = PendingCopy & { sourceTags: Record<string, string> };

const CLIENT_ERROR_MIN = 400;
const SERVER_ERROR_MIN = 500;

/**
 * True when the service certainly refused the request (a 4xx other than throttling), so
 * nothing was copied and calling again would fail the same way. Everything else (5xx,
 * throttling, timeouts, dropped connections) leaves the outcome unknown.
 */
export function isDefiniteRejection(error: unknown): boolean {
  const status = (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
  if (status === undefined || status < CLIENT_ERROR_MIN || status >= SERVER_ERROR_MIN) return false;
  return !isThrottling(error);
}

/** The copy of `sourceId` this run should report: the one tagged with our run id, else the oldest id. */
function pickCopy(copies: readonly BackupInfo[], runId: string): BackupInfo | undefined {
  const present = copies.filter((c) => c.state !== 'DELETED');
  return present.find((c) => c.tags[COPY_TAGS.copyRun] === runId) ?? present.sort(byId)[0];
}

function claimRun(ctx: CopyContext, listedAt: ReadonlyMap<string, number>): ClaimRun {
  return {
    clients: ctx.clients,
    runId: ctx.runId,
    concurrency: ctx.config.concurrency,
    settleMs: ctx.tuning.claimSettleMs,
    ttlMs: ctx.tuning.claimTtlMs,
    now: ctx.now,
    monotonic: ctx.monotonic,
    settle: ctx.settle,
    listedAt,
    onProgress: (done, total) => ctx.progress('claim', done, total),
  };
}

function noStepLines(): CopyStepLines {
  return { copied: [], alreadyPresent: [], skipped: [], failed: [], deferred: [], warnings: [] };
}

/**
 * Claims the sources of `pending`, makes the copies this run may make, and releases every
 * claim it wrote (in a `finally`). Returns the lines it filed.
 */
export async function copyStep(
  ctx: CopyContext,
  pending: PendingCopy[],
  listedAt: ReadonlyMap<string, number>,
): Promise<CopyStepLines> {
  const lines = noStepLines();
  if (ctx.stopping()) {
    for (const copy of pending) {
      lines.deferred.push({
        ...copy.line,
        reason: 'stopped',
        detail: 'the run was told to stop before copying; the next run copies it',
      });
    }
    return lines;
  }
  const run = claimRun(ctx, listedAt);
  const claims = await claimSources(run, lines, pending);
  try {
    // Sources staked from the listing were read before the plan's destination lookup, which
    // therefore saw any copy a finished run made; only those read later need a second look.
    const later = claims.copies.filter((c) => claims.readLate.has(c.item.source.id));
    const ready = [
      ...claims.copies.filter((c) => !claims.readLate.has(c.item.source.id)),
      ...(await recheckDestinations(ctx, lines, later)),
    ];
    await copyAll(ctx, lines, ready, claims.until);
  } finally {
    await releaseClaims(run, lines, claims.staked);
  }
  return lines;
}

/**
 * Looks in the destinations again now that the claims are held: a run that finished and
 * released its claim between our first look and our claim would otherwise be copied over.
 */
async function recheckDestinations(
  ctx: CopyContext,
  lines: CopyStepLines,
  copies: HeldCopy[],
): Promise<HeldCopy[]> {
  if (copies.length === 0) return [];
  const regions = [...new Set(copies.map((c) => c.item.destinationRegion))];
  const lookups = await mapSettled(regions, ctx.config.concurrency, async (region) => {
    const ids = [
      ...new Set(copies.filter((c) => c.item.destinationRegion === region).map((c) => c.item.source.id)),
    ];
    return copiesBySource(await findCopies(ctx.clients.cloudHsm(region), region, ids));
  });
  const ready: HeldCopy[] = [];
  for (const copy of copies) {
    const lookup = lookups[regions.indexOf(copy.item.destinationRegion)]!;
    if (lookup.status === 'rejected') {
      lines.failed.push(failure(copy.line, lookup.reason, 'could not look for existing copies'));
      continue;
    }
    const existing = lookup.value.get(copy.item.source.id);
    if (existing?.length) {
      lines.alreadyPresent.push({
        ...copy.line,
        destinationBackupId: existing[0]!.backupId,
        state: existing[0]!.state,
        detail: `copy ${existing[0]!.backupId} was made by another run while this one was planning`,
      });
    } else {
      ready.push(copy);
    }
  }
  return ready;
}

/** Makes each copy (bounded by the run's concurrency) while its claim has time left for it. */
async function copyAll(
  ctx: CopyContext,
  lines: CopyStepLines,
  copies: HeldCopy[],
  until: Map<string, Date>,
): Promise<void> {
  let done = 0;
  ctx.progress('copy', 0, copies.length);
  await mapSettled(copies, ctx.config.concurrency, async (copy) => {
    const claimEnds = until.get(copy.item.source.id)!.getTime() - ctx.tuning.claimSettleMs;
    if (ctx.stopping()) {
      lines.deferred.push({
        ...copy.line,
        reason: 'stopped',
        detail: 'the run was told to stop; the next run copies it',
      });
    } else if (ctx.now().getTime() + ctx.tuning.copyTimeoutMs >= claimEnds) {
      lines.deferred.push({
        ...copy.line,
        reason: 'claim-expired',
        holderRunId: ctx.runId,
        claimUntil: isoSeconds(until.get(copy.item.source.id)!),
        detail: 'this run’s claim on the source ran out before the copy could start; the next run copies it',
      });
    } else {
      await copyOnce(ctx, lines, copy, claimEnds);
    }
    ctx.progress('copy', ++done, copies.length);
  });
}

/**
 * Makes one copy, exactly once. CopyBackupToRegion goes through a client that never
 * retries; after any failure whose outcome is unknown (5xx, throttling, timeout, lost
 * answer) the destination is searched, and the call is made again only when the search
 * succeeded and found no copy. A search that fails ends the line as failed: guessing
 * could make a duplicate.
 */
async function copyOnce(
  ctx: CopyContext,
  lines: CopyStepLines,
  copy: HeldCopy,
  claimEnds: number,
): Promise<void> {
  const { source, destinationRegion } = copy.item;
  const { tuning } = ctx;
  const { tags, dropped } = copyTagList(source, copy.sourceTags, ctx.runId);
  if (dropped.length > 0) {
    lines.warnings.push(
      `${source.id} → ${destinationRegion}: source tags not carried over (limit of 50 or not valid): ${dropped.join(', ')}`,
    );
  }
  const copyClient = ctx.copyClients.cloudHsm(source.region);
  let lastError: unknown;
  for (let attempt = 1; attempt <= tuning.copyAttempts; attempt++) {
    // An attempt may run for copyTimeoutMs: it must end while the claim still holds.
    if (attempt > 1 && ctx.now().getTime() + tuning.copyTimeoutMs >= claimEnds) {
      lines.failed.push({
        ...failure(
          copy.line,
          lastError,
          'no copy yet, and this run’s claim on the source ran out before it could try again',
        ),
        attempts: attempt - 1,
      });
      return;
    }
    try {
      await copyBackupToRegion(copyClient, source.id, destinationRegion, tags, tuning.copyTimeoutMs);
      lines.copied.push({ ...copy.line, attempts: attempt, recovered: false });
      return;
    } catch (error) {
      if (isDefiniteRejection(error)) {
        await refused(ctx, lines, copy.line, error, attempt);
        return;
      }
      lastError = error;
    }
    await ctx.sleep(tuning.retryBaseMs * 2 ** (attempt - 1));
    let found: BackupInfo | undefined;
    try {
      const copies = await findCopies(ctx.clients.cloudHsm(destinationRegion), destinationRegion, [
        source.id,
      ]);
      found = pickCopy(copies, ctx.runId);
    } catch (lookupError) {
      lines.failed.push({
        ...copy.line,
        reason: errorCode(lastError) ?? 'Error',
        attempts: attempt,
        detail:
          `outcome unknown after ${describeError(lastError)}, and looking for the copy failed ` +
          `(${describeError(lookupError)}); not retried, to avoid a duplicate — the next run checks again`,
      });
      return;
    }
    if (found) {
      lines.copied.push({
        ...copy.line,
        destinationBackupId: found.id,
        state: found.state,
        attempts: attempt,
        recovered: true,
        detail: `the answer was lost (${describeError(lastError)}); found copy ${found.id}`,
      });
      return;
    }
  }
  lines.failed.push({
    ...failure(copy.line, lastError, `no copy after ${tuning.copyAttempts} attempts`),
    attempts: tuning.copyAttempts,
  });
}

/**
 * A refused copy (4xx): when the source has since been deleted, that is why, and the line
 * is a skip (nothing to copy any more); otherwise the line fails.
 */
async function refused(
  ctx: CopyContext,
  lines: CopyStepLines,
  line: CopyLine,
  error: unknown,
  attempts: number,
): Promise<void> {
  const source = line.sourceBackupId!;
  let state: string | undefined;
  try {
    const found = await describeBackupsById(ctx.clients.cloudHsm(line.sourceRegion), line.sourceRegion, [
      source,
    ]);
    state = found.get(source)?.state;
  } catch {
    state = 'unknown';
  }
  if (state === undefined || GONE_STATES.has(state)) {
    lines.skipped.push({
      ...line,
      reason: 'source-deleted',
      attempts,
      detail: `source deleted since planning (${state ?? 'no longer listed'}); nothing to copy`,
    });
    return;
  }
  lines.failed.push({ ...failure(line, error, 'the copy was refused'), attempts });
}
