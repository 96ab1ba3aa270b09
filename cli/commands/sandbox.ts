import type { Command } from 'commander';

/** Registers `cloudhsm-ops sandbox` (placeholder until its issue lands). */
export function registerSandbox(program: Command): void {
  program.command('sandbox').description('sandbox (not built yet)');
}
