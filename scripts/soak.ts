/**
 * `npm run soak -- --seconds N [--seed S] [--path P --commands R] [--strict] [--max-commands C]`
 *
 * Runs the model-based soak (test/model/) until the time is up: fresh command sequences, each
 * checked after every command against every invariant. A sequence that breaks one is shrunk by
 * fast-check to its smallest form and printed with the line that replays it (`--seed S --path P
 * --commands R`: fast-check's path, and the commands' own replay path).
 * `--strict` also shrinks violations the known-open list explains (`--shrink-known TEXT`: only those
 * whose hole names TEXT). Ends with exactly one line:
 *   soak: <operations> operations, <sequences> sequences, <violations> invariant violations (seed <S>)
 * Exit 0 when every violation is a known-open one, 1 otherwise, 2 on bad arguments.
 */
import fc from 'fast-check';
import type { Violation } from '../test/model/invariants.js';
import { newStats, soakProperty, summarize } from '../test/model/soak.js';

interface Args {
  seconds: number;
  seed: number;
  path?: string;
  /** fc.commands' replay path (`replayPath=` in a counterexample). */
  commands?: string;
  strict: boolean | string;
  maxCommands: number;
}

function usage(message: string): never {
  process.stderr.write(
    `soak: ${message}\nusage: npm run soak -- --seconds N [--seed S] [--path P --commands R] [--strict | --shrink-known TEXT] [--max-commands C]\n`,
  );
  process.exit(2);
}

function wholeNumber(flag: string, value: string | undefined, min: number): number {
  if (value === undefined || !/^-?\d+$/.test(value) || Number(value) < min)
    usage(`${flag} takes a whole number >= ${min}, got "${value ?? ''}"`);
  return Number(value);
}

function parseArgs(argv: string[]): Args {
  const args: Args = { seconds: 60, seed: (Math.random() * 2 ** 31) | 0, strict: false, maxCommands: 10 };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    if (flag === '--seconds') args.seconds = wholeNumber(flag, argv[++i], 1);
    else if (flag === '--seed') args.seed = wholeNumber(flag, argv[++i], -(2 ** 31));
    else if (flag === '--path') args.path = argv[++i] ?? usage('--path needs a value');
    else if (flag === '--commands') args.commands = argv[++i] ?? usage('--commands needs a value');
    else if (flag === '--max-commands') args.maxCommands = wholeNumber(flag, argv[++i], 1);
    else if (flag === '--strict') args.strict = true;
    else if (flag === '--shrink-known') args.strict = argv[++i] ?? usage('--shrink-known needs a text');
    else usage(`unknown argument "${flag}"`);
  }
  return args;
}

function strictFlag(strict: boolean | string): string {
  if (strict === true) return ' --strict';
  return typeof strict === 'string' ? ` --shrink-known ${JSON.stringify(strict)}` : '';
}

function firstOfEach(violations: Violation[]): Violation[] {
  const seen = new Map<string, Violation>();
  for (const v of violations) {
    const key = v.knownHole ?? v.invariant;
    if (!seen.has(key)) seen.set(key, v);
  }
  return [...seen.values()];
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const settings = {
    maxCommands: args.maxCommands,
    strict: args.strict,
    ...(args.commands ? { replayPath: args.commands } : {}),
  };
  const stats = newStats();
  const started = performance.now();
  const deadline = started + args.seconds * 1000;
  let failures = 0;
  // One fc.check per failure: after a counterexample is shrunk, go on with the next seed.
  for (let round = 0; performance.now() < deadline; round++) {
    const seed = args.seed + round;
    const result = await fc.check(soakProperty(stats, settings), {
      seed,
      numRuns: args.path ? 1 : 1_000_000,
      ...(args.path ? { path: args.path } : {}),
      interruptAfterTimeLimit: Math.max(1, deadline - performance.now()),
      markInterruptAsFailure: false,
    });
    if (result.failed) {
      failures += 1;
      const [fleet, sandboxSeed, commands] = result.counterexample ?? [];
      const replayPath = /replayPath="([^"]*)"/.exec(String(commands))?.[1];
      process.stdout.write(
        `\ncounterexample (shrunk ${result.numShrinks} times):\n` +
          `  fleet: ${JSON.stringify(fleet)}\n  sandbox seed: ${sandboxSeed}\n  commands: ${String(commands)}\n` +
          `  broke: ${(result.errorInstance as Error | undefined)?.message ?? String(result.error)}\n` +
          `  replay: npm run soak -- --seconds 60 --seed ${result.seed} --path "${result.counterexamplePath}"${replayPath ? ` --commands "${replayPath}"` : ''}${strictFlag(args.strict)}\n`,
      );
    }
    if (args.path || result.interrupted) break;
  }
  const lines = summarize(stats.violations);
  if (lines.length > 0) process.stdout.write(`violations by kind:\n${lines.join('\n')}\n`);
  for (const v of firstOfEach(stats.violations)) {
    process.stdout.write(
      `  e.g. [${v.invariant}] ${v.message}${v.knownHole ? ` (${v.acceptedLimit ? 'accepted limit' : 'known-open'}: ${v.knownHole})` : ''}\n`,
    );
  }
  const unknown = stats.violations.filter((v) => !v.knownHole).length;
  const races = stats.violations.filter((v) => v.acceptedLimit).length;
  if (races > 0) {
    process.stdout.write(
      `${races} read-to-delete races (the world changed a backup between a run's last read and its delete; ` +
        'no API offers a conditional delete), not counted as violations\n',
    );
  }
  process.stdout.write(
    `soak: ${stats.operations} operations, ${stats.sequences} sequences, ${stats.violations.length - races} invariant violations (seed ${args.seed})\n`,
  );
  process.exitCode = unknown > 0 || (failures > 0 && args.strict !== false) ? 1 : 0;
}

await main();
