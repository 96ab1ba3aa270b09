/**
 * The sandbox's clock. Lifecycle transitions (copies becoming READY, pending deletions
 * expiring) follow this clock, never the machine's, so tests can age a fleet without sleeping.
 */

/** How the sandbox tells time. */
export type ClockMode = 'real' | 'virtual';

/** A clock the sandbox owns; `advance` moves it forward in either mode. */
export interface SandboxClock {
  readonly mode: ClockMode;
  /** The current sandbox time. */
  now(): Date;
  /** The current sandbox time in epoch milliseconds. */
  nowMs(): number;
  /** Moves the clock forward (never back). */
  advance(ms: number): void;
}

function checkAdvance(ms: number): void {
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`the clock only moves forward (got ${ms} ms)`);
}

/**
 * Creates a clock. `virtual` stands still at `startMs` until advanced. `real` ticks with the
 * machine but starts at `startMs` when given, so a fleet written for a fixed "now" stays
 * consistent whatever the date on this machine.
 */
export function createClock(mode: ClockMode, startMs?: number): SandboxClock {
  if (mode === 'virtual') {
    let current = startMs ?? Date.now();
    return {
      mode,
      now: () => new Date(current),
      nowMs: () => current,
      advance(ms) {
        checkAdvance(ms);
        current += ms;
      },
    };
  }
  let offset = startMs === undefined ? 0 : startMs - Date.now();
  return {
    mode,
    now: () => new Date(Date.now() + offset),
    nowMs: () => Date.now() + offset,
    advance(ms) {
      checkAdvance(ms);
      offset += ms;
    },
  };
}
