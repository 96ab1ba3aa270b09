/**
 * The scheduled prune removes duplicate DR copies by default (issue 17): the demo fleet holds
 * three extra copies of two ledger backups in us-west-2, made by another team's script.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listBackups } from '../../lib/aws/cloudhsm.js';
import { duplicateCopies } from '../../lib/copies/duplicates.js';
import {
  type Captured,
  captureOutput,
  lambdaContext,
  loadHandler,
  scheduledEvent,
} from '../functions/harness.js';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';

const DR = 'us-west-2';
let s: TestSandbox;
let out: Captured;
let extras: string[];
let kept: string[];

beforeEach(async () => {
  s = await startTestSandbox({ fleet: 'demo' });
  const groups = duplicateCopies(await listBackups(s.clients.cloudHsm(DR), DR), 'cloudhsm-ops:hold');
  extras = groups.flatMap((g) => g.extra.map((b) => b.id)).sort();
  kept = groups.map((g) => g.keep.id);
  out = captureOutput();
});
afterEach(async () => {
  out.restore();
  await s.close();
});

const state = (id: string) => s.sandbox.backups(DR).find((b) => b.BackupId === id)?.BackupState;

async function invoke(env: Record<string, string>) {
  const module = await loadHandler('prune', {
    AWS_REGION: 'us-east-1',
    ENDPOINT_URL: s.sandbox.url,
    REGIONS: DR,
    PRUNE_EXECUTE: 'true',
    ...env,
  });
  return module.handler(scheduledEvent(s.sandbox.clock.now()), lambdaContext());
}

describe('the scheduled prune and duplicate DR copies', () => {
  it('deletes the extra copies by default (no other cutoff needed) and keeps the oldest copy of each', async () => {
    expect(extras).toHaveLength(3);
    // Act
    await invoke({});
    // Assess
    for (const id of extras) expect(state(id)).toBe('PENDING_DELETION');
    for (const id of kept) expect(state(id)).toBe('READY');
    const deleted = s.sandbox.requests().filter((r) => r.operation === 'DeleteBackup');
    expect(deleted).toHaveLength(3);
  });

  it('DUPLICATE_COPIES=false leaves them (copy retention alone does not reach copies this new)', async () => {
    await invoke({ DUPLICATE_COPIES: 'false', COPY_RETENTION_DAYS: '90' });
    for (const id of extras) expect(state(id)).toBe('READY');
  });
});
