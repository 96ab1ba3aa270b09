import { describe, expect, it } from 'vitest';
import { type LineageFacts, orphanDrCopies } from '../../lib/checks/orphan-dr-copies.js';
import { CLUSTER_ID, config, copy, daysAgo, NOW } from '../support/facts.js';

const facts = (overrides: Partial<LineageFacts> = {}): LineageFacts => ({
  lineage: CLUSTER_ID,
  sourceRegion: 'us-east-1',
  copies: {
    'us-west-2': [
      copy({ id: 'backup-old303aaaaa', sourceBackupId: 'backup-s1aaaaaaaaa', createdAt: daysAgo(303) }),
      copy({ id: 'backup-old200aaaaa', sourceBackupId: 'backup-s2aaaaaaaaa', createdAt: daysAgo(200) }),
      copy({
        id: 'backup-pendingaaaa',
        sourceBackupId: 'backup-s3aaaaaaaaa',
        createdAt: daysAgo(400),
        state: 'PENDING_DELETION',
      }),
    ],
  },
  config,
  now: NOW,
  ...overrides,
});

describe('orphan-dr-copies', () => {
  it('fails copies whose source cluster is gone, with the count per region and the oldest age', () => {
    const result = orphanDrCopies.evaluate(facts())!;
    expect(result.status).toBe('FAILED');
    expect(result.observed).toBe(
      `source cluster ${CLUSTER_ID} no longer exists in us-east-1; us-west-2: 2 READY copies, oldest backup-old303aaaaa 303d old`,
    );
    expect(result.remediation.text).toContain(
      `cloudhsm-ops prune --region us-west-2 --cluster-id ${CLUSTER_ID} --deleteall --keep-last 0 --confirm ${CLUSTER_ID}`,
    );
  });

  it('names a DELETED source cluster as such', () => {
    expect(orphanDrCopies.evaluate(facts({ sourceState: 'DELETED' }))!.observed).toMatch(
      /^source cluster cluster-abcdefghijk is DELETED in us-east-1; /,
    );
  });

  it('passes a lineage whose every READY copy is kept on purpose', () => {
    const kept = facts({
      copies: {
        'eu-west-1': [
          copy({ id: 'backup-neveraaaaaa', sourceBackupId: 'backup-s1aaaaaaaaa', neverExpires: true }),
          copy({
            id: 'backup-heldaaaaaaa',
            sourceBackupId: 'backup-s2aaaaaaaaa',
            tags: { [config.holdTag]: 'x' },
          }),
        ],
      },
    });
    const result = orphanDrCopies.evaluate(kept)!;
    expect(result.status).toBe('PASSED');
    expect(result.observed).toContain('eu-west-1: 2 READY copies (2 NeverExpires or held)');
  });

  it('reports nothing for a lineage with no READY copy left', () => {
    const gone = facts({
      copies: {
        'us-west-2': [
          copy({ id: 'backup-pendingaaaa', sourceBackupId: 'backup-s1aaaaaaaaa', state: 'PENDING_DELETION' }),
        ],
      },
    });
    expect(orphanDrCopies.evaluate(gone)).toBeUndefined();
  });
});
