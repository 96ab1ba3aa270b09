/**
 * The fleet report's data: what `report --json` prints and what the HTML page is drawn from.
 * Pure functions of the inventory, the audit's findings and the instant given: no AWS, no clock.
 * Backups are aggregated to one mark per day per lineage per region, so the size of the report
 * follows clusters × regions × days, not the number of backups.
 */
import type { DateTime } from 'luxon';
import { servingHsms } from '../checks/common.js';
import { CHECK_STATUSES, type CheckStatus } from '../checks/types.js';
import { SEVERITIES, type Severity } from '../config/common.js';
import type { Finding } from '../events/findings.js';
import {
  type BackupInfo,
  type ClusterInfo,
  isCopy,
  lineageOf,
  type RegionInventory,
} from '../inventory/types.js';

/** Bumped when a field changes meaning or goes away. */
export const REPORT_SCHEMA_VERSION = '1';

const DAY_MS = 86_400_000;

/** How a zone of the region serves a cluster: the picture of the az-spread and subnet-coverage checks. */
export type ZoneCoverage = 'serving' | 'subnet-only' | 'none';

export interface ZoneView {
  name: string;
  coverage: ZoneCoverage;
  subnetId?: string;
  /** ACTIVE HSMs in the zone. */
  hsms: number;
  /** HSMs in the zone that exist but do not serve (being created, DEGRADED). */
  notServing: number;
}

/** One day of one lineage in one region. Only days with a backup are listed. */
export interface DayMark {
  /** `YYYY-MM-DD` (UTC). */
  day: string;
  ready: number;
  pendingDeletion: number;
  /** CREATE_IN_PROGRESS and UNKNOWN. */
  other: number;
}

/** The backups of one cluster's lineage stored in one region: its originals, or its copies in a DR region. */
export interface LineageView {
  region: string;
  kind: 'original' | 'copy';
  days: DayMark[];
  /** Backups created before the window, not drawn. */
  older: number;
  /** Every backup of the lineage in this region (DELETED ones excluded). */
  total: number;
  /** Days of the window (today excluded) without a READY backup. */
  missingDays: number;
  /** `YYYY-MM-DD` of the newest READY backup. */
  newestReady?: string;
  /** Start of the retention window, when one applies (the cluster's policy, or the copy retention). */
  retentionFrom?: string;
}

export interface ClusterView {
  region: string;
  id: string;
  state: string;
  hsmType?: string;
  retentionDays?: number;
  zones: ZoneView[];
  lineages: LineageView[];
  /** FAILED findings of this cluster. */
  failed: number;
}

export interface Score {
  /** FAILED findings by severity, every severity present. */
  failed: Record<Severity, number>;
  passed: number;
  notApplicable: number;
  total: number;
}

export interface FleetReport {
  schemaVersion: string;
  /** The snapshot's instant (ISO 8601 UTC). */
  generatedAt: string;
  /** The command line that produced the report. */
  command: string;
  account: string;
  regions: string[];
  drRegions: string[];
  /** The timeline's first and last day (`YYYY-MM-DD`). */
  window: { from: string; to: string; days: number };
  /** The prune cutoff drawn on every timeline, when one was given. */
  pruneCutoff?: string;
  score: Score;
  clusters: ClusterView[];
  /** Worst first: FAILED by severity, then PASSED, then NOT_APPLICABLE. */
  findings: Finding[];
  errors: string[];
}

export interface ReportInput {
  account: string;
  /** Regions gathered with their network facts (the audited ones). */
  inventories: readonly RegionInventory[];
  /** Backups of each DR region that could be listed. */
  drBackups: ReadonlyMap<string, readonly BackupInfo[]>;
  drRegions: readonly string[];
  findings: readonly Finding[];
  errors: readonly string[];
  now: DateTime;
  command: string;
  /** Days the timeline covers, ending today. */
  days: number;
  /** Age of a DR copy at which it is stale (the audit's --copy-retention-days). */
  copyRetentionDays?: number;
  /** Prune cutoff age in days, drawn when given. */
  pruneOlderThanDays?: number;
}

/** `YYYY-MM-DD` of an instant, in UTC. */
export function dayOf(time: Date | number): string {
  return new Date(time).toISOString().slice(0, 10);
}

/** Worst first: FAILED (most severe first), then PASSED, then NOT_APPLICABLE; stable otherwise. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  const rank = (f: Finding) =>
    CHECK_STATUSES.indexOf(f.status) * 10 + (f.status === 'FAILED' ? 4 - SEVERITIES.indexOf(f.severity) : 0);
  return [...findings].sort((a, b) => rank(a) - rank(b));
}

/** FAILED findings by severity, and the other statuses counted. */
export function scoreOf(findings: readonly Finding[]): Score {
  const failed = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  const count = (status: CheckStatus) => findings.filter((f) => f.status === status).length;
  for (const f of findings) if (f.status === 'FAILED') failed[f.severity] += 1;
  return { failed, passed: count('PASSED'), notApplicable: count('NOT_APPLICABLE'), total: findings.length };
}

/**
 * Every available zone of the region, plus any zone the cluster uses that EC2 did not list:
 * serving (an ACTIVE HSM), subnet-only (a subnet, no serving HSM) or none.
 */
export function zonesOf(cluster: ClusterInfo, inventory: RegionInventory): ZoneView[] {
  const available = (inventory.zones ?? [])
    .filter((z) => z.state === 'available' && z.type === 'availability-zone')
    .map((z) => z.name);
  const subnets = new Map(Object.entries(cluster.subnetMapping));
  const serving = servingHsms(cluster);
  const names = new Set([
    ...available,
    ...subnets.keys(),
    ...cluster.hsms.flatMap((h) => (h.zone ? [h.zone] : [])),
  ]);
  return [...names].sort().map((name) => {
    const hsms = serving.filter((h) => h.zone === name).length;
    const notServing = cluster.hsms.filter((h) => h.zone === name && h.state !== 'DELETED').length - hsms;
    const subnetId = subnets.get(name);
    const coverage: ZoneCoverage = hsms > 0 ? 'serving' : subnetId ? 'subnet-only' : 'none';
    return { name, coverage, hsms, notServing, ...(subnetId ? { subnetId } : {}) };
  });
}

/** One lineage's backups in one region, aggregated per day over the window ending at `now`. */
export function lineageView(
  backups: readonly BackupInfo[],
  region: string,
  kind: LineageView['kind'],
  now: DateTime,
  days: number,
  retentionDays?: number,
): LineageView {
  const today = Math.floor(now.toMillis() / DAY_MS) * DAY_MS;
  const first = today - (days - 1) * DAY_MS;
  const marks = new Map<string, DayMark>();
  const readyDays = new Set<string>();
  let older = 0;
  let total = 0;
  let newest = -Infinity;
  for (const backup of backups) {
    if (backup.state === 'DELETED') continue;
    total += 1;
    const time = backup.createdAt.getTime();
    if (backup.state === 'READY' && time > newest) newest = time;
    if (time < first) {
      older += 1;
      continue;
    }
    const day = dayOf(time);
    const mark = marks.get(day) ?? { day, ready: 0, pendingDeletion: 0, other: 0 };
    if (backup.state === 'READY') {
      mark.ready += 1;
      readyDays.add(day);
    } else if (backup.state === 'PENDING_DELETION') mark.pendingDeletion += 1;
    else mark.other += 1;
    marks.set(day, mark);
  }
  let missingDays = 0;
  for (let day = first; day < today; day += DAY_MS) if (!readyDays.has(dayOf(day))) missingDays += 1;
  return {
    region,
    kind,
    days: [...marks.values()].sort((a, b) => a.day.localeCompare(b.day)),
    older,
    total,
    missingDays,
    ...(newest > -Infinity ? { newestReady: dayOf(newest) } : {}),
    ...(retentionDays !== undefined ? { retentionFrom: dayOf(now.toMillis() - retentionDays * DAY_MS) } : {}),
  };
}

/** The cluster's originals in its region, then its copies in each DR region (its own region left out). */
function lineagesOf(cluster: ClusterInfo, inventory: RegionInventory, input: ReportInput): LineageView[] {
  const originals = inventory.backups.filter((b) => b.clusterId === cluster.id && !isCopy(b));
  const views = [
    lineageView(originals, cluster.region, 'original', input.now, input.days, cluster.retentionDays),
  ];
  for (const region of input.drRegions) {
    const backups = input.drBackups.get(region);
    if (region === cluster.region || !backups) continue;
    const copies = backups.filter((b) => isCopy(b) && lineageOf(b) === cluster.id);
    views.push(lineageView(copies, region, 'copy', input.now, input.days, input.copyRetentionDays));
  }
  return views;
}

/** The whole report: clusters by region then id (DELETED ones left out, as in the audit). */
export function buildFleetReport(input: ReportInput): FleetReport {
  const { now } = input;
  const today = Math.floor(now.toMillis() / DAY_MS) * DAY_MS;
  const clusters: ClusterView[] = [];
  for (const inventory of [...input.inventories].sort((a, b) => a.region.localeCompare(b.region))) {
    const audited = inventory.clusters
      .filter((c) => c.state !== 'DELETED')
      .sort((a, b) => a.id.localeCompare(b.id));
    for (const cluster of audited) {
      clusters.push({
        region: cluster.region,
        id: cluster.id,
        state: cluster.state,
        ...(cluster.hsmType ? { hsmType: cluster.hsmType } : {}),
        ...(cluster.retentionDays !== undefined ? { retentionDays: cluster.retentionDays } : {}),
        zones: zonesOf(cluster, inventory),
        lineages: lineagesOf(cluster, inventory, input),
        failed: input.findings.filter(
          (f) => f.status === 'FAILED' && f.region === cluster.region && f.resource.id === cluster.id,
        ).length,
      });
    }
  }
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    generatedAt: now.toUTC().toISO({ suppressMilliseconds: true })!,
    command: input.command,
    account: input.account,
    regions: input.inventories.map((i) => i.region),
    drRegions: [...input.drRegions],
    window: { from: dayOf(today - (input.days - 1) * DAY_MS), to: dayOf(today), days: input.days },
    ...(input.pruneOlderThanDays !== undefined
      ? { pruneCutoff: dayOf(now.toMillis() - input.pruneOlderThanDays * DAY_MS) }
      : {}),
    score: scoreOf(input.findings),
    clusters,
    findings: sortFindings(input.findings),
    errors: [...input.errors],
  };
}
