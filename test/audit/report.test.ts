import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { colorEnabled, renderFindings, reportDocument, summaryLine } from '../../lib/audit/report.js';
import { type AuditReport, auditRunOutcome, evaluateClusters } from '../../lib/audit/run.js';
import { countFindings } from '../../lib/events/findings.js';
import type { RegionInventory } from '../../lib/inventory/types.js';
import { backup, cluster, config, healthyFacts } from '../support/facts.js';

const NOW = DateTime.fromISO('2026-11-29T12:00:00Z', { zone: 'utc' });

function report(): AuditReport {
  const facts = healthyFacts();
  const inventory: RegionInventory = {
    region: 'us-east-1',
    clusters: [
      cluster(),
      cluster({
        id: 'cluster-zerohsmsaaaa',
        hsms: [{ id: 'hsm-zerohsmsaaa', zone: 'us-east-1a', state: 'ACTIVE' }],
      }),
    ],
    backups: [...facts.backups, backup({ id: 'backup-zeroaaaaaaa', clusterId: 'cluster-zerohsmsaaaa' })],
    zones: facts.zones,
    subnets: facts.subnets,
    securityGroups: facts.securityGroups,
    keyStores: facts.keyStores,
  };
  const { findings, errors, skipped } = evaluateClusters([inventory], new Map([['us-west-2', []]]), config, {
    account: '111122223333',
    runId: 'run-1',
    now: NOW,
  });
  const base = {
    runId: 'run-1',
    failures: [],
    exitCode: 0 as const,
    account: '111122223333',
    regions: ['us-east-1'],
    drRegions: ['us-west-2'],
    startedAt: '2026-11-29T12:00:00Z',
    durationMs: 1234,
  };
  return {
    ...base,
    clusters: inventory.clusters.map((c) => ({
      region: c.region,
      id: c.id,
      state: c.state,
      hsmType: c.hsmType,
      hsms: c.hsms.length,
    })),
    findings,
    errors,
    skipped,
    summary: {
      ...base,
      schemaVersion: '1.0',
      job: 'audit',
      clusters: 2,
      findings: countFindings(findings),
      errors,
      skipped,
      ...auditRunOutcome(findings, errors, 2),
    },
  };
}

describe('audit report rendering', () => {
  it('lists FAILED rows first, the most severe first, with what to do about them', () => {
    const text = renderFindings(report(), { color: false, width: 120 });
    const zero = text.slice(text.indexOf('cluster-zerohsmsaaaa'));
    const rows = zero.split('\n').filter((line) => line.startsWith('│ ') && !line.includes('Severity'));
    expect(rows[0]).toMatch(/│ CRITICAL\s+│ FAILED\s+│ hsm-count/);
    expect(rows[1]).toMatch(/│ HIGH\s+│ FAILED\s+│ dr-copies/);
    expect(rows[2]).toMatch(/│ \w+\s+│ PASSED/);
    expect(zero).toContain('What to do:\n  CRITICAL hsm-count: Add HSMs to cluster-zerohsmsaaaa');
    expect(text.includes('\u001b[')).toBe(false);
  });

  it('shows a check that cannot judge as NOT_APPLICABLE, after the PASSED rows, not as PASSED', () => {
    const text = renderFindings(report(), { color: false, width: 120 });
    const zero = text.slice(text.indexOf('cluster-zerohsmsaaaa'));
    // First lines of rows only (wrapped lines have an empty severity cell).
    const rows = zero.split('\n').filter((line) => /^│ [A-Z]/.test(line) && !line.includes('Severity'));
    const azRow = rows.find((row) => row.includes('az-spread'))!;
    expect(azRow).toMatch(/│ NOT_APPLICABLE\s+│ az-spread\s+│ not applicable: /);
    // Not-applicable rows come last (the key-store checks do not apply to a cluster behind no key store).
    const firstNa = rows.findIndex((row) => row.includes('NOT_APPLICABLE'));
    expect(rows.slice(firstNa).every((row) => row.includes('NOT_APPLICABLE'))).toBe(true);
    expect(rows.slice(firstNa)).toContain(azRow);
    // Check ids are never cut, the longest included.
    const ids = text.split('\n').flatMap((line) => line.match(/^│ [A-Z]+\s+│ [A-Z_]+\s+│ (\S+)/)?.[1] ?? []);
    expect(ids).toContain('duplicate-dr-copies');
    expect(ids.some((id) => id.endsWith('…'))).toBe(false);
    // The healthy cluster's block has nothing else the audit could not judge.
    const healthy = text.slice(0, text.indexOf('cluster-zerohsmsaaaa'));
    expect(healthy.split('\n').filter((line) => line.includes('NOT_APPLICABLE'))).toEqual([
      expect.stringMatching(/│ dr-restore-compat\s+│ not applicable: no READY copy in any DR region/),
    ]);
  });

  it('colours severities and statuses when asked to', () => {
    const text = renderFindings(report(), { color: true });
    expect(text).toContain('\u001b[31mFAILED\u001b[39m');
    expect(text).toContain('\u001b[1m\u001b[31mCRITICAL\u001b[39m\u001b[22m');
  });

  it('summarises findings by status and FAILED ones by severity', () => {
    expect(summaryLine(report(), { color: false })).toBe(
      'Audited 2 clusters in 1 region (us-east-1) in 1.2s: 36 findings, 3 FAILED (1 CRITICAL, 2 HIGH), 28 PASSED, 5 NOT_APPLICABLE',
    );
  });

  it('decides colour from NO_COLOR, FORCE_COLOR and the terminal', () => {
    expect(colorEnabled({ isTTY: true }, {})).toBe(true);
    expect(colorEnabled({ isTTY: false }, {})).toBe(false);
    expect(colorEnabled({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(colorEnabled({ isTTY: false }, { FORCE_COLOR: '1' })).toBe(true);
    expect(colorEnabled({ isTTY: true }, { NO_COLOR: '' })).toBe(true);
  });

  it('puts the findings and the counts in the JSON document', () => {
    const document = reportDocument(report());
    expect(document.findings).toHaveLength(36);
    expect(document.summary.byStatus).toEqual({ FAILED: 3, PASSED: 28, NOT_APPLICABLE: 5 });
    const azSpread = document.findings.find(
      (f) => f.resource.id === 'cluster-zerohsmsaaaa' && f.checkId === 'az-spread',
    );
    expect(azSpread?.status).toBe('NOT_APPLICABLE');
    expect(document).not.toHaveProperty('publish');
  });
});
