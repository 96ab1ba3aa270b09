import type { Command } from 'commander';
import { COPY_FLAG_NAMES, COPY_SETTINGS, type CopyConfig, parseCopyConfig } from '../../lib/config/copy.js';
import type { CopyLine, CopyProgress, CopyResult } from '../../lib/copy/execute.js';
import { action, clockFrom, examples, type Output, withCommonOptions, withNowOption } from '../common.js';
import {
  addOrgOptions,
  clusterIdAcrossAccounts,
  isOrgRun,
  orgFrom,
  orgHelp,
  refuseMixedPartitions,
  runOrgJob,
} from '../org.js';
import { addSettingOptions, type JobOptions, startJob } from '../settings.js';

/** Progress bars only pay off past a handful of copies. */
const PROGRESS_THRESHOLD = 8;

/** Registers `cloudhsm-ops copy`. */
export function registerCopy(program: Command): void {
  const command = program
    .command('copy')
    .description(
      'Copy each READY backup created within --since to every disaster-recovery region, exactly once. ' +
        'Existing copies (found by their source backup id) are never made again; a DR region equal to a ' +
        'source region is refused. Each copy carries the source’s tags plus cloudhsm-ops:copy-of, ' +
        'cloudhsm-ops:source-region and cloudhsm-ops:source-cluster, so prune can expire it by lineage.',
    );
  addSettingOptions(command, COPY_SETTINGS);
  addOrgOptions(command);
  withNowOption(withCommonOptions(command))
    .addHelpText(
      'after',
      examples([
        'cloudhsm-ops copy --region us-east-1 --dr-region us-west-2 --dry-run',
        'cloudhsm-ops copy --region us-east-1,eu-central-1 --dr-region us-west-2 --dr-region eu-west-1',
        'cloudhsm-ops copy --region us-east-1 --dr-region us-west-2 --cluster-id cluster-abcdefghijk --since 7d --wait',
        'cloudhsm-ops copy --region us-east-1 --dr-region us-west-2 --publish --event-bus ops-feed --json',
      ]) +
        '\nExit codes: 0 done or nothing to do, 1 a copy, the wait or an event failed, or a copy was deferred\n' +
        '(another run holds the source backup, or this run had to stop: run again later), 2 bad input (nothing copied).\n' +
        'Two regions that back each other up need two runs, one per direction.\n' +
        orgHelp('copy', '--region us-east-1 --dr-region us-west-2') +
        'In each member account the copies are claimed and made exactly once, as without the options. --cluster-id\n' +
        'is refused with the organization options (a cluster lives in one account).\n',
    )
    .action(action<JobOptions>((options, out) => copyCommand(command, options, out)));
}

async function copyCommand(command: Command, options: JobOptions, out: Output): Promise<number> {
  const org = orgFrom(command);
  const { config, now, clients } = await startJob(
    command,
    options,
    COPY_SETTINGS,
    (input) => parseCopyConfig(input, { sameRegion: 'error', names: COPY_FLAG_NAMES }),
    {
      check: (settings) => {
        if (!isOrgRun(org)) return;
        if (settings.clusterIds.length > 0) {
          throw clusterIdAcrossAccounts('copy');
        }
        refuseMixedPartitions([...settings.sourceRegions, ...settings.drRegions]);
      },
    },
  );
  if (isOrgRun(org)) {
    return runOrgJob({
      job: 'copy',
      org,
      regions: config.sourceRegions,
      settings: { copy: config },
      now,
      clients,
      out,
      view: {
        counts: (result) => copyCounts(result.result as CopyResult),
        lines: (result) => copyUnitLines(result.result as CopyResult),
      },
    });
  }
  const [{ runCopy }, { copyRunFailures }, { exitCodeOf }] = await Promise.all([
    import('../../lib/copy/execute.js'),
    import('../../lib/copy/result.js'),
    import('../../lib/jobs/run.js'),
  ]);
  const progress = await progressReporter(out);
  try {
    const result = await runCopy({ clients, onProgress: progress.update, now: clockFrom(now) }, config, now);
    progress.stop();
    // The exit decision once, carried in the document like prune's and restore's.
    const failures = copyRunFailures(result);
    const exitCode = exitCodeOf({ failures });
    if (out.json) out.document({ ...result, plan: planSummary(result), failures, exitCode });
    else await render(result, config, out);
    reportLost(result, config, out);
    return exitCode;
  } finally {
    progress.stop();
    clients.destroy();
  }
}

function planSummary(result: CopyResult) {
  const { now, windowStart, sourceRegions, drRegions } = result.plan;
  return { now, windowStart, sourceRegions, drRegions, lines: result.plan.items.length };
}

/** A progress bar on stderr for the copy and wait phases, only on a terminal and for many copies. */
async function progressReporter(out: Output) {
  const quiet = { update: (_: CopyProgress) => {}, stop: () => {} };
  if (!out.interactive) return quiet;
  // CommonJS: `default` is its exports in the shipped bundle too (named members exist only unbundled).
  const { SingleBar, Presets } = (await import('cli-progress')).default;
  let bar: InstanceType<typeof SingleBar> | undefined;
  let phase = '';
  return {
    update(progress: CopyProgress) {
      if (progress.phase !== 'copy' && progress.phase !== 'wait') return;
      if (progress.total < PROGRESS_THRESHOLD) return;
      if (phase !== progress.phase) {
        bar?.stop();
        phase = progress.phase;
        bar = new SingleBar(
          {
            format: `${phase === 'copy' ? 'copying' : 'waiting for READY'} [{bar}] {value}/{total}`,
            stream: process.stderr,
          },
          Presets.shades_classic,
        );
        bar.start(progress.total, progress.done);
      }
      bar?.update(progress.done);
    },
    stop() {
      bar?.stop();
      bar = undefined;
    },
  };
}

type Row = { line: CopyLine; result: string; note: string };

function rows(result: CopyResult): Row[] {
  const out: Row[] = [];
  const add = (
    lines: CopyLine[],
    label: string | ((l: CopyLine) => string),
    note: (l: CopyLine) => string,
  ) => {
    for (const line of lines)
      out.push({ line, result: typeof label === 'string' ? label : label(line), note: note(line) });
  };
  if (result.dryRun) add(result.planned, 'would copy', () => '');
  add(
    result.copied,
    (l) => (l.recovered ? 'copied (answer lost, found)' : 'copied'),
    (l) => [l.destinationBackupId, l.state].filter(Boolean).join(' ') || 'id not known yet',
  );
  add(result.alreadyPresent, 'already present', (l) => l.detail ?? l.destinationBackupId ?? '');
  add(
    result.skipped,
    (l) => `skipped: ${l.reason}`,
    (l) => l.detail ?? '',
  );
  add(
    result.deferred,
    (l) => `deferred: ${l.reason}`,
    (l) => l.detail ?? '',
  );
  add(result.failed, 'FAILED', (l) => l.detail ?? l.reason ?? '');
  add(result.notReady, 'not READY', (l) => l.detail ?? '');
  return out;
}

async function render(result: CopyResult, config: CopyConfig, out: Output): Promise<void> {
  const { columns } = await import('../../lib/text/columns.js');
  const c = out.colors;
  const window = `${config.since.toHuman()} (since ${result.plan.windowStart.toISOString()})`;
  out.say(
    `${result.dryRun ? 'Dry run: ' : ''}copy ${config.sourceRegions.join(', ')} → ${config.drRegions.join(', ')}, ` +
      `backups created within ${window}`,
  );
  // What was done or is to be done, and why the rest was left; backups older than the window
  // are only counted (below, and listed in --json).
  const listed = rows(result).filter(({ line }) => line.reason !== 'outside-window');
  if (listed.length > 0) {
    const colour = (label: string) =>
      label === 'FAILED' || label === 'not READY'
        ? c.red
        : label.startsWith('deferred')
          ? c.yellow
          : label.startsWith('copied') || label === 'would copy'
            ? c.green
            : (text: string) => text;
    const lines = columns(
      ['source', 'backup', 'cluster', 'to', 'result', 'copy / why'],
      listed.map(({ line, result: label, note }) => [
        line.sourceRegion,
        line.sourceBackupId ?? '',
        line.sourceClusterId ?? '',
        line.destinationRegion ?? '(all)',
        label,
        note,
      ]),
      (row, column, padded) => (column === 4 ? colour(listed[row]!.result)(padded) : padded),
    );
    for (const line of lines) out.say(line);
  } else {
    out.say('Nothing in the window to copy.');
  }
  for (const duplicate of result.duplicates) {
    out.warn(
      `duplicate copies of ${duplicate.sourceBackupId} in ${duplicate.destinationRegion}: ` +
        `${duplicate.copies.map((c) => `${c.backupId} (${c.state})`).join(', ')}` +
        (duplicate.removed ? `; removed this run’s ${duplicate.removed}` : ''),
    );
  }
  for (const warning of result.warnings) out.warn(`warning: ${warning}`);
  const counts = result.counts;
  const verb = result.dryRun ? `would copy ${result.planned.length}` : `copied ${counts.copied}`;
  const older = result.skipped.filter((l) => l.reason === 'outside-window').length;
  out.say(
    `${verb}, already present ${counts.alreadyPresent}` +
      (counts.deferred > 0 ? `, deferred ${counts.deferred}` : '') +
      `, skipped ${counts.skipped}` +
      (older > 0 ? ` (${older} created before the window: counted, not listed)` : '') +
      `, failed ${counts.failed}` +
      (config.wait ? `, not READY ${counts.notReady}` : '') +
      (result.events ? `, events published ${result.events.published}` : '') +
      ` (run ${result.runId})`,
  );
  if (result.dryRun && result.planned.length > 0) out.say('Run again without --dry-run to copy.');
  if (counts.deferred > 0) {
    const until = result.deferred
      .map((l) => l.claimUntil)
      .filter(Boolean)
      .sort()
      .at(-1);
    out.warn(
      `${counts.deferred} copy(ies) deferred, still not made: run copy again` +
        (until ? ` after ${until}, when the claims above expire` : '') +
        ' (exit 1).',
    );
  }
}

/** Undelivered events are a failure the user must hear about by name, on stderr, even under --json. */
function reportLost(result: CopyResult, config: CopyConfig, out: Output): void {
  const failed = result.events?.failed ?? [];
  if (failed.length === 0) return;
  out.warn(
    `error: ${failed.length} event(s) were NOT delivered to EventBridge bus "${config.eventBus}" in ${config.eventRegion}:`,
  );
  for (const item of failed.slice(0, 20))
    out.warn(`  - ${item.event}: ${item.errorCode}: ${item.errorMessage}`);
  if (failed.length > 20) out.warn(`  ... and ${failed.length - 20} more`);
}

/** One unit's copy counts for the organization table. */
function copyCounts(result: CopyResult): string {
  const { counts } = result;
  const done = result.dryRun ? `would copy ${result.planned.length}` : `copied ${counts.copied}`;
  return (
    `${done}, already present ${counts.alreadyPresent}` +
    (counts.deferred > 0 ? `, deferred ${counts.deferred}` : '') +
    `, failed ${counts.failed} (run ${result.runId})`
  );
}

/** One unit's copies, as lines: what was (or would be) copied, deferred or failed. */
function copyUnitLines(result: CopyResult): string[] {
  const line = (label: string, l: CopyLine) =>
    `${label} ${l.sourceBackupId ?? ''} ${l.sourceRegion} → ${l.destinationRegion ?? '(all)'}` +
    (l.destinationBackupId ? ` ${l.destinationBackupId}` : '') +
    (l.detail ? `: ${l.detail}` : '');
  return [
    ...(result.dryRun ? result.planned.map((l) => line('would copy', l)) : []),
    ...result.copied.map((l) => line('copied', l)),
    ...result.deferred.map((l) => line(`deferred (${l.reason})`, l)),
    ...result.failed.map((l) => line('FAILED', l)),
    ...result.warnings.map((w) => `warning: ${w}`),
    copyCounts(result),
  ];
}
