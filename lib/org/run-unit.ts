/**
 * One unit of an organization run: one job in one (account, region), with the member's clients
 * and the job's settings narrowed to the unit's region, judged at the run's planned instant.
 * The CLI's runner (runner.ts) and the worker Lambda both call {@link runUnit}, so a unit judges
 * alike wherever it runs. Events go to the hub's bus (the member clients' EventBridge is the
 * hub's); the account in findings, events and ARNs is the member's.
 *
 * The jobs are imported statically: the worker Lambda bundles this file, and a dynamic import
 * keeps esbuild from trimming the EC2 client to the calls made (1.5 MB against 22 KB). The CLI
 * loads this file lazily, only for an organization run.
 */
import { DateTime } from 'luxon';
import { type AuditReport, auditFailureReasons, runAudit } from '../audit/run.js';
import type { AwsClients } from '../aws/clients.js';
import type { AuditConfig } from '../config/audit.js';
import type { CopyConfig } from '../config/copy.js';
import type { PruneConfig } from '../config/prune.js';
import { type CopyDeps, type CopyResult, runCopy } from '../copy/execute.js';
import { copyRunFailures } from '../copy/result.js';
import { describeError, OperationError, UsageError } from '../errors.js';
import { type JobRunSummary, jobRunSummaryEvent, RUN_SUMMARY_SCHEMA_VERSION } from '../events/summary.js';
import type { FeedTarget } from '../events/types.js';
import { gatherRegion } from '../inventory/gather.js';
import { type RegionSummary, summarizeRegion } from '../inventory/summary.js';
import { type ExitCode, exitCodeOf, publishRun, runFailures } from '../jobs/run.js';
import type { PrunePlan } from '../prune/plan.js';
import { type PruneDeps, type PruneRun, runPrune } from '../prune/run.js';
import { newRunId } from '../run.js';
import type { MemberCredentials } from './credentials.js';
import { MESSAGE_VERSION } from './message-format.js';
import type { OrgJob, Unit, UnitMessage, UnitResult } from './types.js';

/** Each job's settings as the whole run was given them; a unit narrows the regions to its own. */
export interface UnitSettings {
  audit?: AuditConfig;
  copy?: CopyConfig;
  prune?: PruneConfig;
}

/** What {@link runUnit} needs from outside: the CLI builds it once per run, the worker once per container. */
export interface UnitDeps {
  /** The hub's clients: STS for the member roles, EventBridge for every unit's events. */
  hub: AwsClients;
  /** The member accounts' credentials and clients (one AssumeRole per account per run). */
  members: MemberCredentials;
  /** The job's settings (inventory has none). */
  settings: UnitSettings;
  /** Wall clock for copy's claims and waits (the CLI's `--now` clock, the sandbox's virtual one in tests). */
  clock: () => Date;
  /** True stops starting new work (a Lambda's deadline). */
  shouldStop?: () => boolean;
  /** Copy's waits and tuning (tests shorten them). */
  copy?: Pick<CopyDeps, 'sleep' | 'settle' | 'monotonic' | 'tuning' | 'onProgress'>;
  /** Prune's hooks and the words its messages use (the CLI's flags, the Lambda's variables). */
  prune?: Pick<PruneDeps, 'settle' | 'names' | 'commandArgs' | 'applyCommand' | 'onPlan' | 'onProgress'>;
  /**
   * Sees each prune unit's plan and fresh run id before anything is deleted, so the CLI can say
   * which run id undoes the unit even if the process is killed midway.
   */
  onPrunePlan?: (unit: Unit, runId: string, plan: PrunePlan) => void;
  /**
   * The options a unit's printed restore commands need to reach its account (the CLI's
   * `--accounts <id>` and the role options); they replace `prune.commandArgs` for that unit.
   */
  unitCommandArgs?: (unit: Unit) => string[];
}

/** A copy or prune result with the id of the run that dispatched it (each execution has its own run id). */
export type Dispatched<T> = T & { dispatchRunId: string };

/** The job's own result per job. */
export type UnitJobResult = AuditReport | Dispatched<CopyResult> | Dispatched<PruneRun> | RegionSummary;

/** What one job did in the unit: its result, its failures, its exit code. */
interface JobOutcome {
  result: UnitJobResult;
  failures: string[];
  exitCode: ExitCode;
}

/** `222222222222 (payments-prod) us-east-1`: how messages name a unit. */
export function describeUnit(unit: Unit): string {
  const name = unit.account.name ? ` (${unit.account.name})` : '';
  return `${unit.account.id}${name} ${unit.region}`;
}

/**
 * Runs one unit and says what it did. Never throws for the unit's own failure (a denied role,
 * a region not enabled, retries exhausted, a job's error): that is in the result, so the other
 * units go on. An audit keeps the dispatch run id (findings de-duplicate on findingId + runId);
 * copy and prune run under a fresh id per execution, so a redelivered unit never takes a crashed
 * attempt's claim or deletion records for its own, and carry the dispatch id as `dispatchRunId`.
 */
export async function runUnit(deps: UnitDeps, message: UnitMessage): Promise<UnitResult> {
  const { unit } = message;
  try {
    const planned = plannedAt(message);
    const clients = await deps.members.clientsFor(unit.account.id, message.access, message.runId);
    const outcome = await runJob(deps, clients, message, planned);
    return { unit, ...outcome };
  } catch (error) {
    const reason = describeError(error);
    const failures = [reason, ...(await publishFailedUnit(deps, message, reason))];
    return {
      unit,
      exitCode: exitCodeOf({ badInput: error instanceof UsageError, failures }),
      failures,
    };
  }
}

/** Where a job's settings send its events, when they say to publish; inventory never publishes. */
function publishTarget(deps: UnitDeps, job: OrgJob): { target: FeedTarget; dryRun: boolean } | undefined {
  const { audit, copy, prune } = deps.settings;
  if (job === 'audit' && audit?.publish) {
    const target = { busName: audit.eventBusName, source: audit.eventSource, region: audit.eventRegion };
    return { target, dryRun: false };
  }
  if (job === 'copy' && copy?.publish) {
    const target = { busName: copy.eventBus, source: copy.eventSource, region: copy.eventRegion };
    return { target, dryRun: copy.dryRun };
  }
  if (job === 'prune' && prune?.publish) {
    const target = { busName: prune.eventBus, source: prune.eventSource, region: prune.eventRegion };
    return { target, dryRun: !prune.execute };
  }
  return undefined;
}

/**
 * A unit that failed before its job ran (a denied role, STS down) still tells the feed: one failed
 * `CloudHSM Run Summary` for the member account on the hub's bus, so one rule sees every account
 * of the organization, the missing ones included. Returns the lost-event reports (a lost summary
 * is one of the unit's failures).
 */
async function publishFailedUnit(deps: UnitDeps, message: UnitMessage, reason: string): Promise<string[]> {
  const { unit } = message;
  const where = publishTarget(deps, unit.job);
  if (!where || unit.job === 'inventory') return [];
  const planned = DateTime.fromISO(message.plannedAt, { zone: 'utc' });
  // Copy and prune run under a fresh run id per execution, as when the job runs.
  const fresh = unit.job === 'copy' || unit.job === 'prune';
  const summary: JobRunSummary = {
    schemaVersion: RUN_SUMMARY_SCHEMA_VERSION,
    job: unit.job,
    runId: fresh ? newRunId() : message.runId,
    ...(fresh ? { dispatchRunId: message.runId } : {}),
    account: unit.account.id,
    regions: [unit.region],
    startedAt: (planned.isValid ? planned : DateTime.fromJSDate(deps.clock(), { zone: 'utc' })).toISO({
      suppressMilliseconds: true,
    })!,
    dryRun: where.dryRun,
    counts: {},
    exitCode: 1,
    exitStatus: 'failed',
    reason,
  };
  const report = await publishRun(
    { clients: deps.hub, ...extraDetailOf(unit.account) },
    where.target,
    () => [jobRunSummaryEvent(summary)],
    { expected: 1, account: unit.account.id },
  );
  return report.lost;
}

/** The instant every unit of the run judges at; a message of another version is refused. */
function plannedAt(message: UnitMessage): DateTime {
  if (message.version !== MESSAGE_VERSION) {
    throw new OperationError(
      `message version ${String(message.version)} is not known (this worker reads version ${MESSAGE_VERSION})`,
    );
  }
  const at = DateTime.fromISO(message.plannedAt, { zone: 'utc' });
  if (!at.isValid) throw new OperationError(`plannedAt "${message.plannedAt}" is not an ISO 8601 instant`);
  return at;
}

/** The job's settings, or a failure saying the worker was not given them. */
function settingsOf<J extends keyof UnitSettings>(deps: UnitDeps, job: J): NonNullable<UnitSettings[J]> {
  const settings = deps.settings[job];
  if (!settings) throw new OperationError(`no ${job} settings were given for this ${job} unit`);
  return settings;
}

async function runJob(
  deps: UnitDeps,
  clients: AwsClients,
  message: UnitMessage,
  now: DateTime,
): Promise<JobOutcome> {
  const job: OrgJob = message.unit.job;
  switch (job) {
    case 'audit':
      return auditUnit(deps, clients, message, now);
    case 'copy':
      return copyUnit(deps, clients, message, now);
    case 'prune':
      return pruneUnit(deps, clients, message, now);
    case 'inventory':
      return inventoryUnit(clients, message);
    default:
      throw new OperationError(`unknown job "${String(job)}"`);
  }
}

/**
 * What a unit adds to every event's detail: the account's name when known and, for a job that
 * runs under a run id of its own, the organization run's id.
 */
function extraDetailOf(account: Unit['account'], dispatchRunId?: string) {
  const extra = {
    ...(account.name ? { accountName: account.name } : {}),
    ...(dispatchRunId ? { dispatchRunId } : {}),
  };
  return Object.keys(extra).length > 0 ? { extraDetail: extra } : {};
}

async function auditUnit(deps: UnitDeps, clients: AwsClients, message: UnitMessage, now: DateTime) {
  const config = settingsOf(deps, 'audit');
  const { region, account } = message.unit;
  const report = await runAudit(
    {
      clients,
      account: account.id,
      accountId: async () => account.id,
      ...extraDetailOf(account),
      runId: message.runId,
    },
    { ...config, regions: [region], drRegions: config.drRegions.filter((r) => r !== region) },
    now,
  );
  const failures = await auditUnitFailures(report, config.failOn);
  return { result: report, failures, exitCode: exitCodeOf({ failures }) };
}

/**
 * The audit unit's failures in the job's own words, as the single-account CLI prints them: each
 * error's message (which call, which region, why), each lost-event report (every event named)
 * and the findings Security Hub refused (named), rather than their counts, so `unit failed:`
 * and `failedUnits` say the cause. --fail-on is the CLI's rule (the Lambda never sets it):
 * FAILED findings fail the unit only then.
 */
async function auditUnitFailures(report: AuditReport, failOn: AuditConfig['failOn']): Promise<string[]> {
  const failures = report.errors.map((error) => error.message);
  failures.push(...(report.events?.lost ?? []));
  const refused = report.securityHub?.failed ?? [];
  if (refused.length > 0) {
    // Loaded only when needed, as the CLI does: the Security Hub module is not every unit's cold start.
    const { describeNotImported } = await import('../securityhub/import.js');
    failures.push(describeNotImported(refused));
  }
  // FAILED findings at or above --fail-on: the report's failures and events are above, by name.
  failures.push(...auditFailureReasons({ ...report, failures: [], events: undefined }, failOn));
  return failures;
}

async function copyUnit(deps: UnitDeps, clients: AwsClients, message: UnitMessage, now: DateTime) {
  const config = settingsOf(deps, 'copy');
  const { region, account } = message.unit;
  const result = await runCopy(
    {
      ...deps.copy,
      clients,
      now: deps.clock,
      account: async () => account.id,
      ...extraDetailOf(account, message.runId),
      runId: newRunId(),
      shouldStop: deps.shouldStop,
    },
    { ...config, sourceRegions: [region], drRegions: config.drRegions.filter((r) => r !== region) },
    now,
  );
  const failures = copyUnitFailures(result, config);
  return {
    result: { ...result, dispatchRunId: message.runId },
    failures,
    exitCode: exitCodeOf({ failures }),
  };
}

/**
 * The copy unit's failures, each failed line and lost event named (the job's own words), then
 * the rest of copy's reasons (copies not READY in time, deferred copies).
 */
function copyUnitFailures(result: CopyResult, config: CopyConfig): string[] {
  const named = result.failed.map(
    (line) =>
      `copy of ${line.sourceBackupId ?? '(unknown backup)'} from ${line.sourceRegion} to ` +
      `${line.destinationRegion ?? '(unknown region)'} failed: ${line.detail ?? line.reason ?? 'no reason given'}`,
  );
  const rest = copyRunFailures({ ...result, failed: [], events: undefined });
  const lost = result.events?.failed ?? [];
  if (lost.length > 0) {
    const head = `${lost.length} event(s) were NOT delivered to EventBridge bus "${config.eventBus}" in ${config.eventRegion}:`;
    rest.push([head, ...lost.map((l) => `  - ${l.event}: ${l.errorCode}: ${l.errorMessage}`)].join('\n'));
  }
  return [...named, ...rest];
}

async function pruneUnit(deps: UnitDeps, clients: AwsClients, message: UnitMessage, now: DateTime) {
  const config = settingsOf(deps, 'prune');
  const { region, account } = message.unit;
  const runId = newRunId();
  const run = await runPrune(
    {
      ...deps.prune,
      ...(deps.unitCommandArgs ? { commandArgs: deps.unitCommandArgs(message.unit) } : {}),
      onPlan: (plan) => {
        deps.onPrunePlan?.(message.unit, runId, plan);
        deps.prune?.onPlan?.(plan);
      },
      clients,
      accountId: async () => account.id,
      ...extraDetailOf(account, message.runId),
      runId,
      shouldStop: deps.shouldStop,
    },
    { ...config, regions: [region] },
    now,
  );
  return {
    result: { ...run, dispatchRunId: message.runId },
    failures: runFailures(run),
    exitCode: run.exitCode,
  };
}

async function inventoryUnit(clients: AwsClients, message: UnitMessage) {
  const summary = summarizeRegion(await gatherRegion(clients, message.unit.region));
  return { result: summary, failures: [], exitCode: 0 as const };
}
