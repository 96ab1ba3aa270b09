/**
 * The organization options of `audit`, `copy`, `prune` and `inventory` (lib/config/org.ts), and
 * the one way each of them runs over several accounts: resolve the accounts, run one unit per
 * (account, region) through lib/org/run-unit.ts under lib/org/runner.ts's limits, then print
 * each unit's own output, a per-account table and the failed units. Without the options a
 * command never comes here: its single-account run is unchanged.
 */
import { type Command, InvalidArgumentError } from 'commander';
import type { DateTime } from 'luxon';
import type { AwsClients } from '../lib/aws/clients.js';
import {
  accessWithoutScope,
  isOrgRun,
  ORG_FLAG_NAMES,
  ORG_SETTINGS,
  type OrgConfig,
  parseOrgConfig,
} from '../lib/config/org.js';
import { UsageError } from '../lib/errors.js';
import { partitionOf } from '../lib/events/types.js';
import { MESSAGE_VERSION } from '../lib/org/message-format.js';
import type { UnitDeps, UnitSettings } from '../lib/org/run-unit.js';
import {
  DEFAULT_MEMBER_ROLE,
  type OrgJob,
  type Unit,
  type UnitMessage,
  type UnitResult,
} from '../lib/org/types.js';
import { restoreRunCommand } from '../lib/restore/command.js';
import { printable } from '../lib/text/printable.js';
import { clockFrom, type Output } from './common.js';
import { addSettingOptions, settingsFrom } from './settings.js';

/** Units past which a progress bar is worth drawing (on a terminal only). */
const PROGRESS_THRESHOLD = 8;

/** Adds `--accounts`, `--organization`, `--ou`, `--exclude-accounts`, `--role-name`, `--external-id`, `--max-units`. */
export function addOrgOptions(command: Command): Command {
  addSettingOptions(command, ORG_SETTINGS);
  // Commander keeps the last of a repeated option: `--ou child --ou parent` would widen the scope.
  command.options
    .find((option) => option.long === ORG_SETTINGS.ou.flag)
    ?.argParser((value: string, previous: string | undefined) => {
      if (previous !== undefined) {
        throw new InvalidArgumentError(
          `${ORG_SETTINGS.ou.flag} is given more than once: give one OU (its child OUs are included)`,
        );
      }
      return value;
    });
  return command;
}

/** The organization options given, parsed (a UsageError, exit 2, before any client exists). */
export function orgFrom(command: Command): OrgConfig {
  const input = settingsFrom(command, ORG_SETTINGS);
  const config = parseOrgConfig(input, ORG_FLAG_NAMES);
  const ignored = accessWithoutScope(input, config, ORG_FLAG_NAMES);
  if (ignored.length > 0) throw new UsageError(ignored.join('; '));
  return config;
}

export { isOrgRun };

/**
 * Refuses regions of more than one partition across accounts: the member role's ARN, the hub's
 * credentials and Organizations all belong to one partition (the first region's), so a unit in
 * another partition would be sent there with the wrong ones.
 */
export function refuseMixedPartitions(regions: readonly string[]): void {
  const first = regions[0];
  if (first === undefined) return;
  const other = regions.find((region) => partitionOf(region) !== partitionOf(first));
  if (other === undefined) return;
  throw new UsageError(
    `the regions span partitions: ${first} (${partitionOf(first)}) and ${other} (${partitionOf(other)}); ` +
      'with --accounts or --organization every region must be in one partition (the member role is assumed ' +
      'there): run once per partition',
  );
}

/** The regions a run touches besides its units': DR regions, and the event bus's when it publishes. */
function otherRegions(settings: UnitSettings): string[] {
  const { audit, copy, prune } = settings;
  return [
    ...(audit?.drRegions ?? []),
    ...(copy?.drRegions ?? []),
    ...[audit, copy, prune].flatMap((job) => (job?.publish && job.eventRegion ? [job.eventRegion] : [])),
  ];
}

/** `--cluster-id` with the organization options: a cluster lives in one account and region. */
export function clusterIdAcrossAccounts(job: 'copy' | 'prune'): UsageError {
  return new UsageError(
    '--cluster-id names one cluster of one account and region: leave out --accounts and --organization ' +
      `(run ${job} with that account's credentials), or leave out --cluster-id`,
  );
}

/** The help lines every organization-capable command appends. */
export function orgHelp(command: string, example: string): string {
  return (
    '\nOrganization: with --accounts or --organization the job runs once per (account, region), as the role\n' +
    '--role-name in each member account (sts:AssumeRole once per account per run; your own account needs no\n' +
    'role). Events go to the event bus of the account you run in; findings, events and --json name each\n' +
    'member account. --ou and --exclude-accounts only narrow a scope. Exit 0 every unit done, 1 a unit failed\n' +
    '(each one named on stderr, the others still run), 2 bad input (nothing run).\n' +
    `  $ cloudhsm-ops ${command} ${example} --organization --ou ou-ab12-cdef3456 --exclude-accounts 444444444444\n` +
    `  $ cloudhsm-ops ${command} ${example} --accounts 111111111111,222222222222 --external-id ops-2026\n`
  );
}

/**
 * The options a command printed for one unit needs to reach that unit's account, as the run
 * reached it: `--accounts <id>`, and the role name and external id when the run was given them.
 */
export function unitAccessArgs(org: OrgConfig, account: string): string[] {
  const { roleName, externalId } = org.access;
  return [
    '--accounts',
    account,
    ...(roleName !== DEFAULT_MEMBER_ROLE ? ['--role-name', roleName] : []),
    ...(externalId ? ['--external-id', externalId] : []),
  ];
}

/** How a job's unit shows: its counts in the table, its own lines above it. */
export interface UnitView {
  /** Short counts for the per-account table (`2 clusters, 1 FAILED`). */
  counts(result: UnitResult): string;
  /** The unit's own output, as the single-account command would say it. */
  lines(result: UnitResult): string[];
  /** Fields added to the unit's `--json` result, as the single-account document has them (prune's `applyCommand`). */
  document?(result: UnitResult): Record<string, unknown>;
}

/** What {@link runOrgJob} runs. */
export interface OrgJobRun {
  job: OrgJob;
  org: OrgConfig;
  /** The regions each account is worked in (one unit per account and region). */
  regions: string[];
  settings: UnitSettings;
  now: DateTime;
  /** The hub's clients (the caller's credentials); the run destroys them when it ends. */
  clients: AwsClients;
  out: Output;
  view: UnitView;
  prune?: UnitDeps['prune'];
}

/**
 * Runs the job over the organization's units and prints the result; returns the exit code:
 * 0 every unit done, 1 a unit failed (each one named on stderr), 2 bad input (an unknown OU).
 */
export async function runOrgJob(run: OrgJobRun): Promise<number> {
  try {
    return await runUnitsOf(run);
  } finally {
    run.clients.destroy();
  }
}

async function runUnitsOf(run: OrgJobRun): Promise<number> {
  const { job, org, regions, clients, out, now } = run;
  refuseMixedPartitions([...regions, ...otherRegions(run.settings)]);
  const [{ organizationsRegion, resolveAccounts }, { MemberCredentials }, { runUnit }, runner, { newRunId }] =
    await Promise.all([
      import('../lib/org/accounts.js'),
      import('../lib/org/credentials.js'),
      import('../lib/org/run-unit.js'),
      import('../lib/org/runner.js'),
      import('../lib/run.js'),
    ]);
  const home = regions[0]!;
  const clock = clockFrom(now);
  const members = new MemberCredentials({ hub: clients, region: home, now: clock });
  try {
    const resolved = await resolveAccounts(org.scope, {
      ...(org.scope.kind === 'organization'
        ? { organizations: clients.organizations(organizationsRegion(home)) }
        : {}),
      names: ORG_FLAG_NAMES,
    });
    for (const note of resolved.notes) out.warn(`note: ${printable(note)}`);
    const runId = newRunId();
    const plannedAt = now.toUTC().toISO({ suppressMilliseconds: true })!;
    const units = runner.unitsFor(job, resolved.accounts, regions);
    out.warn(
      `${job} run ${runId}: ${units.length} unit(s), ${resolved.accounts.length} account(s) × ${regions.length} ` +
        `region(s), up to ${org.maxUnits} at once`,
    );
    // The options a command printed for one unit needs: its account, then the run's own.
    const unitCommandArgs = (unit: Unit) => [
      ...unitAccessArgs(org, unit.account.id),
      ...(run.prune?.commandArgs ?? []),
    ];
    const deps: UnitDeps = {
      hub: clients,
      members,
      settings: run.settings,
      clock,
      ...(run.prune ? { prune: run.prune } : {}),
      unitCommandArgs,
      onPrunePlan: (unit, pruneRunId, plan) => {
        if (run.settings.prune?.execute && plan.counts.delete > 0 && !plan.overLimit) {
          const undo = restoreRunCommand(unit.region, pruneRunId, unitCommandArgs(unit));
          out.warn(
            `prune run ${pruneRunId} in ${unit.account.id} ${unit.region}: deleting up to ${plan.counts.delete} ` +
              `backup(s); this undoes it: ${undo}`,
          );
        }
      },
    };
    const message = (unit: UnitMessage['unit']): UnitMessage => ({
      version: MESSAGE_VERSION,
      runId,
      plannedAt,
      unit,
      access: org.access,
    });
    const progress = await progressBar(out, units.length);
    let results: UnitResult[];
    try {
      results = await runner.runUnits(units, (unit) => runUnit(deps, message(unit)), {
        maxUnits: org.maxUnits,
        onDone: (_, done) => progress.update(done),
      });
    } finally {
      progress.stop();
    }
    // Read by account, then region (the run itself went region by region).
    results.sort((a, b) => byAccountThenRegion(a.unit, b.unit));
    const failed = runner.failedUnits(results);
    const exitCode = runner.orgExitCode(results);
    if (out.json) {
      out.document({
        runId,
        job,
        plannedAt,
        units: results.map((result) => unitDocument(result, run.view)),
        failedUnits: failed,
        exitCode,
      });
    } else {
      await printUnits(results, run.view, out);
    }
    // Names and reasons come from outside: escaped, so none can forge a line of its own.
    for (const line of failed) out.warn(`unit failed: ${printable(line)}`);
    if (failed.length > 0) out.warn(`${failed.length} of ${units.length} unit(s) failed (exit ${exitCode})`);
    return exitCode;
  } finally {
    members.destroy();
  }
}

function byAccountThenRegion(a: UnitMessage['unit'], b: UnitMessage['unit']): number {
  return a.account.id.localeCompare(b.account.id) || a.region.localeCompare(b.region);
}

/** A long reason cut for a table cell (the failed units are named in full on stderr). */
function shorten(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 3)}...`;
}

/** One unit in `--json`. */
function unitDocument(result: UnitResult, view: UnitView) {
  return {
    account: result.unit.account.id,
    accountName: result.unit.account.name ?? null,
    region: result.unit.region,
    exitCode: result.exitCode,
    failures: result.failures,
    result: result.result === undefined ? null : { ...(result.result as object), ...view.document?.(result) },
  };
}

/** Each unit's own output under a heading, then the per-account table. */
async function printUnits(results: readonly UnitResult[], view: UnitView, out: Output): Promise<void> {
  const { columns } = await import('../lib/text/columns.js');
  for (const result of results) {
    const { account, region } = result.unit;
    out.say(`== ${account.id}${account.name ? ` (${printable(account.name)})` : ''} ${region}`);
    if (result.result !== undefined) for (const line of view.lines(result)) out.say(line);
    for (const failure of result.failures) out.say(`failed: ${printable(failure)}`);
    out.say();
  }
  const c = out.colors;
  const lines = columns(
    ['account', 'name', 'region', 'outcome', 'counts'],
    results.map((r) => [
      r.unit.account.id,
      printable(r.unit.account.name ?? ''),
      r.unit.region,
      r.exitCode === 0 ? 'ok' : 'FAILED',
      r.result !== undefined ? view.counts(r) : shorten(printable(r.failures[0] ?? ''), 100),
    ]),
    (row, column, padded) =>
      column === 3 ? (results[row]!.exitCode === 0 ? c.green : c.red)(padded) : padded,
  );
  for (const line of lines) out.say(line);
}

/** A units bar on stderr, on a terminal and for long runs only. */
async function progressBar(out: Output, total: number) {
  if (!out.interactive || total < PROGRESS_THRESHOLD) return { update: (_: number) => {}, stop: () => {} };
  // CommonJS: `default` is its exports in the shipped bundle too (named members exist only unbundled).
  const { SingleBar, Presets } = (await import('cli-progress')).default;
  const bar = new SingleBar(
    { format: 'units [{bar}] {value}/{total}', stream: process.stderr },
    Presets.shades_classic,
  );
  bar.start(total, 0);
  return { update: (done: number) => bar.update(done), stop: () => bar.stop() };
}
