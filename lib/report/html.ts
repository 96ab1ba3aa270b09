/**
 * The fleet report as one self-contained HTML page: inline style, script and SVG, no request
 * to anywhere (the Content-Security-Policy forbids them). Semantic sections and tables, so
 * it reads without JavaScript, with a screen reader and on paper.
 */
import { CHECK_STATUSES } from '../checks/types.js';
import { SEVERITIES } from '../config/common.js';
import type { Finding } from '../events/findings.js';
import { SCRIPT, STYLE } from './assets.js';
import { escapeHtml as h, safeUrl } from './escape.js';
import type { ClusterView, FleetReport, ZoneView } from './model.js';
import { timelineLegend, timelineSvg, timelineTable } from './timeline.js';

const CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:";

/** Severities from the worst down, the order the page lists them in. */
const WORST_FIRST = [...SEVERITIES].reverse();

/** An id safe in HTML for a cluster's elements. */
export function clusterAnchor(cluster: Pick<ClusterView, 'region' | 'id'>): string {
  return `c-${cluster.region}-${cluster.id}`.replace(/[^A-Za-z0-9_-]/g, '_');
}

function header(report: FleetReport): string {
  const { score } = report;
  const items = WORST_FIRST.map((severity) => {
    const count = score.failed[severity];
    return `<li class="${count && severity !== 'INFORMATIONAL' ? 'hot' : ''}"><b>${count}</b>${severity} failed</li>`;
  });
  items.push(`<li><b>${score.passed}</b>passed</li>`, `<li><b>${score.notApplicable}</b>not applicable</li>`);
  const failed = WORST_FIRST.reduce((sum, s) => sum + score.failed[s], 0);
  return (
    '<header><h1>CloudHSM fleet report</h1>' +
    `<p class="meta">Account <strong>${h(report.account)}</strong> · snapshot <time datetime="${h(report.generatedAt)}">` +
    `${h(report.generatedAt)}</time> · regions ${h(report.regions.join(', ') || 'none')}` +
    `${report.drRegions.length ? ` · DR regions ${h(report.drRegions.join(', '))}` : ''}</p>` +
    `<p class="meta">Produced by <code>${h(report.command)}</code></p>` +
    `<section aria-labelledby="score-h"><h2 id="score-h">Score: ${failed} of ${score.total} findings FAILED, ` +
    `in ${report.clusters.length} cluster${report.clusters.length === 1 ? '' : 's'}</h2>` +
    `<ul class="score">${items.join('')}</ul></section>` +
    errors(report) +
    '</header>'
  );
}

function errors(report: FleetReport): string {
  if (!report.errors.length) return '';
  return (
    '<section class="errors" aria-labelledby="errors-h"><h2 id="errors-h">Not everything could be gathered</h2><ul>' +
    report.errors.map((e) => `<li>${h(e)}</li>`).join('') +
    '</ul></section>'
  );
}

function zoneText(zone: ZoneView): string {
  if (zone.coverage === 'serving') return `serving: ${zone.hsms} HSM${zone.hsms === 1 ? '' : 's'}`;
  if (zone.coverage === 'subnet-only') return 'subnet, no serving HSM';
  return 'no subnet';
}

/** HSMs by zone against the cluster's subnets: the az-spread and subnet-coverage findings as a picture. */
function zoneTable(cluster: ClusterView): string {
  const rows = cluster.zones.map(
    (zone) =>
      `<tr><th scope="row">${h(zone.name)}</th><td class="zone-${zone.coverage}">${zoneText(zone)}` +
      `${zone.notServing ? ` (+${zone.notServing} not serving)` : ''}</td><td>${zone.subnetId ? `<code>${h(zone.subnetId)}</code>` : '—'}</td></tr>`,
  );
  return (
    `<table class="data zones"><caption>HSMs by Availability Zone in ${h(cluster.region)}</caption>` +
    '<thead><tr><th scope="col">Zone</th><th scope="col">Coverage</th><th scope="col">Subnet</th></tr></thead>' +
    `<tbody>${rows.join('') || '<tr><td colspan="3">EC2 listed no zones</td></tr>'}</tbody></table>`
  );
}

function clusterSection(report: FleetReport, cluster: ClusterView): string {
  const anchor = clusterAnchor(cluster);
  const facts = [
    cluster.state,
    cluster.hsmType,
    cluster.retentionDays !== undefined ? `${cluster.retentionDays}-day retention` : 'no retention policy',
    `${cluster.failed} FAILED finding${cluster.failed === 1 ? '' : 's'}`,
  ].filter((f): f is string => !!f);
  return (
    `<article class="cluster" id="${anchor}" data-cluster="${h(cluster.id)}" aria-labelledby="${anchor}-h">` +
    `<h3 id="${anchor}-h">${h(cluster.id)} <small>${h(facts.join(' · '))}</small></h3>` +
    zoneTable(cluster) +
    timelineSvg(report, cluster, `${anchor}-t`) +
    `<details><summary>Timeline as a table</summary>${timelineTable(report, cluster, `${anchor}-t`)}</details>` +
    '</article>'
  );
}

/** One line per cluster, linking to its section: the fleet at a glance. */
function overview(report: FleetReport): string {
  if (!report.clusters.length) return '';
  const rows = report.clusters.map((c) => {
    const serving = c.zones.filter((z) => z.coverage === 'serving').length;
    const hsms = c.zones.reduce((sum, z) => sum + z.hsms, 0);
    const missing = c.lineages.filter((l) => l.kind === 'copy' && l.total === 0).map((l) => l.region);
    return (
      `<tr><td>${h(c.region)}</td><th scope="row"><a href="#${clusterAnchor(c)}">${h(c.id)}</a></th>` +
      `<td>${h(c.state)}</td><td>${hsms} in ${serving} of ${c.zones.length} zones</td>` +
      `<td>${missing.length ? `none in ${h(missing.join(', '))}` : 'present'}</td>` +
      `<td>${c.failed ? `<strong>${c.failed}</strong>` : '0'}</td></tr>`
    );
  });
  return (
    '<table class="data overview"><caption>Clusters at a glance</caption><thead><tr><th scope="col">Region</th>' +
    '<th scope="col">Cluster</th><th scope="col">State</th><th scope="col">ACTIVE HSMs</th>' +
    '<th scope="col">DR copies</th><th scope="col">FAILED findings</th></tr></thead>' +
    `<tbody>${rows.join('')}</tbody></table>`
  );
}

function clustersByRegion(report: FleetReport): string {
  const regions = [...new Set(report.clusters.map((c) => c.region))];
  const sections = regions.map((region) => {
    const clusters = report.clusters.filter((c) => c.region === region);
    return (
      `<section aria-labelledby="r-${h(region)}"><h2 id="r-${h(region)}">${h(region)}: ` +
      `${clusters.length} cluster${clusters.length === 1 ? '' : 's'}</h2>` +
      clusters.map((c) => clusterSection(report, c)).join('') +
      '</section>'
    );
  });
  if (!sections.length) return '<p>No clusters in the audited regions.</p>';
  return `<p>Backup timelines cover ${report.window.from} to ${report.window.to}.</p>${timelineLegend()}${sections.join('')}`;
}

function filterForm(): string {
  const boxes = (name: string, values: readonly string[]) =>
    values
      .map((v) => `<label><input type="checkbox" name="${name}" value="${v}" checked> ${v}</label>`)
      .join('');
  return (
    '<form id="filters" class="filters" hidden aria-label="Filter findings">' +
    `<fieldset><legend>Severity</legend>${boxes('severity', WORST_FIRST)}</fieldset>` +
    `<fieldset><legend>Status</legend>${boxes('status', CHECK_STATUSES)}</fieldset></form>`
  );
}

function findingRow(finding: Finding): string {
  const url = safeUrl(finding.remediation.url);
  const link = url ? ` <a href="${h(url)}" rel="noreferrer">AWS documentation</a>` : '';
  return (
    `<tr data-severity="${finding.severity}" data-status="${finding.status}" data-check="${h(finding.checkId)}" ` +
    `data-cluster="${h(finding.resource.id)}">` +
    `<td class="sev sev-${finding.severity}">${finding.severity}</td>` +
    `<td class="status st-${finding.status}">${finding.status}</td>` +
    `<td><strong>${h(finding.checkId)}</strong><br>${h(finding.title)}</td>` +
    `<td>${h(finding.region)}<br><code>${h(finding.resource.id)}</code></td>` +
    `<td>${h(finding.observed)}</td>` +
    `<td>${finding.status === 'FAILED' ? h(finding.remediation.text) : ''}${link}</td></tr>`
  );
}

function findingsSection(report: FleetReport): string {
  return (
    '<section aria-labelledby="findings-h"><h2 id="findings-h">Findings, worst first</h2>' +
    filterForm() +
    // The count of rows shown sits in the caption, not the form: a filtered printout says so.
    `<table id="findings" class="data"><caption>${report.findings.length} findings, worst first ` +
    '<output id="shown" aria-live="polite"></output></caption>' +
    '<thead><tr><th scope="col">Severity</th><th scope="col">Status</th>' +
    '<th scope="col">Check</th><th scope="col">Where</th><th scope="col">Observed</th>' +
    '<th scope="col">Remediation</th></tr></thead><tbody>' +
    report.findings.map(findingRow).join('') +
    '</tbody></table></section>'
  );
}

/** The whole page. */
export function renderHtml(report: FleetReport): string {
  return (
    '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">' +
    `<meta http-equiv="Content-Security-Policy" content="${CSP}">` +
    '<meta name="viewport" content="width=device-width, initial-scale=1">' +
    `<title>CloudHSM fleet report ${h(report.account)} ${h(report.generatedAt)}</title>` +
    `<style>${STYLE}</style></head><body>` +
    header(report) +
    `<main>${overview(report)}${clustersByRegion(report)}${findingsSection(report)}</main>` +
    `<footer><p class="meta">Report schema ${h(report.schemaVersion)}; the same data: <code>cloudhsm-ops report --json</code>.</p></footer>` +
    `<script>${SCRIPT}</script></body></html>\n`
  );
}
