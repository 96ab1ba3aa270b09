import { describe, expect, it } from 'vitest';
import { duplicateDrCopies } from '../../lib/checks/duplicate-dr-copies.js';
import { CHECKS } from '../../lib/checks/index.js';
import { config, copy, healthyFacts, hoursAgo } from '../support/facts.js';

const HOLD = config.holdTag;

describe('duplicate-dr-copies', () => {
  it('is registered, MEDIUM, and needs the DR regions backups', () => {
    expect(CHECKS).toContain(duplicateDrCopies);
    expect(duplicateDrCopies.severity).toBe('MEDIUM');
    expect(duplicateDrCopies.needs).toContain('dr-backups');
  });

  it('passes when each source backup has one copy per DR region', () => {
    const result = duplicateDrCopies.evaluate(healthyFacts());
    expect(result.status).toBe('PASSED');
    expect(result.observed).toBe('one READY copy per source backup in us-west-2');
  });

  it('fails source backups with more than one copy, naming the count, the ids, the one kept and how many are extra', () => {
    // Prepare: three copies of one backup, two of another, one of a third.
    const facts = healthyFacts({
      drCopies: {
        'us-west-2': [
          copy({ id: 'backup-a2aaaaaaaaa', sourceBackupId: 'backup-srcaaaaaaaa', copiedAt: hoursAgo(2) }),
          copy({ id: 'backup-a1aaaaaaaaa', sourceBackupId: 'backup-srcaaaaaaaa', copiedAt: hoursAgo(3) }),
          copy({ id: 'backup-a3aaaaaaaaa', sourceBackupId: 'backup-srcaaaaaaaa', copiedAt: hoursAgo(1) }),
          copy({ id: 'backup-b1aaaaaaaaa', sourceBackupId: 'backup-srcbbbbbbbb', copiedAt: hoursAgo(30) }),
          copy({ id: 'backup-b2aaaaaaaaa', sourceBackupId: 'backup-srcbbbbbbbb', copiedAt: hoursAgo(29) }),
          copy({ id: 'backup-c1aaaaaaaaa', sourceBackupId: 'backup-srccccccccc' }),
        ],
      },
    });
    // Act
    const result = duplicateDrCopies.evaluate(facts);
    // Assess
    expect(result.status).toBe('FAILED');
    expect(result.observed).toBe(
      'us-west-2: 2 source backups with more than one copy, 3 extra copies: ' +
        'backup-srcaaaaaaaa has 3 copies (keep backup-a1aaaaaaaaa; extra backup-a2aaaaaaaaa, backup-a3aaaaaaaaa); ' +
        'backup-srcbbbbbbbb has 2 copies (keep backup-b1aaaaaaaaa; extra backup-b2aaaaaaaaa)',
    );
    expect(result.remediation.text).toContain(
      'aws cloudhsmv2 delete-backup --region us-west-2 --backup-id backup-a2aaaaaaaaa',
    );
    expect(result.remediation.text).toContain('backup-b2aaaaaaaaa');
    expect(result.remediation.text).not.toContain('--backup-id backup-a1aaaaaaaaa');
  });

  it('passes when every extra copy is held or NeverExpires, and says they are kept on purpose', () => {
    const facts = healthyFacts({
      drCopies: {
        'us-west-2': [
          copy({ id: 'backup-a1aaaaaaaaa', sourceBackupId: 'backup-srcaaaaaaaa', copiedAt: hoursAgo(3) }),
          copy({
            id: 'backup-a2aaaaaaaaa',
            sourceBackupId: 'backup-srcaaaaaaaa',
            copiedAt: hoursAgo(2),
            tags: { [HOLD]: 'x' },
          }),
          copy({
            id: 'backup-a3aaaaaaaaa',
            sourceBackupId: 'backup-srcaaaaaaaa',
            copiedAt: hoursAgo(1),
            neverExpires: true,
          }),
        ],
      },
    });
    const result = duplicateDrCopies.evaluate(facts);
    expect(result.status).toBe('PASSED');
    expect(result.observed).toBe(
      'us-west-2: no extra copy; kept on purpose: backup-srcaaaaaaaa has 3 copies (keep backup-a1aaaaaaaaa; ' +
        'held or NeverExpires backup-a2aaaaaaaaa, backup-a3aaaaaaaaa)',
    );
  });

  it('fails only for the regions with extras, and counts protected copies apart from extras', () => {
    const facts = healthyFacts({
      config: { ...config, drRegions: ['us-west-2', 'eu-west-1'] },
      drCopies: {
        'us-west-2': [copy({ id: 'backup-w1aaaaaaaaa', sourceBackupId: 'backup-srcaaaaaaaa' })],
        'eu-west-1': [
          copy({
            id: 'backup-e1aaaaaaaaa',
            region: 'eu-west-1',
            sourceBackupId: 'backup-srcaaaaaaaa',
            copiedAt: hoursAgo(3),
          }),
          copy({
            id: 'backup-e2aaaaaaaaa',
            region: 'eu-west-1',
            sourceBackupId: 'backup-srcaaaaaaaa',
            copiedAt: hoursAgo(2),
            neverExpires: true,
          }),
          copy({
            id: 'backup-e3aaaaaaaaa',
            region: 'eu-west-1',
            sourceBackupId: 'backup-srcaaaaaaaa',
            copiedAt: hoursAgo(1),
          }),
        ],
      },
    });
    const result = duplicateDrCopies.evaluate(facts);
    expect(result.status).toBe('FAILED');
    expect(result.observed).toBe(
      'eu-west-1: 1 source backup with more than one copy, 1 extra copy: backup-srcaaaaaaaa has 3 copies ' +
        '(keep backup-e1aaaaaaaaa; extra backup-e3aaaaaaaaa; held or NeverExpires backup-e2aaaaaaaaa)',
    );
  });

  it('does not count a copy still being created', () => {
    const facts = healthyFacts({
      drCopies: {
        'us-west-2': [
          copy({ id: 'backup-a1aaaaaaaaa', sourceBackupId: 'backup-srcaaaaaaaa' }),
          copy({
            id: 'backup-a2aaaaaaaaa',
            sourceBackupId: 'backup-srcaaaaaaaa',
            state: 'CREATE_IN_PROGRESS',
          }),
        ],
      },
    });
    expect(duplicateDrCopies.evaluate(facts).status).toBe('PASSED');
  });

  it('is not applicable without a DR region other than the cluster own', () => {
    const result = duplicateDrCopies.evaluate(
      healthyFacts({ config: { ...config, drRegions: ['us-east-1'] } }),
    );
    expect(result.status).toBe('NOT_APPLICABLE');
    expect(result.observed).toBe('not applicable: no DR region is configured');
  });
});
