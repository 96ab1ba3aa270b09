/**
 * Human-readable renderings of prune plans and results (the CLI prints them; the Lambda logs
 * the summaries). Pure string functions.
 */
import type { PruneConfig } from '../config/prune.js';
import { PRUNE_DEFAULTS } from '../config/prune.js';
import { DEFAULT_EVENT_SOURCE } from '../events/types.js';
import { commandLine, restoreRunCommand } from '../restore/command.js';
import { columns } from '../text/columns.js';

export { restoreRunCommand };

import type { CutoffView } from '../time/cutoff.js';
import type { PruneResult } from './execute.js';
import type { PlanEntry, PrunePlan, PruneReason } from './plan.js';

const REASON_WORDS: Record<PruneReason, string> = {
  'other-cluster': 'other cluster',
  'not-ready': 'not READY',
  'newer-than-cutoff': 'newer than cutoff',
  'never-expires': 'NeverExpires',
  'hold-tag': 'hold tag',
  'keep-last': 'keep-last',
  'not-a-copy': 'not a copy',
  'not-a-duplicate': 'not a duplicate',
  'older-than-cutoff': 'older than cutoff',
  'duplicate-copy': 'duplicate copy',
  'delete-all': 'delete all',
};

/** `3d 4h`-style age of an entry relative to the plan's now. */
export function formatAge(entry: PlanEntry): string {
  return entry.ageDays >= 1 ? `${entry.ageDays}d` : '<1d';
}

/** Rows of each decision shown per lineage unless every row is asked for (`--all`). */
export const ROWS_PER_DECISION = 10;

/** How a plan is printed: every row, or a summary per lineage with its first rows. */
export interface PlanViewOptions {
  all: boolean;
  /** Colours a decision word (identity when colour is off). */
  paint: (entry: PlanEntry, text: string) => string;
  /** Which entries to list at all (an execute run lists only its deletions). */
  include: (entry: PlanEntry) => boolean;
}

/**
 * Creation times to the second, or to the millisecond when any shown time (or the cutoff) has
 * milliseconds: two backups a cutoff separates must never print the same.
 */
function timeFormatter(plan: PrunePlan, entries: readonly PlanEntry[]) {
  const hasMillis = (iso: string | undefined) => iso !== undefined && /\.\d*[1-9]\d*Z$/.test(iso);
  const precise =
    hasMillis(plan.cutoff?.utc) ||
    hasMillis(plan.copyCutoff?.utc) ||
    entries.some((e) => hasMillis(e.createdAt));
  return (iso: string) => {
    const [date, time = ''] = iso.replace(/Z$/, '').split('T');
    const [clock = '', fraction = ''] = time.split('.');
    return precise ? `${date} ${clock}.${fraction.padEnd(3, '0').slice(0, 3)}` : `${date} ${clock}`;
  };
}

/** One line per lineage and region: what is deleted (oldest and newest) and why the rest is kept. */
function lineageLine(
  region: string,
  lineage: string,
  entries: readonly PlanEntry[],
  time: (iso: string) => string,
) {
  const doomed = entries.filter((e) => e.decision === 'delete');
  const kept = entries.filter((e) => e.decision !== 'delete');
  const reasons = new Map<string, number>();
  for (const e of kept) reasons.set(REASON_WORDS[e.reason], (reasons.get(REASON_WORDS[e.reason]) ?? 0) + 1);
  const span =
    doomed.length > 0
      ? ` (created ${time(doomed[0]!.createdAt)} … ${time(doomed[doomed.length - 1]!.createdAt)})`
      : '';
  const why = [...reasons].map(([reason, n]) => `${reason} ${n}`).join(', ');
  return (
    `${region}  ${lineage}: ${doomed.length} to delete${span}, ${kept.length} kept` + (why ? ` (${why})` : '')
  );
}

/** Entries grouped by region and lineage, in plan order. */
function byLineage(entries: readonly PlanEntry[]): Map<string, PlanEntry[]> {
  const groups = new Map<string, PlanEntry[]>();
  for (const entry of entries) {
    const key = `${entry.region}\u0000${entry.lineage}`;
    const group = groups.get(key);
    if (group) group.push(entry);
    else groups.set(key, [entry]);
  }
  return groups;
}

/**
 * The plan for people: per lineage and region a summary line, then a table of the first
 * {@link ROWS_PER_DECISION} rows of each decision per lineage (every row with `all`), then
 * what was left out. Linear in the plan's size.
 */
export function planLines(plan: PrunePlan, options: PlanViewOptions): string[] {
  const listed = plan.entries.filter(options.include);
  const time = timeFormatter(plan, listed);
  const groups = byLineage(listed);
  // The summary line counts the whole lineage, listed or not (an execute run lists only deletions).
  const whole = byLineage(plan.entries);
  const lines: string[] = [];
  const rows: PlanEntry[] = [];
  let omitted = 0;
  for (const [key, entries] of groups) {
    const [region, lineage] = key.split('\u0000') as [string, string];
    lines.push(lineageLine(region, lineage, whole.get(key) ?? entries, time));
    const shown = { delete: 0, keep: 0 };
    for (const entry of entries) {
      const decision = entry.decision === 'delete' ? 'delete' : 'keep';
      if (options.all || shown[decision] < ROWS_PER_DECISION) {
        shown[decision]++;
        rows.push(entry);
      } else omitted++;
    }
  }
  if (rows.length === 0) return lines;
  const table = columns(
    ['backup', 'region', 'lineage', 'created (UTC)', 'age', 'state', 'decision', 'reason'],
    rows.map((entry) => [
      entry.copy ? `${entry.backupId} (copy)` : entry.backupId,
      entry.region,
      entry.lineage,
      time(entry.createdAt),
      formatAge(entry),
      entry.state,
      entry.decision.toUpperCase(),
      entry.detail,
    ]),
    (row, column, padded) => (column === 6 ? options.paint(rows[row]!, padded) : padded),
  );
  lines.push('', ...table);
  if (omitted > 0) {
    lines.push(
      `(${omitted} more rows not listed: the first ${ROWS_PER_DECISION} of each decision per lineage are; ` +
        '--all lists every row, --json carries them all)',
    );
  }
  return lines;
}

/** `3 to delete, 9 kept (newer than cutoff 5, keep-last 2, ...)`. */
export function planSummary(plan: PrunePlan): string {
  const kept = Object.entries(plan.counts.byReason)
    .filter(([reason]) => !['older-than-cutoff', 'delete-all', 'duplicate-copy'].includes(reason))
    .map(([reason, n]) => `${REASON_WORDS[reason as PruneReason]} ${n}`);
  return (
    `${plan.counts.considered} backup(s) considered: ${plan.counts.delete} to delete, ${plan.counts.keep} kept` +
    (kept.length > 0 ? ` (${kept.join(', ')})` : '')
  );
}

function cutoffLine(label: string, cutoff: CutoffView): string[] {
  const local = cutoff.zone === 'UTC' ? '' : ` = ${cutoff.local} (${cutoff.zone})`;
  return [
    `${label}: ${cutoff.utc}${local}   [${cutoff.kind} ${cutoff.input}]`,
    ...cutoff.notes.map((n) => `  note: ${n}`),
  ];
}

/** The cutoff lines: in UTC and in the zone it was given in, with DST notes. */
export function cutoffLines(plan: PrunePlan): string[] {
  const lines: string[] = [];
  if (plan.deleteAll) lines.push(`Cutoff: none (--deleteall: every backup of ${plan.clusterId})`);
  if (plan.cutoff) lines.push(...cutoffLine('Cutoff', plan.cutoff));
  if (plan.copyCutoff) lines.push(...cutoffLine('Copies cutoff', plan.copyCutoff));
  for (const row of plan.copyRetention ?? []) {
    lines.push(`Copies cutoff of ${row.lineage}: ${row.cutoff.utc}   [${row.describe}]`);
  }
  const copyRetention = plan.copyCutoff !== undefined || plan.copyRetention !== undefined;
  if (!plan.cutoff && !plan.deleteAll) {
    lines.push(
      copyRetention
        ? 'Cutoff: none for originals (only copies are pruned)'
        : 'Cutoff: none (only duplicate DR copies are pruned)',
    );
  }
  if (plan.duplicateCopies) {
    lines.push('Duplicate DR copies: the extra copies of each source backup (the oldest READY copy stays)');
  }
  return lines;
}

/**
 * The exact command that applies this plan. An `--older-than` cutoff is pinned to the
 * resolved instant (`--timestamp <UTC>`), so running it later deletes what this plan shows,
 * not what a later clock would add. `extraArgs` carries common options such as `--endpoint`.
 */
export function applyCommand(
  plan: PrunePlan,
  config: PruneConfig,
  extraArgs: readonly string[] = [],
): string {
  const words = ['cloudhsm-ops', 'prune'];
  for (const region of config.regions) words.push('--region', region);
  if (config.clusterId) words.push('--cluster-id', config.clusterId);
  const rule = config.cutoff;
  if (rule.kind === 'timestamp') {
    words.push('--timestamp', rule.timestamp);
    if (rule.timezone) words.push('--timezone', rule.timezone);
  } else if (rule.kind === 'older-than' && plan.cutoff) {
    words.push('--timestamp', plan.cutoff.utc);
  } else if (rule.kind === 'all') {
    words.push('--deleteall');
    if (config.confirm) words.push('--confirm', config.confirm);
  }
  if (config.copyRetention === 'source') words.push('--copy-retention', 'source');
  if (config.copyRetentionDays !== undefined) {
    words.push('--copy-retention-days', String(config.copyRetentionDays));
    // Pinned like the cutoff above: copy ages count back from the plan's instant, not the apply run's.
    words.push('--copies-as-of', config.copiesAsOf ?? plan.now);
  }
  if (config.duplicateCopies) words.push('--duplicate-copies');
  if (config.keepLast !== PRUNE_DEFAULTS.keepLast) words.push('--keep-last', String(config.keepLast));
  // The user's limit, never a raised one: raising it is a decision the dry run reports (overLimitAdvice).
  if (config.maxDeletions !== PRUNE_DEFAULTS.maxDeletions)
    words.push('--max-deletions', String(config.maxDeletions));
  for (const tag of config.holdTags.filter((t) => t !== PRUNE_DEFAULTS.holdTag))
    words.push('--hold-tag', tag);
  if (config.concurrency !== PRUNE_DEFAULTS.concurrency)
    words.push('--concurrency', String(config.concurrency));
  if (config.publish) {
    words.push('--publish');
    if (config.eventBus !== PRUNE_DEFAULTS.eventBus) words.push('--event-bus', config.eventBus);
    if (config.eventSource !== DEFAULT_EVENT_SOURCE) words.push('--event-source', config.eventSource);
  }
  words.push(...extraArgs, '--execute');
  return commandLine(words);
}

/**
 * What a dry run over --max-deletions says instead of writing a raised limit into the command:
 * the numbers, and the choice that is the user's to make.
 */
export function overLimitAdvice(plan: PrunePlan): string[] {
  if (!plan.overLimit) return [];
  return [
    `The plan deletes ${plan.counts.delete} backups, more than --max-deletions ${plan.maxDeletions}: ` +
      'an --execute run refuses it before the first delete.',
    'Decide: narrow the cutoff (an earlier --timestamp, a larger --older-than, one --cluster-id at a time), ' +
      `or raise --max-deletions yourself after reviewing every deletion above.`,
  ];
}

/** Lines describing what an execute run did, failures and skips with their reasons. */
export function resultLines(result: PruneResult): string[] {
  const lines: string[] = [];
  for (const o of result.succeeded) {
    const note = o.reason === 'deleted' ? '' : ` (${o.detail})`;
    lines.push(`deleted ${o.backupId}  ${o.region}  lineage ${o.lineage}  created ${o.createdAt}${note}`);
  }
  for (const o of result.failed) lines.push(`FAILED  ${o.backupId}  ${o.region}: ${o.detail}`);
  for (const o of result.skipped) lines.push(`skipped ${o.backupId}  ${o.region}: ${o.detail}`);
  const elsewhere = result.skipped.filter((o) => o.reason === 'deleted-elsewhere').length;
  if (elsewhere > 0) {
    lines.push(
      `${elsewhere} of the skipped were deleted by someone else: not counted, no restore command here`,
    );
  }
  const another = result.skipped.filter((o) => o.reason === 'recorded-by-another-run').length;
  if (another > 0) {
    lines.push(
      `${another} of the skipped were left to another prune run that recorded them too: this run ` +
        'exits 1; if that run has stopped, its records lapse 15 minutes after it wrote them',
    );
  }
  const { succeeded, failed, skipped } = result.counts;
  lines.push(`${succeeded} deleted, ${failed} failed, ${skipped} skipped`);
  return lines;
}
