import type { Command } from 'commander';

/** Registers `cloudhsm-ops copy` (placeholder until its issue lands). */
export function registerCopy(program: Command): void {
  program.command('copy').description('copy (not built yet)');
}
