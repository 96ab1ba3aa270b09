import type { Command } from 'commander';

/** Registers `cloudhsm-ops demo` (placeholder until its issue lands). */
export function registerDemo(program: Command): void {
  program.command('demo').description('demo (not built yet)');
}
