/**
 * Organization fan-out (issue 13): an audit of N accounts × 3 regions through the organization
 * runner (lib/org/runner.ts → lib/org/run-unit.ts), against the sandbox with latency on every
 * call, against the same audit of 1 account × 3 regions; AssumeRole calls per account; peak RSS.
 * Then the same organization with 5% of the accounts lacking the role and every account
 * throttled at 10 req/s per operation and region: every other unit must complete, and the failed
 * ones are exactly the accounts without the role.
 *
 *   node scripts/run-ts.mjs bench/org-fanout.ts [--accounts 200] [--latency 50] [--max-units 8]
 */
import { parseArgs } from 'node:util';
import { DateTime } from 'luxon';
import { AwsClients } from '../lib/aws/clients.js';
import { parseAuditConfig } from '../lib/config/audit.js';
import { DEFAULT_MAX_UNITS } from '../lib/config/org.js';
import { organizationsRegion, resolveAccounts } from '../lib/org/accounts.js';
import { MemberCredentials } from '../lib/org/credentials.js';
import { runUnit } from '../lib/org/run-unit.js';
import { failedUnits, runUnits, unitsFor } from '../lib/org/runner.js';
import { type AccountScope, DEFAULT_MEMBER_ROLE, type UnitResult } from '../lib/org/types.js';
import { type FaultConfig, type OrganizationFleetFile, startSandbox } from '../sandbox/index.js';
import {
  BENCH_NOW,
  type BenchRow,
  clusterRegion,
  fixed,
  mib,
  printRows,
  runAlone,
  sampleMemory,
  seconds,
} from './common.js';

const REGIONS = ['us-east-1', 'eu-west-1', 'us-west-2'];
const MANAGEMENT = '100000000000';

/** Member `i`'s 12-digit id. */
const memberId = (i: number) => String(200_000_000_000 + i);

/** The management account (no clusters) and `members` accounts, each with one cluster in each region. */
function organization(members: number, denied: ReadonlySet<number>): OrganizationFleetFile {
  const accounts: OrganizationFleetFile['accounts'] = { [MANAGEMENT]: { name: 'management' } };
  for (let i = 0; i < members; i++) {
    accounts[memberId(i)] = {
      name: `member-${i}`,
      roles: denied.has(i) ? [] : [DEFAULT_MEMBER_ROLE],
      regions: Object.fromEntries(
        REGIONS.map((region, r) => [region, clusterRegion(region, r, { backups: 10 })]),
      ),
    };
  }
  return { now: BENCH_NOW, organization: { managementAccount: MANAGEMENT, ous: [] }, accounts };
}

interface OrgMeasure {
  wallMs: number;
  units: number;
  accounts: number;
  assumeRoleCalls: number;
  failed: string[];
  results: UnitResult[];
  peakRss: number;
  throttled: number;
}

/** One organization audit, every member account in every region, the way the CLI's runOrgJob runs it. */
async function measure(
  fleet: OrganizationFleetFile,
  faults: FaultConfig,
  maxUnits: number,
  only?: string[],
): Promise<OrgMeasure> {
  const sandbox = await startSandbox({ fleet, faults });
  const hub = new AwsClients({ endpoint: sandbox.url });
  const now = DateTime.fromISO(BENCH_NOW, { zone: 'utc' });
  const members = new MemberCredentials({ hub, region: REGIONS[0]!, now: () => now.toJSDate() });
  try {
    const memory = sampleMemory();
    const started = performance.now();
    const scope: AccountScope = only
      ? { kind: 'list', accounts: only, exclude: [] }
      : { kind: 'organization', exclude: [MANAGEMENT] };
    const { accounts } = await resolveAccounts(scope, {
      organizations: hub.organizations(organizationsRegion(REGIONS[0]!)),
    });
    const config = parseAuditConfig({ regions: REGIONS.join(',') });
    const units = unitsFor('audit', accounts, REGIONS);
    const results = await runUnits(
      units,
      (unit) =>
        runUnit(
          { hub, members, settings: { audit: config }, clock: () => now.toJSDate() },
          {
            version: 1,
            runId: 'bench',
            plannedAt: BENCH_NOW,
            unit,
            access: { roleName: DEFAULT_MEMBER_ROLE },
          },
        ),
      { maxUnits },
    );
    const wallMs = performance.now() - started;
    const peak = memory.stop();
    const requests = sandbox.requests();
    return {
      wallMs,
      units: units.length,
      accounts: accounts.length,
      assumeRoleCalls: requests.filter((r) => r.operation === 'AssumeRole').length,
      failed: failedUnits(results),
      results,
      peakRss: peak.rss,
      throttled: requests.filter((r) => r.errorCode?.includes('Throttl')).length,
    };
  } finally {
    members.destroy();
    hub.destroy();
    await sandbox.close();
  }
}

export interface OrgFanoutOptions {
  accounts?: number;
  latencyMs?: number;
  maxUnits?: number;
}

/** The organization rows. */
export async function benchOrgFanout(options: OrgFanoutOptions = {}): Promise<BenchRow[]> {
  const count = options.accounts ?? 200;
  const latencyMs = options.latencyMs ?? 50;
  const maxUnits = options.maxUnits ?? DEFAULT_MAX_UNITS;
  const latency: FaultConfig = { rules: [{ latencyMs }] };
  const healthy = organization(count, new Set());
  const one = await measure(healthy, latency, maxUnits, [memberId(0)]);
  const all = await measure(healthy, latency, maxUnits);
  const ratio = all.wallMs / one.wallMs;

  // 5% of the accounts without the role, every account throttled at 10 req/s.
  const denied = new Set(Array.from({ length: Math.ceil(count / 20) }, (_, i) => i * 20));
  const throttled = await measure(
    organization(count, denied),
    { seed: 13, rules: [{ latencyMs }, { throttleRps: 10 }] },
    maxUnits,
  );
  const deniedIds = new Set([...denied].map(memberId));
  const failedAccounts = new Set(
    throttled.results.filter((r) => r.exitCode !== 0).map((r) => r.unit.account.id),
  );
  const othersDone = throttled.results
    .filter((r) => !deniedIds.has(r.unit.account.id))
    .every((r) => r.exitCode === 0);
  const exact =
    othersDone &&
    [...failedAccounts].every((id) => deniedIds.has(id)) &&
    failedAccounts.size === deniedIds.size;
  return [
    {
      area: 'Organization',
      measure: `audit: ${count} accounts × 3 regions ÷ 1 account × 3 regions (wall time, ${latencyMs} ms/call, --max-units ${maxUnits})`,
      value: `${fixed(ratio)}×`,
      target: 'report (bounded by units ÷ --max-units)',
      met: all.failed.length === 0,
      note:
        `${seconds(all.wallMs)} for ${all.units} units vs ${seconds(one.wallMs)} for ${one.units}; ` +
        `${all.units} units ÷ ${maxUnits} at once = ${fixed(all.units / maxUnits / (one.units / Math.min(maxUnits, one.units)), 1)}× the rounds of the 1-account run`,
    },
    {
      area: 'Organization',
      measure: 'AssumeRole calls ÷ member accounts',
      value: fixed(all.assumeRoleCalls / all.accounts),
      target: '1.00',
      met: all.assumeRoleCalls === all.accounts,
      note: `${all.assumeRoleCalls} AssumeRole calls for ${all.accounts} accounts (${all.units} units)`,
    },
    {
      area: 'Organization',
      measure: `peak RSS, ${count} accounts × 3 regions`,
      value: mib(all.peakRss),
      target: 'report',
      met: true,
      note: `1 account × 3 regions: ${mib(one.peakRss)}`,
    },
    {
      area: 'Organization',
      measure: `5% denied, throttled at 10 req/s: other units completed, failed ones named`,
      value: exact ? 'all' : 'no',
      target: 'every other unit completes',
      met: exact,
      note:
        `${throttled.results.length - throttled.failed.length} of ${throttled.results.length} units done in ` +
        `${seconds(throttled.wallMs)}; failed: ${failedAccounts.size} accounts (${throttled.failed.length} units), ` +
        `${throttled.throttled} throttled answers retried`,
    },
  ];
}

if (runAlone('org-fanout.ts')) {
  const { values } = parseArgs({
    options: {
      accounts: { type: 'string', default: '200' },
      latency: { type: 'string', default: '50' },
      'max-units': { type: 'string', default: String(DEFAULT_MAX_UNITS) },
    },
  });
  printRows(
    await benchOrgFanout({
      accounts: Number(values.accounts),
      latencyMs: Number(values.latency),
      maxUnits: Number(values['max-units']),
    }),
  );
}
