/**
 * Issue 17 §1 on a fleet where the duplicates were made by hand: the AWS CLI (v1, the real
 * driver) copies backups to the DR region against the sandbox, twice for one backup, once more
 * for a backup that already had a copy (and carries the hold tag, which the copy inherits).
 * The audit then reports the duplicates by the rule prune will use.
 */
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuditReport, runAudit } from '../../lib/audit/run.js';
import { parseAuditConfig } from '../../lib/config/audit.js';
import { awsBatch, onPath } from '../conformance/tools.js';
import { CLUSTER_A, seqId, smallFleet } from '../support/fleet.js';
import { startTestSandbox, type TestSandbox } from '../support/sandbox.js';

const HAS_AWS_CLI = onPath('the AWS CLI', 'aws');
/** A plain backup of cluster A (3 days old) with no copy yet. */
const PLAIN = seqId('backup', 2);
/** A backup of cluster A carrying the hold tag, already copied to us-west-2 by the fleet. */
const HELD = seqId('backup', 1);
const SEEDED_COPY = seqId('backup', 2000);

let test: TestSandbox;
let report: AuditReport;
let copiesOf: (source: string) => string[];

function copyCommand(backupId: string): string[] {
  return [
    'cloudhsmv2',
    'copy-backup-to-region',
    '--backup-id',
    backupId,
    '--destination-region',
    'us-west-2',
    '--endpoint-url',
    test.sandbox.url,
    '--region',
    'us-east-1',
    '--output',
    'json',
  ];
}

beforeAll(async () => {
  if (!HAS_AWS_CLI) return;
  test = await startTestSandbox({ fleet: smallFleet(5), copyDelaySeconds: 60 });
  // Two copies of PLAIN ten minutes apart, one more copy of HELD; then past the copy delay.
  const first = await awsBatch([copyCommand(PLAIN), copyCommand(HELD)]);
  test.sandbox.clock.advance(10 * 60_000);
  const second = await awsBatch([copyCommand(PLAIN)]);
  for (const result of [...first, ...second]) expect(result.code, result.stderr).toBe(0);
  test.sandbox.clock.advance(2 * 60_000);
  copiesOf = (source) =>
    test.sandbox
      .backups('us-west-2')
      .filter((b) => b.SourceBackup === source)
      .sort((a, b) => Number(a.CopyTimestamp) - Number(b.CopyTimestamp))
      .map((b) => b.BackupId as string);
  const now = DateTime.fromJSDate(test.sandbox.clock.now(), { zone: 'utc' });
  report = await runAudit(
    { clients: test.clients },
    parseAuditConfig({ regions: 'us-east-1', drRegions: 'us-west-2' }),
    now,
  );
}, 120_000);
afterAll(() => test?.close());

describe.skipIf(!HAS_AWS_CLI)('duplicate DR copies made by hand with the AWS CLI', () => {
  it('the CLI made READY copies in us-west-2', () => {
    expect(copiesOf(PLAIN)).toHaveLength(2);
    expect(copiesOf(HELD)).toHaveLength(2);
    expect(copiesOf(HELD)[0]).toBe(SEEDED_COPY);
    const states = test.sandbox.backups('us-west-2').map((b) => b.BackupState);
    expect(new Set(states)).toEqual(new Set(['READY']));
  });

  it('fails duplicate-dr-copies for the lineage, keeping the oldest copy and never the held one as extra', () => {
    const finding = report.findings.find(
      (f) => f.checkId === 'duplicate-dr-copies' && f.resource.id === CLUSTER_A,
    )!;
    const [keepPlain, extraPlain] = copiesOf(PLAIN);
    const [, heldCopy] = copiesOf(HELD);
    expect(report.errors).toEqual([]);
    expect(finding.status).toBe('FAILED');
    expect(finding.severity).toBe('MEDIUM');
    expect(finding.observed).toBe(
      `us-west-2: 1 source backup with more than one copy, 1 extra copy: ${PLAIN} has 2 copies ` +
        `(keep ${keepPlain}; extra ${extraPlain}); kept on purpose: ${HELD} has 2 copies ` +
        `(keep ${SEEDED_COPY}; held or NeverExpires ${heldCopy})`,
    );
    expect(finding.remediation.text).toContain(`--region us-west-2 --backup-id ${extraPlain}`);
    expect(finding.remediation.text).not.toContain(keepPlain!);
    expect(finding.remediation.text).not.toContain(heldCopy!);
  });

  it('passes the cluster that has no duplicate', () => {
    const other = report.findings.filter(
      (f) => f.checkId === 'duplicate-dr-copies' && f.resource.id !== CLUSTER_A,
    );
    expect(other.map((f) => f.status)).toEqual(['PASSED']);
  });
});
