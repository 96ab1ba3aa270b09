import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { DateTime } from 'luxon';
import type { AuditReport } from '../../lib/audit/run.js';
import type { AwsClients } from '../../lib/aws/clients.js';
import type { AuditConfig } from '../../lib/config/audit.js';
import { AUDIT_FLAG_NAMES, AUDIT_SETTINGS, parseAuditConfig } from '../../lib/config/audit.js';
import type { OrgConfig } from '../../lib/config/org.js';
import { UsageError } from '../../lib/errors.js';
import type { UnitResult } from '../../lib/org/types.js';
import {
  action,
  examples,
  type Output,
  refuseUnwritable,
  withCommonOptions,
  withNowOption,
} from '../common.js';
import { addOrgOptions, isOrgRun, orgFrom, orgHelp, runOrgJob } from '../org.js';
import { addSettingOptions, type JobOptions, startJob } from '../settings.js';

/** The options the command reads itself; its settings are read through {@link AUDIT_SETTINGS}. */
interface AuditOptions extends JobOptions {
  format?: string;
  output?: string;
}

/** Registers `cloudhsm-ops audit`. */
export function registerAudit(program: Command): void {
  const command = program
    .command('audit')
    .description(
      'Check every CloudHSM cluster of the given regions against AWS best practice: ACTIVE HSM count (a ' +
        'parked cluster with no HSM is reported once, as INFORMATIONAL) and Availability Zone spread, subnets in ' +
        'every zone, ports 2223-2225 open beyond private networks and the security group self rule, degraded ' +
        'state, backup freshness, copies in DR regions, retention policy, stale and duplicate DR copies, copies left by ' +
        'deleted clusters, end-of-support HSM type and unfinished setup. DELETED clusters are not audited. ' +
        'Regions are gathered in parallel. A check that cannot judge a cluster (e.g. az-spread with one ACTIVE ' +
        'HSM) reports NOT_APPLICABLE, which is not a pass. ' +
        'With --publish, every result (PASSED and NOT_APPLICABLE too) goes to EventBridge as a ' +
        '"CloudHSM Finding" event, then a "CloudHSM Run Summary". With --security-hub, every finding is ' +
        'imported into Security Hub (ASFF); with --format ocsf, written as OCSF Compliance Finding events.',
    );
  addSettingOptions(command, AUDIT_SETTINGS);
  addOrgOptions(command);
  command
    .option(
      '--format <format>',
      'table (the default) or ocsf: OCSF 1.1.0 Compliance Finding events as JSON Lines (one account only: ' +
        'refused with --accounts or --organization)',
    )
    .option(
      '--output <file>',
      'with --format ocsf: write the events to this file (the table stays on stdout)',
    );
  withNowOption(withCommonOptions(command))
    .addHelpText(
      'after',
      examples([
        'cloudhsm-ops audit --region us-east-1',
        'cloudhsm-ops audit --region us-east-1,eu-west-1 --dr-region us-west-2 --fail-on HIGH',
        'cloudhsm-ops audit --region us-east-1 --dr-region us-west-2 --publish --event-bus ops-feed',
        'cloudhsm-ops audit --region us-east-1 --dr-region us-west-2 --copy-retention source',
        'cloudhsm-ops audit --region us-east-1 --dr-region us-west-2 --require-fips --fail-on HIGH',
        'cloudhsm-ops audit --region us-east-1 --json | jq \'.findings[] | select(.status == "FAILED")\'',
        'cloudhsm-ops audit --endpoint http://127.0.0.1:4566 --region us-east-1 --now 2026-11-29T12:00:00Z',
      ]) +
        '\nSeverities: CRITICAL, HIGH, MEDIUM, LOW, INFORMATIONAL.\n' +
        'Exit codes: 0 audited (findings alone do not fail the run unless --fail-on says so), ' +
        '1 --fail-on tripped, a region could not be gathered, an event was not delivered or a finding was not ' +
        'imported into Security Hub, 2 bad input.\n' +
        'Colours are used on a terminal only; set NO_COLOR to turn them off.\n' +
        orgHelp('audit', '--region us-east-1,eu-west-1 --dr-region us-west-2'),
    )
    .action(action<AuditOptions>((options, out) => auditCommand(command, options, out)));
}

/** Where OCSF events go: nowhere (the table), stdout, or a file. */
type OcsfTarget = { kind: 'none' } | { kind: 'stdout' } | { kind: 'file'; path: string };

/** Checks --format and --output before any AWS call. */
export function ocsfTargetFrom(options: Pick<AuditOptions, 'format' | 'output' | 'json'>): OcsfTarget {
  const format = options.format?.trim().toLowerCase() ?? 'table';
  if (format !== 'table' && format !== 'ocsf') {
    throw new UsageError(`--format "${options.format}" is not valid (expected table or ocsf)`);
  }
  if (format === 'table') {
    if (options.output !== undefined)
      throw new UsageError('--output needs --format ocsf (it is where the events go)');
    return { kind: 'none' };
  }
  if (options.json) {
    throw new UsageError(
      '--format ocsf and --json both claim stdout: give one, or --format ocsf --output FILE',
    );
  }
  return options.output !== undefined ? { kind: 'file', path: options.output } : { kind: 'stdout' };
}

async function auditCommand(command: Command, options: AuditOptions, out: Output): Promise<number> {
  const org = orgFrom(command);
  const ocsf = ocsfTargetFrom(options);
  if (isOrgRun(org) && ocsf.kind !== 'none') {
    throw new UsageError(
      '--format ocsf covers one account: leave it out with --accounts or --organization (use --json)',
    );
  }
  const { config, now, clients } = await startJob(
    command,
    options,
    AUDIT_SETTINGS,
    (input) => parseAuditConfig(input, { sameRegion: 'error', names: AUDIT_FLAG_NAMES }),
    { check: async () => (ocsf.kind === 'file' ? refuseUnwritable('--output', ocsf.path) : undefined) },
  );
  if (isOrgRun(org)) return auditOrganization(config, org, now, clients, out);
  try {
    const [{ runAudit, auditFailureReasons }, report, publisher, { exitCodeOf }] = await Promise.all([
      import('../../lib/audit/run.js'),
      import('../../lib/audit/report.js'),
      import('../../lib/events/publisher.js'),
      import('../../lib/jobs/run.js'),
    ]);
    const result = await runAudit({ clients }, config, now);
    const color = report.colorEnabled(process.stdout, process.env);
    // OCSF on stdout: the JSON Lines are all stdout carries; the summary and warnings go to stderr.
    const say = ocsf.kind === 'stdout' ? (line = '') => out.warn(line) : (line?: string) => out.say(line);
    const { toOcsfLines } = await import('../../lib/ocsf/compliance-finding.js');
    if (ocsf.kind === 'stdout') {
      process.stdout.write(toOcsfLines(result.findings));
    } else if (out.json) {
      out.document(report.reportDocument(result));
    } else {
      if (result.clusters.length === 0) out.say(`No clusters in ${config.regions.join(', ')}.`);
      else out.say(report.renderFindings(result, { color, width: process.stdout.columns }));
      out.say();
    }
    say(report.summaryLine(result, { color: out.json || ocsf.kind === 'stdout' ? false : color }));
    if (ocsf.kind === 'file') {
      await writeFile(ocsf.path, toOcsfLines(result.findings));
      say(`Wrote ${result.findings.length} OCSF Compliance Finding event(s) to ${ocsf.path}.`);
    }
    for (const error of result.errors) out.warn(`error: ${error.message}`);
    for (const skip of result.skipped) {
      out.warn(`skipped ${skip.checkId} on ${skip.clusterId} (${skip.region}): ${skip.reason}`);
    }
    if (result.events) {
      const { target, published, calls, failed } = result.events;
      say(
        `Published ${published} event(s) to EventBridge bus "${target.busName}" in ${target.region} ` +
          `(source ${target.source}, ${calls} PutEvents call(s)).`,
      );
      // Refused entries, the first 20 named; a call that failed outright has its own report.
      if (failed.length) out.warn(`error: ${publisher.describeUndelivered(failed, target)}`);
      else for (const lost of result.events.lost) out.warn(`error: ${lost}`);
    }
    if (result.securityHub) {
      const { imported, archived, calls, regions, failed } = result.securityHub;
      say(
        `Imported ${imported} finding(s) into Security Hub in ${regions.join(', ') || '(no region)'} ` +
          `(${archived} archived as gone, ${calls} BatchImportFindings call(s)).`,
      );
      if (failed.length) {
        const { describeNotImported } = await import('../../lib/securityhub/import.js');
        out.warn(`error: ${describeNotImported(failed)}`);
      }
    }
    // --fail-on adds FAILED findings to the run's own failures: a CLI exit-code rule only.
    const reasons = auditFailureReasons(result, config.failOn);
    if (reasons.length) out.warn(`audit failed: ${reasons.join('; ')}`);
    return exitCodeOf({ failures: reasons });
  } finally {
    clients.destroy();
  }
}

/** The audit over several accounts: one unit per (account, region), each unit's findings, then the table. */
async function auditOrganization(
  config: AuditConfig,
  org: OrgConfig,
  now: DateTime,
  clients: AwsClients,
  out: Output,
): Promise<number> {
  const report = await import('../../lib/audit/report.js');
  const color = report.colorEnabled(process.stdout, process.env);
  const auditOf = (result: UnitResult) => result.result as AuditReport;
  return runOrgJob({
    job: 'audit',
    org,
    regions: config.regions,
    settings: { audit: config },
    now,
    clients,
    out,
    view: {
      counts: (result) => {
        const { clusters, summary } = auditOf(result);
        const { byStatus } = summary.findings;
        return `${clusters.length} cluster(s), ${byStatus.FAILED} FAILED, ${byStatus.PASSED} PASSED`;
      },
      lines: (result) => {
        const audit = auditOf(result);
        // A region without clusters is said once, by the summary line ("Audited 0 clusters ...").
        return [
          ...(audit.clusters.length > 0
            ? [report.renderFindings(audit, { color, width: process.stdout.columns })]
            : []),
          report.summaryLine(audit, { color }),
          ...audit.errors.map((error) => `error: ${error.message}`),
        ];
      },
    },
  });
}
