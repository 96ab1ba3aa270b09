import type { Command } from 'commander';
import { parseCount, parseRegion } from '../../lib/config/common.js';
import { UsageError } from '../../lib/errors.js';
import type { FaultConfig, FaultRule, SandboxOptions } from '../../sandbox/index.js';
import { action, type CommonOptions, examples, type Output } from '../common.js';

/** The `sandbox` command's flags, as commander hands them over (strings). */
export interface SandboxCliOptions extends CommonOptions {
  port: string;
  fleet?: string;
  generate?: string;
  seed?: string;
  clock?: string;
  copyDelaySeconds?: string;
  throttleRps?: string;
  internalFailureRate?: string;
  latencyMs?: string;
  lostResponseRate?: string;
  putEventsFailureRate?: string;
  faultOperation?: string;
  faultRegion?: string;
  faultAccount?: string;
  eventsFile?: string;
}

/** A probability flag: a number from 0 to 1. */
function parseRate(value: string, what: string): number {
  const n = Number(value.trim());
  if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1) {
    throw new UsageError(`${what} must be a number from 0 to 1, got "${value}"`);
  }
  return n;
}

function parsePositive(value: string, what: string): number {
  const n = Number(value.trim());
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) {
    throw new UsageError(`${what} must be a positive number, got "${value}"`);
  }
  return n;
}

/** The fault flags as a FaultConfig (undefined when no fault flag is given). */
export function faultsFromFlags(o: SandboxCliOptions): FaultConfig | undefined {
  const rule: FaultRule = {};
  if (o.throttleRps !== undefined) rule.throttleRps = parsePositive(o.throttleRps, '--throttle-rps');
  if (o.internalFailureRate !== undefined) {
    rule.internalFailureRate = parseRate(o.internalFailureRate, '--internal-failure-rate');
  }
  if (o.latencyMs !== undefined) rule.latencyMs = parseCount(o.latencyMs, '--latency-ms', { max: 60_000 });
  if (o.lostResponseRate !== undefined)
    rule.lostResponseRate = parseRate(o.lostResponseRate, '--lost-response-rate');
  const entryRate =
    o.putEventsFailureRate === undefined
      ? undefined
      : parseRate(o.putEventsFailureRate, '--put-events-failure-rate');
  const hasRule = Object.keys(rule).length > 0;
  if (!hasRule && (o.faultOperation || o.faultRegion)) {
    throw new UsageError(
      '--fault-operation and --fault-region narrow a fault: give one too (e.g. --throttle-rps 5)',
    );
  }
  if (!hasRule && o.faultAccount) {
    throw new UsageError(
      '--fault-operation, --fault-region and --fault-account narrow a fault: give one too (e.g. --throttle-rps 5)',
    );
  }
  if (!hasRule && entryRate === undefined) return undefined;
  if (o.faultOperation) {
    if (!/^[A-Z][A-Za-z]+$/.test(o.faultOperation)) {
      throw new UsageError(
        `--fault-operation "${o.faultOperation}" is not an operation name (e.g. DeleteBackup)`,
      );
    }
    rule.operation = o.faultOperation;
  }
  if (o.faultRegion) rule.region = parseRegion(o.faultRegion, '--fault-region');
  if (o.faultAccount !== undefined) {
    if (!/^\d{12}$/.test(o.faultAccount)) {
      throw new UsageError(`--fault-account must be a 12-digit account id, got "${o.faultAccount}"`);
    }
    rule.account = o.faultAccount;
  }
  return {
    rules: hasRule ? [rule] : [],
    ...(entryRate !== undefined ? { putEventsEntryFailureRate: entryRate } : {}),
    ...(o.seed !== undefined ? { seed: parseCount(o.seed, '--seed') } : {}),
  };
}

/** Turns the command's flags into sandbox options (fleet loaded and validated). */
export async function sandboxOptionsFrom(o: SandboxCliOptions): Promise<SandboxOptions> {
  const { loadFleetFile, MAX_GENERATED_BACKUPS, demoFleet, demoOrganizationFleet, parseFleet, rebaseFleet } =
    await import('../../sandbox/index.js');
  const port = parseCount(o.port, '--port', { max: 65_535 });
  const seed = o.seed === undefined ? undefined : parseCount(o.seed, '--seed', { max: 2 ** 31 - 1 });
  if (o.clock !== undefined && o.clock !== 'real' && o.clock !== 'virtual') {
    throw new UsageError(`--clock must be "real" or "virtual", got "${o.clock}"`);
  }
  if (o.generate !== undefined && o.fleet !== undefined) {
    throw new UsageError('give either --fleet or --generate, not both');
  }
  let fleet: SandboxOptions['fleet'];
  if (o.generate !== undefined) {
    const backups = parseCount(o.generate, '--generate', { min: 1, max: MAX_GENERATED_BACKUPS });
    fleet = { generate: { backups, seed } };
  } else if (o.fleet === undefined || o.fleet === 'demo') {
    // On the real clock the fleet is moved to the present, so the CLI's clock and the sandbox's agree.
    fleet = o.clock === 'real' ? rebaseFleet(demoFleet(), new Date()) : 'demo';
  } else if (o.fleet === 'demo-organization') {
    fleet = o.clock === 'real' ? rebaseFleet(demoOrganizationFleet(), new Date()) : 'demo-organization';
  } else {
    const loaded = loadFleetFile(o.fleet);
    fleet = {
      validated:
        o.clock === 'real' && loaded.now ? parseFleet(rebaseFleet(loaded, new Date()), o.fleet) : loaded,
    };
  }
  return {
    port,
    fleet,
    clock: o.clock as 'real' | 'virtual' | undefined,
    copyDelaySeconds:
      o.copyDelaySeconds === undefined ? undefined : parseCount(o.copyDelaySeconds, '--copy-delay-seconds'),
    faults: faultsFromFlags(o),
    seed,
    eventsFile: o.eventsFile,
  };
}

function untilSignalled(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(signal);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

async function run(options: SandboxCliOptions, out: Output): Promise<number> {
  const sandboxOptions = await sandboxOptionsFrom(options);
  const { startSandbox } = await import('../../sandbox/index.js');
  let sandbox: Awaited<ReturnType<typeof startSandbox>>;
  try {
    sandbox = await startSandbox(sandboxOptions);
  } catch (error) {
    if ((error as { code?: string }).code === 'EADDRINUSE') {
      throw new UsageError(`port ${sandboxOptions.port} is already in use (try --port 0 for any free port)`);
    }
    throw error;
  }
  // Exactly this line on stdout: scripts wait for it before pointing clients at the sandbox.
  process.stdout.write(`listening on ${sandbox.url}\n`);
  out.warn(
    `sandbox: ${holdings(sandbox)}; clock ${sandbox.clock.mode} at ${sandbox.clock.now().toISOString()}; ` +
      `admin routes under ${sandbox.url}/_sandbox/ (events, requests, state, clock/advance, faults). Ctrl-C stops it.`,
  );
  const signal = await untilSignalled();
  out.warn(`sandbox: ${signal} received, stopping (${sandbox.requests().length} requests served)`);
  await sandbox.close();
  return 0;
}

/** What the sandbox holds, for its banner: the regions, per account in an organization. */
function holdings(sandbox: {
  accounts(): string[];
  regions(account?: string): string[];
  account: string;
}): string {
  const accounts = sandbox.accounts();
  const list = (account?: string) => sandbox.regions(account).join(', ') || 'no region';
  if (accounts.length <= 1) return `regions ${list()}`;
  const each = accounts.map((account) => `${account}: ${list(account)}`).join('; ');
  return `${accounts.length} accounts (management ${sandbox.account}); regions ${each}`;
}

/** Registers `cloudhsm-ops sandbox`. */
export function registerSandbox(program: Command): void {
  program
    .command('sandbox')
    .description(
      'Run the local AWS-compatible sandbox (CloudHSM v2, EC2 describe calls, EventBridge PutEvents, ' +
        'STS, Organizations, KMS key stores, Security Hub) on 127.0.0.1. It prints "listening on http://127.0.0.1:PORT" once ready and runs until ' +
        'stopped; point any command (or the AWS CLI) at it with --endpoint. Faults are seeded and repeatable.',
    )
    .option('--port <port>', 'TCP port (0 = any free port)', '4566')
    .option(
      '--fleet <file|demo|demo-organization>',
      'fleet file (JSON, see sandbox/README.md and docs/architecture.md §4.4; one account, or an ' +
        'organization of accounts), "demo" (default) or "demo-organization" (a management account and ' +
        '3 members, one without the member role)',
    )
    .option('--generate <n>', 'generate a fleet with n backups (up to 100000) instead of --fleet')
    .option('--seed <n>', 'seed for generated fleets, new ids and faults')
    .option(
      '--clock <mode>',
      '"virtual" (stands still at the fleet\'s "now"; default when it has one) or "real" (a fleet with ' +
        '"now" is moved to the present first, so commands using the real clock see the ages it describes)',
    )
    .option('--copy-delay-seconds <n>', 'copies turn READY this long after CopyBackupToRegion', '60')
    .option(
      '--throttle-rps <n>',
      "answer each service's throttling error above this many requests/s per operation, region and account " +
        '(ThrottlingException for CloudHSM and EventBridge, RequestLimitExceeded for EC2)',
    )
    .option('--internal-failure-rate <p>', 'share of requests failing with an internal error (HTTP 500)')
    .option('--latency-ms <n>', 'added latency per request')
    .option('--lost-response-rate <p>', 'share of requests applied but answered with HTTP 500')
    .option(
      '--put-events-failure-rate <p>',
      'share of PutEvents entries failed (InternalFailure/ThrottlingException)',
    )
    .option('--fault-operation <op>', 'apply the fault flags to this operation only (e.g. DeleteBackup)')
    .option('--fault-region <region>', 'apply the fault flags to this region only')
    .option(
      '--fault-account <id>',
      "apply the fault flags to this account's requests only (the account of the signing key)",
    )
    .option('--events-file <file>', 'append every accepted PutEvents entry to this file (JSON lines)')
    .addHelpText(
      'after',
      examples([
        'cloudhsm-ops sandbox --port 4566 --fleet demo',
        'cloudhsm-ops sandbox --port 4566 --fleet examples/fleet.json --clock real',
        'cloudhsm-ops sandbox --port 4566 --fleet examples/fleet-organization.json --throttle-rps 10',
        'cloudhsm-ops sandbox --fleet demo-organization --internal-failure-rate 1 --fault-account 333333333333',
        'cloudhsm-ops sandbox --port 0 --generate 100000 --seed 7',
        'cloudhsm-ops sandbox --throttle-rps 5 --fault-operation DeleteBackup --seed 42',
        'cloudhsm-ops sandbox --internal-failure-rate 0.1 --put-events-failure-rate 0.2 --events-file events.jsonl',
        'cloudhsm-ops inventory --endpoint http://127.0.0.1:4566 --region us-east-1 --region us-west-2',
        'aws cloudhsmv2 describe-backups --endpoint-url http://127.0.0.1:4566 --region us-east-1',
        'curl -X POST http://127.0.0.1:4566/_sandbox/clock/advance -d \'{"seconds":86400}\'',
      ]),
    )
    .action(action<SandboxCliOptions>(run));
}
