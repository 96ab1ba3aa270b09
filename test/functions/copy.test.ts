/**
 * The copy handler against the sandbox's demo fleet (the newest us-east-1 backups lack their
 * us-west-2 copies): a scheduled event in, copies made and Backup Copied events out; a
 * second run finds everything already present.
 */
import { TagResourceCommand } from '@aws-sdk/client-cloudhsm-v2';
import { describe, expect, it } from 'vitest';
import type { CopySummary } from '../../functions/copy.js';
import { COPY_TAGS, formatClaim } from '../../lib/copy/tags.js';
import {
  lambdaContext,
  loadHandler,
  metricTotal,
  scheduledEvent,
  useHandlerSandbox,
} from '../support/lambda.js';

const lambda = useHandlerSandbox({
  env: {
    REGIONS: 'us-east-1',
    DR_REGIONS: 'us-west-2',
    COPY_SINCE: '48h',
    EVENT_BUS_NAME: 'cloudhsm-ops',
  },
});

type Summary = CopySummary & { runId: string };

const copiesIn = (region: string) =>
  lambda.sandbox.backups(region).filter((b) => b.SourceBackup !== undefined);

describe('copy handler', () => {
  it('copies the missing backups once, publishes one event per copy, and a second run copies nothing', async () => {
    // Prepare
    const copy = await loadHandler('copy', lambda.env());
    const before = copiesIn('us-west-2').length;
    // Act
    const first = (await copy.handler(
      scheduledEvent(lambda.sandbox.clock.now()),
      lambdaContext(),
    )) as never as Summary;
    // Assess
    expect(first.counts.copied).toBeGreaterThan(0);
    expect(first.counts.failed).toBe(0);
    expect(copiesIn('us-west-2').length - before).toBe(first.counts.copied);
    const made = new Set(first.copied.map((c) => c.sourceBackupId));
    const newCopies = copiesIn('us-west-2').filter((b) => made.has(String(b.SourceBackup)));
    expect(newCopies).toHaveLength(first.counts.copied);
    const events = lambda.sandbox.events().filter((e) => e.detailType === 'CloudHSM Backup Copied');
    expect(events).toHaveLength(first.counts.copied);
    expect(events.every((e) => e.busName === 'cloudhsm-ops' && e.source === 'cloudhsm-ops')).toBe(true);
    expect(metricTotal(lambda.out, 'BackupsCopied')).toBe(first.counts.copied);
    const perItem = lambda.out.logs().filter((l) => l.message === 'backup copied');
    expect(perItem).toHaveLength(first.counts.copied);
    expect(perItem[0]).toMatchObject({ job: 'copy', runId: first.runId, destinationRegion: 'us-west-2' });

    // Act: the next scheduled run.
    const second = (await copy.handler(
      scheduledEvent(lambda.sandbox.clock.now()),
      lambdaContext(),
    )) as never as Summary;
    // Assess
    expect(second.counts.copied).toBe(0);
    expect(second.counts.alreadyPresent).toBeGreaterThanOrEqual(first.counts.copied);
    expect(copiesIn('us-west-2').length - before).toBe(first.counts.copied);
  });

  it('near the deadline starts no copy, defers them and fails, so the retry makes them', async () => {
    // Prepare: less than the 120 s margin left from the start.
    const copy = await loadHandler('copy', lambda.env());
    const before = copiesIn('us-west-2').length;
    // Act
    const outcome = await copy
      .handler(scheduledEvent(lambda.sandbox.clock.now()), lambdaContext(30_000))
      .catch((error: unknown) => error);
    // Assess
    expect(outcome).toMatchObject({ name: 'RunFailedError' });
    expect(String((outcome as Error).message)).toMatch(/copy\(ies\) deferred, not made yet \(stopped\)/);
    expect(metricTotal(lambda.out, 'CopiesDeferred')).toBeGreaterThan(0);
    expect(copiesIn('us-west-2').length).toBe(before);
    expect(lambda.sandbox.requests().filter((r) => r.mutating && r.operation !== 'PutEvents')).toEqual([]);
  });

  it('a run killed after claiming: the next invocation defers its backups, counts them and fails', async () => {
    // Prepare: another run's live claim on every source backup in the window.
    const clients = lambda.clients;
    const sources = lambda.sandbox
      .backups('us-east-1')
      .filter((b) => b.BackupState === 'READY' && !b.SourceBackup)
      .map((b) => String(b.BackupId));
    const until = new Date(lambda.sandbox.clock.now().getTime() + 120_000);
    for (const id of sources) {
      await clients.cloudHsm('us-east-1').send(
        new TagResourceCommand({
          ResourceId: id,
          TagList: [{ Key: COPY_TAGS.claim, Value: formatClaim({ runId: 'run-killed', until }) }],
        }),
      );
    }
    const copy = await loadHandler('copy', lambda.env());
    // Act
    const outcome = await copy
      .handler(scheduledEvent(lambda.sandbox.clock.now()), lambdaContext())
      .catch((error: unknown) => error);
    // Assess
    expect(outcome).toMatchObject({ name: 'RunFailedError' });
    expect(String((outcome as Error).message)).toMatch(/claims held by run run-killed/);
    const deferred = metricTotal(lambda.out, 'CopiesDeferred');
    expect(deferred).toBeGreaterThan(0);
    expect(metricTotal(lambda.out, 'BackupsCopied')).toBe(0);
    expect(metricTotal(lambda.out, 'Failures')).toBe(1);
    const summary = lambda.sandbox.events().filter((e) => e.detailType === 'CloudHSM Run Summary');
    expect(summary).toHaveLength(1);
    expect(summary[0]!.detail).toMatchObject({
      job: 'copy',
      counts: { copied: 0, deferred },
      exitCode: 1,
      exitStatus: 'failed',
    });
    const logged = lambda.out.logs().filter((l) => l.message === 'copy deferred');
    expect(logged).toHaveLength(deferred!);
    expect(logged[0]).toMatchObject({
      holderRunId: 'run-killed',
      claimUntil: until.toISOString().replace('.000Z', 'Z'),
    });
  });
});
