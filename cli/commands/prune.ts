import type { Command } from 'commander';

/** Registers `cloudhsm-ops prune` (placeholder until its issue lands). */
export function registerPrune(program: Command): void {
  program.command('prune').description('prune (not built yet)');
}
