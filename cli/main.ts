import { Command, CommanderError } from 'commander';
import { registerAudit } from './commands/audit.js';
import { registerCopy } from './commands/copy.js';
import { registerDemo } from './commands/demo.js';
import { registerInventory } from './commands/inventory.js';
import { registerPrune } from './commands/prune.js';
import { registerReport } from './commands/report.js';
import { registerRestore } from './commands/restore.js';
import { registerSandbox } from './commands/sandbox.js';
import { EXIT, jsonError } from './common.js';

declare const CLOUDHSM_OPS_VERSION: string;

/** The `cloudhsm-ops` program with every command registered. */
export function buildProgram(): Command {
  const program = new Command('cloudhsm-ops')
    .description(
      'Operations bot for AWS CloudHSM: copy backups to DR regions, prune stale backups safely, ' +
        'audit clusters against best practice, and publish findings to EventBridge.',
    )
    .version(typeof CLOUDHSM_OPS_VERSION === 'string' ? CLOUDHSM_OPS_VERSION : 'dev')
    .showHelpAfterError('(add --help for usage and examples)')
    .exitOverride();
  for (const register of [
    registerAudit,
    registerCopy,
    registerPrune,
    registerRestore,
    registerInventory,
    registerReport,
    registerSandbox,
  ]) {
    register(program);
  }
  registerDemo(program, runCommand);
  return program;
}

/**
 * Runs one command line in this process (a fresh program each time) and returns its exit
 * code, leaving `process.exitCode` as it was: the demo's steps.
 */
export async function runCommand(args: string[]): Promise<number> {
  const before = process.exitCode;
  process.exitCode = undefined;
  try {
    await main(['node', 'cloudhsm-ops', ...args]);
    return Number(process.exitCode ?? 0);
  } finally {
    process.exitCode = before;
  }
}

/** Runs the CLI; commander's own parse errors (unknown flag, missing value) are bad input: exit 2. */
export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  program.commands.forEach((command) => {
    command.exitOverride();
  });
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      const benign = ['commander.helpDisplayed', 'commander.version', 'commander.help'];
      process.exitCode = benign.includes(error.code) ? EXIT.OK : EXIT.USAGE;
      // Under --json a script reads stdout: give it the parse error as JSON too.
      if (process.exitCode === EXIT.USAGE && argv.includes('--json')) {
        const message = error.message.replace(/^error: /, '');
        process.stdout.write(`${JSON.stringify(jsonError('usage', message, EXIT.USAGE), null, 2)}\n`);
      }
      return;
    }
    throw error;
  }
}
