import { describe, expect, it } from 'vitest';
import { failedUnits, orgExitCode, runUnits, unitsFor } from '../../lib/org/runner.js';
import type { Unit, UnitResult } from '../../lib/org/types.js';

const unit = (account: string, region: string): Unit => ({ job: 'audit', account: { id: account }, region });
const ok = (u: Unit): UnitResult => ({ unit: u, exitCode: 0, failures: [] });

/** A promise settled by hand, so the test decides the order things finish in (no timers). */
function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('the organization runner', () => {
  it('builds units region by region, so the first slots go to different accounts', () => {
    const units = unitsFor('audit', [{ id: 'A' }, { id: 'B' }], ['r1', 'r2']);
    expect(units.map((u) => `${u.account.id}/${u.region}`)).toEqual(['A/r1', 'B/r1', 'A/r2', 'B/r2']);
  });

  it('never runs more than the overall limit at once, and every unit ends with a result, in order', async () => {
    let inFlight = 0;
    let peak = 0;
    const units = unitsFor(
      'audit',
      ['1', '2', '3', '4', '5'].map((id) => ({ id })),
      ['r1', 'r2'],
    );
    const done: string[] = [];
    const results = await runUnits(
      units,
      async (u) => {
        inFlight += 1;
        peak = Math.max(peak, inFlight);
        await tick();
        inFlight -= 1;
        return ok(u);
      },
      { maxUnits: 3, onDone: (r, count, total) => done.push(`${count}/${total}:${r.unit.account.id}`) },
    );
    expect(peak).toBe(3);
    expect(results.map((r) => r.unit)).toEqual(units);
    expect(done).toHaveLength(10);
    expect(done.at(-1)).toMatch(/^10\/10:/);
  });

  it('never runs two units of one (account, region) at once', async () => {
    const running = new Set<string>();
    let overlap = false;
    const units = [unit('A', 'r1'), unit('A', 'r1'), unit('A', 'r2'), unit('B', 'r1')];
    await runUnits(
      units,
      async (u) => {
        const key = `${u.account.id}/${u.region}`;
        if (running.has(key)) overlap = true;
        running.add(key);
        await tick();
        running.delete(key);
        return ok(u);
      },
      { maxUnits: 4 },
    );
    expect(overlap).toBe(false);
  });

  it('a stuck account holds one slot: the other units all complete meanwhile', async () => {
    const stuck = deferred();
    const finished: string[] = [];
    const units = [unit('SLOW', 'r1'), ...['B', 'C', 'D', 'E'].map((id) => unit(id, 'r1'))];
    const run = runUnits(
      units,
      async (u) => {
        if (u.account.id === 'SLOW') await stuck.promise;
        finished.push(u.account.id);
        return ok(u);
      },
      { maxUnits: 2 },
    );
    for (let i = 0; i < 10; i++) await tick();
    expect(finished).toEqual(['B', 'C', 'D', 'E']);
    stuck.resolve();
    const results = await run;
    expect(finished).toContain('SLOW');
    expect(results).toHaveLength(5);
  });

  it('a unit that throws ends as a failed result naming its account and region; the rest go on', async () => {
    const units = [unit('111111111111', 'us-east-1'), unit('222222222222', 'us-east-1')];
    const results = await runUnits(
      units,
      async (u) => {
        if (u.account.id === '111111111111') throw new Error('boom');
        return ok(u);
      },
      { maxUnits: 2 },
    );
    expect(results[0]).toMatchObject({ exitCode: 1, failures: ['111111111111 us-east-1: boom'] });
    expect(results[1]!.exitCode).toBe(0);
  });

  it('a thrown AWS error keeps its code in the failure, as runUnit words it (retry and the reader go by the code)', async () => {
    const denied = Object.assign(new Error('not authorized to perform sts:AssumeRole'), {
      name: 'AccessDenied',
    });
    const results = await runUnits(
      [unit('111111111111', 'us-east-1')],
      async () => {
        throw denied;
      },
      { maxUnits: 1 },
    );
    expect(results[0]!.failures).toEqual([
      '111111111111 us-east-1: AccessDenied: not authorized to perform sts:AssumeRole',
    ]);
  });

  it('the run exits 1 naming the failed units, 0 when none failed, 2 when every unit was refused as bad input', () => {
    const a = unit('111111111111', 'us-east-1');
    const b = { ...unit('222222222222', 'eu-west-1'), account: { id: '222222222222', name: 'prod' } };
    const failed: UnitResult = { unit: b, exitCode: 1, failures: ['AccessDenied'] };
    expect(orgExitCode([ok(a), failed])).toBe(1);
    expect(failedUnits([ok(a), failed])).toEqual(['222222222222 (prod) eu-west-1: AccessDenied']);
    expect(orgExitCode([ok(a), ok(b)])).toBe(0);
    expect(orgExitCode([{ ...failed, exitCode: 2 }])).toBe(2);
    expect(orgExitCode([{ ...failed, exitCode: 2 }, failed])).toBe(1);
  });

  it('no units: no results', async () => {
    expect(await runUnits([], async (u) => ok(u), { maxUnits: 2 })).toEqual([]);
  });
});
