import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { AUDIT_FLAG_NAMES, AUDIT_SETTINGS, parseAuditConfig } from '../../lib/config/audit.js';
import { parseCount } from '../../lib/config/common.js';
import { PRUNE_FLAG_NAMES } from '../../lib/config/prune.js';
import { atLeastOneDay } from '../../lib/config/prune-rules.js';
import { UsageError } from '../../lib/errors.js';
import { parseAge } from '../../lib/time/cutoff.js';
import {
  action,
  EXIT,
  examples,
  type Output,
  refuseUnwritable,
  withCommonOptions,
  withNowOption,
} from '../common.js';
import { addSettingOptions, type JobOptions, startJob } from '../settings.js';

interface ReportOptions extends JobOptions {
  region?: string[];
  drRegion?: string[];
  html?: string;
  days: string;
  pruneOlderThan?: string;
  graceHours?: string;
  rpoHours?: string;
  copyRetention?: string;
  copyRetentionDays?: string;
  holdTag?: string;
}

/** Longest timeline: a year and a bit, beyond which one mark per day is no longer readable. */
const MAX_DAYS = 400;

/** The age `prune --older-than` would take: the same parser and the same one-day floor. */
function pruneAge(text: string) {
  const age = parseAge(text, '--prune-older-than');
  atLeastOneDay(age, text, { ...PRUNE_FLAG_NAMES, olderThan: '--prune-older-than' });
  return age;
}

/** `-` is not standard output here: the page is a file to open or mail. */
function refuseDash(file: string | undefined): void {
  if (file?.trim() === '-')
    throw new UsageError(
      '--html -: give a file name (the page is not written to standard output; --json prints the data)',
    );
}

/** Registers `cloudhsm-ops report`. */
export function registerReport(program: Command): void {
  const command = program
    .command('report')
    .description(
      'Write the fleet report: one self-contained HTML page (no network requests: style, script and ' +
        'charts inline, so it opens from an email attachment or an S3 link) with, per region and cluster, ' +
        'HSMs by Availability Zone against the subnets, a backup timeline of the originals and the DR copies ' +
        '(one mark per day; PENDING_DELETION, the retention window and the prune cutoff drawn), and every ' +
        'audit finding worst first, filterable by severity and status. --json prints the same data.',
    )
    .option('--html <file>', 'write the HTML page to this file')
    .option('--days <n>', `days the backup timelines cover, ending today (1 to ${MAX_DAYS})`, '35')
    .option('--prune-older-than <age>', 'draw the prune cutoff of `prune --older-than <age>` (e.g. 90d)');
  // The audit's own settings, as in audit (the findings are the audit's); nothing is published.
  addSettingOptions(command, AUDIT_SETTINGS, ['publish', 'eventBus', 'eventSource', 'eventRegion', 'failOn']);
  withNowOption(withCommonOptions(command))
    .addHelpText(
      'after',
      examples([
        'cloudhsm-ops report --region us-east-1,eu-west-1 --dr-region us-west-2 --html fleet.html',
        'cloudhsm-ops report --region us-east-1 --dr-region us-west-2 --html fleet.html --prune-older-than 90d',
        "cloudhsm-ops report --region us-east-1 --json | jq '.clusters[] | {id, zones}'",
      ]) +
        '\nGive --html FILE, --json, or both. The findings are those of `cloudhsm-ops audit` with the same flags.\n' +
        'Exit codes: 0 written, 1 a region could not be gathered (the report says which) or the file could ' +
        'not be written, 2 bad input.\n',
    )
    .action(action<ReportOptions>((options, out) => reportCommand(command, options, out)));
}

/** The command line shown in the report's header: the flags that shape it, never credentials. */
export function commandLine(options: ReportOptions): string {
  const words = ['cloudhsm-ops', 'report'];
  for (const region of options.region ?? []) words.push('--region', region);
  for (const region of options.drRegion ?? []) words.push('--dr-region', region);
  if (options.days !== '35') words.push('--days', options.days);
  if (options.pruneOlderThan) words.push('--prune-older-than', options.pruneOlderThan);
  if (options.copyRetention) words.push('--copy-retention', options.copyRetention);
  if (options.copyRetentionDays && options.copyRetentionDays !== '90')
    words.push('--copy-retention-days', options.copyRetentionDays);
  if (options.html) words.push('--html', options.html);
  if (options.json) words.push('--json');
  return words.join(' ');
}

async function reportCommand(command: Command, options: ReportOptions, out: Output): Promise<number> {
  refuseDash(options.html);
  if (!options.html && !options.json) {
    throw new UsageError(
      'say where the report goes: --html <file> for the page, --json for the data (or both)',
    );
  }
  const { config, now, clients } = await startJob(
    command,
    options,
    AUDIT_SETTINGS,
    (input) => ({
      audit: parseAuditConfig(input, { sameRegion: 'error', names: AUDIT_FLAG_NAMES }),
      days: parseCount(options.days, '--days', { min: 1, max: MAX_DAYS }),
      prune: options.pruneOlderThan ? pruneAge(options.pruneOlderThan) : undefined,
    }),
    { check: async () => (options.html ? refuseUnwritable('--html', options.html) : undefined) },
  );
  const { days, prune } = config;
  try {
    const [{ collectFleetReport }, { renderHtml }] = await Promise.all([
      import('../../lib/report/collect.js'),
      import('../../lib/report/html.js'),
    ]);
    const report = await collectFleetReport(clients, config.audit, now, {
      command: commandLine(options),
      days,
      ...(prune ? { pruneOlderThanDays: prune.as('days') } : {}),
    });
    if (options.html) {
      const page = renderHtml(report);
      await writeFile(options.html, page, 'utf8');
      // Under --json stdout carries only the document: the path goes to stderr.
      const line =
        `Wrote the fleet report (${report.clusters.length} clusters, ${report.findings.length} findings, ` +
        `${Math.ceil(Buffer.byteLength(page) / 1024)} KiB) to ${options.html}`;
      if (out.json) out.warn(line);
      else out.say(line);
    }
    out.document(report);
    for (const error of report.errors) out.warn(`error: ${error}`);
    return report.errors.length ? EXIT.FAILED : EXIT.OK;
  } finally {
    clients.destroy();
  }
}
