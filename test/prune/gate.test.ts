import { describe, expect, it } from 'vitest';
import { AdaptiveGate, attemptsOf } from '../../lib/prune/gate.js';

describe('AdaptiveGate', () => {
  it('admits up to its width, then queues until a slot is released', async () => {
    // Prepare
    const gate = new AdaptiveGate(2);
    await gate.acquire();
    await gate.acquire();
    let third = false;
    // Act
    const waiting = gate.acquire().then(() => {
      third = true;
    });
    await Promise.resolve();
    const queued = !third;
    gate.release(1);
    await waiting;
    // Assess
    expect(queued).toBe(true);
    expect(third).toBe(true);
  });

  it('halves when a call needed retries and widens by one after a clean streak, within 1..max', async () => {
    const gate = new AdaptiveGate(8);
    const cycle = async (attempts: number) => {
      await gate.acquire();
      gate.release(attempts);
    };
    await cycle(3);
    expect(gate.limit).toBe(4);
    await cycle(2);
    await cycle(2);
    await cycle(2);
    expect(gate.limit).toBe(1);
    await cycle(1);
    expect(gate.limit).toBe(2);
    await cycle(1);
    await cycle(1);
    expect(gate.limit).toBe(3);
    for (let i = 0; i < 100; i++) await cycle(1);
    expect(gate.limit).toBe(8);
  });

  it('reads the SDK attempt count from responses and errors', () => {
    expect(attemptsOf({ $metadata: { attempts: 3 } })).toBe(3);
    expect(attemptsOf(Object.assign(new Error('x'), { $metadata: { attempts: 2 } }))).toBe(2);
    expect(attemptsOf({})).toBeUndefined();
    expect(attemptsOf(undefined)).toBeUndefined();
  });
});
