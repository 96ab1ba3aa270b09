import type { Command } from 'commander';

/** Registers `cloudhsm-ops inventory` (placeholder until its issue lands). */
export function registerInventory(program: Command): void {
  program.command('inventory').description('inventory (not built yet)');
}
