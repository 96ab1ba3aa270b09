import type { DateTime } from 'luxon';
import { checkConfigOf, evaluateClusters } from '../audit/run.js';
import { accountId } from '../aws/account.js';
import type { AwsClients } from '../aws/clients.js';
import { mapSettled } from '../concurrency.js';
import type { AuditConfig } from '../config/audit.js';
import { describeError } from '../errors.js';
import { gatherBackupsOnly, gatherRegion } from '../inventory/gather.js';
import type { BackupInfo, RegionInventory } from '../inventory/types.js';
import { newRunId } from '../run.js';
import { buildFleetReport, type FleetReport } from './model.js';

/** What the report shows beyond the audit's settings. */
export interface ReportOptions {
  /** The command line printed in the header. */
  command: string;
  /** Days the backup timelines cover, ending on the snapshot's day. */
  days: number;
  /** Prune cutoff age in days, drawn on the timelines when given. */
  pruneOlderThanDays?: number;
  /** The account id; looked up with STS when absent. */
  account?: string;
}

/**
 * Gathers the audited regions (with network facts) and the DR regions' backups in parallel,
 * the same way the audit does, runs every check on the snapshot and builds the report.
 * Keeping the inventory (which the audit does not return) is why this gathers by itself
 * rather than calling `runAudit`. A region that cannot be gathered is listed in `errors`.
 */
export async function collectFleetReport(
  clients: AwsClients,
  config: AuditConfig,
  now: DateTime,
  options: ReportOptions,
): Promise<FleetReport> {
  const drOnly = config.drRegions.filter((region) => !config.regions.includes(region));
  const targets = [
    ...config.regions.map((region) => ({ region, network: true })),
    ...drOnly.map((region) => ({ region, network: false })),
  ];
  const [account, gathered] = await Promise.all([
    options.account ?? accountId(clients, config.regions[0]!),
    mapSettled(targets, targets.length, ({ region, network }) =>
      network ? gatherRegion(clients, region, { network }) : gatherBackupsOnly(clients, region),
    ),
  ]);
  const errors: string[] = [];
  const inventories: RegionInventory[] = [];
  const drBackups = new Map<string, BackupInfo[]>();
  gathered.forEach((outcome, index) => {
    const { region, network } = targets[index]!;
    if (outcome.status === 'rejected') {
      errors.push(`could not gather ${region}: ${describeError(outcome.reason)}`);
      return;
    }
    if (network) inventories.push(outcome.value);
    if (config.drRegions.includes(region)) drBackups.set(region, outcome.value.backups);
  });
  const evaluated = evaluateClusters(inventories, drBackups, checkConfigOf(config), {
    account,
    runId: newRunId(),
    now,
  });
  return buildFleetReport({
    account,
    inventories,
    drBackups,
    drRegions: config.drRegions,
    findings: evaluated.findings,
    errors: [...errors, ...evaluated.errors.map((e) => e.message)],
    now,
    command: options.command,
    days: options.days,
    copyRetentionDays: config.copyRetentionDays,
    pruneOlderThanDays: options.pruneOlderThanDays,
  });
}
