/**
 * The soak's invariants, stated once. Each is checked after every command against the ledger the
 * sandbox's hooks kept (test/model/world.ts: what each request met when the sandbox handled it)
 * and the records of the runs (test/model/jobs.ts). test/model/README.md states them in words.
 *
 * KNOWN_OPEN lists the holes other branches are fixing; a violation one of them explains is
 * counted and printed apart, and does not fail `npm test`. The lead empties the list as the
 * fixes merge.
 */
import { CUSTOM_HOLD_TAG, DAY, DEFAULT_HOLD_TAG, HOUR } from './fleet.js';
import type { JobRecord } from './jobs.js';
import { type Applied, type BackupView, type Snapshot, WORLD } from './world.js';

export type InvariantId =
  | 'protected-deleted'
  | 'copy-at-most-once'
  | 'copy-exactly-one'
  | 'deletion-reported-truly'
  | 'success-with-work-undone'
  | 'event-describes-what-happened'
  | 'bounded-time'
  | 'bad-input-calls-nothing';

/** One broken promise. `facts` are short tags the known-hole list matches on. */
export interface Violation {
  invariant: InvariantId;
  message: string;
  job?: string;
  facts: string[];
  /** Set by {@link classify}: the known hole (or accepted limit) that explains it. */
  knownHole?: string;
  /** Set by {@link classify}: an API limit (see {@link ACCEPTED_LIMITS}), not counted as a violation. */
  acceptedLimit?: boolean;
}

/**
 * Holes being fixed on other branches (see the issue numbers), each with the facts that
 * identify it. Empty this list as the fixes merge: the soak then fails on them again.
 */
export const KNOWN_OPEN: { hole: string; invariant: InvariantId; facts: string[] }[] = [];

/**
 * Not holes but limits of the API, counted apart from violations: the world acting in the
 * window between a run's last read and its DeleteBackup (CloudHSM has no conditional delete;
 * prune keeps the window to a few seconds by re-reading each batch right before deleting it).
 * Any other protected deletion is a violation.
 */
export const ACCEPTED_LIMITS: { limit: string; invariant: InvariantId; facts: string[] }[] = [
  {
    limit: 'read-to-delete race: the protection arose after the run last read the backup',
    invariant: 'protected-deleted',
    facts: ['protected-after-last-read'],
  },
];

/** Marks a violation with the known hole that explains it, if any. */
export function classify(violation: Violation): Violation {
  const known = KNOWN_OPEN.find(
    (k) => k.invariant === violation.invariant && k.facts.every((f) => violation.facts.includes(f)),
  );
  if (known) return { ...violation, knownHole: known.hole };
  const limit = ACCEPTED_LIMITS.find(
    (k) => k.invariant === violation.invariant && k.facts.every((f) => violation.facts.includes(f)),
  );
  return limit ? { ...violation, knownHole: limit.limit, acceptedLimit: true } : violation;
}

// ---------------------------------------------------------------- oracles (independent of lib/)

const PRESENT = new Set(['CREATE_IN_PROGRESS', 'READY', 'PENDING_DELETION']);

/** Hold tags a prune run must honour: the default always, and the one it was given. */
function holdKeys(job: JobRecord): string[] {
  const given = job.input.holdTag?.trim();
  return given ? [DEFAULT_HOLD_TAG, given] : [DEFAULT_HOLD_TAG];
}

function keepLastOf(job: JobRecord): number {
  return job.input.keepLast !== undefined ? Number(job.input.keepLast) : 1;
}

/** Why `backup` is protected from deletion by `job` in fleet state `at`, or undefined. */
function protection(at: Snapshot, backup: BackupView, job: JobRecord): string | undefined {
  if (backup.state !== 'READY') return `state ${backup.state}`;
  if (backup.neverExpires) return 'NeverExpires';
  for (const key of holdKeys(job)) if (Object.hasOwn(backup.tags, key)) return `hold tag ${key}`;
  const keep = keepLastOf(job);
  if (keep > 0 && newestReady(at, backup, keep).includes(backup.id))
    return `newest ${keep} READY of its lineage`;
  return undefined;
}

/** Ids of the newest `keep` READY backups of `backup`'s lineage in its region. */
function newestReady(at: Snapshot, backup: BackupView, keep: number): string[] {
  return [...at.values()]
    .filter((b) => b.region === backup.region && b.lineage === backup.lineage && b.state === 'READY')
    .sort((a, b) => b.createdMs - a.createdMs || a.id.localeCompare(b.id))
    .slice(0, keep)
    .map((b) => b.id);
}

/** Why `backup` is outside what `job` was asked to prune (regions, cluster, cutoff), or undefined. */
function outOfScope(backup: BackupView, job: JobRecord): { why: string; facts: string[] } | undefined {
  const regions = (job.input.regions ?? '').split(',').map((r) => r.trim());
  if (!regions.includes(backup.region)) return { why: `region ${backup.region} not asked for`, facts: [] };
  if (job.input.clusterId !== undefined) {
    const wanted = job.input.clusterId.trim();
    if (wanted === '') return { why: 'a blank cluster id names no lineage', facts: ['blank-cluster-id'] };
    if (backup.lineage !== wanted) return { why: `lineage ${backup.lineage}, not ${wanted}`, facts: [] };
  }
  const cutoff = cutoffFor(backup, job);
  if (cutoff === undefined) return { why: 'no cutoff applies to it (copies only)', facts: [] };
  // One hour of slack: a zone's daylight-saving fold may move a wall-clock cutoff by that much.
  if (backup.createdMs > cutoff + HOUR)
    return { why: `created ${new Date(backup.createdMs).toISOString()}, after the cutoff`, facts: [] };
  return undefined;
}

/** The latest creation time `job` may delete for this backup (ms); undefined: none. */
function cutoffFor(backup: BackupView, job: JobRecord): number | undefined {
  const copy = backup.sourceBackup !== undefined;
  if (copy && job.input.copyRetentionDays) return job.startMs - Number(job.input.copyRetentionDays) * DAY;
  if (job.input.deleteAll === 'true') return Number.POSITIVE_INFINITY;
  return job.oracle?.cutoffMs;
}

// ---------------------------------------------------------------- the invariants

/** What one check looks at: the whole ledger, every job so far, and what is new since the last check. */
export interface CheckInput {
  applied: readonly Applied[];
  /** Index of the first `applied` entry not checked yet. */
  appliedFrom: number;
  jobs: ReadonlyMap<string, JobRecord>;
  /** The runs of the command just executed. */
  newJobs: readonly JobRecord[];
  /** The fleet once the command ended. */
  end: Snapshot;
}

/** 1. No backup protected at the moment of its deletion is deleted by cloudhsm-ops. */
function protectedDeleted(input: CheckInput): Violation[] {
  const out: Violation[] = [];
  for (const entry of input.applied.slice(input.appliedFrom)) {
    if (entry.operation !== 'DeleteBackup' || entry.actor === WORLD) continue;
    const job = input.jobs.get(entry.actor);
    const backup = entry.before.get(entry.backupId ?? '');
    if (!job || !backup) continue;
    if (job.kind === 'copy') {
      // Copy removes only its own duplicate of a copy that has another READY twin.
      const twin = [...entry.before.values()].some(
        (b) =>
          b.id !== backup.id &&
          b.region === backup.region &&
          b.sourceBackup === backup.sourceBackup &&
          b.state === 'READY',
      );
      const why = backup.neverExpires
        ? 'NeverExpires'
        : Object.hasOwn(backup.tags, DEFAULT_HOLD_TAG)
          ? 'held'
          : !twin
            ? 'its only READY copy'
            : undefined;
      if (why)
        out.push({
          invariant: 'protected-deleted',
          job: job.label,
          message: `${job.label} deleted duplicate ${backup.id} in ${backup.region} though ${why}`,
          facts: [],
        });
      continue;
    }
    const facts: string[] = [];
    const scope = outOfScope(backup, job);
    const guard = protection(entry.before, backup, job);
    if (!scope && !guard) continue;
    let why = scope ? scope.why : guard!;
    if (scope) facts.push(...scope.facts);
    if (guard) {
      if (guard === `hold tag ${DEFAULT_HOLD_TAG}` && job.input.holdTag?.trim() === CUSTOM_HOLD_TAG)
        facts.push('default-hold-with-custom-tag');
      if (!scope && guardArose(input.applied, entry, backup, job, guard))
        facts.push('protected-only-after-planning');
      if (!scope && guardAroseAfterLastRead(input.applied, entry, backup, job, guard))
        facts.push('protected-after-last-read');
      if (scope) why += `; and ${guard}`;
    }
    out.push({
      invariant: 'protected-deleted',
      job: job.label,
      message: `${job.label} deleted ${backup.id} (${backup.region}, lineage ${backup.lineage}, created ${new Date(backup.createdMs).toISOString()}): ${why}`,
      facts,
    });
  }
  return out;
}

/**
 * True when the protection arose after the run's last read of the region before this delete:
 * between a read and a DeleteBackup there is always a window (CloudHSM has no conditional
 * delete), which prune keeps to a few seconds by re-reading each batch right before deleting it.
 */
function guardAroseAfterLastRead(
  applied: readonly Applied[],
  entry: Applied,
  backup: BackupView,
  job: JobRecord,
  guard: string,
) {
  // The run's last read that covered this backup: its batch re-read (or the first listing).
  // A read by another batch of the same run may be newer, but the deciding worker need not
  // have had its answer yet.
  const last = applied
    .filter(
      (a) =>
        a.actor === job.label &&
        a.operation === 'DescribeBackups' &&
        a.region === entry.region &&
        a.seq < entry.seq &&
        (a.readIds === undefined || a.readIds.includes(backup.id)),
    )
    .at(-1);
  const seen = last?.before.get(backup.id);
  if (!last || !seen) return false;
  return protection(last.before, seen, job) !== guard;
}

/**
 * True when the run could not have seen the protection when it planned: keep-last from its first
 * listing, state/NeverExpires/hold from its last read before the delete — in the backup's region
 * (reads of other regions run side by side and say nothing of what this region's read returned).
 */
function guardArose(
  applied: readonly Applied[],
  entry: Applied,
  backup: BackupView,
  job: JobRecord,
  guard: string,
) {
  const reads = applied.filter(
    (a) =>
      a.actor === job.label &&
      a.operation === 'DescribeBackups' &&
      a.region === entry.region &&
      a.seq < entry.seq,
  );
  const reference = guard.startsWith('newest') ? reads[0] : reads.at(-1);
  const seen = reference?.before.get(backup.id);
  if (!reference || !seen) return false;
  return protection(reference.before, seen, job) !== guard;
}

/** 2a. At most one live copy per source backup per region: cloudhsm-ops never copies over a present one. */
function copyAtMostOnce(input: CheckInput): Violation[] {
  const out: Violation[] = [];
  for (const entry of input.applied.slice(input.appliedFrom)) {
    if (entry.operation !== 'CopyBackupToRegion' || entry.actor === WORLD || !entry.copy) continue;
    const { sourceId, destination } = entry.copy;
    const present = [...entry.before.values()].filter(
      (b) => b.region === destination && b.sourceBackup === sourceId && PRESENT.has(b.state),
    );
    if (present.length > 0) {
      out.push({
        invariant: 'copy-at-most-once',
        job: entry.actor,
        message: `${entry.actor} copied ${sourceId} to ${destination} while ${present.map((b) => `${b.id} (${b.state})`).join(', ')} was there`,
        facts: [],
      });
    }
  }
  return out;
}

/**
 * Facts about a copy skipped for a claim: held by a run that is no more (a killed run's tags), by a
 * run that is alive (and may yet fail), or this run's own claim not confirmed in time.
 */
function claimFacts(
  skip: { reason?: string; detail?: string },
  jobs: ReadonlyMap<string, JobRecord>,
): string[] {
  if (skip.reason === 'claim-not-confirmed') return ['claim-not-confirmed'];
  if (skip.reason !== 'claimed-by-another-run') return [];
  const holder = /run (\S+) holds it/.exec(skip.detail ?? '')?.[1];
  return ['claim-blocked', holder && jobs.has(holder) ? 'held-by-live-run' : 'held-by-dead-run'];
}

interface CopyGap {
  sourceId: string;
  destination: string;
  why: string;
  facts: string[];
}

/** The (source, destination) pairs a copy run was asked to cover and what the fleet shows for each. */
function copyGaps(
  job: JobRecord,
  at: Snapshot,
  needReady: boolean,
  jobs: ReadonlyMap<string, JobRecord>,
): CopyGap[] {
  const result = job.copy!;
  const since = Number.parseInt(job.input.since ?? '48', 10) * HOUR;
  const clusters = (job.input.clusterIds ?? '').split(',').filter(Boolean);
  const drRegions = (job.input.drRegions ?? '').split(',');
  const candidates = [...job.start.values()].filter(
    (b) =>
      b.region === job.input.regions &&
      !b.sourceBackup &&
      b.state === 'READY' &&
      b.createdMs >= job.startMs - since &&
      (clusters.length === 0 || (b.clusterId !== undefined && clusters.includes(b.clusterId))),
  );
  const lines = [
    ...result.failed,
    ...result.notReady,
    ...(((result as unknown as Record<string, unknown>).deferred as typeof result.failed | undefined) ?? []),
  ];
  const excused = new Set(['not-ready', 'outside-window', 'is-a-copy', 'same-region', 'stopped']);
  const gaps: CopyGap[] = [];
  for (const source of candidates) {
    if (at.get(source.id)?.state !== 'READY') continue; // the source went away: nothing to hold it to
    for (const destination of drRegions) {
      const names = (l: { sourceBackupId?: string; destinationRegion?: string }) =>
        l.sourceBackupId === source.id &&
        (l.destinationRegion === undefined || l.destinationRegion === destination);
      if (lines.some(names)) continue;
      const skip = result.skipped.find(names);
      if (skip && excused.has(skip.reason ?? '')) continue;
      const copies = [...at.values()].filter((b) => b.region === destination && b.sourceBackup === source.id);
      const present = copies.filter((b) => PRESENT.has(b.state));
      const facts = skip ? claimFacts(skip, jobs) : [];
      if (present.length === 0) {
        gaps.push({
          sourceId: source.id,
          destination,
          why: `no copy${skip ? ` (skipped: ${skip.reason})` : ''}`,
          facts,
        });
      } else if (needReady && !present.some((b) => b.state === 'READY' || b.state === 'PENDING_DELETION')) {
        // A copy PENDING_DELETION was deleted on purpose (copy's plan documents it as present): only
        // one still CREATE_IN_PROGRESS is what --wait must wait for.
        gaps.push({
          sourceId: source.id,
          destination,
          why: `copy ${present.map((b) => `${b.id} ${b.state}`).join(', ')} not READY after --wait`,
          facts: [...facts, 'wait-ignored-copy'],
        });
      } else if (present.length > 1) {
        gaps.push({
          sourceId: source.id,
          destination,
          why: `${present.length} copies`,
          facts: ['duplicate'],
        });
      }
    }
  }
  return gaps;
}

/** 2b and 4. Runs that say they are done left nothing undone; a clean copy run leaves exactly one copy. */
function successWithWorkUndone(input: CheckInput): Violation[] {
  const out: Violation[] = [];
  for (const job of input.newJobs) {
    if (job.exitCode !== 0) continue;
    if (job.kind === 'copy' && job.copy && job.input.dryRun !== 'true') {
      const wait = job.input.wait === 'true';
      // Judged once every run of the command ended, so a live run still holding a claim can finish.
      for (const gap of copyGaps(job, input.end, false, input.jobs).filter(
        (g) => !g.facts.includes('duplicate'),
      )) {
        out.push({
          invariant: 'success-with-work-undone',
          job: job.label,
          message: `${job.label} exited 0 but ${gap.sourceId} → ${gap.destination}: ${gap.why}`,
          facts: gap.facts,
        });
      }
      if (wait) {
        for (const gap of copyGaps(job, job.end!, true, input.jobs).filter((g) =>
          g.facts.includes('wait-ignored-copy'),
        )) {
          out.push({
            invariant: 'success-with-work-undone',
            job: job.label,
            message: `${job.label} (--wait) exited 0 but ${gap.sourceId} → ${gap.destination}: ${gap.why}`,
            facts: gap.facts,
          });
        }
      }
      const clean = !job.faulty && !job.concurrent && !job.disturbed;
      if (clean) {
        for (const gap of copyGaps(job, job.end!, false, input.jobs)) {
          out.push({
            invariant: 'copy-exactly-one',
            job: job.label,
            message: `after clean run ${job.label}, ${gap.sourceId} → ${gap.destination}: ${gap.why}`,
            facts: gap.facts,
          });
        }
      }
    }
    if (job.kind === 'prune' && job.prune?.result) {
      const { result, plan } = job.prune;
      const outcomes = new Set(
        [...result.succeeded, ...result.failed, ...result.skipped].map((o) => o.backupId),
      );
      const missing = plan.entries.filter((e) => e.decision === 'delete' && !outcomes.has(e.backupId));
      if (missing.length > 0 || result.failed.length > 0 || result.refused)
        out.push({
          invariant: 'success-with-work-undone',
          job: job.label,
          message: `${job.label} exited 0 with ${missing.length} planned deletions unaccounted, ${result.failed.length} failed`,
          facts: [],
        });
    }
    if (job.kind === 'restore' && job.restore) {
      for (const id of (job.input.backupIds ?? '').split(',').filter(Boolean)) {
        const was = job.start.get(id);
        const now = job.end?.get(id);
        const touched = input.applied.some(
          (a) =>
            a.backupId === id && a.actor !== job.label && a.at >= job.startMs && a.operation !== 'PutEvents',
        );
        if (was?.state === 'PENDING_DELETION' && now?.state !== 'READY' && !touched)
          out.push({
            invariant: 'success-with-work-undone',
            job: job.label,
            message: `${job.label} exited 0 but ${id} is ${now?.state} (was PENDING_DELETION)`,
            facts: [],
          });
      }
    }
    if (job.kind === 'audit' && job.audit && job.input.publish === 'true') {
      const published = new Set(
        input.applied
          .flatMap((a) => a.events ?? [])
          .filter((e) => (e.detail as { runId?: string })?.runId === job.label)
          .map((e) => (e.detail as { findingId?: string }).findingId),
      );
      const missing = job.audit.findings.filter((f) => !published.has(f.findingId));
      if (missing.length > 0)
        out.push({
          invariant: 'success-with-work-undone',
          job: job.label,
          message: `${job.label} exited 0 but ${missing.length} findings were never delivered`,
          facts: [],
        });
    }
  }
  return out;
}

/** 3. Every deletion a prune run reports is its own, real, restorable for 7 days; every one it made is reported once. */
function deletionsReportedTruly(input: CheckInput): Violation[] {
  const out: Violation[] = [];
  for (const job of input.newJobs) {
    const result = job.prune?.result;
    if (!result) continue;
    const reported = result.succeeded.filter((o) => o.restoreCommand !== undefined).map((o) => o.backupId);
    const made = input.applied.filter((a) => a.actor === job.label && a.operation === 'DeleteBackup');
    const madeIds = new Set(made.map((a) => a.backupId!));
    const seen = new Set<string>();
    for (const id of reported) {
      if (seen.has(id))
        out.push({
          invariant: 'deletion-reported-truly',
          job: job.label,
          message: `${job.label} reports ${id} twice`,
          facts: [],
        });
      seen.add(id);
      if (madeIds.has(id)) continue;
      const other = input.applied.find(
        (a) =>
          a.operation === 'DeleteBackup' && a.backupId === id && a.actor !== job.label && a.at >= job.startMs,
      );
      out.push({
        invariant: 'deletion-reported-truly',
        job: job.label,
        message: `${job.label} reports deleting ${id}, but ${other ? `${other.actor} deleted it` : 'it sent no DeleteBackup that took effect'}`,
        facts: other ? ['deleted-by-another'] : [],
      });
    }
    for (const entry of made) {
      const id = entry.backupId!;
      if (!seen.has(id))
        out.push({
          invariant: 'deletion-reported-truly',
          job: job.label,
          message: `${job.label} deleted ${id} but does not report it as deleted`,
          facts: [],
        });
      const after = job.end?.get(id);
      const restoredSince = input.applied.some(
        (a) => a.operation === 'RestoreBackup' && a.backupId === id && a.seq > entry.seq,
      );
      const restorable =
        after?.state === 'PENDING_DELETION' && (after.deleteMs ?? 0) >= entry.at + 7 * DAY - 1000;
      if (!restorable && !restoredSince)
        out.push({
          invariant: 'deletion-reported-truly',
          job: job.label,
          message: `${id}, deleted by ${job.label}, is ${after?.state} (DeleteTimestamp ${after?.deleteMs}) right after the run: not restorable for 7 days`,
          facts: [],
        });
    }
    if (job.input.publish === 'true' && job.exitCode === 0) {
      const events = input.applied
        .flatMap((a) => a.events ?? [])
        .filter(
          (e) =>
            e.detailType === 'CloudHSM Backup Deleted' &&
            (e.detail as { runId?: string }).runId === job.label,
        )
        .map((e) => (e.detail as { backupId: string }).backupId);
      for (const id of seen)
        if (!events.includes(id))
          out.push({
            invariant: 'deletion-reported-truly',
            job: job.label,
            message: `${job.label} exited 0 but published no Backup Deleted event for ${id}`,
            facts: [],
          });
    }
  }
  return out;
}

/** 5. Every event published describes something that happened (by the run it names). */
function eventsTrue(input: CheckInput): Violation[] {
  const out: Violation[] = [];
  for (const entry of input.applied.slice(input.appliedFrom)) {
    for (const event of entry.events ?? []) {
      const detail = (event.detail ?? {}) as Record<string, string | undefined>;
      const job = input.jobs.get(detail.runId ?? '');
      const fail = (message: string, facts: string[] = []) =>
        out.push({ invariant: 'event-describes-what-happened', job: job?.label, message, facts });
      if (!job) {
        fail(`${event.detailType} names run ${detail.runId}, which no job ran`);
        continue;
      }
      const earlier = (operation: string, test: (a: Applied) => boolean) =>
        input.applied.find((a) => a.seq < entry.seq && a.operation === operation && test(a));
      switch (event.detailType) {
        case 'CloudHSM Backup Deleted': {
          if (earlier('DeleteBackup', (a) => a.actor === job.label && a.backupId === detail.backupId)) break;
          const other = earlier('DeleteBackup', (a) => a.backupId === detail.backupId && a.at >= job.startMs);
          fail(
            `${job.label} published Backup Deleted for ${detail.backupId}, which ${other ? `${other.actor} deleted` : 'it did not delete'}`,
            other ? ['deleted-by-another'] : [],
          );
          break;
        }
        case 'CloudHSM Backup Copied': {
          const made = earlier(
            'CopyBackupToRegion',
            (a) =>
              a.actor === job.label &&
              a.copy?.sourceId === detail.sourceBackupId &&
              a.copy?.destination === detail.destinationRegion,
          );
          if (!made) {
            fail(
              `${job.label} published Backup Copied ${detail.sourceBackupId} → ${detail.destinationRegion} without copying it`,
            );
            break;
          }
          // Judged by the run's last look at the destination region before publishing: a delete
          // landing after it cannot be known (a later look at another region says nothing of it).
          const copyId = detail.destinationBackupId ?? made.copy?.copyId;
          const lastLook = [...input.applied]
            .reverse()
            .find(
              (a) =>
                a.seq < entry.seq &&
                a.actor === job.label &&
                a.operation === 'DescribeBackups' &&
                a.region === detail.destinationRegion,
            );
          const copy = copyId ? (lastLook ?? entry).before.get(copyId) : undefined;
          if (copy && (copy.state === 'PENDING_DELETION' || copy.state === 'DELETED'))
            fail(
              `${job.label} published Backup Copied for ${copyId} in ${detail.destinationRegion}, which was ${copy.state} when the run last looked`,
              ['copied-event-for-deleted-copy'],
            );
          break;
        }
        case 'CloudHSM Backup Restored':
          if (!earlier('RestoreBackup', (a) => a.actor === job.label && a.backupId === detail.backupId))
            fail(`${job.label} published Backup Restored for ${detail.backupId} without restoring it`);
          break;
        case 'CloudHSM Prune Plan':
          if (job.kind !== 'prune' || job.input.execute === 'true')
            fail(`${job.label} (${job.kind}) published a Prune Plan though it is not a prune dry run`);
          break;
        case 'CloudHSM Finding':
          if (job.kind !== 'audit') fail(`${job.label} (${job.kind}) published a Finding`);
          break;
        case 'CloudHSM Run Summary':
          break;
        default:
          fail(`${job.label} published an unknown event type ${event.detailType}`);
      }
    }
  }
  return out;
}

/** 6. Runs end in bounded time; bad input is refused before any AWS call. */
function boundedAndRefused(input: CheckInput, requestsOf: (actor: string) => number): Violation[] {
  const out: Violation[] = [];
  for (const job of input.newJobs) {
    if (job.timedOut)
      out.push({
        invariant: 'bounded-time',
        job: job.label,
        message: `${job.label} did not end within its time limit`,
        facts: [],
      });
    const virtualMs = (job.endMs ?? job.startMs) - job.startMs;
    if (virtualMs > 2 * HOUR)
      out.push({
        invariant: 'bounded-time',
        job: job.label,
        message: `${job.label} took ${virtualMs / 60_000} virtual minutes`,
        facts: [],
      });
    // Bad input changes nothing. A refusal that needed a look first (a cluster id that names no
    // cluster with backups) may have read; it must not have written.
    const writes = input.applied.filter((a) => a.actor === job.label && WRITES.has(a.operation));
    if (job.exitCode === 2 && writes.length > 0)
      out.push({
        invariant: 'bad-input-calls-nothing',
        job: job.label,
        message: `${job.label} was refused (${job.error}) after ${writes.length} changing AWS calls (${requestsOf(job.label)} in all)`,
        facts: [],
      });
  }
  return out;
}

/**
 * Calls that change backups. PutEvents is not one: a run refused after its look (an unknown
 * cluster id) still sends its Run Summary, the heartbeat that lets a misconfigured schedule be seen.
 */
const WRITES: ReadonlySet<string> = new Set([
  'DeleteBackup',
  'RestoreBackup',
  'CopyBackupToRegion',
  'TagResource',
  'UntagResource',
  'ModifyBackupAttributes',
]);

/** Every invariant, over what the last command did. */
export function checkInvariants(input: CheckInput, requestsOf: (actor: string) => number): Violation[] {
  return [
    ...protectedDeleted(input),
    ...copyAtMostOnce(input),
    ...successWithWorkUndone(input),
    ...deletionsReportedTruly(input),
    ...eventsTrue(input),
    ...boundedAndRefused(input, requestsOf),
  ].map(classify);
}
