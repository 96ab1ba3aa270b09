import { describe, expect, it } from 'vitest';
import { hsmCount } from '../../lib/checks/hsm-count.js';
import {
  buildFinding,
  countFindings,
  findingEvent,
  findingId,
  runSummaryEvent,
} from '../../lib/events/findings.js';
import { entrySize } from '../../lib/events/publisher.js';
import { cluster, healthyFacts, NOW } from '../support/facts.js';

const context = { account: '111122223333', cluster: cluster(), runId: 'run-1', now: NOW };

describe('findings', () => {
  it('identifies a finding by account, region, resource and check only', () => {
    const a = buildFinding(hsmCount, hsmCount.evaluate(healthyFacts()), context);
    const b = buildFinding(
      hsmCount,
      hsmCount.evaluate(healthyFacts({ cluster: cluster({ hsms: [] }), keyStores: [] })),
      {
        ...context,
        runId: 'run-2',
        now: NOW.plus({ days: 3 }),
      },
    );
    expect(a.findingId).toBe('111122223333/us-east-1/cluster-abcdefghijk/hsm-count');
    expect(b.findingId).toBe(a.findingId);
    expect(findingId('111122223333', 'eu-west-1', 'cluster-abcdefghijk', 'hsm-count')).not.toBe(a.findingId);
  });

  it('takes the severity from the result when it overrides the check default', () => {
    const failed = buildFinding(
      hsmCount,
      hsmCount.evaluate(healthyFacts({ cluster: cluster({ hsms: [] }), keyStores: [] })),
      context,
    );
    const passed = buildFinding(hsmCount, hsmCount.evaluate(healthyFacts()), context);
    expect(failed.severity).toBe('INFORMATIONAL');
    expect(passed.severity).toBe('CRITICAL');
  });

  it('makes a CloudHSM Finding event with the cluster ARN as its resource and observedAt as its time', () => {
    const finding = buildFinding(hsmCount, hsmCount.evaluate(healthyFacts()), context);
    const event = findingEvent(finding);
    expect(event).toEqual({
      detailType: 'CloudHSM Finding',
      detail: finding,
      resources: ['arn:aws:cloudhsm:us-east-1:111122223333:cluster/cluster-abcdefghijk'],
      time: new Date('2026-11-29T12:00:00Z'),
    });
    expect(entrySize({ Detail: JSON.stringify(event.detail) })).toBeLessThan(4096);
  });

  it('counts findings by status and severity', () => {
    const findings = [
      buildFinding(
        hsmCount,
        hsmCount.evaluate(healthyFacts({ cluster: cluster({ hsms: [] }), keyStores: [] })),
        context,
      ),
      buildFinding(hsmCount, hsmCount.evaluate(healthyFacts()), context),
    ];
    expect(countFindings(findings)).toEqual({
      total: 2,
      byStatus: { FAILED: 1, PASSED: 1, NOT_APPLICABLE: 0 },
      bySeverity: { INFORMATIONAL: 1, LOW: 0, MEDIUM: 0, HIGH: 0, CRITICAL: 1 },
      failedBySeverity: { INFORMATIONAL: 1, LOW: 0, MEDIUM: 0, HIGH: 0, CRITICAL: 0 },
    });
    expect(runSummaryEvent({ runId: 'r' } as never)).toMatchObject({
      detailType: 'CloudHSM Run Summary',
      resources: [],
    });
  });
});
