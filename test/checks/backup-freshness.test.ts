import { describe, expect, it } from 'vitest';
import { backupFreshness } from '../../lib/checks/backup-freshness.js';
import { backup, cluster, config, copy, daysAgo, healthyFacts, hoursAgo, NOW } from '../support/facts.js';

const withNewest = (createdAt: Date, extra = {}) =>
  healthyFacts({
    backups: [
      backup({ id: 'backup-newestaaaaa', createdAt }),
      backup({ id: 'backup-olderaaaaaa', createdAt: hoursAgo(200) }),
    ],
    ...extra,
  });

describe('backup-freshness', () => {
  it('passes a backup 3 hours old', () => {
    const result = backupFreshness.evaluate(healthyFacts());
    expect(result.status).toBe('PASSED');
    expect(result.observed).toBe(
      'newest READY backup backup-newestaaaaa created 2026-11-29T09:00:00Z (3h ago)',
    );
    expect(result.expected).toBe('a READY backup no older than 30h (24h + 6h grace)');
  });

  it('passes a backup exactly at the limit (24 h + grace) and fails one a second older', () => {
    const limit = (24 + config.freshnessGraceHours) * 3_600_000;
    expect(backupFreshness.evaluate(withNewest(new Date(NOW.toMillis() - limit))).status).toBe('PASSED');
    expect(backupFreshness.evaluate(withNewest(new Date(NOW.toMillis() - limit - 1000))).status).toBe(
      'FAILED',
    );
  });

  it('honours the configured grace', () => {
    const facts = withNewest(hoursAgo(26), { config: { ...config, freshnessGraceHours: 1 } });
    expect(backupFreshness.evaluate(facts).status).toBe('FAILED');
  });

  it('judges only READY backups of the cluster itself', () => {
    // Prepare: the newest backups are in progress, pending deletion, or someone else's
    const facts = healthyFacts({
      backups: [
        backup({ id: 'backup-progressaaa', createdAt: hoursAgo(1), state: 'CREATE_IN_PROGRESS' }),
        backup({ id: 'backup-pendingaaaa', createdAt: hoursAgo(2), state: 'PENDING_DELETION' }),
        backup({ id: 'backup-otheraaaaaa', createdAt: hoursAgo(2), clusterId: 'cluster-bbbbbbbbbbb' }),
        copy({
          id: 'backup-copyhereaaa',
          sourceBackupId: 'backup-xxxxxxxxxxx',
          region: 'us-east-1',
          createdAt: hoursAgo(2),
        }),
        backup({ id: 'backup-oldaaaaaaaa', createdAt: hoursAgo(40) }),
      ],
    });
    // Act
    const result = backupFreshness.evaluate(facts);
    // Assess
    expect(result.status).toBe('FAILED');
    expect(result.observed).toBe(
      'newest READY backup backup-oldaaaaaaaa created 2026-11-27T20:00:00Z (40h ago); ' +
        '1 newer backup(s) still CREATE_IN_PROGRESS, oldest since 2026-11-29T11:00:00Z (1h ago)',
    );
  });

  it('fails an old cluster with no READY backup, and passes a cluster younger than the limit', () => {
    expect(backupFreshness.evaluate(healthyFacts({ backups: [] })).observed).toBe('no READY backup');
    expect(backupFreshness.evaluate(healthyFacts({ backups: [] })).status).toBe('FAILED');
    const young = healthyFacts({ backups: [], cluster: cluster({ createdAt: hoursAgo(5) }) });
    expect(backupFreshness.evaluate(young).status).toBe('PASSED');
  });

  it('is not applicable to a cluster that is not in service', () => {
    const result = backupFreshness.evaluate(
      healthyFacts({ backups: [], cluster: cluster({ state: 'UNINITIALIZED' }) }),
    );
    expect(result.status).toBe('NOT_APPLICABLE');
    expect(result.observed).toMatch(/^not applicable/);
  });
});

describe('backup-freshness on a parked cluster', () => {
  it('does not apply: CloudHSM takes no daily backup of a cluster without HSMs', () => {
    const result = backupFreshness.evaluate(
      healthyFacts({
        cluster: cluster({ hsms: [] }),
        backups: [backup({ id: 'backup-lastaaaaaaa', createdAt: daysAgo(30) })],
      }),
    );
    expect(result.status).toBe('NOT_APPLICABLE');
    expect(result.observed).toMatch(/^not applicable: the cluster is parked \(no HSMs\)/);
  });
});
