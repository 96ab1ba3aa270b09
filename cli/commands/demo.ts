import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AwsSecurityFinding } from '@aws-sdk/client-securityhub';
import type { Command } from 'commander';
import { action, type CommonOptions, examples, type Output } from '../common.js';

/** The demo's regions: a primary, a second primary, and the DR region holding copies. */
const PRIMARY = ['us-east-1', 'eu-west-1'];
const DR_REGION = 'us-west-2';
const EVENT_BUS = 'cloudhsm-ops';

interface DemoOptions extends CommonOptions {
  copyDelaySeconds: string;
  reportFile: string;
}

/** One step of the tour: a title and the CLI arguments it runs. */
interface Step {
  title: string;
  args: string[];
  /** Run against the sandbox's demo organization instead of the demo fleet. */
  organization?: boolean;
  /** The exit code the step is meant to end with (default 0). */
  exitCode?: number;
}

/** The regions of the demo organization's member accounts (sandbox/fleets/demo-organization.ts). */
const ORG_REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2'];

function steps(): Step[] {
  const regions = PRIMARY.flatMap((r) => ['--region', r]);
  return [
    { title: 'Inventory of every region', args: ['inventory', ...regions, '--region', DR_REGION] },
    {
      title: `Audit against best practice, findings published to the "${EVENT_BUS}" bus and imported into Security Hub`,
      args: [
        'audit',
        ...regions,
        '--dr-region',
        DR_REGION,
        '--publish',
        '--event-bus',
        EVENT_BUS,
        '--security-hub',
      ],
    },
    {
      title: `Copy the latest backups to ${DR_REGION} and wait until the copies are READY`,
      args: ['copy', ...regions, '--dr-region', DR_REGION, '--wait', '--publish', '--event-bus', EVENT_BUS],
    },
    {
      title: 'Copy again: every backup already has its copy, so nothing is copied',
      args: ['copy', ...regions, '--dr-region', DR_REGION],
    },
    {
      // The audit's duplicate-dr-copies finding, and the prune that removes exactly those copies.
      title: `Prune the duplicate DR copies the audit found in ${DR_REGION} (the oldest copy of each backup stays): dry run`,
      args: ['prune', '--region', DR_REGION, '--duplicate-copies'],
    },
    {
      title: `Prune DR copies older than 90 days in ${DR_REGION}, and the duplicate copies: dry run first`,
      args: ['prune', '--region', DR_REGION, '--older-than', '90d', '--duplicate-copies'],
    },
    {
      title: 'Prune for real (guarded: NeverExpires, hold-tagged and newest backups stay)',
      args: [
        'prune',
        '--region',
        DR_REGION,
        '--older-than',
        '90d',
        '--duplicate-copies',
        '--max-deletions',
        '100',
        '--execute',
        '--publish',
        '--event-bus',
        EVENT_BUS,
      ],
    },
    {
      title: 'Undo: restore what the prune deleted (possible for 7 days)',
      args: [
        'restore',
        '--region',
        DR_REGION,
        '--deleted-since',
        '1h',
        '--publish',
        '--event-bus',
        EVENT_BUS,
      ],
    },
    {
      // Exit 1 by design: one member account never got the role, and the run names it.
      title:
        'Audit an organization: every account of the demo organization, one of which lacks the member role',
      args: ['audit', '--region', ORG_REGIONS.join(','), '--organization'],
      organization: true,
      exitCode: 1,
    },
  ];
}

/** Source backups (not copies) still being made in the primary regions. */
function inProgressSources(sandbox: { backups(region: string): Array<Record<string, unknown>> }): number {
  return PRIMARY.flatMap((region) => sandbox.backups(region)).filter(
    (b) => b.BackupState === 'CREATE_IN_PROGRESS' && !b.SourceBackup,
  ).length;
}

/** Polls `done` until it holds or `seconds` (plus one) have passed. */
async function settled(done: () => boolean, seconds: number): Promise<void> {
  const deadline = Date.now() + (seconds + 1) * 1000;
  while (!done() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
}

/**
 * What a security team sees in Security Hub after the audit: per region, the findings by
 * compliance status, and the FAILED HIGH and CRITICAL ones (read back with GetFindings).
 */
async function securityHubLines(endpoint: string): Promise<string[]> {
  // A CommonJS package imported lazily: its exports are `default` in the shipped bundle (split
  // chunks), not named members (test/docs/demo-process.test.ts).
  const [{ AwsClients }, { default: securityHub }] = await Promise.all([
    import('../../lib/aws/clients.js'),
    import('@aws-sdk/client-securityhub'),
  ]);
  const { paginateGetFindings } = securityHub;
  const clients = new AwsClients({ endpoint, maxAttempts: 1 });
  const lines: string[] = [];
  try {
    for (const region of PRIMARY) {
      const findings: AwsSecurityFinding[] = [];
      for await (const page of paginateGetFindings(
        { client: clients.securityHub(region) },
        { MaxResults: 100 },
      )) {
        findings.push(...(page.Findings ?? []));
      }
      const count = (status: string) => findings.filter((f) => f.Compliance?.Status === status).length;
      const archived = findings.filter((f) => f.RecordState === 'ARCHIVED').length;
      lines.push(
        `  ${region}: ${findings.length} findings (${count('FAILED')} FAILED, ${count('PASSED')} PASSED, ` +
          `${archived} ARCHIVED: the checks that do not apply)`,
      );
      const serious = findings.filter(
        (f) => f.Compliance?.Status === 'FAILED' && ['CRITICAL', 'HIGH'].includes(f.Severity?.Label ?? ''),
      );
      for (const f of serious) {
        const [, , cluster = '', check = ''] = (f.Id ?? '').split('/');
        lines.push(`    ${(f.Severity?.Label ?? '').padEnd(9)} ${check.padEnd(21)} ${cluster}`);
      }
    }
  } finally {
    clients.destroy();
  }
  return lines;
}

/** Runs one CLI command line (without `node cloudhsm-ops`) and returns its exit code. */
export type CommandRunner = (args: string[]) => Promise<number>;

async function runDemo(run: CommandRunner, options: DemoOptions, out: Output): Promise<number> {
  const [{ startSandbox, demoFleet, demoOrganizationFleet, rebaseFleet }, { parseCount }] = await Promise.all(
    [import('../../sandbox/index.js'), import('../../lib/config/common.js')],
  );
  const copyDelaySeconds = parseCount(options.copyDelaySeconds, '--copy-delay-seconds', { max: 600 });
  // The demo fleet is moved to the present so the CLI's real clock and the sandbox agree.
  const sandbox = await startSandbox({
    fleet: rebaseFleet(demoFleet(), new Date()),
    clock: 'real',
    copyDelaySeconds,
  });
  out.say(`Embedded sandbox with the demo fleet: ${sandbox.url} (no AWS account is used)`);
  const failures: string[] = [];
  // The demo organization has a sandbox of its own, started for its step.
  let organization: Awaited<ReturnType<typeof startSandbox>> | undefined;
  try {
    const tour = steps();
    for (const [index, step] of tour.entries()) {
      out.say('');
      out.say(`━━ ${index + 1}/${tour.length} ${step.title}`);
      // The fleet's own in-progress backups finish within the copy delay; waiting for them keeps
      // the story exact: the first copy run copies everything, the second finds nothing to do.
      if (step.args[0] === 'copy') await settled(() => inProgressSources(sandbox) === 0, copyDelaySeconds);
      if (step.organization && !organization) {
        organization = await startSandbox({
          fleet: rebaseFleet(demoOrganizationFleet(), new Date()),
          clock: 'real',
        });
        out.say(
          `Embedded sandbox with the demo organization (a hub and 3 member accounts): ${organization.url}`,
        );
      }
      const url = step.organization ? organization!.url : sandbox.url;
      out.say(`$ cloudhsm-ops ${step.args.join(' ')} --endpoint ${url}`);
      const code = await run([...step.args, '--endpoint', url]);
      const expected = step.exitCode ?? 0;
      if (code !== expected) failures.push(`step ${index + 1} exited ${code} (expected ${expected})`);
      else if (code !== 0) out.say(`(exit ${code}, as expected: the run names the unit that failed and why)`);
    }
    out.say('');
    out.say(`━━ The feed: events that arrived on the sandbox's EventBridge`);
    const byType = new Map<string, number>();
    for (const event of sandbox.events())
      byType.set(event.detailType, (byType.get(event.detailType) ?? 0) + 1);
    for (const [type, count] of [...byType].sort()) out.say(`  ${String(count).padStart(4)}  ${type}`);
    out.say('');
    out.say(`━━ Security Hub: what the audit imported into the sandbox's Security Hub (ASFF)`);
    for (const line of await securityHubLines(sandbox.url)) out.say(line);
    out.say('');
    out.say('━━ The fleet report: one HTML page to open in a browser or mail');
    const report = ['report', ...PRIMARY.flatMap((r) => ['--region', r]), '--dr-region', DR_REGION];
    report.push('--prune-older-than', '90d', '--html', options.reportFile);
    out.say(`$ cloudhsm-ops ${report.join(' ')} --endpoint ${sandbox.url}`);
    const code = await run([...report, '--endpoint', sandbox.url]);
    if (code !== 0) failures.push(`the report exited ${code}`);
  } finally {
    await organization?.close();
    await sandbox.close();
  }
  if (failures.length) {
    out.warn(`demo: ${failures.join('; ')}`);
    return 1;
  }
  out.say('');
  out.say('Done. Try the commands yourself: `npx cloudhsm-ops sandbox --fleet demo --clock real` in one');
  out.say('terminal, then any command above with --endpoint http://127.0.0.1:4566 in another.');
  // The last line: where the report is, to open it.
  out.say(`The demo fleet's report: ${options.reportFile}`);
  return 0;
}

/**
 * Registers `cloudhsm-ops demo`: every job, end to end, against the embedded sandbox. Each step
 * runs through `run`, given by the program, so this module does not import the CLI's entry point.
 */
export function registerDemo(program: Command, run: CommandRunner): void {
  program
    .command('demo')
    .description(
      'Start the embedded sandbox with the demo fleet and run every job against it: inventory, ' +
        'audit with the findings feed and a Security Hub import, copy (twice), prune of the duplicate DR copies the audit found ' +
        '(dry run), prune (dry run, then for real) and restore; audit a demo organization (3 member accounts, one ' +
        'without the member role, so that step ends in exit 1 by design); then write the fleet report (HTML) and print its path. ' +
        'This is what `npm start` runs.',
    )
    .option('--copy-delay-seconds <n>', 'how long the sandbox takes to finish a copy', '2')
    .option(
      '--report-file <path>',
      'where the closing step writes the fleet report (HTML)',
      join(tmpdir(), 'cloudhsm-ops-demo-report.html'),
    )
    .addHelpText('after', examples(['cloudhsm-ops demo', 'npm start']))
    .action(action<DemoOptions>((options, out) => runDemo(run, options, out)));
}
