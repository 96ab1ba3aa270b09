import { describe, expect, it } from 'vitest';
import { CHECKS } from '../../lib/checks/index.js';
import { SEVERITIES } from '../../lib/config/common.js';
import { healthyFacts } from '../support/facts.js';

describe('the check registry', () => {
  it('has unique, stable-looking ids and a valid default severity for every check', () => {
    const ids = CHECKS.map((check) => check.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const check of CHECKS) {
      expect(check.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(SEVERITIES).toContain(check.severity);
      expect(check.title.length).toBeGreaterThan(10);
    }
  });

  it('includes every check the issue lists', () => {
    expect(CHECKS.map((c) => c.id)).toEqual(
      expect.arrayContaining([
        'hsm-count',
        'az-spread',
        'subnet-coverage',
        'sg-exposure',
        'degraded',
        'backup-freshness',
        'dr-copies',
        'retention-policy',
        'stale-dr-copies',
        'key-store-connection',
        'key-store-capacity',
      ]),
    );
  });

  it.each(CHECKS.map((check) => [check.id, check] as const))(
    '%s passes a cluster that follows every best practice, with a remediation linking AWS docs',
    (_, check) => {
      const result = check.evaluate(healthyFacts());
      expect(result.status).toBe('PASSED');
      expect(result.observed).not.toMatch(/not applicable/);
      expect(result.expected).not.toBe('');
      expect(result.remediation.text).not.toBe('');
      expect(result.remediation.url).toMatch(
        /^https:\/\/docs\.aws\.amazon\.com\/(cloudhsm\/latest\/userguide|kms\/latest\/developerguide)\/[a-z0-9-]+\.html(#[a-z0-9-]+)?$/,
      );
    },
  );

  it.each(CHECKS.map((check) => [check.id, check] as const))(
    '%s is pure: the same facts give the same result and are not modified',
    (_, check) => {
      const facts = healthyFacts();
      const before = structuredClone({ ...facts, now: facts.now.toISO() });
      expect(check.evaluate(facts)).toEqual(check.evaluate(facts));
      expect({ ...facts, now: facts.now.toISO() }).toEqual(before);
    },
  );
});
