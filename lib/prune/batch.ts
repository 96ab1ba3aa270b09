/** A batch of planned deletions and the re-read that each of its deletes is checked against. */

import { type CloudHsmClients, describeBackupsById } from '../aws/cloudhsm.js';
import type { BackupInfo } from '../inventory/types.js';
import type { AdaptiveGate } from './gate.js';
import { keepLastReason, keptCopyReason, lineageKey, staleReason } from './guards.js';
import { type ExecuteOptions, monotonicOf, type PruneOutcome } from './outcome.js';
import type { PlanEntry, PrunePlan } from './plan.js';
import { liveRecords } from './record.js';

/**
 * Planned deletions re-read with one DescribeBackups, then deleted one after another: the
 * window between the re-read and each delete is a few deletes long, and never longer than
 * {@link RECHECK_MAX_AGE_MS} plus one delete (the check runs once the gate's slot is held). The
 * re-reads add about one call per five deletes.
 */
export const RECHECK_BATCH = 5;

/** A re-read older than this (ms) is read again before the next delete of its batch. */
export const RECHECK_MAX_AGE_MS = 2000;

/** What one batch needs to know: the run and how it reports. */
export interface BatchContext {
  clients: CloudHsmClients;
  plan: PrunePlan;
  guards: Map<string, PlanEntry[]>;
  gate: AdaptiveGate;
  options: ExecuteOptions;
  runId: string;
  /** The run's instant now: the plan's `now` plus the monotonic time since the run began. */
  instant: () => Date;
  /** When (monotonic ms) this run's record was written on each backup. */
  recordedAt: Map<string, number>;
  report: (outcome: PruneOutcome) => PruneOutcome;
  /**
   * The newest state this run has read of each backup, whichever batch read it: batches run
   * side by side, and one batch's read can show a kept backup gone before another batch sends
   * its delete.
   */
  latest: Map<string, BackupInfo>;
}

/**
 * The current state of one batch of planned deletions and of the kept backups keep-last relies
 * on: read with one DescribeBackups when first needed, and again for the rest of the batch
 * once that read is older than {@link RECHECK_MAX_AGE_MS}.
 */
export class BatchView {
  private fresh: Map<string, BackupInfo> | undefined;
  private readAt = 0;
  private readonly guardIds: string[];
  private readonly monotonic: () => number;

  constructor(
    private readonly batch: PlanEntry[],
    private readonly context: BatchContext,
  ) {
    const guards = batch.flatMap((e) => context.guards.get(lineageKey(e)) ?? []);
    // An extra copy is deleted only while the copy kept for its source backup is still READY.
    const keptCopies = batch.flatMap((e) => (e.keptCopyId ? [e.keptCopyId] : []));
    this.guardIds = [...new Set([...guards.map((g) => g.backupId), ...keptCopies])];
    this.monotonic = monotonicOf(context.options);
  }

  /** Why the batch's `index`-th entry may no longer be deleted, or undefined; throws when it cannot be read. */
  async staleReason(index: number): Promise<string | undefined> {
    const entry = this.batch[index]!;
    if (!this.fresh || this.monotonic() - this.readAt > RECHECK_MAX_AGE_MS) {
      const ids = [...this.batch.slice(index).map((e) => e.backupId), ...this.guardIds];
      this.fresh = undefined; // a failed read leaves nothing to trust: the next entry reads again
      this.fresh = await describeBackupsById(this.context.clients.cloudHsm(entry.region), entry.region, ids);
      this.readAt = this.monotonic();
      for (const [id, backup] of this.fresh) this.context.latest.set(id, backup);
    }
    const { plan, guards } = this.context;
    return (
      staleReason(this.fresh.get(entry.backupId), plan.holdTags) ??
      keptCopyReason(entry, this.fresh) ??
      keepLastReason(entry, plan, guards, this.fresh)
    );
  }

  /** The other live runs whose record the batch's `index`-th entry carried at the last read. */
  othersRecording(index: number): string[] {
    const fresh = this.fresh?.get(this.batch[index]!.backupId);
    return fresh ? liveRecords(fresh.tags, this.context.runId, this.context.instant()) : [];
  }

  /** The next {@link staleReason} reads again. */
  forget(): void {
    this.fresh = undefined;
  }
}

/** Why `entry` may no longer be deleted, judged on the newest state the run has read of everything it relies on. */
export function latestReason(entry: PlanEntry, context: BatchContext): string | undefined {
  const { plan, guards, latest } = context;
  return (
    staleReason(latest.get(entry.backupId), plan.holdTags) ??
    keptCopyReason(entry, latest) ??
    keepLastReason(entry, plan, guards, latest)
  );
}

/** Splits one region's deletions into re-read batches, spread over the workers when few. */
export function batchesOf(entries: PlanEntry[], concurrency: number): PlanEntry[][] {
  const size = Math.max(1, Math.min(RECHECK_BATCH, Math.ceil(entries.length / concurrency)));
  const batches: PlanEntry[][] = [];
  for (let i = 0; i < entries.length; i += size) batches.push(entries.slice(i, i + size));
  return batches;
}
