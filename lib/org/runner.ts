/**
 * The CLI's organization run: every unit in-process, at most `maxUnits` at once across the run
 * and never two of one (account, region) at once, so a throttled or slow account holds one slot
 * per region and the rest of the organization goes on. (Each member's AwsClients also has its own
 * adaptive rate limiter per service and region, so one account's throttling slows only it.)
 */
import { describeError } from '../errors.js';
import type { ExitCode } from '../jobs/run.js';
import { describeUnit } from './run-unit.js';
import type { OrgAccount, OrgJob, Unit, UnitResult } from './types.js';

/**
 * One unit per (account, region), region by region: the first slots go to different accounts,
 * so a run's start does not pile onto one account.
 */
export function unitsFor(job: OrgJob, accounts: readonly OrgAccount[], regions: readonly string[]): Unit[] {
  return regions.flatMap((region) => accounts.map((account) => ({ job, account, region })));
}

/** How {@link runUnits} paces and reports. */
export interface RunnerOptions {
  /** Units in flight at once across the run. */
  maxUnits: number;
  /** Called as each unit ends (progress on stderr). */
  onDone?: (result: UnitResult, done: number, total: number) => void;
}

const keyOf = (unit: Unit) => `${unit.account.id}/${unit.region}`;

/**
 * Runs every unit through `run` and returns their results in the units' order. A unit whose
 * `run` throws ends as a failed result naming its account and region: every unit ends with a
 * result, and none stops the others.
 */
export function runUnits(
  units: readonly Unit[],
  run: (unit: Unit) => Promise<UnitResult>,
  options: RunnerOptions,
): Promise<UnitResult[]> {
  const results: UnitResult[] = new Array(units.length);
  const waiting = units.map((_, index) => index);
  const busy = new Set<string>();
  const limit = Math.max(1, options.maxUnits);
  let inFlight = 0;
  let done = 0;
  return new Promise((resolve) => {
    const finish = (index: number, result: UnitResult) => {
      results[index] = result;
      inFlight -= 1;
      busy.delete(keyOf(units[index]!));
      done += 1;
      options.onDone?.(result, done, units.length);
      pump();
    };
    const start = (index: number) => {
      const unit = units[index]!;
      inFlight += 1;
      busy.add(keyOf(unit));
      Promise.resolve()
        .then(() => run(unit))
        .catch((error: unknown) => thrown(unit, error))
        .then((result) => finish(index, result));
    };
    // Starts the first waiting units whose (account, region) is free, up to the limit.
    const pump = () => {
      while (inFlight < limit) {
        const at = waiting.findIndex((index) => !busy.has(keyOf(units[index]!)));
        if (at < 0) break;
        start(waiting.splice(at, 1)[0]!);
      }
      if (waiting.length === 0 && inFlight === 0) resolve(results);
    };
    pump();
  });
}

/** A unit whose run threw (runUnit never does; a stand-in might). */
function thrown(unit: Unit, error: unknown): UnitResult {
  return { unit, exitCode: 1, failures: [`${describeUnit(unit)}: ${describeError(error)}`] };
}

/** Every failed unit, named with its account (and name) and region, with its reasons. */
export function failedUnits(results: readonly UnitResult[]): string[] {
  return results
    .filter((r) => r.exitCode !== 0)
    .map((r) => `${describeUnit(r.unit)}: ${r.failures.join('; ') || `exit ${r.exitCode}`}`);
}

/** 0 every unit done, 2 every unit refused its input, else 1 when any unit failed. */
export function orgExitCode(results: readonly UnitResult[]): ExitCode {
  if (results.length > 0 && results.every((r) => r.exitCode === 2)) return 2;
  return results.some((r) => r.exitCode !== 0) ? 1 : 0;
}
