import type { Command } from 'commander';
import { uniqueRegions } from '../../lib/config/common.js';
import { type RegionSummary, summarizeRegion } from '../../lib/inventory/summary.js';
import {
  action,
  type CommonOptions,
  clientsFrom,
  collect,
  examples,
  nowFrom,
  type Output,
  regionsFrom,
  withCommonOptions,
} from '../common.js';
import { addOrgOptions, isOrgRun, orgFrom, orgHelp, runOrgJob } from '../org.js';

interface InventoryOptions extends CommonOptions {
  region?: string[];
}

const byKey = (record: Record<string, number>) =>
  Object.entries(record)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, n]) => `${key} ${n}`)
    .join(', ');

/** Human lines for a region summary. */
export function formatRegion(summary: RegionSummary): string[] {
  const lines = [`${summary.region}`];
  lines.push(`  clusters (${summary.clusters.length})`);
  const width = Math.max(0, ...summary.clusters.map((c) => c.id.length));
  for (const c of summary.clusters) {
    const zones = c.hsms === 0 ? 'no ACTIVE HSM' : `ACTIVE HSMs ${byKey(c.hsmsByZone)}`;
    const others = Object.keys(c.notServing).length ? `; not serving: ${byKey(c.notServing)}` : '';
    const retention = c.retentionDays === undefined ? 'no retention policy' : `retention ${c.retentionDays}d`;
    lines.push(`    ${c.id.padEnd(width)}  ${c.state.padEnd(18)}  ${zones}${others}; ${retention}`);
  }
  lines.push(`  backups (${summary.backups.total}): ${byKey(summary.backups.byState) || 'none'}`);
  const sources = Object.entries(summary.copies);
  if (sources.length === 0) lines.push('  DR copies: none');
  for (const [source, copies] of sources) {
    lines.push(
      `  DR copies from ${source}: ${copies.count} (backups created ${copies.oldest.slice(0, 10)} .. ${copies.newest.slice(0, 10)})`,
    );
  }
  return lines;
}

async function run(command: Command, options: InventoryOptions, out: Output): Promise<number> {
  const org = orgFrom(command);
  const regions = uniqueRegions(regionsFrom(options.region));
  const clients = await clientsFrom(options);
  if (isOrgRun(org)) {
    return runOrgJob({
      job: 'inventory',
      org,
      regions,
      settings: {},
      now: nowFrom(options),
      clients,
      out,
      view: {
        counts: (result) => {
          const summary = result.result as RegionSummary;
          return `${summary.clusters.length} cluster(s), ${summary.backups.total} backup(s)`;
        },
        lines: (result) => formatRegion(result.result as RegionSummary).slice(1),
      },
    });
  }
  try {
    const { gatherRegion } = await import('../../lib/inventory/gather.js');
    const gathered = await Promise.all(regions.map((region) => gatherRegion(clients, region)));
    const summaries = gathered.map(summarizeRegion);
    for (const summary of summaries) {
      for (const line of formatRegion(summary)) out.say(line);
      out.say();
    }
    out.document({ regions: summaries });
    return 0;
  } finally {
    clients.destroy();
  }
}

/** Registers `cloudhsm-ops inventory`. */
export function registerInventory(program: Command): void {
  const command = program.command('inventory');
  addOrgOptions(
    command
      .description(
        'Show what each region holds: clusters (state, ACTIVE HSMs by Availability Zone and the HSMs that do ' +
          'not serve yet, retention), backups ' +
          'by state, and DR copies by source region. Read-only.',
      )
      .option(
        '--region <region>',
        'region to list (repeatable or comma-separated; default AWS_REGION)',
        collect,
      ),
  );
  withCommonOptions(command)
    .addHelpText(
      'after',
      examples([
        'cloudhsm-ops inventory --region us-east-1 --region us-west-2',
        'cloudhsm-ops inventory --endpoint http://127.0.0.1:4566 --region us-east-1,eu-west-1,us-west-2',
        'cloudhsm-ops inventory --region us-east-1 --json | jq ".regions[0].backups"',
      ]) + orgHelp('inventory', '--region us-east-1,us-west-2'),
    )
    .action(action<InventoryOptions>((options, out) => run(command, options, out)));
}
