import type { AwsClients } from '../aws/clients.js';
import type { CopyConfig } from '../config/copy.js';

/**
 * What every step of a copy run shares: the settings, the clients, the clocks and the
 * progress callback. execute.ts builds it once per run from the run's dependencies.
 */

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

/** One run's shared state; steps read it and return their lines. */
export interface CopyContext {
  config: CopyConfig;
  tuning: CopyTuning;
  runId: string;
  /** Region-scoped clients with retries (adaptive): listings, tags, lookups. */
  clients: AwsClients;
  /** Clients that never resend, for CopyBackupToRegion. */
  copyClients: AwsClients;
  /** Wall clock: claim expiry and `--wait`'s deadline. */
  now: () => Date;
  /** Backoff and polling waits. */
  sleep: (ms: number) => Promise<void>;
  /** The claim settle wait; must really pass real time. */
  settle: (ms: number) => Promise<void>;
  /** A monotonic real-time clock in ms. */
  monotonic: () => number;
  /** True once the run is told to stop starting new work (a Lambda's deadline). */
  stopping: () => boolean;
  progress: (phase: CopyProgress['phase'], done: number, total: number) => void;
}
