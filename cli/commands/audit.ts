import type { Command } from 'commander';
import { AUDIT_FLAG_NAMES, AUDIT_SETTINGS, parseAuditConfig } from '../../lib/config/audit.js';
import { action, examples, type Output, withCommonOptions, withNowOption } from '../common.js';
import { addSettingOptions, type JobOptions, startJob } from '../settings.js';

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
        '"CloudHSM Finding" event, then a "CloudHSM Run Summary".',
    );
  addSettingOptions(command, AUDIT_SETTINGS);
  withNowOption(withCommonOptions(command))
    .addHelpText(
      'after',
      examples([
        'cloudhsm-ops audit --region us-east-1',
        'cloudhsm-ops audit --region us-east-1,eu-west-1 --dr-region us-west-2 --fail-on HIGH',
        'cloudhsm-ops audit --region us-east-1 --dr-region us-west-2 --publish --event-bus ops-feed',
        'cloudhsm-ops audit --region us-east-1 --dr-region us-west-2 --copy-retention source',
        'cloudhsm-ops audit --region us-east-1 --json | jq \'.findings[] | select(.status == "FAILED")\'',
        'cloudhsm-ops audit --endpoint http://127.0.0.1:4566 --region us-east-1 --now 2026-11-29T12:00:00Z',
      ]) +
        '\nSeverities: CRITICAL, HIGH, MEDIUM, LOW, INFORMATIONAL.\n' +
        'Exit codes: 0 audited (findings alone do not fail the run unless --fail-on says so), ' +
        '1 --fail-on tripped, a region could not be gathered or an event was not delivered, 2 bad input.\n' +
        'Colours are used on a terminal only; set NO_COLOR to turn them off.\n',
    )
    .action(action<JobOptions>((options, out) => auditCommand(command, options, out)));
}

async function auditCommand(command: Command, options: JobOptions, out: Output): Promise<number> {
  const { config, now, clients } = await startJob(command, options, AUDIT_SETTINGS, (input) =>
    parseAuditConfig(input, { sameRegion: 'error', names: AUDIT_FLAG_NAMES }),
  );
  try {
    const [{ runAudit, auditFailureReasons }, report, publisher, { exitCodeOf }] = await Promise.all([
      import('../../lib/audit/run.js'),
      import('../../lib/audit/report.js'),
      import('../../lib/events/publisher.js'),
      import('../../lib/jobs/run.js'),
    ]);
    const result = await runAudit({ clients }, config, now);
    const color = report.colorEnabled(process.stdout, process.env);
    if (out.json) {
      out.document(report.reportDocument(result));
    } else {
      if (result.clusters.length === 0) out.say(`No clusters in ${config.regions.join(', ')}.`);
      else out.say(report.renderFindings(result, { color, width: process.stdout.columns }));
      out.say();
    }
    out.say(report.summaryLine(result, { color: out.json ? false : color }));
    for (const error of result.errors) out.warn(`error: ${error.message}`);
    for (const skip of result.skipped) {
      out.warn(`skipped ${skip.checkId} on ${skip.clusterId} (${skip.region}): ${skip.reason}`);
    }
    if (result.events) {
      const { target, published, calls, failed } = result.events;
      out.say(
        `Published ${published} event(s) to EventBridge bus "${target.busName}" in ${target.region} ` +
          `(source ${target.source}, ${calls} PutEvents call(s)).`,
      );
      // Refused entries, the first 20 named; a call that failed outright has its own report.
      if (failed.length) out.warn(`error: ${publisher.describeUndelivered(failed, target)}`);
      else for (const lost of result.events.lost) out.warn(`error: ${lost}`);
    }
    // --fail-on adds FAILED findings to the run's own failures: a CLI exit-code rule only.
    const reasons = auditFailureReasons(result, config.failOn);
    if (reasons.length) out.warn(`audit failed: ${reasons.join('; ')}`);
    return exitCodeOf({ failures: reasons });
  } finally {
    clients.destroy();
  }
}
