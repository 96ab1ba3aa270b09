import { deleteBackup, findCopies } from '../aws/cloudhsm.js';
import { mapSettled } from '../concurrency.js';
import { describeError } from '../errors.js';
import type { BackupInfo } from '../inventory/types.js';
import type { CopyContext } from './context.js';
import type { CopyLine, CopyResult, DuplicateReport } from './result.js';
import { COPY_TAGS } from './tags.js';

/**
 * The verify step of a copy run: learn each copy's id and state, report (and remove this
 * run's own) duplicates, and under `--wait` poll until every copy in scope is READY.
 */

/** The result lists verifying reads and moves lines between. */
export type VerifiedLines = Pick<
  CopyResult,
  'copied' | 'alreadyPresent' | 'failed' | 'notReady' | 'duplicates' | 'warnings'
>;

/** States in which a backup is on its way out: a copy in them is no copy, a source in them is not copied. */
export const GONE_STATES: ReadonlySet<string> = new Set(['PENDING_DELETION', 'DELETED']);

/** Orders backups by id: the lowest id is the copy every run keeps. */
export function byId(a: BackupInfo, b: BackupInfo): number {
  return a.id.localeCompare(b.id);
}

/**
 * The copy a line stands for: a live one (READY or CREATE_IN_PROGRESS) when there is one —
 * this run's, else the one the line already names, else the lowest id — otherwise the
 * deleted one it was, so the caller can tell the copy is gone.
 */
function chooseCopy(copies: readonly BackupInfo[], runId: string, known?: string): BackupInfo | undefined {
  const live = copies.filter((c) => !GONE_STATES.has(c.state));
  const from = live.length > 0 ? live : [...copies];
  return (
    from.find((c) => c.tags[COPY_TAGS.copyRun] === runId) ??
    from.find((c) => c.id === known) ??
    from.sort(byId)[0]
  );
}

/**
 * Copies other runs made that `--wait` waits for as well: those still being created.
 * (`--wait` promises every copy of the backups in scope is READY, whoever started it.)
 */
export function watchedLines(lines: Pick<VerifiedLines, 'alreadyPresent'>, wait: boolean): CopyLine[] {
  if (!wait) return [];
  return lines.alreadyPresent.filter((line) => line.state === 'CREATE_IN_PROGRESS');
}

/**
 * Looks at the copies this run made: learns their ids and states, reports duplicates,
 * and under `--wait` polls until every copy in scope is READY (or deleted, which is
 * final) or the timeout passes.
 */
export async function verifyCopies(ctx: CopyContext, lines: VerifiedLines): Promise<void> {
  const deadline = ctx.now().getTime() + ctx.config.waitTimeout.toMillis();
  for (;;) {
    const total = lines.copied.length + watchedLines(lines, ctx.config.wait).length;
    const waiting = await observe(ctx, lines);
    ctx.progress('wait', total - waiting.length, total);
    if (!ctx.config.wait || waiting.length === 0) return;
    const left = deadline - ctx.now().getTime();
    if (left <= 0 || ctx.stopping()) {
      const why =
        left <= 0 ? `not READY after ${ctx.config.waitTimeout.toHuman()}` : 'the run was told to stop';
      for (const line of waiting)
        lines.notReady.push({ ...line, detail: `${line.state ?? 'not found yet'}: ${why}` });
      return;
    }
    await ctx.sleep(Math.min(ctx.tuning.pollIntervalMs, left));
  }
}

/**
 * One look at every destination holding copies of this run (and, under `--wait`, copies
 * other runs are still making); returns the lines not READY yet. A copy of this run found
 * PENDING_DELETION or DELETED was deleted after it was made: the line fails as
 * `copy-deleted` and gets no Backup Copied event.
 */
async function observe(ctx: CopyContext, lines: VerifiedLines): Promise<CopyLine[]> {
  const watched = watchedLines(lines, ctx.config.wait);
  const all = [...lines.copied, ...watched];
  const regions = [...new Set(all.map((line) => line.destinationRegion!))];
  const lookups = await mapSettled(regions, ctx.config.concurrency, (region) =>
    findCopies(ctx.clients.cloudHsm(region), region, [
      ...new Set(all.filter((l) => l.destinationRegion === region).map((l) => l.sourceBackupId!)),
    ]),
  );
  const waiting: CopyLine[] = [];
  const keep: CopyLine[] = [];
  for (const line of all) {
    const ours = !watched.includes(line);
    const lookup = lookups[regions.indexOf(line.destinationRegion!)]!;
    if (lookup.status === 'rejected') {
      lines.warnings.push(
        `could not look at the copies in ${line.destinationRegion}: ${describeError(lookup.reason)}`,
      );
      waiting.push(line);
      if (ours) keep.push(line);
      continue;
    }
    const copies = lookup.value.filter((b) => b.sourceBackupId === line.sourceBackupId);
    const replaced = ours ? await handleDuplicates(ctx, lines, line, copies) : undefined;
    if (replaced) {
      lines.alreadyPresent.push(replaced);
      continue;
    }
    const chosen = chooseCopy(copies, ctx.runId, line.destinationBackupId);
    if (chosen) {
      line.destinationBackupId = chosen.id;
      line.state = chosen.state;
    }
    if (ours && chosen && GONE_STATES.has(chosen.state)) {
      lines.failed.push({
        ...line,
        reason: 'copy-deleted',
        detail: `copy ${chosen.id} is ${chosen.state}: it was deleted after this run made it; no Backup Copied event`,
      });
      continue;
    }
    if (ours) keep.push(line);
    if (line.state !== 'READY' && !(chosen && GONE_STATES.has(chosen.state))) waiting.push(line);
  }
  lines.copied = keep;
  return waiting;
}

/**
 * Reports more than one live copy of a source in a region, and removes this run's own
 * duplicate only when that is safe: both copies READY, ours not the one every run keeps
 * (the lowest id, so overlapping runs agree), ours not marked NeverExpires. Returns the
 * line to file under "already present" when ours was removed.
 */
async function handleDuplicates(
  ctx: CopyContext,
  lines: VerifiedLines,
  line: CopyLine,
  copies: BackupInfo[],
): Promise<CopyLine | undefined> {
  const live = copies.filter((c) => c.state === 'READY' || c.state === 'CREATE_IN_PROGRESS').sort(byId);
  if (live.length < 2) return undefined;
  const report: DuplicateReport = {
    sourceBackupId: line.sourceBackupId!,
    destinationRegion: line.destinationRegion!,
    copies: live.map((c) => ({ backupId: c.id, state: c.state })),
  };
  const existing = lines.duplicates.findIndex(
    (d) => d.sourceBackupId === report.sourceBackupId && d.destinationRegion === report.destinationRegion,
  );
  if (existing >= 0) lines.duplicates.splice(existing, 1);
  lines.duplicates.push(report);

  const keeper = live[0]!;
  const ours = live.find((c) => c.tags[COPY_TAGS.copyRun] === ctx.runId);
  if (
    !ours ||
    ours.id === keeper.id ||
    ours.state !== 'READY' ||
    keeper.state !== 'READY' ||
    ours.neverExpires
  ) {
    return undefined;
  }
  try {
    await deleteBackup(ctx.clients.cloudHsm(line.destinationRegion!), ours.id);
  } catch (error) {
    lines.warnings.push(`could not remove duplicate copy ${ours.id}: ${describeError(error)}`);
    return undefined;
  }
  report.removed = ours.id;
  return {
    ...line,
    destinationBackupId: keeper.id,
    state: keeper.state,
    detail: `another run made ${keeper.id} at the same time; this run’s duplicate ${ours.id} was deleted (restorable for 7 days)`,
  };
}
