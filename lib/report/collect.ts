import type { DateTime } from 'luxon';
import { type AuditReport, type AuditSnapshot, runAudit } from '../audit/run.js';
import type { AwsClients } from '../aws/clients.js';
import type { AuditConfig } from '../config/audit.js';
import { buildFleetReport, type FleetReport } from './model.js';

/** What the report shows beyond the audit's settings. */
export interface ReportOptions {
  /** The command line printed in the header. */
  command: string;
  /** Days the backup timelines cover, ending on the snapshot's day. */
  days: number;
  /** Prune cutoff age in days, drawn on the timelines when given. */
  pruneOlderThanDays?: number;
}

/** The report of an audit run from the snapshot it gathered (see `AuditDeps.onGathered`). Pure. */
export function fleetReportOf(
  audit: Pick<AuditReport, 'account' | 'drRegions' | 'findings' | 'errors'>,
  snapshot: AuditSnapshot,
  config: Pick<AuditConfig, 'copyRetentionDays'>,
  now: DateTime,
  options: ReportOptions,
): FleetReport {
  return buildFleetReport({
    account: audit.account,
    inventories: snapshot.inventories,
    drBackups: snapshot.drBackups,
    drRegions: audit.drRegions,
    findings: audit.findings,
    errors: audit.errors.map((e) => e.message),
    now,
    command: options.command,
    days: options.days,
    copyRetentionDays: config.copyRetentionDays,
    ...(options.pruneOlderThanDays !== undefined ? { pruneOlderThanDays: options.pruneOlderThanDays } : {}),
  });
}

/**
 * Runs the audit (gather and checks, the same calls `cloudhsm-ops audit` makes; never
 * publishing) and draws the report from the snapshot it gathered. A region that cannot be
 * gathered is listed in the report's `errors`.
 */
export async function collectFleetReport(
  clients: AwsClients,
  config: AuditConfig,
  now: DateTime,
  options: ReportOptions & { account?: string },
): Promise<FleetReport> {
  let snapshot: AuditSnapshot = { inventories: [], drBackups: new Map() };
  const audit = await runAudit(
    {
      clients,
      ...(options.account ? { account: options.account } : {}),
      onGathered: (gathered) => {
        snapshot = gathered;
      },
    },
    { ...config, publish: false },
    now,
  );
  return fleetReportOf(audit, snapshot, config, now, options);
}
