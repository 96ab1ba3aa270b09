/**
 * The soak's property: a generated fleet and a generated command sequence, run against a fresh
 * sandbox with fc.asyncModelRun, every invariant checked after every command. Used by
 * test/model/soak.test.ts (CI-sized) and scripts/soak.ts (`npm run soak`).
 */
import fc from 'fast-check';
import { commandArbs, type Model, type Real } from './commands.js';
import { buildFleet, fleetSpec } from './fleet.js';
import type { Violation } from './invariants.js';
import { World } from './world.js';

/** Attempts per SDK call in the jobs (the CLI's default is 8; fewer keeps retries' real backoff short). */
export const JOB_MAX_ATTEMPTS = 4;

export interface SoakStats {
  operations: number;
  sequences: number;
  /** Every violation seen outside shrinking, known-open ones included. */
  violations: Violation[];
}

export interface SoakSettings {
  /** Commands per sequence at most. */
  maxCommands: number;
  /** fc.commands' own replay path (printed as `replayPath=` in a counterexample), to replay it. */
  replayPath?: string;
  /** Known-open violations fail the property too, so fast-check shrinks them: all, or those whose hole names this text. */
  strict: boolean | string;
}

export function newStats(): SoakStats {
  return { operations: 0, sequences: 0, violations: [] };
}

/**
 * The property. Stats count only runs before the first failure: after it, fast-check is
 * shrinking, and its replays would count the same violation many times.
 */
export function soakProperty(stats: SoakStats, settings: SoakSettings) {
  let shrinking = false;
  return fc.asyncProperty(
    fleetSpec,
    fc.nat(10_000),
    fc.commands(commandArbs, {
      maxCommands: settings.maxCommands,
      ...(settings.replayPath ? { replayPath: settings.replayPath } : {}),
    }),
    async (spec, seed, commands) => {
      const world = await World.start(buildFleet(spec), seed, JOB_MAX_ATTEMPTS);
      const real: Real = {
        world,
        jobs: new Map(),
        appliedFrom: 0,
        violations: [],
        strict: settings.strict,
        operations: 0,
      };
      const model: Model = { fleet: world.snapshot(), reported: [] };
      const count = () => {
        stats.operations += real.operations;
        stats.sequences += 1;
        stats.violations.push(...real.violations);
      };
      try {
        await fc.asyncModelRun(() => ({ model, real }), commands);
        if (!shrinking) count();
      } catch (error) {
        if (!shrinking) count();
        shrinking = true;
        throw error;
      } finally {
        await world.close();
      }
    },
  );
}

/** Known-open violations by hole, and the rest, as printable lines. */
export function summarize(violations: readonly Violation[]): string[] {
  const byHole = new Map<string, number>();
  for (const v of violations) {
    const key = v.acceptedLimit
      ? `accepted limit: ${v.knownHole}`
      : v.knownHole
        ? `known-open: ${v.knownHole}`
        : `NEW [${v.invariant}]`;
    byHole.set(key, (byHole.get(key) ?? 0) + 1);
  }
  return [...byHole].map(([key, count]) => `  ${count} × ${key}`);
}
