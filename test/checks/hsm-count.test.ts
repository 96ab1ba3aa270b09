import { describe, expect, it } from 'vitest';
import { hsmCount } from '../../lib/checks/hsm-count.js';
import { backup, cluster, daysAgo, healthyFacts } from '../support/facts.js';

describe('hsm-count', () => {
  it('passes an ACTIVE cluster with two HSMs', () => {
    const result = hsmCount.evaluate(healthyFacts());
    expect(result.status).toBe('PASSED');
    expect(result.observed).toBe('2 ACTIVE HSMs (hsm-aaaaaaaaaaa, hsm-bbbbbbbbbbb)');
  });

  it('fails a serving cluster with a single HSM as CRITICAL, naming it', () => {
    // Prepare
    const facts = healthyFacts({
      cluster: cluster({ hsms: [{ id: 'hsm-aaaaaaaaaaa', zone: 'us-east-1a', state: 'ACTIVE' }] }),
    });
    // Act
    const result = hsmCount.evaluate(facts);
    // Assess
    expect(result.status).toBe('FAILED');
    expect(result.severity ?? hsmCount.severity).toBe('CRITICAL');
    expect(result.observed).toContain('1 ACTIVE HSM (hsm-aaaaaaaaaaa)');
  });

  it('reports a parked cluster (no HSM at all) once, as INFORMATIONAL, with when and what a restore uses', () => {
    // Prepare
    const facts = healthyFacts({
      cluster: cluster({ hsms: [] }),
      keyStores: [],
      backups: [
        backup({ id: 'backup-lastaaaaaaa', createdAt: daysAgo(12) }),
        backup({ id: 'backup-olderaaaaaa', createdAt: daysAgo(13) }),
      ],
    });
    // Act
    const result = hsmCount.evaluate(facts);
    // Assess
    expect(result.status).toBe('FAILED');
    expect(result.severity).toBe('INFORMATIONAL');
    expect(result.observed).toBe(
      'parked: no HSMs since about 2026-11-17T12:00:00Z (12d ago), the time of its newest backup ' +
        'backup-lastaaaaaaa; a new HSM restores that backup',
    );
  });

  it('says when a parked cluster has no backup to restore', () => {
    const result = hsmCount.evaluate(
      healthyFacts({ cluster: cluster({ hsms: [] }), backups: [], keyStores: [] }),
    );
    expect(result.severity).toBe('INFORMATIONAL');
    expect(result.observed).toContain('no READY backup');
  });

  it('counts only ACTIVE HSMs as serving and lists the others apart', () => {
    // Prepare: one serving, one still being created, one being deleted
    const facts = healthyFacts({
      cluster: cluster({
        hsms: [
          { id: 'hsm-aaaaaaaaaaa', zone: 'us-east-1a', state: 'ACTIVE' },
          { id: 'hsm-bbbbbbbbbbb', zone: 'us-east-1b', state: 'CREATE_IN_PROGRESS' },
          { id: 'hsm-ccccccccccc', zone: 'us-east-1c', state: 'DELETE_IN_PROGRESS' },
        ],
      }),
    });
    // Act
    const result = hsmCount.evaluate(facts);
    // Assess
    expect(result.status).toBe('FAILED');
    expect(result.severity ?? hsmCount.severity).toBe('CRITICAL');
    expect(result.observed).toBe(
      '1 ACTIVE HSM (hsm-aaaaaaaaaaa); not serving: 1 CREATE_IN_PROGRESS (hsm-bbbbbbbbbbb): a single point of failure',
    );
  });

  it('fails a cluster whose HSMs exist but none is ACTIVE as CRITICAL, not as parked', () => {
    const facts = healthyFacts({
      cluster: cluster({ hsms: [{ id: 'hsm-aaaaaaaaaaa', zone: 'us-east-1a', state: 'DEGRADED' }] }),
    });
    const result = hsmCount.evaluate(facts);
    expect(result.severity ?? hsmCount.severity).toBe('CRITICAL');
    expect(result.observed).toBe('no ACTIVE HSM; not serving: 1 DEGRADED (hsm-aaaaaaaaaaa)');
  });

  it('applies to a DEGRADED cluster too, but not to one still being set up', () => {
    const degraded = hsmCount.evaluate(
      healthyFacts({
        cluster: cluster({ state: 'DEGRADED', hsms: [{ id: 'hsm-aaaaaaaaaaa', state: 'ACTIVE' }] }),
      }),
    );
    expect(degraded.status).toBe('FAILED');
    const uninitialized = hsmCount.evaluate(
      healthyFacts({ cluster: cluster({ state: 'UNINITIALIZED', hsms: [] }) }),
    );
    expect(uninitialized.status).toBe('NOT_APPLICABLE');
    expect(uninitialized.observed).toBe('not applicable: the cluster is UNINITIALIZED');
  });
});
