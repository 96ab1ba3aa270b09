/**
 * The demo fleet's report in a real browser: headless Chromium (Debian's `chromium` package,
 * driven by playwright-core) opens the page from disk and finds every cluster, zone and finding,
 * works the severity and status filter, and shows everything with JavaScript off; the page makes
 * no network request. A screenshot goes to test-output/report/. Where no Chromium binary can be
 * found (CHROMIUM_PATH, then /usr/bin/chromium) the test is skipped with a warning.
 */
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FleetReport } from '../../lib/report/model.js';
import { DEMO_NOW } from '../../sandbox/fleets/demo.js';
import { runCli } from '../support/cli.js';
import { startTestSandbox } from '../support/sandbox.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const OUTPUT = join(ROOT, 'test-output', 'report');
const PAGE = join(OUTPUT, 'demo-report.html');
/** The page's path as the command line names it: short, since the page's header shows it. */
const PAGE_ARG = relative(process.cwd(), PAGE);
/** Set to a path (e.g. docs/report-demo.png) to refresh the README's screenshot. */
const README_SHOT = process.env.REPORT_SCREENSHOT;

/** The Chromium to drive: CHROMIUM_PATH, then Debian's package. */
function chromiumPath(): string | undefined {
  return [process.env.CHROMIUM_PATH, '/usr/bin/chromium'].find((p): p is string => !!p && existsSync(p));
}

const executable = chromiumPath();
if (!executable) {
  console.warn(
    'warning: no Chromium found (set CHROMIUM_PATH, or apt-get install chromium): the report browser test is skipped',
  );
}

let browser: Browser | undefined;
let report: FleetReport;

beforeAll(async () => {
  if (!executable) return;
  rmSync(OUTPUT, { recursive: true, force: true });
  mkdirSync(OUTPUT, { recursive: true });
  const test = await startTestSandbox({ fleet: 'demo' });
  try {
    const args = ['report', '--endpoint', test.sandbox.url, '--now', DEMO_NOW];
    args.push('--region', 'us-east-1,eu-west-1', '--dr-region', 'us-west-2', '--prune-older-than', '90d');
    const run = await runCli([...args, '--html', PAGE_ARG, '--json']);
    expect(run.code).toBe(0);
    report = JSON.parse(run.stdout) as FleetReport;
  } finally {
    await test.close();
  }
  const { chromium } = await import('playwright-core');
  // Root in a container has no user namespace for Chromium's sandbox; the page is our own file.
  browser = await chromium.launch({ executablePath: executable, args: ['--no-sandbox'], timeout: 60_000 });
}, 120_000);

afterAll(async () => {
  await browser?.close();
});

/** Opens the report; every request the page makes besides loading itself is collected. */
async function open(
  options: { javaScriptEnabled?: boolean } = {},
): Promise<{ page: Page; requests: string[] }> {
  const context = await browser!.newContext({ viewport: { width: 1280, height: 900 }, ...options });
  const page = await context.newPage();
  const url = pathToFileURL(PAGE).href;
  const requests: string[] = [];
  page.on('request', (request) => {
    if (request.url() !== url) requests.push(request.url());
  });
  await page.goto(url, { waitUntil: 'load', timeout: 30_000 });
  return { page, requests };
}

/** Rows of the findings table that are shown, by severity. */
async function shownSeverities(page: Page): Promise<string[]> {
  const rows = page.locator('#findings tbody tr:visible');
  return Promise.all((await rows.all()).map(async (row) => (await row.getAttribute('data-severity'))!));
}

describe.skipIf(!executable)('the demo fleet report in headless Chromium', () => {
  it('shows every cluster, zone and finding of the fleet, and makes no network request', {
    timeout: 60_000,
  }, async () => {
    // Act
    const { page, requests } = await open();

    // Assess
    for (const cluster of report.clusters) {
      const article = page.locator(`article[data-cluster="${cluster.id}"]`);
      await expect(article.locator('h3').textContent()).resolves.toContain(cluster.id);
      expect(await article.locator('svg.timeline').count()).toBe(1);
      for (const zone of cluster.zones) {
        const cell = article.locator('table.zones tbody th', { hasText: zone.name });
        expect(await cell.count(), `${cluster.id} ${zone.name}`).toBe(1);
      }
    }
    expect(await page.locator('article.cluster').count()).toBe(report.clusters.length);
    const rows = await Promise.all(
      (await page.locator('#findings tbody tr').all()).map(
        async (row) => `${await row.getAttribute('data-check')} ${await row.getAttribute('data-cluster')}`,
      ),
    );
    expect(rows.sort()).toEqual(report.findings.map((f) => `${f.checkId} ${f.resource.id}`).sort());
    expect(await shownSeverities(page)).toHaveLength(report.findings.length);
    await page.screenshot({ path: join(OUTPUT, 'demo-report.png'), fullPage: true });
    // The README's picture: the header, the clusters at a glance and the first cluster's zones and timeline.
    if (README_SHOT)
      await page.screenshot({
        path: resolve(ROOT, README_SHOT),
        fullPage: true,
        clip: { x: 0, y: 0, width: 1280, height: 1120 },
      });
    expect(requests).toEqual([]);
    await page.context().close();
  });

  it('hides and shows rows with the severity and status filters', { timeout: 60_000 }, async () => {
    // Prepare
    const { page, requests } = await open();
    const critical = report.findings.filter((f) => f.severity === 'CRITICAL').length;
    expect(critical).toBeGreaterThan(0);
    await expect(page.locator('#filters').isVisible()).resolves.toBe(true);

    // Act + Assess: CRITICAL off hides exactly those rows, on again shows them.
    await page.getByLabel('CRITICAL', { exact: true }).uncheck();
    let shown = await shownSeverities(page);
    expect(shown).not.toContain('CRITICAL');
    expect(shown).toHaveLength(report.findings.length - critical);
    await expect(page.locator('#shown').textContent()).resolves.toBe(
      `(${report.findings.length - critical} of ${report.findings.length} findings shown)`,
    );
    await page.getByLabel('CRITICAL', { exact: true }).check();
    expect(await shownSeverities(page)).toHaveLength(report.findings.length);

    // Status: PASSED and NOT_APPLICABLE off leaves the FAILED rows.
    await page.getByLabel('PASSED', { exact: true }).uncheck();
    await page.getByLabel('NOT_APPLICABLE', { exact: true }).uncheck();
    shown = await shownSeverities(page);
    expect(shown).toHaveLength(report.findings.filter((f) => f.status === 'FAILED').length);
    expect(requests).toEqual([]);
    await page.context().close();
  });

  it('shows every finding with JavaScript off, without the filter form', { timeout: 60_000 }, async () => {
    const { page } = await open({ javaScriptEnabled: false });
    await expect(page.locator('#filters').isVisible()).resolves.toBe(false);
    expect(await shownSeverities(page)).toHaveLength(report.findings.length);
    await page.context().close();
  });

  it('prints without the filter form, with each chart beside its table', { timeout: 60_000 }, async () => {
    const { page } = await open();
    await page.getByLabel('CRITICAL', { exact: true }).uncheck();
    await page.emulateMedia({ media: 'print' });
    await expect(page.locator('#filters').isVisible()).resolves.toBe(false);
    // A filtered printout says so: the count is in the findings table's caption, not in the form.
    await expect(page.locator('#findings caption').isVisible()).resolves.toBe(true);
    await expect(page.locator('#findings caption').textContent()).resolves.toMatch(/findings shown\)$/);
    const table = page.locator('article.cluster table[id$="-t"]').first();
    await expect(table.isVisible()).resolves.toBe(true);
    await page.pdf({ path: join(OUTPUT, 'demo-report.pdf') });
    expect(readFileSync(join(OUTPUT, 'demo-report.pdf')).subarray(0, 4).toString()).toBe('%PDF');
    await page.context().close();
  });
});
