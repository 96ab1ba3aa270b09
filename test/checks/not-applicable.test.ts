/**
 * Issue 17 §3: a check that cannot judge says so with a status of its own, NOT_APPLICABLE,
 * never PASSED (anything keyed on one check alone must not see green) and never FAILED.
 */
import { describe, expect, it } from 'vitest';
import { isNotApplicable, notApplicable } from '../../lib/checks/common.js';
import { CHECKS } from '../../lib/checks/index.js';
import type { CheckFacts } from '../../lib/checks/types.js';
import { buildFinding, countFindings } from '../../lib/events/findings.js';
import { cluster, config, healthyFacts, NOW } from '../support/facts.js';

const remediation = {
  text: 'nothing to do',
  url: 'https://docs.aws.amazon.com/cloudhsm/latest/userguide/x.html',
};

/** Clusters on which some check cannot judge: one ACTIVE HSM, uninitialized, being deleted, no DR region, no type. */
function variants(): CheckFacts[] {
  const one = [{ id: 'hsm-aaaaaaaaaaa', zone: 'us-east-1a', state: 'ACTIVE' }];
  return [
    healthyFacts({ cluster: cluster({ hsms: one }) }),
    healthyFacts({ cluster: cluster({ state: 'UNINITIALIZED', hsms: [] }) }),
    healthyFacts({ cluster: cluster({ state: 'DELETE_IN_PROGRESS' }) }),
    healthyFacts({ cluster: cluster({ hsmType: undefined }), config: { ...config, drRegions: [] } }),
    healthyFacts({ cluster: cluster({ hsms: [] }) }),
  ];
}

describe('not applicable is a status of its own', () => {
  it('notApplicable() gives NOT_APPLICABLE with the reason in the observed text', () => {
    const result = notApplicable('the cluster is UNINITIALIZED', 'something', remediation);
    expect(result.status).toBe('NOT_APPLICABLE');
    expect(result.observed).toBe('not applicable: the cluster is UNINITIALIZED');
    expect(isNotApplicable(result)).toBe(true);
  });

  it('isNotApplicable() goes by the status, not by the words', () => {
    expect(isNotApplicable({ status: 'PASSED', observed: 'not applicable: looks like one' })).toBe(false);
    expect(isNotApplicable({ status: 'FAILED', observed: 'not applicable: looks like one' })).toBe(false);
  });

  it('az-spread on a single-HSM cluster is NOT_APPLICABLE, not PASSED', () => {
    const azSpread = CHECKS.find((c) => c.id === 'az-spread')!;
    const one = [{ id: 'hsm-aaaaaaaaaaa', zone: 'us-east-1a', state: 'ACTIVE' }];
    const result = azSpread.evaluate(healthyFacts({ cluster: cluster({ hsms: one }) }));
    expect(result.status).toBe('NOT_APPLICABLE');
    expect(result.status).not.toBe('PASSED');
  });

  it('every check that says "not applicable" reports NOT_APPLICABLE, and every NOT_APPLICABLE says why', () => {
    let seen = 0;
    for (const facts of variants()) {
      for (const check of CHECKS) {
        const result = check.evaluate(facts);
        if (result.observed.startsWith('not applicable')) {
          seen++;
          expect(result.status, `${check.id} on ${facts.cluster.state}`).toBe('NOT_APPLICABLE');
        }
        if (result.status === 'NOT_APPLICABLE') expect(result.observed).toMatch(/^not applicable: \S/);
      }
    }
    // The variants reach the not-applicable branch of most checks.
    expect(seen).toBeGreaterThanOrEqual(10);
  });

  it('findings carry the status and the counts keep it apart from PASSED and FAILED', () => {
    const facts = variants()[0]!;
    const findings = CHECKS.map((check) =>
      buildFinding(check, check.evaluate(facts), {
        account: '111122223333',
        cluster: facts.cluster,
        runId: 'r',
        now: NOW,
      }),
    );
    const na = findings.filter((f) => f.status === 'NOT_APPLICABLE');
    expect(na.map((f) => f.checkId)).toContain('az-spread');
    const counts = countFindings(findings);
    expect(counts.byStatus.NOT_APPLICABLE).toBe(na.length);
    expect(counts.byStatus.PASSED + counts.byStatus.FAILED + counts.byStatus.NOT_APPLICABLE).toBe(
      counts.total,
    );
    // failedBySeverity counts FAILED only.
    const failed = Object.values(counts.failedBySeverity).reduce((a, b) => a + b, 0);
    expect(failed).toBe(counts.byStatus.FAILED);
  });
});
