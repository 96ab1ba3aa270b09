/**
 * The backup timeline of one cluster as inline SVG (one row per region holding its lineage, one
 * column per day), and the same facts as a table for screen readers and print.
 */
import { escapeHtml } from './escape.js';
import type { ClusterView, DayMark, FleetReport, LineageView } from './model.js';

const LABEL_WIDTH = 150;
const ROW_HEIGHT = 22;
const TOP = 18;
const DAY_MS = 86_400_000;

/** Column width per day: the chart stays about 720 units wide whatever the window. */
export function cellWidth(days: number): number {
  return Math.max(3, Math.min(24, Math.floor(720 / Math.max(1, days))));
}

/** Day index of `day` in the window (0 = its first day); outside the window is below 0 or ≥ days. */
export function dayIndex(window: FleetReport['window'], day: string): number {
  return Math.round((Date.parse(`${day}T00:00:00Z`) - Date.parse(`${window.from}T00:00:00Z`)) / DAY_MS);
}

function rowLabel(lineage: LineageView): string {
  return `${lineage.region} ${lineage.kind === 'original' ? 'originals' : 'DR copies'}`;
}

/** Consecutive days with the same counts, drawn as one shape: a daily backup is one bar, a gap a hole in it. */
export interface MarkRun {
  /** Day index of the first day in the window. */
  start: number;
  length: number;
  from: string;
  to: string;
  mark: DayMark;
}

/** The marks as runs of consecutive days with equal counts, in day order. */
export function runsOf(window: FleetReport['window'], days: readonly DayMark[]): MarkRun[] {
  const runs: MarkRun[] = [];
  for (const mark of days) {
    const index = dayIndex(window, mark.day);
    const last = runs[runs.length - 1];
    const same =
      last &&
      last.start + last.length === index &&
      last.mark.ready === mark.ready &&
      last.mark.pendingDeletion === mark.pendingDeletion &&
      last.mark.other === mark.other;
    if (same) {
      last.length += 1;
      last.to = mark.day;
    } else runs.push({ start: index, length: 1, from: mark.day, to: mark.day, mark });
  }
  return runs;
}

/** A run's shapes: a filled bar for READY, a cross per day for PENDING_DELETION, a ring per day for the rest. */
function runShapes(run: MarkRun, x: number, y: number, w: number): string {
  const size = Math.max(2, w - 2);
  const when = run.length === 1 ? run.from : `${run.from} to ${run.to}, each day`;
  const parts = [`<title>${when}: ${describeMark(run.mark)}</title>`];
  if (run.mark.ready) {
    const width = run.length * w - 2;
    parts.push(
      // More than one READY backup a day (a duplicate copy, an extra manual backup): a taller bar.
      run.mark.ready > 1
        ? `<rect class="m-ready m-many" x="${x + 1}" y="${y + 1}" width="${width}" height="${ROW_HEIGHT - 4}"/>`
        : `<rect class="m-ready" x="${x + 1}" y="${y + 4}" width="${width}" height="${ROW_HEIGHT - 10}"/>`,
    );
  }
  const top = y + 4;
  const bottom = y + ROW_HEIGHT - 6;
  const crosses: string[] = [];
  const rings: string[] = [];
  for (let day = 0; day < run.length; day += 1) {
    const x1 = x + day * w + 1;
    const x2 = x1 + size;
    if (run.mark.pendingDeletion) crosses.push(`M${x1} ${top}L${x2} ${bottom}M${x2} ${top}L${x1} ${bottom}`);
    if (run.mark.other) {
      rings.push(
        `<circle class="m-other" cx="${x1 - 1 + w / 2}" cy="${y + ROW_HEIGHT / 2 - 1}" r="${Math.max(1.5, size / 2)}"/>`,
      );
    }
  }
  if (crosses.length) parts.push(`<path class="m-pending" d="${crosses.join('')}"/>`);
  return `<g>${parts.join('')}${rings.join('')}</g>`;
}

/** "2 READY, 1 PENDING_DELETION" for a day. */
export function describeMark(mark: DayMark): string {
  const parts = [];
  if (mark.ready) parts.push(`${mark.ready} READY`);
  if (mark.pendingDeletion) parts.push(`${mark.pendingDeletion} PENDING_DELETION`);
  if (mark.other) parts.push(`${mark.other} in progress or unknown`);
  return parts.join(', ');
}

/** A vertical line at `day` across the given rows, with a label above it. */
function rule(report: FleetReport, day: string, rows: number, cls: string, label: string, w: number): string {
  const index = dayIndex(report.window, day);
  if (index < 0 || index >= report.window.days) return '';
  const x = LABEL_WIDTH + index * w;
  const bottom = TOP + rows * ROW_HEIGHT;
  return (
    `<line class="${cls}" x1="${x}" y1="${TOP - 4}" x2="${x}" y2="${bottom}"><title>${escapeHtml(label)} (${day})</title></line>` +
    `<text class="rule-label" x="${x + 2}" y="${TOP - 6}">${escapeHtml(label)}</text>`
  );
}

/** One row: the label, a faint cell per day (so a missing day shows as a hole), the marks and its retention line. */
function row(report: FleetReport, lineage: LineageView, index: number, w: number, gridId: string): string {
  const y = TOP + index * ROW_HEIGHT;
  // One rectangle filled with the day grid, not one per day: the file stays small over long windows.
  const cells = `<rect fill="url(#${gridId})" x="${LABEL_WIDTH}" y="${y + 2}" width="${report.window.days * w}" height="${ROW_HEIGHT - 6}"/>`;
  const marks = runsOf(report.window, lineage.days)
    .map((run) => runShapes(run, LABEL_WIDTH + run.start * w, y, w))
    .join('');
  let retention = '';
  if (lineage.retentionFrom) {
    const at = dayIndex(report.window, lineage.retentionFrom);
    if (at >= 0 && at < report.window.days) {
      const x = LABEL_WIDTH + at * w;
      retention = `<line class="retention" x1="${x}" y1="${y}" x2="${x}" y2="${y + ROW_HEIGHT - 2}"><title>retention window starts ${lineage.retentionFrom}</title></line>`;
    }
  }
  return (
    `<text class="row-label" x="4" y="${y + ROW_HEIGHT / 2 + 3}">${escapeHtml(rowLabel(lineage))}</text>` +
    `${cells}${marks}${retention}`
  );
}

/** The cluster's timeline chart; `aria-describedby` points at its table. */
export function timelineSvg(report: FleetReport, cluster: ClusterView, tableId: string): string {
  const w = cellWidth(report.window.days);
  const rows = cluster.lineages.length;
  const width = LABEL_WIDTH + report.window.days * w + 40;
  const height = TOP + rows * ROW_HEIGHT + 16;
  const gridId = `${tableId}-grid`;
  const grid =
    `<defs><pattern id="${gridId}" patternUnits="userSpaceOnUse" x="${LABEL_WIDTH}" y="0" width="${w}" height="${ROW_HEIGHT}">` +
    `<rect class="cell" width="${w}" height="${ROW_HEIGHT}"/></pattern></defs>`;
  const body = cluster.lineages.map((lineage, index) => row(report, lineage, index, w, gridId)).join('');
  const cutoff = report.pruneCutoff
    ? rule(report, report.pruneCutoff, rows, 'cutoff', 'prune cutoff', w)
    : '';
  const axis =
    `<text class="axis" x="${LABEL_WIDTH}" y="${height - 3}">${report.window.from}</text>` +
    `<text class="axis" x="${width - 40}" y="${height - 3}" text-anchor="end">${report.window.to}</text>`;
  const label = `Backup timeline of ${cluster.id}, ${report.window.from} to ${report.window.to}`;
  return (
    `<svg class="timeline" role="img" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" ` +
    `aria-label="${escapeHtml(label)}" aria-describedby="${tableId}" xmlns="http://www.w3.org/2000/svg">` +
    `${grid}${body}${cutoff}${axis}</svg>`
  );
}

/** The timeline's facts per row, the chart's text alternative. */
export function timelineTable(report: FleetReport, cluster: ClusterView, tableId: string): string {
  const rows = cluster.lineages.map((lineage) => {
    const inWindow = lineage.days.reduce((sum, d) => sum + d.ready + d.pendingDeletion + d.other, 0);
    const pending = lineage.days.reduce((sum, d) => sum + d.pendingDeletion, 0);
    const missing = lineage.missingDays
      ? `<strong>${lineage.missingDays}</strong>`
      : String(lineage.missingDays);
    return (
      `<tr><th scope="row">${escapeHtml(rowLabel(lineage))}</th><td>${lineage.total}</td><td>${inWindow}</td>` +
      `<td>${pending}</td><td>${missing}</td><td>${lineage.newestReady ?? 'none'}</td>` +
      `<td>${lineage.retentionFrom ?? 'no policy'}</td></tr>`
    );
  });
  return (
    `<table id="${tableId}" class="data"><caption>Backups of ${escapeHtml(cluster.id)} by region ` +
    `(window ${report.window.from} to ${report.window.to}${report.pruneCutoff ? `, prune cutoff ${report.pruneCutoff}` : ''})</caption>` +
    '<thead><tr><th scope="col">Region</th><th scope="col">Backups</th><th scope="col">In window</th>' +
    '<th scope="col">PENDING_DELETION</th><th scope="col">Days without a READY backup</th>' +
    '<th scope="col">Newest READY</th><th scope="col">Retention from</th></tr></thead>' +
    `<tbody>${rows.join('')}</tbody></table>`
  );
}

/** The legend shared by every timeline: shapes, not only colours, tell the states apart. */
export function timelineLegend(): string {
  return (
    '<svg class="legend" role="img" aria-label="Legend: filled bar READY, taller bar more than one READY a day, ' +
    'cross PENDING_DELETION, ring in progress, dashed line retention window start, solid line prune cutoff" ' +
    'viewBox="0 0 720 20" width="720" height="20" xmlns="http://www.w3.org/2000/svg">' +
    '<rect class="m-ready" x="2" y="4" width="8" height="12"/><text x="14" y="15">READY</text>' +
    '<path class="m-pending" d="M80 4L88 16M88 4L80 16"/><text x="92" y="15">PENDING_DELETION</text>' +
    '<circle class="m-other" cx="220" cy="10" r="4"/><text x="228" y="15">in progress</text>' +
    '<line class="retention" x1="320" y1="2" x2="320" y2="18"/><text x="326" y="15">retention starts</text>' +
    '<line class="cutoff" x1="450" y1="2" x2="450" y2="18"/><text x="456" y="15">prune cutoff</text>' +
    '<rect class="m-ready m-many" x="550" y="1" width="8" height="18"/><text x="562" y="15">2+ READY a day</text></svg>'
  );
}
