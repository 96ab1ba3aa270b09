import type { Command } from 'commander';
import { parseRestoreConfig, RESTORE_FLAG_NAMES, RESTORE_SETTINGS } from '../../lib/config/restore.js';
import { UsageError } from '../../lib/errors.js';
import { action, examples, type Output, regionsFrom, withCommonOptions, withNowOption } from '../common.js';
import { addSettingOptions, type JobOptions, startJob } from '../settings.js';

/** The options the command reads itself; its settings are read through RESTORE_SETTINGS. */
interface RestoreOptions extends JobOptions {
  region?: string[];
}

async function runRestoreCommand(command: Command, options: RestoreOptions, out: Output): Promise<number> {
  const { runRestore } = await import('../../lib/restore/restore.js');
  const { config, now, clients } = await startJob(
    command,
    options,
    RESTORE_SETTINGS,
    (input) =>
      parseRestoreConfig({ ...input, region: regionsFrom(options.region).join(',') }, RESTORE_FLAG_NAMES),
    { nowIs: 'date and time' },
  );
  try {
    const run = await runRestore({ clients }, config, now);
    if (run.result.unknownRun) throw new UsageError(run.result.unknownRun);
    out.document(run);
    if (!out.json) {
      for (const o of run.result.succeeded) {
        out.say(`restored ${o.backupId}  ${o.region}${o.detail === 'restored' ? '' : ` (${o.detail})`}`);
      }
      const wouldRestore = run.result.skipped.filter((o) => o.reason === 'dry-run');
      for (const o of wouldRestore) out.say(`would restore ${o.backupId}  ${o.region}`);
      for (const o of run.result.skipped.filter((o) => o.reason !== 'dry-run')) {
        out.say(`not attempted ${o.backupId}: ${o.detail}`);
      }
      for (const o of run.result.failed) out.say(`FAILED ${o.backupId}: ${o.detail}`);
      if (run.result.alreadyRestored) out.say(run.result.alreadyRestored);
      const { succeeded, failed, skipped } = run.result.counts;
      if (run.dryRun) {
        out.say(
          `dry run: ${wouldRestore.length} would be restored, ${skipped - wouldRestore.length} not attempted, ` +
            `${failed} failed; nothing was changed`,
        );
      } else out.say(`${succeeded} restored, ${failed} failed, ${skipped} not attempted`);
      if (succeeded > 0) out.say(`next prune: ${run.nextPrune}`);
      out.say(`run id ${run.runId}`);
      if (run.events && run.events.lost.length === 0 && config.publish) {
        out.say(`published ${run.events.published} event(s) to ${config.eventBus}`);
      }
    }
    if (run.result.failed.length > 0) {
      out.warn(`error: ${run.result.failed.length} backup(s) could not be restored`);
    }
    for (const lost of run.events?.lost ?? []) out.warn(`error: ${lost}`);
    return run.exitCode;
  } finally {
    clients.destroy();
  }
}

/** Registers `cloudhsm-ops restore`. */
export function registerRestore(program: Command): void {
  const command = program
    .command('restore')
    .description(
      'Undo a prune: RestoreBackup for backups in PENDING_DELETION (the 7-day window after a delete). ' +
        'Backups in any other state are reported, not attempted. Prune records each deletion on the ' +
        'backup (tag cloudhsm-ops:deleted-by:<run id>), so --run-id and --deleted-since restore only what prune deleted.',
    );
  addSettingOptions(command, RESTORE_SETTINGS);
  withNowOption(withCommonOptions(command))
    .addHelpText(
      'after',
      examples([
        'cloudhsm-ops restore --region us-east-1 --backup-id backup-abcdefghijk --backup-id backup-bcdefghijkl',
        'cloudhsm-ops restore --region us-east-1 --deleted-since 2h --dry-run',
        'cloudhsm-ops restore --region us-east-1 --run-id 0b6f3c1e-3f1a-4c7e-9d2b-5a8e4f1c2d3b --hold',
        'cloudhsm-ops restore --region us-east-1 --deleted-since 1d --cluster-id cluster-abcdefghijk --json',
      ]) +
        '\nWithout --hold, a restored backup is planned for deletion again by the next prune with the same settings.\n' +
        'Exit codes: 0 done (or nothing to restore), 1 a restore failed or a backup is gone, 2 bad input ' +
        '(also a --run-id no backup in the region carries a deletion record of).\n',
    )
    .action(action<RestoreOptions>((options, out) => runRestoreCommand(command, options, out)));
}
