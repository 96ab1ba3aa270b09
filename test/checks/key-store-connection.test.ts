import { describe, expect, it } from 'vitest';
import { KEY_STORE_ERRORS, keyStoreConnection } from '../../lib/checks/key-store-connection.js';
import { cluster, healthyFacts, KEY_STORE_ID, keyStore } from '../support/facts.js';

describe('key-store-connection', () => {
  it('passes a CONNECTED key store, naming it', () => {
    const result = keyStoreConnection.evaluate(healthyFacts());
    expect(result.status).toBe('PASSED');
    expect(result.observed).toContain(`${KEY_STORE_ID} ("payments") CONNECTED`);
  });

  it('fails a FAILED key store as HIGH with the error code, what it means and the fix for that code', () => {
    // Prepare
    const facts = healthyFacts({ keyStores: [keyStore({ state: 'FAILED', errorCode: 'USER_LOCKED_OUT' })] });
    // Act
    const result = keyStoreConnection.evaluate(facts);
    // Assess
    expect(result.status).toBe('FAILED');
    expect(result.severity ?? keyStoreConnection.severity).toBe('HIGH');
    expect(result.observed).toContain('FAILED (USER_LOCKED_OUT)');
    expect(result.observed).toContain('locked out');
    expect(result.remediation.text).toContain('kmsuser');
    expect(result.remediation.text).toContain(KEY_STORE_ID);
    expect(result.remediation.url).toMatch(
      /^https:\/\/docs\.aws\.amazon\.com\/kms\/latest\/developerguide\//,
    );
  });

  it.each(['SUBNET_NOT_FOUND', 'INSUFFICIENT_CLOUDHSM_HSMS', 'INSUFFICIENT_FREE_ADDRESSES_IN_SUBNET'])(
    'gives %s its own meaning and fix',
    (code) => {
      const result = keyStoreConnection.evaluate(
        healthyFacts({ keyStores: [keyStore({ state: 'FAILED', errorCode: code })] }),
      );
      expect(result.observed).toContain(KEY_STORE_ERRORS[code]!.meaning);
      expect(result.remediation.text).toContain(KEY_STORE_ERRORS[code]!.fix);
    },
  );

  it('fails a FAILED key store with an unknown error code as HIGH, quoting the code', () => {
    const result = keyStoreConnection.evaluate(
      healthyFacts({ keyStores: [keyStore({ state: 'FAILED', errorCode: 'SOMETHING_NEW' })] }),
    );
    expect(result.status).toBe('FAILED');
    expect(result.severity ?? keyStoreConnection.severity).toBe('HIGH');
    expect(result.observed).toContain('SOMETHING_NEW');
  });

  it('fails a DISCONNECTED key store as MEDIUM', () => {
    const result = keyStoreConnection.evaluate(
      healthyFacts({ keyStores: [keyStore({ state: 'DISCONNECTED' })] }),
    );
    expect(result.status).toBe('FAILED');
    expect(result.severity).toBe('MEDIUM');
    expect(result.remediation.text).toContain(
      `aws kms connect-custom-key-store --custom-key-store-id ${KEY_STORE_ID}`,
    );
  });

  it('does not judge a key store that is CONNECTING or DISCONNECTING (it is between states)', () => {
    const result = keyStoreConnection.evaluate(
      healthyFacts({ keyStores: [keyStore({ state: 'CONNECTING' })] }),
    );
    expect(result.status).toBe('NOT_APPLICABLE');
  });

  it('does not apply to a cluster that backs no key store', () => {
    const result = keyStoreConnection.evaluate(healthyFacts({ keyStores: [] }));
    expect(result.status).toBe('NOT_APPLICABLE');
    expect(result.observed).toContain('backs no KMS custom key store');
  });

  it('judges the worst of several key stores (KMS allows one per cluster; a second is reported, not hidden)', () => {
    const result = keyStoreConnection.evaluate(
      healthyFacts({
        cluster: cluster(),
        keyStores: [
          keyStore(),
          keyStore({
            id: 'cks-2222222222222222b',
            name: 'other',
            state: 'FAILED',
            errorCode: 'NETWORK_ERRORS',
          }),
        ],
      }),
    );
    expect(result.status).toBe('FAILED');
    expect(result.severity ?? keyStoreConnection.severity).toBe('HIGH');
    expect(result.observed).toContain('cks-2222222222222222b');
    expect(result.observed).toContain(KEY_STORE_ID);
  });

  it('needs the key stores: the audit skips it when they could not be read', () => {
    expect(keyStoreConnection.needs).toContain('key-stores');
  });
});
