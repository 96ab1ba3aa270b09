import type { Command } from 'commander';
import {
  action,
  type CommonOptions,
  clientsFrom,
  collect,
  EXIT,
  examples,
  nowFrom,
  type Output,
  regionsFrom,
  withCommonOptions,
  withNowOption,
} from '../common.js';

interface RestoreOptions extends CommonOptions {
  region?: string[];
  backupId?: string[];
  deletedSince?: string;
  clusterId?: string;
  concurrency?: string;
  publish?: boolean;
  eventBus?: string;
  eventSource?: string;
  now?: string;
}

async function runRestoreCommand(options: RestoreOptions, out: Output): Promise<number> {
  const { parseRestoreConfig, runRestore } = await import('../../lib/restore/restore.js');
  const regions = regionsFrom(options.region);
  const config = parseRestoreConfig({
    region: regions.length === 1 ? regions[0] : regions.join(','),
    backupIds: options.backupId?.join(','),
    deletedSince: options.deletedSince,
    clusterId: options.clusterId,
    concurrency: options.concurrency,
    publish: options.publish ? 'true' : undefined,
    eventBus: options.eventBus,
    eventSource: options.eventSource,
  });
  const now = nowFrom(options, 'date and time');
  const clients = await clientsFrom(options);
  try {
    const run = await runRestore({ clients }, config, now);
    out.document(run);
    if (!out.json) {
      for (const o of run.result.succeeded) {
        out.say(`restored ${o.backupId}  ${o.region}${o.reason === 'restored' ? '' : ` (${o.detail})`}`);
      }
      for (const o of run.result.skipped) out.say(`not attempted ${o.backupId}: ${o.detail}`);
      for (const o of run.result.failed) out.say(`FAILED ${o.backupId}: ${o.detail}`);
      const { succeeded, failed, skipped } = run.result.counts;
      out.say(`${succeeded} restored, ${failed} failed, ${skipped} not attempted`);
      if (run.events && run.events.lost.length === 0 && config.publish) {
        out.say(`published ${run.events.published} event(s) to ${config.eventBus}`);
      }
    }
    if (run.result.failed.length > 0) {
      out.warn(`error: ${run.result.failed.length} backup(s) could not be restored`);
    }
    for (const lost of run.events?.lost ?? []) out.warn(`error: ${lost}`);
    return run.exitCode === 0 ? EXIT.OK : EXIT.FAILED;
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
        'Backups in any other state are reported, not attempted.',
    )
    .option('--region <region>', 'region of the backups (default $AWS_REGION)', collect)
    .option('--backup-id <id>', 'backup to restore (repeatable, or a comma list)', collect)
    .option('--deleted-since <age>', 'restore every backup deleted within this age: 2h, 1d')
    .option('--cluster-id <id>', 'with --deleted-since: only this cluster (lineage)')
    .option('--concurrency <n>', 'restores in flight at once', '6')
    .option('--publish', 'publish each restore as a `CloudHSM Backup Restored` event')
    .option('--event-bus <name>', 'event bus for --publish (default: the default bus)')
    .option('--event-source <source>', 'event source for --publish (default: cloudhsm-ops)');
  withNowOption(withCommonOptions(command))
    .addHelpText(
      'after',
      examples([
        'cloudhsm-ops restore --region us-east-1 --backup-id backup-abcdefghijk --backup-id backup-bcdefghijkl',
        'cloudhsm-ops restore --region us-east-1 --deleted-since 2h',
        'cloudhsm-ops restore --region us-east-1 --deleted-since 1d --cluster-id cluster-abcdefghijk --json',
      ]) +
        '\nExit codes: 0 done (or nothing to restore), 1 a restore failed or a backup is gone, 2 bad input.\n',
    )
    .action(action<RestoreOptions>(runRestoreCommand));
}
