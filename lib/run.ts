import { randomUUID } from 'node:crypto';

/** A fresh id for one run of a job; every event and log line of the run carries it. */
export function newRunId(): string {
  return randomUUID();
}

/** What a job did, the shape every executor reports; a run with failures exits non-zero. */
export interface RunCounts {
  succeeded: number;
  failed: number;
  skipped: number;
}
