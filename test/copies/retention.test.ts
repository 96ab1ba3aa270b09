/**
 * Issue 17 §2: the one rule for how long a lineage's DR copies are kept (audit now, prune later).
 */
import { describe, expect, it } from 'vitest';
import { copyRetentionFor } from '../../lib/copies/retention.js';

describe('copyRetentionFor', () => {
  it('gives the fixed number of days whatever the source cluster keeps', () => {
    expect(copyRetentionFor({ mode: 'fixed', days: 90 }, { state: 'ACTIVE', retentionDays: 7 })).toEqual({
      days: 90,
      basis: 'fixed',
      describe: '90 days',
    });
  });

  it('follows the source cluster retention policy', () => {
    expect(copyRetentionFor({ mode: 'source', days: 90 }, { state: 'ACTIVE', retentionDays: 7 })).toEqual({
      days: 7,
      basis: 'source',
      describe: "7 days (the source cluster's backup retention policy)",
    });
    expect(
      copyRetentionFor({ mode: 'source', days: 90 }, { state: 'DEGRADED', retentionDays: 379 }).days,
    ).toBe(379);
  });

  it('falls back to the fixed days when the source cluster has no policy', () => {
    expect(copyRetentionFor({ mode: 'source', days: 30 }, { state: 'ACTIVE' })).toEqual({
      days: 30,
      basis: 'fallback',
      describe: '30 days (fallback: the source cluster has no backup retention policy)',
    });
  });

  it('falls back to the fixed days when the source cluster is gone or deleted', () => {
    expect(copyRetentionFor({ mode: 'source', days: 90 }, undefined)).toEqual({
      days: 90,
      basis: 'fallback',
      describe: '90 days (fallback: the source cluster is gone)',
    });
    expect(copyRetentionFor({ mode: 'source', days: 90 }, { state: 'DELETED', retentionDays: 7 }).basis).toBe(
      'fallback',
    );
  });
});
