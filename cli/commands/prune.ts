import { type Command, Option } from 'commander';
import type { DateTime } from 'luxon';
import { DEFAULT_MAX_ATTEMPTS } from '../../lib/config/common.js';
import { PRUNE_FLAG_NAMES, PRUNE_SETTINGS, parsePruneConfig } from '../../lib/config/prune.js';
import { UsageError } from '../../lib/errors.js';
import type { UnitResult } from '../../lib/org/types.js';
import type { PlanEntry, PrunePlan } from '../../lib/prune/plan.js';
import type { PruneRun } from '../../lib/prune/run.js';
import { newRunId } from '../../lib/run.js';
import { action, examples, type Output, regionsFrom, withCommonOptions, withNowOption } from '../common.js';
import {
  addOrgOptions,
  clusterIdAcrossAccounts,
  isOrgRun,
  orgFrom,
  orgHelp,
  runOrgJob,
  unitAccessArgs,
} from '../org.js';
import { addSettingOptions, type JobOptions, startJob } from '../settings.js';

/** The options the command reads itself; its settings are read through {@link PRUNE_SETTINGS}. */
interface PruneOptions extends JobOptions {
  all?: boolean;
  region?: string[];
  clusterId?: string;
  clusterID?: string;
  dryrun?: boolean;
}

/** Commander's two spellings of one option; both given and different is bad input. */
function either(a: string | undefined, b: string | undefined, names: string): string | undefined {
  if (a !== undefined && b !== undefined && a !== b)
    throw new UsageError(`${names} disagree ("${a}" vs "${b}")`);
  return a ?? b;
}

/** A --copies-as-of after now would make copies candidates that no dry run up to now listed. */
function refuseFutureCopiesAsOf(copiesAsOf: string | undefined, now: DateTime): void {
  if (copiesAsOf !== undefined && Date.parse(copiesAsOf) > now.toMillis()) {
    throw new UsageError(
      `--copies-as-of ${copiesAsOf} is in the future: give the instant a dry run printed (it is never later than now)`,
    );
  }
}

/** Common options that must reappear in printed commands so they reach the same endpoint. */
export function passThroughArgs(options: JobOptions): string[] {
  const args: string[] = [];
  if (options.endpoint) args.push('--endpoint', options.endpoint);
  if (options.maxAttempts && options.maxAttempts !== String(DEFAULT_MAX_ATTEMPTS))
    args.push('--max-attempts', options.maxAttempts);
  if (options.timeout && options.timeout !== '30') args.push('--timeout', options.timeout);
  if (options.allowInsecureEndpoint) args.push('--allow-insecure-endpoint');
  // The sandbox's instant: without it the printed command would judge at another time.
  if (options.now) args.push('--now', options.now);
  return args;
}

async function runPruneCommand(command: Command, options: PruneOptions, out: Output): Promise<number> {
  const org = orgFrom(command);
  const { config, now, clients } = await startJob(
    command,
    options,
    PRUNE_SETTINGS,
    (input) =>
      parsePruneConfig(
        {
          ...input,
          regions: regionsFrom(options.region).join(','),
          clusterId: either(options.clusterId, options.clusterID, '--cluster-id and --clusterID'),
          ...(options.dryrun ? { dryRun: 'true' } : {}),
        },
        PRUNE_FLAG_NAMES,
      ),
    {
      nowIs: 'date and time',
      check: async (settings, at) => {
        refuseFutureCopiesAsOf(settings.copiesAsOf, at);
        if (!isOrgRun(org)) return;
        if (settings.clusterId !== undefined) {
          throw clusterIdAcrossAccounts('prune');
        }
        // Each unit would refuse it too, but only after the accounts were listed and their roles assumed.
        const { refuseFutureCutoff } = await import('../../lib/prune/run.js');
        refuseFutureCutoff(settings, at, PRUNE_FLAG_NAMES);
      },
    },
  );
  const [{ runPrune }, report, { default: cliProgress }] = await Promise.all([
    import('../../lib/prune/run.js'),
    import('../../lib/prune/report.js'),
    import('cli-progress'),
  ]);
  const extraArgs = passThroughArgs(options);
  if (config.dryRunOverrode) out.warn('note: --dry-run wins over --execute: nothing will be deleted');
  const paint = (entry: { decision: string }, text: string) =>
    entry.decision === 'delete' ? out.colors.red(text) : out.colors.green(text);
  /** The plan as the command prints it: its cutoffs, the rows, what was left out, the summary. */
  const planText = (plan: PrunePlan, view: { execute: boolean; all: boolean; paint: typeof paint }) => {
    const include = (e: PlanEntry) => (view.execute ? e.decision === 'delete' : e.reason !== 'other-cluster');
    const hidden = plan.entries.filter((e) => !include(e)).length;
    return [
      ...report.cutoffLines(plan),
      ...report.planLines(plan, { all: view.all, paint: view.paint, include }),
      ...(hidden > 0
        ? [
            view.execute
              ? `(${hidden} kept backups not shown)`
              : `(${hidden} backups of other clusters not shown)`,
          ]
        : []),
      report.planSummary(plan),
    ];
  };
  /** What a dry run says after its plan: nothing to delete, or the command that applies it. */
  const dryRunNext = (plan: PrunePlan, apply: string): string[] => {
    if (plan.counts.delete === 0) return ['Nothing to delete.'];
    if (plan.overLimit) {
      return [
        'Nothing was deleted.',
        ...report.overLimitAdvice(plan),
        'The command with your settings (it refuses this plan as it stands):',
        `  ${apply}`,
      ];
    }
    return ['Nothing was deleted. To apply this plan, run:', `  ${apply}`];
  };
  if (isOrgRun(org)) {
    /** A unit's commands: scoped to its account and region, the other flags kept. */
    const commandsFor = (unit: UnitResult['unit']): UnitCommands => {
      const args = [...unitAccessArgs(org, unit.account.id), ...extraArgs];
      return {
        apply: (plan) => report.applyCommand(plan, { ...config, regions: [unit.region] }, args),
        undo: (runId) => report.restoreRunCommand(unit.region, runId, args),
      };
    };
    /** The single-account prune's text for one unit: the plan, then what to run next. */
    const unitLines = (run: PruneRun, commands: UnitCommands): string[] => {
      const { plan } = run;
      const lines = planText(plan, { execute: config.execute, all: Boolean(options.all), paint });
      if (run.mode === 'dry-run') lines.push(...dryRunNext(plan, commands.apply(plan)));
      else if (run.result) {
        lines.push(...report.resultLines(run.result));
        if (plan.overLimit) lines.push(`over --max-deletions ${plan.maxDeletions}: refused`);
        if (run.result.succeeded.length > 0) {
          lines.push('To undo this run (within the 7-day restore window):', `  ${commands.undo(run.runId)}`);
        }
      }
      lines.push(`run id ${run.runId}`);
      return lines;
    };
    return runOrgJob({
      job: 'prune',
      org,
      regions: config.regions,
      settings: { prune: config },
      now,
      clients,
      out,
      prune: { names: PRUNE_FLAG_NAMES, commandArgs: extraArgs },
      view: {
        counts: (result) => pruneCounts(result.result as PruneRun),
        lines: (result) => unitLines(result.result as PruneRun, commandsFor(result.unit)),
        document: (result) => {
          const run = result.result as PruneRun;
          const commands = commandsFor(result.unit);
          if (run.mode === 'dry-run') return { applyCommand: commands.apply(run.plan) };
          return run.result && run.result.succeeded.length > 0
            ? { undoCommand: commands.undo(run.runId) }
            : {};
        },
      },
    });
  }

  // Known before the first delete and said then, so that a run killed midway can be undone.
  const runId = newRunId();
  let bar: InstanceType<typeof cliProgress.SingleBar> | undefined;
  try {
    const run = await runPrune(
      {
        clients,
        runId,
        commandArgs: extraArgs,
        names: PRUNE_FLAG_NAMES,
        applyCommand: (plan) => report.applyCommand(plan, config, extraArgs),
        onPlan: (plan) => {
          if (config.execute && plan.counts.delete > 0 && !plan.overLimit) {
            out.warn(
              `prune run ${runId}: deleting up to ${plan.counts.delete} backup(s); restore --run-id ${runId} undoes it`,
            );
          }
          if (out.json) return;
          out.say(
            `${config.execute ? 'Prune' : 'Prune plan (dry run)'}: ${plan.regions.join(', ')}` +
              (plan.clusterId ? `, cluster ${plan.clusterId}` : ', every cluster'),
          );
          for (const line of planText(plan, { execute: config.execute, all: Boolean(options.all), paint })) {
            out.say(line);
          }
          if (plan.overLimit) {
            out.warn(
              out.colors.yellow(
                `warning: ${plan.counts.delete} deletions exceed --max-deletions ${plan.maxDeletions}; ` +
                  'an --execute run refuses this plan before the first delete.',
              ),
            );
          }
          if (config.execute && plan.counts.delete >= 20 && out.interactive) {
            bar = new cliProgress.SingleBar(
              { stream: process.stderr, format: 'deleting [{bar}] {value}/{total} {eta_formatted}' },
              cliProgress.Presets.shades_classic,
            );
            bar.start(plan.counts.delete, 0);
          }
        },
        onProgress: (progress) => bar?.update(progress.done),
      },
      config,
      now,
    );
    bar?.stop();
    bar = undefined;

    const apply = run.mode === 'dry-run' ? report.applyCommand(run.plan, config, extraArgs) : undefined;
    out.document({ ...run, ...(apply ? { applyCommand: apply } : {}) });
    if (!out.json) {
      if (run.mode === 'dry-run') {
        if (run.plan.counts.delete > 0) out.say('');
        for (const line of dryRunNext(run.plan, apply!)) out.say(line);
      } else if (run.result) {
        for (const line of report.resultLines(run.result)) out.say(line);
        if (run.result.restoreCommands.length > 0) {
          out.say('');
          out.say('To undo this run (within the 7-day restore window):');
          for (const command of run.result.restoreCommands) out.say(`  ${command}`);
          const regions = [...new Set(run.result.succeeded.map((o) => o.region))];
          out.say('or, by the run id (each deleted backup carries its record):');
          for (const region of regions) {
            out.say(`  ${report.restoreRunCommand(region, run.runId, extraArgs)}`);
          }
        }
      }
    }
    if (run.result?.refused) out.warn(`error: ${run.result.refused}`);
    if (run.result && run.result.failed.length > 0) {
      out.warn(
        `error: ${run.result.failed.length} deletion(s) failed: ${run.result.failed.map((o) => o.backupId).join(', ')}`,
      );
    }
    for (const lost of run.events?.lost ?? []) out.warn(`error: ${lost}`);
    if (!out.json) out.say(`run id ${run.runId}`);
    if (run.events && run.events.lost.length === 0 && !out.json && config.publish) {
      out.say(`published ${run.events.published} event(s) to ${config.eventBus}`);
    }
    return run.exitCode;
  } finally {
    bar?.stop();
    clients.destroy();
  }
}

/** The commands printed for one unit of an organization run. */
interface UnitCommands {
  apply(plan: PrunePlan): string;
  undo(runId: string): string;
}

/** One unit's prune counts for the organization table. */
function pruneCounts(run: PruneRun): string {
  if (run.mode === 'dry-run')
    return `dry run: ${run.plan.counts.delete} to delete of ${run.plan.counts.considered}`;
  const result = run.result;
  return `deleted ${result?.counts.succeeded ?? 0} of ${run.plan.counts.delete} planned, failed ${result?.counts.failed ?? 0}`;
}

/** Registers `cloudhsm-ops prune`. */
export function registerPrune(program: Command): void {
  const command = program
    .command('prune')
    .description(
      'Delete stale CloudHSM backups (and DR copies) by a cutoff, under guardrails: only READY ' +
        'backups, never NeverExpires or held ones, the newest --keep-last of each lineage always kept. ' +
        'Dry run unless --execute; every deletion can be undone with `restore` for 7 days.',
    );
  addSettingOptions(command, PRUNE_SETTINGS);
  addOrgOptions(command)
    .addOption(new Option('--clusterID <id>', 'alias of --cluster-id (the seed script spelling)').hideHelp())
    .addOption(new Option('--dryrun', 'alias of --dry-run').hideHelp())
    .option('--all', 'list every row of the plan (default: a summary per lineage and its first rows)');
  withNowOption(withCommonOptions(command))
    .addHelpText(
      'after',
      examples([
        'cloudhsm-ops prune --region us-east-1 --cluster-id cluster-abcdefghijk --timestamp 03/01/2026',
        'cloudhsm-ops prune --region us-east-1 --timestamp "03/08/2026 02:30" --timezone America/New_York',
        'cloudhsm-ops prune --region us-west-2 --older-than 90d --execute',
        'cloudhsm-ops prune --region eu-west-1 --copy-retention-days 30 --execute --publish',
        'cloudhsm-ops prune --region us-west-2 --duplicate-copies',
        'cloudhsm-ops prune --region us-west-2 --duplicate-copies --copy-retention source --execute',
        'cloudhsm-ops prune --region us-east-1 --older-than 90d --hold-tag legal-hold --hold-tag audit:keep',
        'cloudhsm-ops prune --region us-east-1 --cluster-id cluster-abcdefghijk --deleteall --keep-last 0 --confirm cluster-abcdefghijk --execute',
      ]) +
        '\nA timestamp without --timezone is UTC. Backups created at or before the cutoff are candidates.\n' +
        '--duplicate-copies with a cutoff or copy retention deletes both: the extra copies and what is past the cutoff.\n' +
        'An empty --cluster-id, or one with no backup in the regions, is bad input (dry run too).\n' +
        'Each run prints its run id; `restore --run-id <id>` undoes exactly that run.\n' +
        'Exit codes: 0 done (or dry run), 1 a deletion failed / the plan was refused / an event was lost, 2 bad input.\n' +
        orgHelp('prune', '--region us-east-1 --older-than 90d') +
        'Across accounts, prune is still a dry run unless --execute, and every guardrail holds per unit (one account\n' +
        'and region): READY only, NeverExpires and held backups kept, --keep-last per lineage, --max-deletions per unit.\n' +
        'Each unit prints its plan and the command that applies it to that account and region (a dry run), or the\n' +
        'command that undoes it (restore --run-id <unit run id> --accounts <id>). --cluster-id is\n' +
        'refused with the organization options (a cluster lives in one account).\n',
    )
    .action(action<PruneOptions>((options, out) => runPruneCommand(command, options, out)));
}
