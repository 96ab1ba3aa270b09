import { describe, expect, it } from 'vitest';
import { drCopies } from '../../lib/checks/dr-copies.js';
import { backup, cluster, config, copy, daysAgo, healthyFacts, hoursAgo } from '../support/facts.js';

const twoDr = { ...config, drRegions: ['us-east-1', 'us-west-2', 'eu-west-1'] };

describe('dr-copies', () => {
  it('passes when the newest backup has a READY copy in the DR region', () => {
    const result = drCopies.evaluate(healthyFacts());
    expect(result.status).toBe('PASSED');
    expect(result.observed).toBe('us-west-2: newest backup copied');
  });

  it('fails a DR region with no copy at all and names it, ignoring the cluster own region', () => {
    // Prepare
    const facts = healthyFacts({ config: twoDr });
    // Act
    const result = drCopies.evaluate(facts);
    // Assess
    expect(result.status).toBe('FAILED');
    expect(result.observed).toBe('us-west-2: newest backup copied; eu-west-1: no READY copy');
    expect(result.expected).toMatch(/^in us-west-2, eu-west-1: /);
    expect(result.remediation.text).toContain('--dr-region us-west-2 --dr-region eu-west-1');
  });

  it('passes an older copy still within the RPO while the newest backup is being copied', () => {
    const facts = healthyFacts({
      drCopies: {
        'us-west-2': [
          copy({ id: 'backup-copyoldaaaa', sourceBackupId: 'backup-olderaaaaaa', createdAt: hoursAgo(27) }),
          copy({
            id: 'backup-copynewaaaa',
            sourceBackupId: 'backup-newestaaaaa',
            createdAt: hoursAgo(3),
            state: 'CREATE_IN_PROGRESS',
          }),
        ],
      },
    });
    expect(drCopies.evaluate(facts).status).toBe('PASSED');
  });

  it('fails when the newest READY copy is older than the RPO, and mentions a copy in progress', () => {
    // Prepare
    const facts = healthyFacts({
      backups: [backup({ id: 'backup-newestaaaaa', createdAt: hoursAgo(3) })],
      drCopies: {
        'us-west-2': [
          copy({ id: 'backup-copyoldaaaa', sourceBackupId: 'backup-oldaaaaaaaa', createdAt: hoursAgo(31) }),
          copy({
            id: 'backup-copynewaaaa',
            sourceBackupId: 'backup-newestaaaaa',
            createdAt: hoursAgo(3),
            state: 'CREATE_IN_PROGRESS',
          }),
        ],
      },
    });
    // Act
    const result = drCopies.evaluate(facts);
    // Assess
    expect(result.status).toBe('FAILED');
    expect(result.observed).toBe(
      'us-west-2: newest READY copy backup-copyoldaaaa of backup-oldaaaaaaaa created 2026-11-28T05:00:00Z (31h ago) (1 copy in progress)',
    );
  });

  it('passes a copy exactly at the RPO', () => {
    const facts = healthyFacts({
      drCopies: {
        'us-west-2': [
          copy({ id: 'backup-copyoldaaaa', sourceBackupId: 'backup-oldaaaaaaaa', createdAt: hoursAgo(30) }),
        ],
      },
    });
    expect(drCopies.evaluate(facts).status).toBe('PASSED');
  });

  it('accepts a copy of the newest backup however old, leaving freshness to backup-freshness', () => {
    const facts = healthyFacts({
      backups: [backup({ id: 'backup-newestaaaaa', createdAt: hoursAgo(100) })],
      drCopies: {
        'us-west-2': [
          copy({ id: 'backup-copyaaaaaaa', sourceBackupId: 'backup-newestaaaaa', createdAt: hoursAgo(100) }),
        ],
      },
    });
    expect(drCopies.evaluate(facts).status).toBe('PASSED');
  });

  it('is not applicable without DR regions other than the cluster own', () => {
    const result = drCopies.evaluate(healthyFacts({ config: { ...config, drRegions: ['us-east-1'] } }));
    expect(result.status).toBe('NOT_APPLICABLE');
    expect(result.observed).toBe('not applicable: no DR region is configured');
  });

  it('fails a cluster with no backups and no copies', () => {
    const result = drCopies.evaluate(healthyFacts({ backups: [], drCopies: { 'us-west-2': [] } }));
    expect(result.status).toBe('FAILED');
  });

  it('declares that it needs the DR regions backups', () => {
    expect(drCopies.needs).toContain('dr-backups');
    expect(drCopies.evaluate(healthyFacts({ cluster: cluster({ state: 'UNINITIALIZED' }) })).status).toBe(
      'NOT_APPLICABLE',
    );
  });
});

describe('dr-copies on a parked cluster', () => {
  const parked = (drCopies: ReturnType<typeof copy>[]) =>
    healthyFacts({
      cluster: cluster({ hsms: [] }),
      backups: [backup({ id: 'backup-lastaaaaaaa', createdAt: daysAgo(40) })],
      drCopies: { 'us-west-2': drCopies },
    });

  it('passes when the backup a restore would use is copied, however old (no RPO applies)', () => {
    const result = drCopies.evaluate(
      parked([
        copy({ id: 'backup-copyaaaaaaa', sourceBackupId: 'backup-lastaaaaaaa', createdAt: daysAgo(40) }),
      ]),
    );
    expect(result.status).toBe('PASSED');
    expect(result.observed).toBe('us-west-2: newest backup copied');
  });

  it('fails when that backup has no READY copy in a DR region', () => {
    const result = drCopies.evaluate(parked([]));
    expect(result.status).toBe('FAILED');
    expect(result.observed).toBe('us-west-2: no READY copy');
    expect(result.expected).toContain('parked');
  });
});
