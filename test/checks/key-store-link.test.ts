import { describe, expect, it } from 'vitest';
import { hsmCount } from '../../lib/checks/hsm-count.js';
import { hsmType } from '../../lib/checks/hsm-type.js';
import { noteKeyStores } from '../../lib/checks/key-store-link.js';
import { backup, cluster, daysAgo, healthyFacts, KEY_STORE_ID, keyStore } from '../support/facts.js';

describe('existing checks learn that a cluster backs a KMS key store', () => {
  it('a parked cluster behind a key store is HIGH: the key store cannot connect', () => {
    // Prepare
    const facts = healthyFacts({
      cluster: cluster({ hsms: [] }),
      backups: [backup({ id: 'backup-lastaaaaaaa', createdAt: daysAgo(12) })],
    });
    // Act
    const result = hsmCount.evaluate(facts);
    // Assess
    expect(result.status).toBe('FAILED');
    expect(result.severity).toBe('HIGH');
    expect(result.observed).toContain(KEY_STORE_ID);
    expect(result.observed).toContain('cannot connect');
  });

  it('a parked cluster behind no key store stays INFORMATIONAL', () => {
    const result = hsmCount.evaluate(healthyFacts({ cluster: cluster({ hsms: [] }), keyStores: [] }));
    expect(result.severity).toBe('INFORMATIONAL');
  });

  it('the hsm-type remediation names the key store the cluster backs before the migration command', () => {
    const result = hsmType.evaluate(healthyFacts({ cluster: cluster({ hsmType: 'hsm1.medium' }) }));
    expect(result.status).toBe('FAILED');
    const text = result.remediation.text;
    expect(text).toContain(`backs KMS key store ${KEY_STORE_ID}`);
    expect(text.indexOf(KEY_STORE_ID)).toBeLessThan(text.indexOf('modify-cluster'));
  });

  it('every other finding on the cluster says which key store it backs; the key-store checks already do', () => {
    const result = {
      status: 'PASSED' as const,
      observed: '2 ACTIVE HSMs',
      expected: 'x',
      remediation: { text: 't', url: 'u' },
    };
    expect(noteKeyStores('hsm-count', result, [keyStore()]).observed).toBe(
      `2 ACTIVE HSMs [backs KMS key store ${KEY_STORE_ID} ("payments")]`,
    );
    expect(noteKeyStores('key-store-connection', result, [keyStore()]).observed).toBe('2 ACTIVE HSMs');
    expect(noteKeyStores('hsm-count', result, []).observed).toBe('2 ACTIVE HSMs');
  });
});
