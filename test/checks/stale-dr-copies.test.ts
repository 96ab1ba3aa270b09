import { describe, expect, it } from 'vitest';
import { staleDrCopies } from '../../lib/checks/stale-dr-copies.js';
import { cluster, config, copy, daysAgo, healthyFacts, NOW } from '../support/facts.js';

const RETENTION_MS = config.copyRetentionDays * 86_400_000;

describe('stale-dr-copies', () => {
  it('passes when every copy is younger than the copy retention', () => {
    const result = staleDrCopies.evaluate(healthyFacts());
    expect(result.status).toBe('PASSED');
    expect(result.observed).toBe('no copy older than 90 days in us-west-2');
  });

  it('fails copies older than the retention and names how many and the oldest', () => {
    // Prepare
    const facts = healthyFacts({
      drCopies: {
        'us-west-2': [
          copy({ id: 'backup-copy200aaaa', sourceBackupId: 'backup-s200aaaaaaa', createdAt: daysAgo(200) }),
          copy({ id: 'backup-copy100aaaa', sourceBackupId: 'backup-s100aaaaaaa', createdAt: daysAgo(100) }),
          copy({ id: 'backup-copy001aaaa', sourceBackupId: 'backup-s001aaaaaaa', createdAt: daysAgo(1) }),
        ],
      },
    });
    // Act
    const result = staleDrCopies.evaluate(facts);
    // Assess
    expect(result.status).toBe('FAILED');
    expect(result.observed).toBe('us-west-2: 2 stale copies (oldest backup-copy200aaaa, 200d old)');
    expect(result.remediation.text).toContain(
      'cloudhsm-ops prune --region us-west-2 --cluster-id cluster-abcdefghijk --older-than 90d',
    );
  });

  it('counts what prune would remove: a copy exactly at the cutoff, but never the newest, NeverExpires or held copies', () => {
    // Prepare
    const facts = healthyFacts({
      drCopies: {
        'us-west-2': [
          copy({
            id: 'backup-atcutoffaaa',
            sourceBackupId: 'backup-aaaaaaaaaaa',
            createdAt: new Date(NOW.toMillis() - RETENTION_MS),
          }),
          copy({
            id: 'backup-justinaaaaa',
            sourceBackupId: 'backup-bbbbbbbbbbb',
            createdAt: new Date(NOW.toMillis() - RETENTION_MS + 1000),
          }),
          copy({
            id: 'backup-neveraaaaaa',
            sourceBackupId: 'backup-ccccccccccc',
            createdAt: daysAgo(300),
            neverExpires: true,
          }),
          copy({
            id: 'backup-heldaaaaaaa',
            sourceBackupId: 'backup-ddddddddddd',
            createdAt: daysAgo(300),
            tags: { 'cloudhsm-ops:hold': 'audit' },
          }),
          copy({
            id: 'backup-pendingaaaa',
            sourceBackupId: 'backup-eeeeeeeeeee',
            createdAt: daysAgo(300),
            state: 'PENDING_DELETION',
          }),
        ],
      },
    });
    // Act
    const result = staleDrCopies.evaluate(facts);
    // Assess
    expect(result.status).toBe('FAILED');
    expect(result.observed).toBe(
      'us-west-2: 1 stale copy (oldest backup-atcutoffaaa, 90d old); older than 90 days but kept: ' +
        '1 NeverExpires, 1 held by cloudhsm-ops:hold (oldest 300d)',
    );
  });

  it('keeps the only copy in a region however old it is', () => {
    const facts = healthyFacts({
      drCopies: {
        'us-west-2': [
          copy({ id: 'backup-onlyaaaaaaa', sourceBackupId: 'backup-aaaaaaaaaaa', createdAt: daysAgo(500) }),
        ],
      },
    });
    const result = staleDrCopies.evaluate(facts);
    expect(result.status).toBe('PASSED');
    // never "no copy older than 90 days" while a 500-day copy exists
    expect(result.observed).toBe(
      'us-west-2: no stale copy; older than 90 days but kept: the newest copy backup-onlyaaaaaaa (500d old)',
    );
  });

  it('a custom --hold-tag adds to the default one: copies carrying cloudhsm-ops:hold stay held', () => {
    const facts = healthyFacts({
      config: { ...config, holdTag: 'legal-hold' },
      drCopies: {
        'us-west-2': [
          copy({
            id: 'backup-heldaaaaaaa',
            sourceBackupId: 'backup-ddddddddddd',
            createdAt: daysAgo(300),
            tags: { 'cloudhsm-ops:hold': 'audit' },
          }),
          copy({
            id: 'backup-legalaaaaaa',
            sourceBackupId: 'backup-eeeeeeeeeee',
            createdAt: daysAgo(300),
            tags: { 'legal-hold': 'case-42' },
          }),
          copy({ id: 'backup-newaaaaaaaa', sourceBackupId: 'backup-fffffffffff', createdAt: daysAgo(1) }),
        ],
      },
    });
    expect(staleDrCopies.evaluate(facts).status).toBe('PASSED');
  });

  describe('with copy retention following the source cluster (--copy-retention source)', () => {
    const sourceConfig = { ...config, copyRetention: 'source' as const };
    const copies = () => ({
      'us-west-2': [
        copy({ id: 'backup-copy030aaaa', sourceBackupId: 'backup-s030aaaaaaa', createdAt: daysAgo(30) }),
        copy({ id: 'backup-copy008aaaa', sourceBackupId: 'backup-s008aaaaaaa', createdAt: daysAgo(8) }),
        copy({ id: 'backup-copy001aaaa', sourceBackupId: 'backup-s001aaaaaaa', createdAt: daysAgo(1) }),
      ],
    });

    it('judges copies by the source cluster retention policy, not the fixed 90 days', () => {
      const facts = healthyFacts({
        config: sourceConfig,
        cluster: cluster({ retentionDays: 7 }),
        drCopies: copies(),
      });
      const result = staleDrCopies.evaluate(facts);
      expect(result.status).toBe('FAILED');
      expect(result.observed).toBe('us-west-2: 2 stale copies (oldest backup-copy030aaaa, 30d old)');
      expect(result.expected).toMatch(
        /^no READY copy older than 7 days \(the source cluster's backup retention policy\) in us-west-2/,
      );
      expect(result.remediation.text).toContain('--cluster-id cluster-abcdefghijk --older-than 7d');
    });

    it('passes the same copies under the fixed retention', () => {
      const facts = healthyFacts({ cluster: cluster({ retentionDays: 7 }), drCopies: copies() });
      expect(staleDrCopies.evaluate(facts).status).toBe('PASSED');
    });

    it('falls back to the fixed days when the source cluster has no retention policy, and says so', () => {
      const facts = healthyFacts({
        config: { ...sourceConfig, copyRetentionDays: 20 },
        cluster: cluster({ retentionDays: undefined }),
        drCopies: copies(),
      });
      const result = staleDrCopies.evaluate(facts);
      expect(result.status).toBe('FAILED');
      expect(result.observed).toBe('us-west-2: 1 stale copy (oldest backup-copy030aaaa, 30d old)');
      expect(result.expected).toContain(
        '20 days (fallback: the source cluster has no backup retention policy)',
      );
    });
  });
});
