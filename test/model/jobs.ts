/**
 * Runs the real jobs (lib/prune/run.ts, lib/copy/execute.ts, lib/restore, lib/audit/run.ts) the
 * way the CLI does, against the world's sandbox, with `now` taken from the sandbox's virtual clock,
 * and keeps what the invariants need: the input, the result, the exit code, the fleet when the run
 * started and ended, and how long it took.
 */
import { DateTime } from 'luxon';
import { runAudit } from '../../lib/audit/run.js';
import { parseAuditConfig } from '../../lib/config/audit.js';
import { parseCopyConfig } from '../../lib/config/copy.js';
import { parsePruneConfig } from '../../lib/config/prune.js';
import { type CopyResult, copyRunFailed, runCopy } from '../../lib/copy/execute.js';
import { UsageError } from '../../lib/errors.js';
import { type PruneRun, runPrune } from '../../lib/prune/run.js';
import { parseRestoreConfig, type RestoreRun, runRestore } from '../../lib/restore/restore.js';
import { type Snapshot, WORLD, type World } from './world.js';

/** Real time a run may take before the soak calls it unbounded (every network call has a timeout). */
export const RUN_TIME_LIMIT_MS = 20_000;
/** Copy's claim settle wait (real time: the claim protocol depends on it). */
export const CLAIM_SETTLE_MS = 25;

export type JobKind = 'prune' | 'copy' | 'restore' | 'audit';

/** Prune settings as the CLI would pass them (strings, exactly as typed). */
export type PruneInput = Record<string, string>;
export type CopyInput = Record<string, string>;
export type RestoreInput = Record<string, string>;
export type AuditInput = Record<string, string>;

/** One run of one job, as the invariants see it. */
export interface JobRecord {
  /** Also the run id and the actor name of its requests. */
  label: string;
  kind: JobKind;
  input: Record<string, string>;
  /** Sandbox clock when the run started and ended (ms). */
  startMs: number;
  endMs?: number;
  realMs?: number;
  start: Snapshot;
  end?: Snapshot;
  /** 0 done, 1 failed, 2 refused as bad input (nothing called). */
  exitCode?: 0 | 1 | 2;
  /** The job's own result object. */
  prune?: PruneRun;
  copy?: CopyResult;
  restore?: RestoreRun;
  audit?: { findings: { findingId?: string }[]; published: number; failed: number };
  /** What the oracles need beyond the input (a timestamp cutoff as the instant it was written from). */
  oracle?: { cutoffMs?: number };
  /** Message of a thrown error (a listing that failed: exit 1), or of the refusal. */
  error?: string;
  /** Ran side by side with another job. */
  concurrent: boolean;
  /** Faults were on at some point of the run. */
  faulty: boolean;
  /** The world changed something while the run was in flight. */
  disturbed: boolean;
  /** Did not finish within RUN_TIME_LIMIT_MS. */
  timedOut?: boolean;
}

let counter = 0;

/** A fresh run label, e.g. `prune-12` (ids only need to be unique within a process). */
export function newLabel(kind: JobKind): string {
  counter += 1;
  return `${kind}-${counter}`;
}

function nowOf(world: World): DateTime {
  return DateTime.fromMillis(world.nowMs(), { zone: 'utc' });
}

async function execute(world: World, job: JobRecord): Promise<void> {
  const clients = world.clientsFor(job.label);
  const account = world.sandbox.account;
  const now = nowOf(world);
  switch (job.kind) {
    case 'prune': {
      const config = parsePruneConfig(job.input);
      const run = await runPrune({ clients, runId: job.label, accountId: async () => account }, config, now);
      job.prune = run;
      job.exitCode = run.exitCode;
      return;
    }
    case 'copy': {
      const config = parseCopyConfig(job.input);
      const result = await runCopy(
        {
          clients,
          runId: job.label,
          account: async () => account,
          now: () => world.sandbox.clock.now(),
          sleep: async (ms) => world.sandbox.clock.advance(ms),
          settle: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
          tuning: { claimSettleMs: CLAIM_SETTLE_MS },
        },
        config,
        now,
      );
      job.copy = result;
      job.exitCode = copyRunFailed(result) ? 1 : 0;
      return;
    }
    case 'restore': {
      const config = parseRestoreConfig(job.input);
      const run = await runRestore(
        { clients, runId: job.label, accountId: async () => account },
        config,
        now,
      );
      job.restore = run;
      job.exitCode = run.exitCode;
      return;
    }
    case 'audit': {
      const config = parseAuditConfig(job.input);
      const report = await runAudit({ clients, runId: job.label, account }, config, now);
      job.audit = {
        findings: report.findings as { findingId?: string }[],
        published: report.events?.published ?? 0,
        failed: report.events?.failed.length ?? 0,
      };
      job.exitCode = report.exitCode;
      return;
    }
  }
}

/** Starts a job; the promise settles when it ended (never rejects). */
export async function runJob(world: World, job: JobRecord): Promise<JobRecord> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), RUN_TIME_LIMIT_MS);
  });
  const work = execute(world, job).then(
    () => 'done' as const,
    (error: unknown) => {
      job.error = (error as Error)?.message ?? String(error);
      job.exitCode = error instanceof UsageError ? 2 : 1;
      return 'done' as const;
    },
  );
  if ((await Promise.race([work, limit])) === 'timeout') job.timedOut = true;
  clearTimeout(timer);
  job.realMs = performance.now() - started;
  job.endMs = world.nowMs();
  job.end = world.snapshot();
  if (world.faults) job.faulty = true;
  return job;
}

/** A job record before it runs. */
export function newJob(
  world: World,
  kind: JobKind,
  input: Record<string, string>,
  concurrent = false,
): JobRecord {
  return {
    label: newLabel(kind),
    kind,
    input,
    startMs: world.nowMs(),
    start: world.snapshot(),
    concurrent,
    faulty: world.faults !== undefined,
    disturbed: false,
  };
}

/** True for actors that are cloudhsm-ops runs (every actor but the world). */
export function isJobActor(actor: string): boolean {
  return actor !== WORLD;
}
