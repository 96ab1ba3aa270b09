import type { DateTime } from 'luxon';
import { accountId } from '../aws/account.js';
import type { AwsClients } from '../aws/clients.js';
import {
  copyBackupToRegion,
  describeBackupsById,
  findCopies,
  listRecentBackups,
  singleAttemptClients,
} from '../aws/cloudhsm.js';
import { mapSettled } from '../concurrency.js';
import type { CopyConfig } from '../config/copy.js';
import { describeError, errorCode, isThrottling } from '../errors.js';
import type { FeedEvent, FeedTarget, PublishResult } from '../events/types.js';
import type { BackupInfo, RegionInventory } from '../inventory/types.js';
import { newRunId } from '../run.js';
import { type ClaimRun, claimSources, type PendingCopy, releaseClaims } from './claim-step.js';
import { type CopyPlan, copiesBySource, type DeferReason, planCopies } from './plan.js';
import { publishCopyRun } from './publish.js';
import { type CopyCounts, type CopyLine, type CopyResult, failure } from './result.js';
import { COPY_TAGS, copyTagList, isoSeconds } from './tags.js';
import { byId, GONE_STATES, verifyCopies, watchedLines } from './verify.js';

export {
  type CopyCounts,
  type CopyLine,
  type CopyResult,
  copyRunFailed,
  type DuplicateReport,
} from './result.js';

/** Timings of a run; the defaults suit AWS, tests shorten them. */
export interface CopyTuning {
  /** Real-time wait between writing claims and re-reading them (see README, "Overlapping runs"). */
  claimSettleMs: number;
  /** How long a claim keeps other runs off a source backup if its run dies. */
  claimTtlMs: number;
  /** CopyBackupToRegion calls per copy at most, each one only after a lookup found no copy. */
  copyAttempts: number;
  /** A CopyBackupToRegion call taking longer than this is abandoned and treated as "outcome unknown". */
  copyTimeoutMs: number;
  /** Wait before looking for the copy after an unclear failure; doubles per attempt. */
  retryBaseMs: number;
  /** How often `--wait` looks at the destinations. */
  pollIntervalMs: number;
}

/**
 * Claims live 3 minutes: a run that dies right after claiming keeps other runs off its
 * backups for at most that long, so the Lambda's second retry (about 3 minutes after a
 * failed invocation) is never blocked, and a run killed by the 15-minute Lambda timeout
 * left only expired claims. Copies start only while a claim has more than
 * `copyTimeoutMs` left (lib/copy/README.md, "How long a claim lives").
 */
export const DEFAULT_COPY_TUNING: CopyTuning = {
  claimSettleMs: 2_000,
  claimTtlMs: 3 * 60_000,
  copyAttempts: 3,
  copyTimeoutMs: 60_000,
  retryBaseMs: 1_000,
  pollIntervalMs: 15_000,
};

/** Where a run is, for progress bars and logs. */
export interface CopyProgress {
  phase: 'gather' | 'claim' | 'copy' | 'wait' | 'publish';
  done: number;
  total: number;
}

/** What a copy run needs from outside; everything but `clients` has a sensible default. */
export interface CopyDeps {
  /** Region-scoped clients with retries (adaptive): listings, tags, lookups. */
  clients: AwsClients;
  /** Clients that never resend, for CopyBackupToRegion; default: `singleAttemptClients(clients.options)`. */
  copyClients?: AwsClients;
  /** Wall clock: claim expiry and `--wait`'s deadline (the sandbox's virtual clock in tests). */
  now?: () => Date;
  /** Backoff and polling waits (tests advance a virtual clock instead of waiting). */
  sleep?: (ms: number) => Promise<void>;
  /** The claim settle wait; must really pass real time, see README. */
  settle?: (ms: number) => Promise<void>;
  /** A monotonic real-time clock in ms. */
  monotonic?: () => number;
  /** The account id for events (default: STS GetCallerIdentity in the event region). */
  account?: () => Promise<string>;
  /** Sends events (default: lib/events/publisher to `clients.eventBridge(target.region)`). */
  publish?: (events: FeedEvent[], target: FeedTarget) => Promise<PublishResult>;
  runId?: string;
  /** Checked before each copy and poll; true stops starting new work (a Lambda's deadline). */
  shouldStop?: () => boolean;
  onProgress?: (progress: CopyProgress) => void;
  tuning?: Partial<CopyTuning>;
}

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

function lineOf(source: BackupInfo, destinationRegion?: string): CopyLine {
  return {
    sourceRegion: source.region,
    sourceBackupId: source.id,
    ...(source.clusterId ? { sourceClusterId: source.clusterId } : {}),
    sourceCreatedAt: source.createdAt.toISOString(),
    ...(destinationRegion ? { destinationRegion } : {}),
  };
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The copy of `sourceId` this run should report: the one tagged with our run id, else the oldest id. */
function pickCopy(copies: readonly BackupInfo[], runId: string): BackupInfo | undefined {
  const present = copies.filter((c) => c.state !== 'DELETED');
  return present.find((c) => c.tags[COPY_TAGS.copyRun] === runId) ?? present.sort(byId)[0];
}

/**
 * One copy run: gather → plan → (unless dry run) claim → copy exactly once → release →
 * verify (and `--wait`) → publish. Failures are per line: one region failing never stops
 * the others. See lib/copy/README.md for why each step is there.
 */
export async function runCopy(deps: CopyDeps, config: CopyConfig, now: DateTime): Promise<CopyResult> {
  const run = new CopyRun(deps, config, now);
  try {
    return await run.execute();
  } finally {
    run.dispose();
  }
}

class CopyRun {
  private readonly tuning: CopyTuning;
  private readonly runId: string;
  private readonly copyClients: AwsClients;
  private readonly ownCopyClients: boolean;
  private readonly now: () => Date;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly monotonic: () => number;
  /** When (monotonic ms) each source region's listing was requested: its tags are a claim's read. */
  private readonly listedAt = new Map<string, number>();
  private readonly startedAt: Date;
  private readonly result: Omit<CopyResult, 'plan' | 'finishedAt' | 'counts'>;

  constructor(
    private readonly deps: CopyDeps,
    private readonly config: CopyConfig,
    private readonly planTime: DateTime,
  ) {
    this.tuning = { ...DEFAULT_COPY_TUNING, ...deps.tuning };
    this.runId = deps.runId ?? newRunId();
    this.ownCopyClients = !deps.copyClients;
    this.copyClients = deps.copyClients ?? singleAttemptClients(deps.clients.options);
    this.now = deps.now ?? (() => new Date());
    this.sleep = deps.sleep ?? realSleep;
    this.monotonic = deps.monotonic ?? (() => performance.now());
    this.startedAt = this.now();
    this.result = {
      runId: this.runId,
      dryRun: config.dryRun,
      startedAt: this.startedAt.toISOString(),
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

  dispose(): void {
    if (this.ownCopyClients) this.copyClients.destroy();
  }

  private progress(phase: CopyProgress['phase'], done: number, total: number): void {
    this.deps.onProgress?.({ phase, done, total });
  }

  private claimRun(): ClaimRun {
    return {
      clients: this.deps.clients,
      runId: this.runId,
      concurrency: this.config.concurrency,
      settleMs: this.tuning.claimSettleMs,
      ttlMs: this.tuning.claimTtlMs,
      now: this.now,
      monotonic: this.monotonic,
      settle: this.deps.settle ?? realSleep,
      listedAt: this.listedAt,
      onProgress: (done, total) => this.progress('claim', done, total),
    };
  }

  private stopping(): boolean {
    return this.deps.shouldStop?.() === true;
  }

  async execute(): Promise<CopyResult> {
    const plan = await this.gatherAndPlan();
    const pending = this.sortPlan(plan);
    if (!this.config.dryRun && pending.length > 0) await this.act(pending);
    if (
      !this.config.dryRun &&
      (this.result.copied.length > 0 || watchedLines(this.result, this.config.wait).length > 0)
    )
      await this.verify();
    if (this.config.publish) await this.publish(plan);
    return { ...this.result, plan, finishedAt: this.now().toISOString(), counts: this.counts() };
  }

  private counts(): CopyCounts {
    const r = this.result;
    return {
      copied: r.copied.length,
      alreadyPresent: r.alreadyPresent.length,
      deferred: r.deferred.length,
      skipped: r.skipped.length,
      failed: r.failed.length,
      notReady: r.notReady.length,
    };
  }

  private async act(pending: PendingCopy[]): Promise<void> {
    if (this.stopping()) {
      this.deferAll(pending, 'stopped', 'the run was told to stop before copying; the next run copies it');
      return;
    }
    const claims = await claimSources(this.claimRun(), this.result, pending);
    try {
      // Sources staked from the listing were read before the plan's destination lookup, which
      // therefore saw any copy a finished run made; only those read later need a second look.
      const later = claims.copies.filter((c) => claims.readLate.has(c.item.source.id));
      const ready = [
        ...claims.copies.filter((c) => !claims.readLate.has(c.item.source.id)),
        ...(await this.recheckDestinations(later)),
      ];
      await this.copyAll(ready, claims.until);
    } finally {
      await releaseClaims(this.claimRun(), this.result, claims.staked);
    }
  }

  /** Lists recent source backups, then only the DR copies of candidates, then plans. */
  private async gatherAndPlan(): Promise<CopyPlan> {
    const { config } = this;
    const windowStart = this.planTime.minus(config.since).toJSDate();
    const filters = config.clusterIds.length > 0 ? { clusterIds: config.clusterIds } : undefined;
    const regions = config.sourceRegions;
    const totalListings = regions.length + config.drRegions.length;
    let listed = 0;
    this.progress('gather', 0, totalListings);

    const listings = await mapSettled(regions, config.concurrency, async (region) => {
      this.listedAt.set(region, this.monotonic());
      const backups = await listRecentBackups(
        this.deps.clients.cloudHsm(region),
        region,
        windowStart,
        filters,
      );
      this.progress('gather', ++listed, totalListings);
      return backups;
    });
    const sources: RegionInventory[] = [];
    listings.forEach((listing, index) => {
      const region = regions[index]!;
      if (listing.status === 'fulfilled') sources.push({ region, clusters: [], backups: listing.value });
      else
        this.result.failed.push(failure({ sourceRegion: region }, listing.reason, 'could not list backups'));
    });

    const empty = Object.fromEntries(config.drRegions.map((region) => [region, [] as BackupInfo[]]));
    const candidates = planCopies(sources, empty, config, this.planTime).items.filter(
      (i) => i.action === 'copy',
    );
    const candidateIds = [...new Set(candidates.map((i) => i.source.id))];

    const lookups = await mapSettled(config.drRegions, config.concurrency, async (region) => {
      const found =
        candidateIds.length > 0
          ? await findCopies(this.deps.clients.cloudHsm(region), region, candidateIds)
          : [];
      this.progress('gather', ++listed, totalListings);
      return found;
    });
    const destinations: Record<string, BackupInfo[]> = {};
    const reachable: string[] = [];
    lookups.forEach((lookup, index) => {
      const region = config.drRegions[index]!;
      if (lookup.status === 'fulfilled') {
        destinations[region] = lookup.value;
        reachable.push(region);
        return;
      }
      for (const item of candidates.filter((i) => i.destinationRegion === region)) {
        this.result.failed.push(
          failure(lineOf(item.source, region), lookup.reason, 'could not look for existing copies'),
        );
      }
    });
    const plan = planCopies(sources, destinations, { ...config, drRegions: reachable }, this.planTime);
    return { ...plan, drRegions: [...config.drRegions] };
  }

  /** Files plan lines that need no action and returns the copies to make. */
  private sortPlan(plan: CopyPlan): PendingCopy[] {
    const pending: PendingCopy[] = [];
    for (const item of plan.items) {
      const line: CopyLine = { ...lineOf(item.source, item.destinationRegion) };
      if (item.action === 'copy' && item.destinationRegion) {
        this.result.planned.push(line);
        pending.push({ item: item as PendingCopy['item'], line });
      } else if (item.action === 'already-present') {
        const first = item.existing?.[0];
        this.result.alreadyPresent.push({
          ...line,
          destinationBackupId: first?.backupId,
          state: first?.state,
          detail: item.detail,
        });
      } else {
        this.result.skipped.push({ ...line, reason: item.reason, detail: item.detail });
      }
    }
    return pending;
  }

  private deferAll(pending: PendingCopy[], reason: DeferReason, detail: string): void {
    for (const copy of pending) this.result.deferred.push({ ...copy.line, reason, detail });
  }

  /**
   * Looks in the destinations again now that the claims are held: a run that finished and
   * released its claim between our first look and our claim would otherwise be copied over.
   */
  private async recheckDestinations<T extends PendingCopy>(copies: T[]): Promise<T[]> {
    if (copies.length === 0) return [];
    const regions = [...new Set(copies.map((c) => c.item.destinationRegion))];
    const lookups = await mapSettled(regions, this.config.concurrency, async (region) => {
      const ids = [
        ...new Set(copies.filter((c) => c.item.destinationRegion === region).map((c) => c.item.source.id)),
      ];
      return copiesBySource(await findCopies(this.deps.clients.cloudHsm(region), region, ids));
    });
    const ready: T[] = [];
    for (const copy of copies) {
      const lookup = lookups[regions.indexOf(copy.item.destinationRegion)]!;
      if (lookup.status === 'rejected') {
        this.result.failed.push(failure(copy.line, lookup.reason, 'could not look for existing copies'));
        continue;
      }
      const existing = lookup.value.get(copy.item.source.id);
      if (existing?.length) {
        this.result.alreadyPresent.push({
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

  private async copyAll(
    copies: (PendingCopy & { sourceTags: Record<string, string> })[],
    until: Map<string, Date>,
  ): Promise<void> {
    let done = 0;
    this.progress('copy', 0, copies.length);
    await mapSettled(copies, this.config.concurrency, async (copy) => {
      const claimEnds = until.get(copy.item.source.id)!.getTime() - this.tuning.claimSettleMs;
      if (this.stopping()) {
        this.result.deferred.push({
          ...copy.line,
          reason: 'stopped',
          detail: 'the run was told to stop; the next run copies it',
        });
      } else if (this.now().getTime() + this.tuning.copyTimeoutMs >= claimEnds) {
        this.result.deferred.push({
          ...copy.line,
          reason: 'claim-expired',
          holderRunId: this.runId,
          claimUntil: isoSeconds(until.get(copy.item.source.id)!),
          detail:
            'this run’s claim on the source ran out before the copy could start; the next run copies it',
        });
      } else {
        await this.copyOnce(copy, claimEnds);
      }
      this.progress('copy', ++done, copies.length);
    });
  }

  /**
   * Makes one copy, exactly once. CopyBackupToRegion goes through a client that never
   * retries; after any failure whose outcome is unknown (5xx, throttling, timeout, lost
   * answer) the destination is searched, and the call is made again only when the search
   * succeeded and found no copy. A search that fails ends the line as failed: guessing
   * could make a duplicate.
   */
  private async copyOnce(
    copy: PendingCopy & { sourceTags: Record<string, string> },
    claimEnds: number,
  ): Promise<void> {
    const { source, destinationRegion } = copy.item;
    const { tags, dropped } = copyTagList(source, copy.sourceTags, this.runId);
    if (dropped.length > 0) {
      this.result.warnings.push(
        `${source.id} → ${destinationRegion}: source tags not carried over (limit of 50 or not valid): ${dropped.join(', ')}`,
      );
    }
    const copyClient = this.copyClients.cloudHsm(source.region);
    let lastError: unknown;
    for (let attempt = 1; attempt <= this.tuning.copyAttempts; attempt++) {
      // An attempt may run for copyTimeoutMs: it must end while the claim still holds.
      if (attempt > 1 && this.now().getTime() + this.tuning.copyTimeoutMs >= claimEnds) {
        this.result.failed.push({
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
        await copyBackupToRegion(copyClient, source.id, destinationRegion, tags, this.tuning.copyTimeoutMs);
        this.result.copied.push({ ...copy.line, attempts: attempt, recovered: false });
        return;
      } catch (error) {
        if (isDefiniteRejection(error)) {
          await this.refused(copy.line, error, attempt);
          return;
        }
        lastError = error;
      }
      await this.sleep(this.tuning.retryBaseMs * 2 ** (attempt - 1));
      let found: BackupInfo | undefined;
      try {
        const copies = await findCopies(this.deps.clients.cloudHsm(destinationRegion), destinationRegion, [
          source.id,
        ]);
        found = pickCopy(copies, this.runId);
      } catch (lookupError) {
        this.result.failed.push({
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
        this.result.copied.push({
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
    this.result.failed.push({
      ...failure(copy.line, lastError, `no copy after ${this.tuning.copyAttempts} attempts`),
      attempts: this.tuning.copyAttempts,
    });
  }

  /**
   * A refused copy (4xx): when the source has since been deleted, that is why, and the line
   * is a skip (nothing to copy any more); otherwise the line fails.
   */
  private async refused(line: CopyLine, error: unknown, attempts: number): Promise<void> {
    const source = line.sourceBackupId!;
    let state: string | undefined;
    try {
      const found = await describeBackupsById(
        this.deps.clients.cloudHsm(line.sourceRegion),
        line.sourceRegion,
        [source],
      );
      state = found.get(source)?.state;
    } catch {
      state = 'unknown';
    }
    if (state === undefined || GONE_STATES.has(state)) {
      this.result.skipped.push({
        ...line,
        reason: 'source-deleted',
        attempts,
        detail: `source deleted since planning (${state ?? 'no longer listed'}); nothing to copy`,
      });
      return;
    }
    this.result.failed.push({ ...failure(line, error, 'the copy was refused'), attempts });
  }

  /** Verifies (and under `--wait` waits for) the copies in scope: lib/copy/verify.ts. */
  private async verify(): Promise<void> {
    await verifyCopies(
      {
        clients: this.deps.clients,
        runId: this.runId,
        concurrency: this.config.concurrency,
        wait: this.config.wait,
        waitTimeout: this.config.waitTimeout,
        pollIntervalMs: this.tuning.pollIntervalMs,
        now: this.now,
        sleep: this.sleep,
        stopping: () => this.stopping(),
        onProgress: (done, total) => this.progress('wait', done, total),
      },
      this.result,
    );
  }

  /** Publishes the run's events (lib/copy/publish.ts) and records what was delivered. */
  private async publish(plan: CopyPlan): Promise<void> {
    const { config, deps } = this;
    const total = this.result.copied.length + 1;
    this.progress('publish', 0, total);
    this.result.events = await publishCopyRun({
      config,
      clients: deps.clients,
      runId: this.runId,
      startedAt: this.startedAt,
      plan,
      result: this.result,
      counts: this.counts(),
      copiedAt: this.now(),
      account: deps.account ?? (() => accountId(deps.clients, config.eventRegion)),
      publish: deps.publish,
    });
    this.progress('publish', this.result.events.published, total);
  }
}
