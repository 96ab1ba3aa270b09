/**
 * A concurrency gate whose width adapts to the service: it halves when a call needed retries
 * (the SDK's retry absorbed throttling or a fault) and widens by one after a run of clean calls.
 *
 * Why: the SDK's adaptive retry rate-limits first attempts, but in this SDK version its retries
 * skip the limiter, so N workers hammering a throttled API keep N retry streams going. Fewer
 * workers while throttled means fewer wasted calls at the same throughput; waiting here is for
 * another call to finish, never a fixed sleep.
 */
export class AdaptiveGate {
  private width: number;
  private inFlight = 0;
  private cleanStreak = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly max: number) {
    this.width = Math.max(1, max);
  }

  /** The current number of calls allowed in flight. */
  get limit(): number {
    return this.width;
  }

  /** Waits for a slot. */
  async acquire(): Promise<void> {
    if (this.inFlight < this.width) {
      this.inFlight++;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  /** Frees a slot, adapting the width to how the call went (`attempts` from the SDK's `$metadata`). */
  release(attempts: number | undefined): void {
    if ((attempts ?? 1) > 1) {
      this.width = Math.max(1, Math.floor(this.width / 2));
      this.cleanStreak = 0;
    } else if (++this.cleanStreak >= this.width && this.width < this.max) {
      this.width++;
      this.cleanStreak = 0;
    }
    this.inFlight--;
    while (this.inFlight < this.width && this.waiting.length > 0) {
      this.inFlight++;
      this.waiting.shift()!();
    }
  }
}

/** The SDK's attempt count from a response or an error (`$metadata.attempts`). */
export function attemptsOf(value: unknown): number | undefined {
  const metadata = (value as { $metadata?: { attempts?: unknown } } | undefined)?.$metadata;
  return typeof metadata?.attempts === 'number' ? metadata.attempts : undefined;
}
