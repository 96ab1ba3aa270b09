import { describe, expect, it } from 'vitest';
import { drRestoreCompat } from '../../lib/checks/dr-restore-compat.js';
import { restoreFit } from '../../lib/copies/restore-compatibility.js';
import { CLUSTER_ID, cluster, config, copy, healthyFacts, hoursAgo } from '../support/facts.js';

const MODES_URL = 'https://docs.aws.amazon.com/cloudhsm/latest/userguide/cluster-hsm-types.html';
const MIGRATION_URL = 'https://docs.aws.amazon.com/cloudhsm/latest/userguide/hsm1-to-hsm2-migration.html';

const hsm1Copy = (id: string, hours: number) =>
  copy({
    id,
    sourceBackupId: `backup-src${id.slice(-8)}`,
    createdAt: hoursAgo(hours),
    hsmType: 'hsm1.medium',
  });

describe('restoreFit', () => {
  it('matches on HSM type and mode, reads hsm1 without Mode as FIPS, and does not guess the rest', () => {
    const cluster = { hsmType: 'hsm2m.medium', mode: 'FIPS' };
    expect(restoreFit({ hsmType: 'hsm2m.medium', mode: 'FIPS' }, cluster)).toBe('restores');
    expect(restoreFit({ hsmType: 'hsm1.medium', mode: 'FIPS' }, cluster)).toBe('differs');
    expect(restoreFit({ hsmType: 'hsm2m.medium', mode: 'NON_FIPS' }, cluster)).toBe('differs');
    expect(restoreFit({ hsmType: 'hsm1.medium' }, { hsmType: 'hsm1.medium', mode: 'FIPS' })).toBe('restores');
    expect(restoreFit({ hsmType: 'hsm2m.medium' }, cluster)).toBe('unknown');
    expect(restoreFit({}, cluster)).toBe('unknown');
    // A known difference is enough, whatever else is unknown.
    expect(restoreFit({ hsmType: 'hsm1.medium' }, { hsmType: 'hsm2m.medium' })).toBe('differs');
  });
});

describe('dr-restore-compat', () => {
  it('passes when each DR region holds a READY copy of the HSM type and mode the cluster runs', () => {
    const result = drRestoreCompat.evaluate(healthyFacts());
    expect(result.status).toBe('PASSED');
    expect(result.observed).toBe('us-west-2: backup-copyaaaaaaa restores hsm2m.medium FIPS');
    expect(drRestoreCompat.needs).toEqual(['dr-backups']);
  });

  it('fails HIGH when every DR copy is of the HSM type the cluster migrated away from', () => {
    // Prepare: the cluster runs hsm2m.medium; the DR region holds only copies made before the migration
    const facts = healthyFacts({
      drCopies: { 'us-west-2': [hsm1Copy('backup-copyhsm1aaaa', 30), hsm1Copy('backup-copyhsm1bbbb', 54)] },
    });
    // Act
    const result = drRestoreCompat.evaluate(facts);
    // Assess
    expect(result.status).toBe('FAILED');
    expect(drRestoreCompat.severity).toBe('HIGH');
    expect(result.observed).toBe(
      'us-west-2: 2 READY copies, all hsm1.medium FIPS; none restores the cluster as it runs (hsm2m.medium FIPS)',
    );
    expect(result.remediation.text).toContain(
      `cloudhsm-ops copy --region us-east-1 --cluster-id ${CLUSTER_ID} --dr-region us-west-2`,
    );
    expect(result.remediation.url).toBe(MIGRATION_URL);
  });

  it('fails when the DR copies are of another mode (a NON_FIPS backup restores only into NON_FIPS clusters)', () => {
    const facts = healthyFacts({
      drCopies: {
        'us-west-2': [
          copy({ id: 'backup-copynonfipsa', sourceBackupId: 'backup-newestaaaaa', mode: 'NON_FIPS' }),
        ],
      },
    });
    const result = drRestoreCompat.evaluate(facts);
    expect(result.status).toBe('FAILED');
    expect(result.observed).toBe(
      'us-west-2: 1 READY copy, all hsm2m.medium NON_FIPS; none restores the cluster as it runs (hsm2m.medium FIPS)',
    );
    expect(result.remediation.url).toBe(MODES_URL);
  });

  it('passes a region where a newer copy restores, and names the older copies that would not', () => {
    const facts = healthyFacts({
      drCopies: {
        'us-west-2': [
          copy({ id: 'backup-copyaaaaaaa', sourceBackupId: 'backup-newestaaaaa', createdAt: hoursAgo(3) }),
          hsm1Copy('backup-copyhsm1aaaa', 30),
        ],
      },
    });
    const result = drRestoreCompat.evaluate(facts);
    expect(result.status).toBe('PASSED');
    expect(result.observed).toBe(
      'us-west-2: backup-copyaaaaaaa restores hsm2m.medium FIPS (1 other READY copy is hsm1.medium FIPS)',
    );
  });

  it('judges each DR region, and leaves a region without a READY copy to dr-copies', () => {
    const facts = healthyFacts({
      config: { ...config, drRegions: ['us-west-2', 'eu-west-1'] },
      drCopies: { 'us-west-2': [hsm1Copy('backup-copyhsm1aaaa', 30)], 'eu-west-1': [] },
    });
    const result = drRestoreCompat.evaluate(facts);
    expect(result.status).toBe('FAILED');
    expect(result.observed).toBe(
      'us-west-2: 1 READY copy, all hsm1.medium FIPS; none restores the cluster as it runs (hsm2m.medium FIPS); ' +
        'eu-west-1: no READY copy (dr-copies reports it)',
    );
  });

  it('does not guess: copies that report no HSM type make the region unknown, not passed', () => {
    const facts = healthyFacts({
      drCopies: {
        'us-west-2': [
          copy({ id: 'backup-copyaaaaaaa', sourceBackupId: 'backup-newestaaaaa', hsmType: undefined }),
        ],
      },
    });
    const result = drRestoreCompat.evaluate(facts);
    expect(result.status).toBe('NOT_APPLICABLE');
    expect(result.observed).toBe(
      'not applicable: us-west-2: 1 READY copy whose HSM type or mode is not reported',
    );
  });

  it('is not applicable while the cluster changes HSM type, without DR regions, or with no READY copy anywhere', () => {
    const migrating = healthyFacts({ cluster: cluster({ state: 'MODIFY_IN_PROGRESS' }) });
    expect(drRestoreCompat.evaluate(migrating).observed).toBe(
      'not applicable: the cluster is MODIFY_IN_PROGRESS (hsm-type-migration reports it); judged once it is ACTIVE',
    );
    const noDr = healthyFacts({ config: { ...config, drRegions: [] }, drCopies: {} });
    expect(drRestoreCompat.evaluate(noDr).status).toBe('NOT_APPLICABLE');
    const none = healthyFacts({ drCopies: { 'us-west-2': [] } });
    expect(drRestoreCompat.evaluate(none).status).toBe('NOT_APPLICABLE');
    const unknownType = healthyFacts({ cluster: cluster({ hsmType: undefined }) });
    expect(drRestoreCompat.evaluate(unknownType).status).toBe('NOT_APPLICABLE');
  });
});
