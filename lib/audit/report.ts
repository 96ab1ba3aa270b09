import Table from 'cli-table3';
import pc from 'picocolors';
import type { Severity } from '../config/common.js';
import { SEVERITIES } from '../config/common.js';
import type { Finding } from '../events/findings.js';
import { describeEvent } from '../events/publisher.js';
import type { Colors } from '../text/color.js';
import type { AuditReport } from './run.js';

export { colorEnabled } from '../text/color.js';

function paintSeverity(c: Colors, severity: Severity, failed: boolean): string {
  if (!failed) return c.dim(severity);
  switch (severity) {
    case 'CRITICAL':
      return c.bold(c.red(severity));
    case 'HIGH':
      return c.red(severity);
    case 'MEDIUM':
      return c.yellow(severity);
    case 'LOW':
      return c.cyan(severity);
    default:
      return c.blue(severity);
  }
}

const rank = (severity: Severity) => SEVERITIES.indexOf(severity);

/** Row order of the statuses: what failed, what passed, then what could not be judged. */
const STATUS_ORDER: readonly Finding['status'][] = ['FAILED', 'PASSED', 'NOT_APPLICABLE'];

/** FAILED first, the most severe first; PASSED after, then NOT_APPLICABLE, in registry order (the sort is stable). */
function byImportance(a: Finding, b: Finding): number {
  if (a.status !== b.status) return STATUS_ORDER.indexOf(a.status) - STATUS_ORDER.indexOf(b.status);
  return a.status === 'FAILED' ? rank(b.severity) - rank(a.severity) : 0;
}

function paintStatus(c: Colors, status: Finding['status']): string {
  if (status === 'FAILED') return c.red(status);
  if (status === 'PASSED') return c.green(status);
  // Neither green nor red: the check could not judge.
  return c.dim(status);
}

export interface RenderOptions {
  color: boolean;
  /** Terminal width; the observed column takes what is left. */
  width?: number;
}

/** The findings as one table per cluster (then per lineage whose cluster is gone), FAILED rows first, each followed by what to do. */
export function renderFindings(report: AuditReport, options: RenderOptions): string {
  const c = pc.createColors(options.color);
  const blocks: string[] = [];
  const shown = new Set<Finding>();
  for (const cluster of report.clusters) {
    const findings = report.findings.filter(
      (f) => f.region === cluster.region && f.resource.id === cluster.id,
    );
    for (const f of findings) shown.add(f);
    const notServing = cluster.notServing ? ` (+${cluster.notServing} not serving)` : '';
    const heading =
      `${c.bold(cluster.id)}  ${cluster.region}  ${cluster.state}  ${cluster.hsmType ?? 'unknown type'}  ` +
      `${cluster.hsms} ACTIVE HSM${cluster.hsms === 1 ? '' : 's'}${notServing}  `;
    blocks.push(renderBlock(heading, findings, c, options));
  }
  // Findings about lineages whose cluster no longer exists (orphan DR copies).
  const rest = report.findings.filter((f) => !shown.has(f));
  for (const key of [...new Set(rest.map((f) => `${f.region} ${f.resource.id}`))]) {
    const [region, id] = key.split(' ');
    const findings = rest.filter((f) => f.region === region && f.resource.id === id);
    blocks.push(
      renderBlock(`${c.bold(id!)}  ${region}  cluster gone: DR copies only  `, findings, c, options),
    );
  }
  return blocks.join('\n\n');
}

function renderBlock(heading: string, list: Finding[], c: Colors, options: RenderOptions): string {
  const width = Math.max(80, Math.min(options.width ?? 120, 200));
  // The check column fits the longest id (`duplicate-dr-copies`) so ids are never cut.
  const observedWidth = width - 15 - 16 - 22 - 7;
  const findings = [...list].sort(byImportance);
  const failed = findings.filter((f) => f.status === 'FAILED');
  const table = new Table({
    head: ['Severity', 'Status', 'Check', 'Observed'],
    colWidths: [15, 16, 22, observedWidth],
    wordWrap: true,
    style: {
      compact: true,
      head: options.color ? ['bold'] : [],
      border: options.color ? ['grey'] : [],
    },
  });
  for (const finding of findings) {
    const isFailed = finding.status === 'FAILED';
    table.push([
      paintSeverity(c, finding.severity, isFailed),
      paintStatus(c, finding.status),
      finding.checkId,
      finding.observed,
    ]);
  }
  const fixes = failed.map(
    (f) =>
      `  ${paintSeverity(c, f.severity, true)} ${f.checkId}: ${f.remediation.text}\n    ${c.dim(f.remediation.url)}`,
  );
  const notApplicable = findings.filter((f) => f.status === 'NOT_APPLICABLE').length;
  const status = failed.length
    ? c.red(`${failed.length} FAILED`)
    : notApplicable
      ? `${c.green('0 FAILED')}, ${c.dim(`${notApplicable} NOT_APPLICABLE`)}`
      : c.green('all PASSED');
  return [heading + status, table.toString(), ...(fixes.length ? ['What to do:', ...fixes] : [])].join('\n');
}

/** One line: clusters, regions, findings by status (NOT_APPLICABLE when any) and FAILED by severity, duration. */
export function summaryLine(report: AuditReport, options: { color: boolean }): string {
  const c = pc.createColors(options.color);
  const { byStatus, failedBySeverity, total } = report.summary.findings;
  const severities = [...SEVERITIES]
    .reverse()
    .filter((s) => failedBySeverity[s] > 0)
    .map((s) => paintSeverity(c, s, true).replace(s, `${failedBySeverity[s]} ${s}`));
  const failed = byStatus.FAILED
    ? c.red(`${byStatus.FAILED} FAILED`) + (severities.length ? ` (${severities.join(', ')})` : '')
    : c.green('0 FAILED');
  const regions = report.regions.length === 1 ? 'region' : 'regions';
  return (
    `Audited ${report.clusters.length} cluster${report.clusters.length === 1 ? '' : 's'} in ` +
    `${report.regions.length} ${regions} (${report.regions.join(', ')}) in ${(report.durationMs / 1000).toFixed(1)}s: ` +
    `${total} findings, ${failed}, ${c.green(`${byStatus.PASSED} PASSED`)}` +
    (byStatus.NOT_APPLICABLE ? `, ${c.dim(`${byStatus.NOT_APPLICABLE} NOT_APPLICABLE`)}` : '') +
    (report.errors.length ? `, ${c.red(`${report.errors.length} error(s)`)}` : '') +
    (report.skipped.length ? `, ${report.skipped.length} check(s) skipped` : '')
  );
}

/** The machine document `audit --json` prints. */
export function reportDocument(report: AuditReport) {
  return {
    runId: report.runId,
    account: report.account,
    regions: report.regions,
    drRegions: report.drRegions,
    startedAt: report.startedAt,
    durationMs: report.durationMs,
    summary: report.summary.findings,
    clusters: report.clusters,
    findings: report.findings,
    errors: report.errors,
    skipped: report.skipped,
    ...(report.events
      ? {
          publish: {
            target: report.events.target,
            published: report.events.published,
            calls: report.events.calls,
            failed: report.events.failed.map((f) => ({
              event: describeEvent(f.event),
              errorCode: f.errorCode,
              errorMessage: f.errorMessage,
            })),
          },
        }
      : {}),
    ...(report.securityHub ? { securityHub: report.securityHub } : {}),
  };
}
