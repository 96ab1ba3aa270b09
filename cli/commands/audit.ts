import type { Command } from 'commander';

/** Registers `cloudhsm-ops audit` (placeholder until its issue lands). */
export function registerAudit(program: Command): void {
  program.command('audit').description('audit (not built yet)');
}
