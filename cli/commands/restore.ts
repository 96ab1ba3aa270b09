import type { Command } from 'commander';
import { accessWithoutScope, ORG_FLAG_NAMES, ORG_SETTINGS, parseOrgConfig } from '../../lib/config/org.js';
import { parseRestoreConfig, RESTORE_FLAG_NAMES, RESTORE_SETTINGS } from '../../lib/config/restore.js';
import { withoutEnv } from '../../lib/config/table.js';
import { UsageError } from '../../lib/errors.js';
import type { MemberAccess } from '../../lib/org/types.js';
import {
  action,
  clockFrom,
  examples,
  type Output,
  regionsFrom,
  withCommonOptions,
  withNowOption,
} from '../common.js';
import { addSettingOptions, type JobOptions, settingsFrom, startJob } from '../settings.js';

/** The options the command reads itself; its settings are read through RESTORE_SETTINGS. */
interface RestoreOptions extends JobOptions {
  region?: string[];
}

/** The organization options restore takes: one member account and how to reach it (no Lambda: no variables). */
const ACCOUNT_SETTINGS = withoutEnv({
  accounts: {
    ...ORG_SETTINGS.accounts,
    doc: 'restore in this member account (one 12-digit id), as the role --role-name, instead of your own',
  },
  roleName: ORG_SETTINGS.roleName,
  externalId: ORG_SETTINGS.externalId,
});

/**
 * The member account `--accounts` names (one: a run id belongs to one account's prune unit),
 * or undefined for the caller's own account. `--role-name` / `--external-id` need it.
 */
function memberAccountFrom(command: Command): { account: string; access: MemberAccess } | undefined {
  const input = settingsFrom(command, ORG_SETTINGS);
  const org = parseOrgConfig(input, ORG_FLAG_NAMES);
  const ignored = accessWithoutScope(input, org, ORG_FLAG_NAMES);
  // restore has no --organization: a run id belongs to one account.
  if (ignored.length > 0) throw new UsageError(ignored.join('; ').replaceAll(' or --organization', ''));
  if (org.scope.kind !== 'list') return undefined;
  if (org.scope.accounts.length !== 1) {
    throw new UsageError(
      '--accounts takes one account for restore (the account whose prune run you undo): run restore once per account',
    );
  }
  return { account: org.scope.accounts[0]!, access: org.access };
}

async function runRestoreCommand(command: Command, options: RestoreOptions, out: Output): Promise<number> {
  const member = memberAccountFrom(command);
  const [{ runRestore }, { MemberCredentials }, { newRunId }] = await Promise.all([
    import('../../lib/restore/restore.js'),
    import('../../lib/org/credentials.js'),
    import('../../lib/run.js'),
  ]);
  const { config, now, clients } = await startJob(
    command,
    options,
    RESTORE_SETTINGS,
    (input) =>
      parseRestoreConfig({ ...input, region: regionsFrom(options.region).join(',') }, RESTORE_FLAG_NAMES),
    { nowIs: 'date and time' },
  );
  const members = new MemberCredentials({ hub: clients, region: config.region, now: clockFrom(now) });
  try {
    const runId = newRunId();
    // A member's deletions are in its account: reached as prune reached it, through its role.
    const target = member ? await members.clientsFor(member.account, member.access, runId) : clients;
    const run = await runRestore(
      { clients: target, runId },
      member ? { ...config, account: member.account } : config,
      now,
    );
    if (run.result.unknownRun) {
      if (member) throw new UsageError(run.result.unknownRun);
      // For the message only: an STS failure leaves the account unnamed rather than hiding the answer.
      const account = await members.callerAccount().catch(() => undefined);
      throw new UsageError(
        `${run.result.unknownRun} (looked in ${account ? `account ${account}, ` : ''}the account your credentials ` +
          "belong to; a member account's prune run: add --accounts <its id>)",
      );
    }
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
    members.destroy();
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
  addSettingOptions(command, ACCOUNT_SETTINGS);
  withNowOption(withCommonOptions(command))
    .addHelpText(
      'after',
      examples([
        'cloudhsm-ops restore --region us-east-1 --backup-id backup-abcdefghijk --backup-id backup-bcdefghijkl',
        'cloudhsm-ops restore --region us-east-1 --deleted-since 2h --dry-run',
        'cloudhsm-ops restore --region us-east-1 --run-id 0b6f3c1e-3f1a-4c7e-9d2b-5a8e4f1c2d3b --hold',
        'cloudhsm-ops restore --region us-east-1 --deleted-since 1d --cluster-id cluster-abcdefghijk --json',
        'cloudhsm-ops restore --region us-east-1 --run-id 0b6f3c1e-3f1a-4c7e-9d2b-5a8e4f1c2d3b --accounts 222222222222',
      ]) +
        '\nA prune unit of an --accounts/--organization run deleted in a member account: undo it with --accounts <that id>\n' +
        '(one account; the member role is assumed as prune assumed it, with --role-name and --external-id).\n' +
        '\nWithout --hold, a restored backup is planned for deletion again by the next prune with the same settings.\n' +
        'Exit codes: 0 done (or nothing to restore), 1 a restore failed or a backup is gone, 2 bad input ' +
        '(also a --run-id no backup in the region carries a deletion record of).\n',
    )
    .action(action<RestoreOptions>((options, out) => runRestoreCommand(command, options, out)));
}
