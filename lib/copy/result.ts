import { describeError, errorCode } from '../errors.js';
import type { BackupInfo } from '../inventory/types.js';
import { exitCodeOf } from '../jobs/run.js';
import type { CopyPlan, ExistingCopy } from './plan.js';

/**
 * What a copy run reports: its lines by outcome, and when the run counts as failed. The CLI
 * printers, the Lambda handler and the Run Summary all read this shape.
 */

/** One line of the result: a source backup, and a destination when it concerns one. */
export interface CopyLine {
  sourceRegion: string;
  sourceBackupId?: string;
  sourceClusterId?: string;
  /** The source backup's creation time (ISO), which its copies share. */
  sourceCreatedAt?: string;
  destinationRegion?: string;
  destinationBackupId?: string;
  /** The copy's state as last seen. */
  state?: string;
  /**
   * A skip reason (`not-ready`, `source-deleted`, ...: `SkipReason` in plan.ts), a deferral reason
   * (`claimed-by-another-run`, ...: `DeferReason`), `copy-deleted`, or the error code of a failure.
   */
  reason?: string;
  detail?: string;
  /** CopyBackupToRegion calls made for this line. */
  attempts?: number;
  /** True when a call's answer was lost and the copy was found by looking. */
  recovered?: boolean;
  /** For a deferred line: the run holding the source's claim (this run's own id when it gave up its claim). */
  holderRunId?: string;
  /** For a deferred line: when that claim expires (ISO); after it, any run copies the backup. */
  claimUntil?: string;
}

/** More than one copy of a source backup in one DR region. */
export interface DuplicateReport {
  sourceBackupId: string;
  destinationRegion: string;
  copies: ExistingCopy[];
  /** Our own duplicate, deleted (restorable for 7 days) because another copy is READY. */
  removed?: string;
}

export interface CopyResult {
  runId: string;
  dryRun: boolean;
  startedAt: string;
  finishedAt: string;
  plan: CopyPlan;
  /** What the plan said to copy (a dry run stops here). */
  planned: CopyLine[];
  copied: CopyLine[];
  alreadyPresent: CopyLine[];
  skipped: CopyLine[];
  failed: CopyLine[];
  /**
   * Copies this run was asked to make and did not, because a claim kept it off the source
   * (another run's, or its own that it could not confirm or that ran out) or it was told to
   * stop. Still uncopied: the run fails, and a later run copies them.
   */
  deferred: CopyLine[];
  /** Copies `--wait` gave up on before they were READY (this run's, or an earlier run's). */
  notReady: CopyLine[];
  duplicates: DuplicateReport[];
  warnings: string[];
  events?: {
    published: number;
    failed: { event: string; errorCode: string; errorMessage: string }[];
    calls: number;
  };
  counts: CopyCounts;
}

/** How many lines of each outcome a run has; what the table, `--json`, the Run Summary and the metrics show. */
export type CopyCounts = {
  copied: number;
  alreadyPresent: number;
  deferred: number;
  skipped: number;
  failed: number;
  notReady: number;
};

/** The result's lists of lines, which each step of a run returns its share of. */
export type CopyLines = Pick<
  CopyResult,
  | 'planned'
  | 'copied'
  | 'alreadyPresent'
  | 'skipped'
  | 'failed'
  | 'deferred'
  | 'notReady'
  | 'duplicates'
  | 'warnings'
>;

/** Lists with no lines yet, in the order the result shows them. */
export function noLines(): CopyLines {
  return {
    planned: [],
    copied: [],
    alreadyPresent: [],
    skipped: [],
    failed: [],
    deferred: [],
    notReady: [],
    duplicates: [],
    warnings: [],
  };
}

/** Appends a step's lines to the run's. */
export function addLines(into: CopyLines, from: Partial<CopyLines>): void {
  for (const key of Object.keys(from) as (keyof CopyLines)[]) {
    (into[key] as unknown[]).push(...(from[key] ?? []));
  }
}

/** How many lines of each outcome. */
export function countLines(lines: CopyLines): CopyCounts {
  return {
    copied: lines.copied.length,
    alreadyPresent: lines.alreadyPresent.length,
    deferred: lines.deferred.length,
    skipped: lines.skipped.length,
    failed: lines.failed.length,
    notReady: lines.notReady.length,
  };
}

/** The line for a source backup (and a destination, when it concerns one). */
export function lineOf(source: BackupInfo, destinationRegion?: string): CopyLine {
  return {
    sourceRegion: source.region,
    sourceBackupId: source.id,
    ...(source.clusterId ? { sourceClusterId: source.clusterId } : {}),
    sourceCreatedAt: source.createdAt.toISOString(),
    ...(destinationRegion ? { destinationRegion } : {}),
  };
}

type CopyOutcomes = Pick<CopyResult, 'failed' | 'notReady' | 'deferred'>;

/**
 * Why the run failed, in words (empty when it did not): a failure, a copy not READY in time, a
 * backup deferred (still uncopied), or an event lost. Deferred counts as failed so that no run
 * reports success while backups it was asked to copy have no copy.
 */
export function copyRunFailures(result: CopyOutcomes & Pick<CopyResult, 'events'>): string[] {
  const failures: string[] = [];
  if (result.failed.length) failures.push(`${result.failed.length} copy line(s) failed`);
  if (result.notReady.length) failures.push(`${result.notReady.length} copy(ies) not READY in time`);
  if (result.deferred.length) {
    failures.push(
      `${result.deferred.length} copy(ies) deferred, not made yet (${deferredWhy(result.deferred)})`,
    );
  }
  if (result.events?.failed.length) failures.push(`${result.events.failed.length} event(s) not delivered`);
  return failures;
}

/** Why copies were deferred, in a few words: each reason once, with the claim holders. */
function deferredWhy(lines: readonly CopyLine[]): string {
  const reasons = [...new Set(lines.map((line) => line.reason ?? 'deferred'))];
  const holders = [...new Set(lines.map((line) => line.holderRunId).filter(Boolean))];
  return reasons.join(', ') + (holders.length > 0 ? `; claims held by run ${holders.join(', ')}` : '');
}

/** True when the run must exit non-zero: the one exit decision (lib/jobs/run.ts) on {@link copyRunFailures}. */
export function copyRunFailed(result: CopyOutcomes & Pick<CopyResult, 'events'>): boolean {
  return exitCodeOf({ failures: copyRunFailures(result) }) !== 0;
}

/** A failed line: the error's code as the reason, and what was being done in the detail. */
export function failure(line: CopyLine, error: unknown, what: string): CopyLine {
  return { ...line, reason: errorCode(error) ?? 'Error', detail: `${what}: ${describeError(error)}` };
}
