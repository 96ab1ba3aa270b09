/** `cloudhsm-ops report`: the page and the JSON of the demo fleet, from the same snapshot the audit judges. */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../lib/events/findings.js';
import type { FleetReport } from '../../lib/report/model.js';
import { DEMO_NOW } from '../../sandbox/fleets/demo.js';
import { runCli } from '../support/cli.js';
import { startTestSandbox, type TestSandbox } from '../support/sandbox.js';

const REGIONS = ['--region', 'us-east-1,eu-west-1', '--dr-region', 'us-west-2'];

let test: TestSandbox;
let dir: string;
beforeAll(async () => {
  test = await startTestSandbox({ fleet: 'demo' });
  dir = mkdtempSync(join(tmpdir(), 'report-cli-'));
});
afterAll(async () => {
  await test.close();
  rmSync(dir, { recursive: true, force: true });
});

function common(): string[] {
  return ['--endpoint', test.sandbox.url, '--now', DEMO_NOW, ...REGIONS];
}

async function auditFindings(): Promise<Finding[]> {
  const run = await runCli(['audit', ...common(), '--json']);
  expect(run.code).toBe(0);
  return (JSON.parse(run.stdout) as { findings: Finding[] }).findings;
}

describe('cloudhsm-ops report', () => {
  it('--html writes one page with every audited cluster and every finding of the audit', async () => {
    // Prepare
    const file = join(dir, 'fleet.html');
    const findings = await auditFindings();

    // Act
    const run = await runCli(['report', ...common(), '--html', file]);

    // Assess
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    expect(run.stdout).toMatch(
      new RegExp(
        `^Wrote the fleet report \\(7 clusters, ${findings.length} findings, \\d+ KiB\\) to ${file}\\n$`,
      ),
    );
    const page = readFileSync(file, 'utf8');
    const clusters = [
      ...new Set(findings.filter((f) => f.checkId !== 'orphan-dr-copies').map((f) => f.resource.id)),
    ];
    expect(clusters).toHaveLength(7);
    for (const id of clusters) expect(page).toContain(`data-cluster="${id}" aria-labelledby=`);
    const rows = [
      ...page.matchAll(
        /<tr data-severity="(\w+)" data-status="(\w+)" data-check="([\w-]+)" data-cluster="([\w-]+)">/g,
      ),
    ];
    const key = (severity: string, status: string, check: string, cluster: string) =>
      `${severity} ${status} ${check} ${cluster}`;
    expect(rows.map((m) => key(m[1]!, m[2]!, m[3]!, m[4]!)).sort()).toEqual(
      findings.map((f) => key(f.severity, f.status, f.checkId, f.resource.id)).sort(),
    );
    expect(page).toContain(
      `<code>cloudhsm-ops report --region us-east-1 --region eu-west-1 --dr-region us-west-2 --html ${file}</code>`,
    );
    // Self-contained: no external script, style, image or font.
    expect(page).not.toMatch(/<(script|link|img|iframe)[^>]+(src|href)=/);
  });

  it('--json prints the same data on stdout, and the path of the page goes to stderr', async () => {
    // Act
    const file = join(dir, 'both.html');
    const run = await runCli(['report', ...common(), '--html', file, '--json', '--prune-older-than', '90d']);

    // Assess
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as FleetReport;
    expect(run.stderr).toContain(`to ${file}`);
    expect(report).toMatchObject({
      account: '111122223333',
      generatedAt: '2026-11-29T12:00:00Z',
      regions: ['us-east-1', 'eu-west-1'],
      drRegions: ['us-west-2'],
      window: { from: '2026-10-26', to: '2026-11-29', days: 35 },
      pruneCutoff: '2026-08-31',
    });
    const single = report.clusters.find((c) => c.id === 'cluster-singlehsmapp')!;
    // One HSM: one zone serves, the other zones of us-east-1 have a subnet and no HSM.
    expect(single.zones.map((z) => z.name)).toEqual(['us-east-1a', 'us-east-1b', 'us-east-1c']);
    expect(single.zones.filter((z) => z.coverage === 'serving')).toHaveLength(1);
    const partial = report.clusters.find((c) => c.id === 'cluster-partialsubnet')!;
    expect(partial.zones.find((z) => z.name === 'us-east-1c')).toMatchObject({ coverage: 'none', hsms: 0 });
    const copies = single.lineages.find((l) => l.kind === 'copy')!;
    expect(copies.region).toBe('us-west-2');
    expect(report.score.failed.CRITICAL).toBeGreaterThanOrEqual(1);
  });

  it('draws the same page from the same snapshot (nothing in it depends on the run)', async () => {
    const [a, b] = [join(dir, 'same.html'), join(dir, 'again', 'same.html')];
    mkdirSync(join(dir, 'again'));
    expect((await runCli(['report', ...common(), '--html', a])).code).toBe(0);
    expect((await runCli(['report', ...common(), '--html', b])).code).toBe(0);
    expect(readFileSync(a, 'utf8').replaceAll(`${dir}/again/`, `${dir}/`)).toBe(
      readFileSync(b, 'utf8').replaceAll(`${dir}/again/`, `${dir}/`),
    );
  });

  it('refuses a file it cannot write before any AWS call: exit 2 naming the folder', async () => {
    // Prepare
    const before = test.sandbox.requests().length;
    // Act
    const missing = await runCli(['report', ...common(), '--html', join(dir, 'missing', 'fleet.html')]);
    const folder = await runCli(['report', ...common(), '--html', dir]);
    // Assess
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(
      `error: --html: cannot write ${join(dir, 'missing', 'fleet.html')}: the folder ${join(dir, 'missing')} does not exist`,
    );
    expect(folder.code).toBe(2);
    expect(folder.stderr).toContain(`error: --html: ${dir} is a folder: give a file name`);
    expect(test.sandbox.requests().length).toBe(before);
  });

  it.each([
    [['--prune-older-than', '12h', '--json'], /--prune-older-than "12h" is under one day/],
    [['--html', '-'], /--html -: give a file name/],
  ])('refuses %j as bad input before any AWS call (found by an operator pass)', async (args, message) => {
    const before = test.sandbox.requests().length;
    const run = await runCli(['report', ...common(), ...args]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(test.sandbox.requests().length).toBe(before);
  });
});
