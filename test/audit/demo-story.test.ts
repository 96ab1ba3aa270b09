/**
 * Issue 17 §4: what the demo fleet promises stays true while it runs. The sandbox turns every
 * CREATE_IN_PROGRESS backup READY after the copy delay (60 s by default, on the real clock
 * too), so a DR break seeded as an in-progress copy healed itself a minute into the demo.
 */
import { DateTime } from 'luxon';
import { afterEach, describe, expect, it } from 'vitest';
import { runAudit } from '../../lib/audit/run.js';
import { parseAuditConfig } from '../../lib/config/audit.js';
import { demoFleet, rebaseFleet } from '../../sandbox/index.js';
import { startTestSandbox, type TestSandbox } from '../support/sandbox.js';

let test: TestSandbox | undefined;
afterEach(async () => {
  await test?.close();
  test = undefined;
});

/** Audits the demo's primary regions against us-west-2 at the sandbox clock's now. */
async function auditDemo(s: TestSandbox) {
  const now = DateTime.fromJSDate(s.sandbox.clock.now(), { zone: 'utc' });
  const report = await runAudit(
    { clients: s.clients },
    parseAuditConfig({ regions: 'us-east-1,eu-west-1', drRegions: 'us-west-2' }),
    now,
  );
  expect(report.errors).toEqual([]);
  return (clusterId: string, checkId: string) =>
    report.findings.find((f) => f.resource.id === clusterId && f.checkId === checkId)!;
}

describe('the demo fleet story', () => {
  it.each([
    ['at start', 0],
    ['past the copy delay', 61],
    ['ten minutes in', 600],
  ])('shows the DR break of cluster-singlehsmapp and the duplicate copies %s', async (_, seconds) => {
    // Prepare: the demo fleet with the sandbox's default 60 s copy delay.
    test = await startTestSandbox({ fleet: 'demo' });
    test.sandbox.clock.advance(seconds * 1000);
    // Act
    const finding = await auditDemo(test);
    // Assess
    const dr = finding('cluster-singlehsmapp', 'dr-copies');
    expect(dr.status).toBe('FAILED');
    // Yesterday's copy is the newest: older than the 30 h RPO, and no copy of today's backup on its way.
    expect(dr.observed).toMatch(
      /^us-west-2: newest READY copy backup-\w+ of backup-\w+ created \S+ \(3\dh \d+m ago\)$/,
    );
    const duplicates = finding('cluster-sameazledger', 'duplicate-dr-copies');
    expect(duplicates.status).toBe('FAILED');
    expect(duplicates.observed).toMatch(
      /^us-west-2: 2 source backups with more than one copy, 3 extra copies: /,
    );
    // Nothing in the DR region is still being made, so nothing changes as the clock runs.
    expect(test.sandbox.backups('us-west-2').filter((b) => b.BackupState === 'CREATE_IN_PROGRESS')).toEqual(
      [],
    );
  });

  it('holds on the demo moved to another day, as `sandbox --fleet demo --clock real` does', async () => {
    // Prepare: the fleet rebased to a fixed instant (the CLI uses the machine's now), then past the copy delay.
    test = await startTestSandbox({ fleet: rebaseFleet(demoFleet(), new Date('2027-03-01T08:30:00Z')) });
    test.sandbox.clock.advance(5 * 60_000);
    // Act
    const finding = await auditDemo(test);
    // Assess
    expect(finding('cluster-singlehsmapp', 'dr-copies').status).toBe('FAILED');
    expect(finding('cluster-nohsmsarchive', 'dr-copies').status).toBe('FAILED');
    expect(finding('cluster-sameazledger', 'duplicate-dr-copies').status).toBe('FAILED');
  });
});
