import type { Command } from 'commander';

/** Registers `cloudhsm-ops restore` (placeholder until its issue lands). */
export function registerRestore(program: Command): void {
  program.command('restore').description('restore (not built yet)');
}
