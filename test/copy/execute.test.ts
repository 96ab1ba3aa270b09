import { DateTime } from 'luxon';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AwsClients } from '../../lib/aws/clients.js';
import { parseCopyConfig } from '../../lib/config/copy.js';
import { type CopyDeps, copyRunFailed, runCopy } from '../../lib/copy/execute.js';
import { COPY_TAGS, formatClaim } from '../../lib/copy/tags.js';
import type { FeedEvent, FeedTarget } from '../../lib/events/types.js';
import { FakeCloudHsm, internalFailure } from '../support/fake-cloudhsm.js';

const NOW = DateTime.fromISO('2026-11-29T12:00:00Z', { zone: 'utc' });
const SOURCE = 'backup-sourceaaaaa';
const SOURCE_B = 'backup-sourcebbbbb';
const CLUSTER = 'cluster-abcdefghijk';

let fake: FakeCloudHsm;
let clients: AwsClients;
let virtualNow: number;

function deps(overrides: Partial<CopyDeps> = {}): CopyDeps {
  return {
    clients,
    now: () => new Date(virtualNow),
    sleep: async (ms) => {
      virtualNow += ms;
    },
    runId: 'run-1',
    // Claim timing is real time in production; here it stands still unless a test moves it.
    monotonic: () => 0,
    account: async () => '111122223333',
    tuning: { claimSettleMs: 20, retryBaseMs: 1_000, pollIntervalMs: 15_000 },
    ...overrides,
  };
}

function config(extra: Record<string, string> = {}) {
  return parseCopyConfig({ regions: 'us-east-1', drRegions: 'us-west-2', ...extra });
}

beforeEach(() => {
  fake = new FakeCloudHsm();
  clients = new AwsClients({ endpoint: 'http://127.0.0.1:9', maxAttempts: 1 });
  virtualNow = NOW.toMillis();
  fake.put('us-east-1', {
    BackupId: SOURCE,
    ClusterId: CLUSTER,
    TagList: [
      { Key: 'env', Value: 'prod' },
      { Key: 'aws:cloudformation:stack-name', Value: 'hsm' },
    ],
  });
});

afterEach(() => {
  fake.restoreMocks();
  clients.destroy();
});

describe('runCopy against a mocked CloudHSM', () => {
  it('makes exactly the calls a copy needs, in order, and tags the copy', async () => {
    // Act
    const result = await runCopy(deps(), config(), NOW);

    // Assess
    expect(fake.log.map((c) => `${c.operation}@${c.region}`)).toEqual([
      'DescribeBackups@us-east-1',
      'DescribeBackups@us-west-2',
      // The claim: staked from the listing's tags (just read), confirmed by id after the settle
      // wait. No second look at the destination: the listing was read before the first one.
      'TagResource@us-east-1',
      'DescribeBackups@us-east-1',
      'CopyBackupToRegion@us-east-1',
      'UntagResource@us-east-1',
      'DescribeBackups@us-west-2',
    ]);
    expect(fake.log[0]?.input).toMatchObject({ SortAscending: false, MaxResults: 50 });
    expect(fake.log[1]?.input).toMatchObject({ Filters: { sourceBackupIds: [SOURCE] } });
    expect(fake.log[3]?.input).toMatchObject({ Filters: { backupIds: [SOURCE] } });
    expect(fake.callsOf('TagResource')[0]?.input).toEqual({
      ResourceId: SOURCE,
      TagList: [{ Key: COPY_TAGS.claim, Value: 'run=run-1 until=2026-11-29T12:03:00Z' }],
    });
    expect(fake.callsOf('CopyBackupToRegion')[0]?.input).toEqual({
      BackupId: SOURCE,
      DestinationRegion: 'us-west-2',
      TagList: [
        { Key: 'cloudhsm-ops:copy-of', Value: SOURCE },
        { Key: 'cloudhsm-ops:source-region', Value: 'us-east-1' },
        { Key: 'cloudhsm-ops:source-cluster', Value: CLUSTER },
        { Key: 'cloudhsm-ops:copy-run', Value: 'run-1' },
        { Key: 'env', Value: 'prod' },
      ],
    });
    expect(fake.callsOf('UntagResource')[0]?.input).toEqual({
      ResourceId: SOURCE,
      TagKeyList: [COPY_TAGS.claim],
    });
    const [copy] = fake.copiesOf('us-west-2', SOURCE);
    expect(result.copied).toEqual([
      expect.objectContaining({
        sourceBackupId: SOURCE,
        destinationRegion: 'us-west-2',
        destinationBackupId: copy?.BackupId,
        state: 'CREATE_IN_PROGRESS',
        attempts: 1,
        recovered: false,
      }),
    ]);
    expect(result.counts).toEqual({
      copied: 1,
      alreadyPresent: 0,
      deferred: 0,
      skipped: 0,
      failed: 0,
      notReady: 0,
    });
    expect(copyRunFailed(result)).toBe(false);
  });

  it('copies nothing the second time', async () => {
    // Prepare
    await runCopy(deps(), config(), NOW);
    fake.log.length = 0;

    // Act
    const result = await runCopy(deps({ runId: 'run-2' }), config(), NOW);

    // Assess
    expect(fake.log.map((c) => c.operation)).toEqual(['DescribeBackups', 'DescribeBackups']);
    expect(result.alreadyPresent).toHaveLength(1);
    expect(result.copied).toHaveLength(0);
    expect(fake.copiesOf('us-west-2', SOURCE)).toHaveLength(1);
  });

  it('after a lost answer finds the copy and does not copy again', async () => {
    // Prepare
    fake.copyFaults = ['lost'];

    // Act
    const result = await runCopy(deps(), config(), NOW);

    // Assess
    expect(fake.callsOf('CopyBackupToRegion')).toHaveLength(1);
    expect(fake.copiesOf('us-west-2', SOURCE)).toHaveLength(1);
    expect(result.copied[0]).toMatchObject({ recovered: true, attempts: 1 });
    expect(result.failed).toEqual([]);
    // The lookup that proved the copy exists came after a backoff on the injected clock.
    expect(virtualNow - NOW.toMillis()).toBe(1_000);
  });

  it('calls again when the failed call made no copy, and only then', async () => {
    // Prepare
    fake.copyFaults = ['fail', 'fail'];

    // Act
    const result = await runCopy(deps(), config(), NOW);

    // Assess
    const sequence = fake.log.map((c) => c.operation).slice(4);
    expect(sequence).toEqual([
      'CopyBackupToRegion',
      'DescribeBackups',
      'CopyBackupToRegion',
      'DescribeBackups',
      'CopyBackupToRegion',
      'UntagResource',
      'DescribeBackups',
    ]);
    expect(fake.copiesOf('us-west-2', SOURCE)).toHaveLength(1);
    expect(result.copied[0]).toMatchObject({ attempts: 3, recovered: false });
  });

  it('gives up without calling again when it cannot tell whether the copy was made', async () => {
    // Prepare
    fake.copyFaults = ['lost'];
    let lookups = 0;
    fake.beforeCall = (call) => {
      if (call.operation === 'DescribeBackups' && call.region === 'us-west-2' && ++lookups === 2)
        throw internalFailure();
    };

    // Act
    const result = await runCopy(deps(), config(), NOW);

    // Assess
    expect(fake.callsOf('CopyBackupToRegion')).toHaveLength(1);
    expect(result.copied).toEqual([]);
    expect(result.failed[0]).toMatchObject({
      sourceBackupId: SOURCE,
      reason: 'CloudHsmInternalFailureException',
    });
    expect(result.failed[0]?.detail).toMatch(/not retried, to avoid a duplicate/);
    expect(copyRunFailed(result)).toBe(true);
  });

  it('does not retry a copy the service refused', async () => {
    // Prepare
    fake.copyFaults = ['reject'];

    // Act
    const result = await runCopy(deps(), config(), NOW);

    // Assess
    expect(fake.callsOf('CopyBackupToRegion')).toHaveLength(1);
    // After the refusal: one look at the source (still READY, so a real failure), then the release.
    expect(fake.log.map((c) => c.operation).slice(5)).toEqual(['DescribeBackups', 'UntagResource']);
    expect(result.failed[0]).toMatchObject({ reason: 'CloudHsmInvalidRequestException', attempts: 1 });
  });

  it('skips, not fails, a refused copy whose source was deleted after it was claimed', async () => {
    // Prepare
    fake.copyFaults = ['reject'];
    fake.beforeCall = (call) => {
      if (call.operation === 'CopyBackupToRegion')
        fake.inRegion('us-east-1')[0]!.BackupState = 'PENDING_DELETION';
    };

    // Act
    const result = await runCopy(deps(), config(), NOW);

    // Assess
    expect(result.failed).toEqual([]);
    expect(result.skipped).toEqual([
      expect.objectContaining({
        sourceBackupId: SOURCE,
        reason: 'source-deleted',
        detail: expect.stringMatching(/source deleted since planning \(PENDING_DELETION\)/),
      }),
    ]);
    expect(copyRunFailed(result)).toBe(false);
  });

  it('reads every page of the destination lookup', async () => {
    // Prepare: three sources already copied; the fake answers one backup per page.
    fake.put('us-east-1', { BackupId: SOURCE_B, ClusterId: CLUSTER });
    fake.put('us-east-1', { BackupId: 'backup-sourceccccc', ClusterId: CLUSTER });
    for (const [id, copy] of [
      [SOURCE, 'backup-copyaaaaaaa'],
      [SOURCE_B, 'backup-copybbbbbbb'],
      ['backup-sourceccccc', 'backup-copyccccccc'],
    ] as const) {
      fake.put('us-west-2', {
        BackupId: copy,
        SourceBackup: id,
        SourceRegion: 'us-east-1',
        ClusterId: undefined,
      });
    }
    fake.pageSize = 1;

    // Act
    const result = await runCopy(deps(), config(), NOW);

    // Assess
    const lookups = fake.log.filter((c) => c.region === 'us-west-2');
    expect(lookups.map((c) => c.input.NextToken)).toEqual([undefined, '1', '2']);
    expect(result.alreadyPresent.map((l) => l.destinationBackupId).sort()).toEqual([
      'backup-copyaaaaaaa',
      'backup-copybbbbbbb',
      'backup-copyccccccc',
    ]);
    expect(fake.callsOf('CopyBackupToRegion')).toHaveLength(0);
  });

  it('defers a backup while another run holds an unexpired claim, naming the holder, and fails', async () => {
    // Prepare
    const [source] = fake.inRegion('us-east-1');
    source!.TagList!.push({
      Key: COPY_TAGS.claim,
      Value: formatClaim({ runId: 'other', until: new Date(NOW.toMillis() + 60_000) }),
    });

    // Act
    const result = await runCopy(deps(), config(), NOW);

    // Assess
    expect(result.deferred).toEqual([
      expect.objectContaining({
        sourceBackupId: SOURCE,
        reason: 'claimed-by-another-run',
        holderRunId: 'other',
        claimUntil: '2026-11-29T12:01:00Z',
      }),
    ]);
    expect(fake.callsOf('TagResource')).toHaveLength(0);
    expect(fake.callsOf('CopyBackupToRegion')).toHaveLength(0);
    expect(copyRunFailed(result)).toBe(true);
  });

  it('takes over a claim that has expired', async () => {
    // Prepare
    const [source] = fake.inRegion('us-east-1');
    source!.TagList!.push({
      Key: COPY_TAGS.claim,
      Value: formatClaim({ runId: 'crashed', until: new Date(NOW.toMillis() - 1) }),
    });

    // Act
    const result = await runCopy(deps(), config(), NOW);

    // Assess
    expect(result.copied).toHaveLength(1);
    expect(fake.copiesOf('us-west-2', SOURCE)[0]?.TagList?.map((t) => t.Key)).not.toContain(COPY_TAGS.claim);
  });

  it('backs off when another run overwrites its claim during the settle wait', async () => {
    // Prepare
    fake.beforeCall = (call) => {
      const confirm = (call.input.Filters as { backupIds?: string[] } | undefined)?.backupIds;
      if (call.operation === 'DescribeBackups' && call.region === 'us-east-1' && confirm) {
        const [source] = fake.inRegion('us-east-1');
        source!.TagList = source!.TagList!.map((t) =>
          t.Key === COPY_TAGS.claim
            ? { ...t, Value: formatClaim({ runId: 'rival', until: new Date(NOW.toMillis() + 60_000) }) }
            : t,
        );
      }
    };

    // Act
    const result = await runCopy(deps(), config(), NOW);

    // Assess
    expect(result.deferred[0]).toMatchObject({ reason: 'claimed-by-another-run', holderRunId: 'rival' });
    expect(result.deferred[0]?.detail).toMatch(/run rival holds its claim/);
    expect(fake.callsOf('CopyBackupToRegion')).toHaveLength(0);
    // The rival's claim is read at release and left alone.
    expect(fake.callsOf('UntagResource')).toHaveLength(0);
  });

  it('reads the tags again before claiming when its listing is older than half the settle wait', async () => {
    // Prepare: 15 ms pass between readings of the monotonic clock; the settle wait is 20 ms.
    let tick = 0;
    const monotonic = () => (tick += 15);

    // Act
    const result = await runCopy(deps({ monotonic }), config(), NOW);

    // Assess
    const claimCalls = fake.log.map((c) => `${c.operation}@${c.region}`).slice(2, 5);
    expect(claimCalls).toEqual(['ListTags@us-east-1', 'TagResource@us-east-1', 'DescribeBackups@us-east-1']);
    expect(result.copied).toHaveLength(1);
  });

  it('does not trust a claim whose read and write took longer than the settle wait', async () => {
    // Prepare
    let tick = 0;
    const monotonic = () => (tick += 25);

    // Act
    const result = await runCopy(deps({ monotonic }), config(), NOW);

    // Assess
    expect(result.deferred[0]).toMatchObject({ reason: 'claim-not-confirmed', holderRunId: 'run-1' });
    expect(fake.callsOf('CopyBackupToRegion')).toHaveLength(0);
    expect(fake.callsOf('UntagResource')).toHaveLength(1);
  });

  it('does not copy over a copy another run made between planning and claiming', async () => {
    // Prepare: the listing is too old to stake from (15 ms a tick, 20 ms settle), so the claim
    // reads the tags after planning, and a copy made meanwhile must be looked for again.
    let tick = 0;
    const monotonic = () => (tick += 15);
    fake.beforeCall = (call) => {
      if (call.operation === 'TagResource') {
        fake.put('us-west-2', {
          BackupId: 'backup-otherrunnnnn',
          SourceBackup: SOURCE,
          SourceRegion: 'us-east-1',
        });
      }
    };

    // Act
    const result = await runCopy(deps({ monotonic }), config(), NOW);

    // Assess
    expect(result.alreadyPresent[0]).toMatchObject({ destinationBackupId: 'backup-otherrunnnnn' });
    expect(result.alreadyPresent[0]?.detail).toMatch(/another run/);
    expect(fake.callsOf('CopyBackupToRegion')).toHaveLength(0);
    expect(fake.callsOf('UntagResource')).toHaveLength(1);
  });

  it('keeps going when one region fails', async () => {
    // Prepare
    fake.put('eu-central-1', { BackupId: SOURCE_B, ClusterId: 'cluster-bcdefghijkl' });
    fake.broken.set('DescribeBackups@eu-west-1', internalFailure);

    // Act
    const result = await runCopy(
      deps(),
      parseCopyConfig({ regions: 'us-east-1,eu-central-1,ap-south-1', drRegions: 'us-west-2,eu-west-1' }),
      NOW,
    );

    // Assess
    expect(result.copied.map((l) => `${l.sourceBackupId}>${l.destinationRegion}`).sort()).toEqual([
      `${SOURCE}>us-west-2`,
      `${SOURCE_B}>us-west-2`,
    ]);
    expect(result.failed.map((l) => `${l.sourceBackupId}>${l.destinationRegion}`).sort()).toEqual([
      `${SOURCE}>eu-west-1`,
      `${SOURCE_B}>eu-west-1`,
    ]);
    expect(result.failed[0]?.detail).toMatch(/could not look for existing copies/);
    expect(copyRunFailed(result)).toBe(true);
  });

  it('reports a source region it cannot list as failed, and copies the rest', async () => {
    // Prepare
    fake.broken.set('DescribeBackups@ap-south-1', internalFailure);

    // Act
    const result = await runCopy(
      deps(),
      parseCopyConfig({ regions: 'us-east-1,ap-south-1', drRegions: 'us-west-2' }),
      NOW,
    );

    // Assess
    expect(result.failed).toEqual([
      expect.objectContaining({
        sourceRegion: 'ap-south-1',
        detail: expect.stringMatching(/could not list backups/),
      }),
    ]);
    expect(result.copied).toHaveLength(1);
  });

  it('changes nothing in a dry run', async () => {
    // Act
    const result = await runCopy(deps(), config({ dryRun: 'true' }), NOW);

    // Assess
    expect(fake.log.map((c) => c.operation)).toEqual(['DescribeBackups', 'DescribeBackups']);
    expect(result.planned).toEqual([
      expect.objectContaining({ sourceBackupId: SOURCE, destinationRegion: 'us-west-2' }),
    ]);
    expect(result.copied).toEqual([]);
  });

  it('starts no copy once told to stop', async () => {
    // Act
    const result = await runCopy(deps({ shouldStop: () => true }), config(), NOW);

    // Assess
    expect(result.deferred[0]).toMatchObject({ reason: 'stopped' });
    expect(copyRunFailed(result)).toBe(true);
    expect(fake.callsOf('CopyBackupToRegion')).toHaveLength(0);
    expect(fake.callsOf('TagResource')).toHaveLength(0);
  });

  it('carries at most 50 tags, ours first', async () => {
    // Prepare
    const [source] = fake.inRegion('us-east-1');
    source!.TagList = Array.from({ length: 50 }, (_, i) => ({
      Key: `k${String(i).padStart(2, '0')}`,
      Value: 'v',
    }));

    // Act
    const result = await runCopy(deps(), config(), NOW);

    // Assess
    const tags = fake.callsOf('CopyBackupToRegion')[0]?.input.TagList as { Key: string }[];
    expect(tags).toHaveLength(50);
    expect(tags.slice(0, 4).map((t) => t.Key)).toEqual([
      COPY_TAGS.copyOf,
      COPY_TAGS.sourceRegion,
      COPY_TAGS.sourceCluster,
      COPY_TAGS.copyRun,
    ]);
    expect(result.warnings[0]).toMatch(/not carried over.*k46, k47, k48, k49/);
  });

  it('waits until the copies are READY, on the injected clock', async () => {
    // Prepare
    const readyAt = NOW.toMillis() + 60_000;
    fake.beforeCall = () => {
      if (virtualNow < readyAt) return;
      for (const copy of fake.copiesOf('us-west-2', SOURCE)) copy.BackupState = 'READY';
    };

    // Act
    const result = await runCopy(deps(), config({ wait: 'true' }), NOW);

    // Assess
    expect(result.copied[0]).toMatchObject({ state: 'READY' });
    expect(result.notReady).toEqual([]);
    expect(virtualNow - NOW.toMillis()).toBe(60_000);
  });

  it('gives up waiting at the timeout and says so', async () => {
    // Act
    const result = await runCopy(deps(), config({ wait: 'true', waitTimeout: '1m' }), NOW);

    // Assess
    expect(result.notReady).toEqual([
      expect.objectContaining({
        sourceBackupId: SOURCE,
        detail: expect.stringMatching(/CREATE_IN_PROGRESS: not READY after 1 minute/),
      }),
    ]);
    expect(copyRunFailed(result)).toBe(true);
  });

  it('removes its own duplicate once both copies are READY, keeping the lowest id', async () => {
    // Prepare: another run's copy appears right after ours.
    fake.beforeCall = (call) => {
      if (call.operation === 'UntagResource') {
        fake.put('us-west-2', {
          BackupId: 'backup-aaaaaaaaaaa',
          SourceBackup: SOURCE,
          SourceRegion: 'us-east-1',
        });
        for (const copy of fake.copiesOf('us-west-2', SOURCE)) copy.BackupState = 'READY';
      }
    };

    // Act
    const result = await runCopy(deps(), config({ wait: 'true' }), NOW);

    // Assess
    const ours = fake.copiesOf('us-west-2', SOURCE).find((b) => b.BackupId !== 'backup-aaaaaaaaaaa');
    expect(ours?.BackupState).toBe('PENDING_DELETION');
    expect(result.duplicates).toEqual([expect.objectContaining({ removed: ours?.BackupId })]);
    expect(result.copied).toEqual([]);
    expect(result.alreadyPresent[0]).toMatchObject({ destinationBackupId: 'backup-aaaaaaaaaaa' });
  });

  it('publishes one event per copy and reports what was not delivered', async () => {
    // Prepare
    fake.put('us-east-1', { BackupId: SOURCE_B, ClusterId: CLUSTER });
    const sent: { events: FeedEvent[]; target: FeedTarget }[] = [];
    const publish = async (events: FeedEvent[], target: FeedTarget) => {
      sent.push({ events, target });
      if (events.length === 1) return { published: 1, calls: 1, failed: [] };
      return {
        published: 1,
        calls: 1,
        failed: [{ event: events[1]!, errorCode: 'InternalFailure', errorMessage: 'boom' }],
      };
    };

    // Act
    const result = await runCopy(deps({ publish }), config({ publish: 'true', eventBus: 'ops' }), NOW);

    // Assess
    expect(sent[0]?.target).toEqual({ busName: 'ops', source: 'cloudhsm-ops', region: 'us-east-1' });
    expect(sent[0]?.events.map((e) => e.detailType)).toEqual([
      'CloudHSM Backup Copied',
      'CloudHSM Backup Copied',
    ]);
    expect(sent[0]?.events[0]?.detail).toMatchObject({
      runId: 'run-1',
      account: '111122223333',
      sourceRegion: 'us-east-1',
      sourceClusterId: CLUSTER,
      destinationRegion: 'us-west-2',
      createdAt: '2026-11-29T03:00:00.000Z',
    });
    expect(result.events?.failed).toEqual([
      {
        event: expect.stringMatching(/CloudHSM Backup Copied backup-\w+ \(us-east-1\) → us-west-2/),
        errorCode: 'InternalFailure',
        errorMessage: 'boom',
      },
    ]);
    expect(copyRunFailed(result)).toBe(true);
    // Then the Run Summary, on its own, saying the run failed because an event was lost.
    expect(sent[1]?.events.map((e) => e.detailType)).toEqual(['CloudHSM Run Summary']);
    expect(sent[1]?.events[0]?.detail).toMatchObject({ job: 'copy', exitCode: 1, exitStatus: 'failed' });
    expect(result.events?.published).toBe(2);
  });
  it('names every event lost when the PutEvents call throws, and still sends the summary last', async () => {
    // Prepare
    const sent: FeedEvent[][] = [];
    const publish = async (events: FeedEvent[]) => {
      sent.push(events);
      if (events[0]?.detailType === 'CloudHSM Backup Copied') throw new Error('socket hang up');
      return { published: events.length, calls: 1, failed: [] };
    };

    // Act
    const result = await runCopy(deps({ publish }), config({ publish: 'true' }), NOW);

    // Assess
    expect(result.events?.failed).toEqual([
      {
        event: `CloudHSM Backup Copied ${SOURCE} (us-east-1) → us-west-2`,
        errorCode: 'Error',
        errorMessage: 'socket hang up',
      },
    ]);
    expect(sent.map((batch) => batch.map((e) => e.detailType))).toEqual([
      ['CloudHSM Backup Copied'],
      ['CloudHSM Run Summary'],
    ]);
    expect(sent[1]?.[0]?.detail).toMatchObject({ exitCode: 1, exitStatus: 'failed' });
    expect(result.events?.published).toBe(1);
    expect(copyRunFailed(result)).toBe(true);
  });

  it('names every event, the summary too, when the account cannot be read', async () => {
    // Prepare
    const sent: FeedEvent[][] = [];
    const account = async () => {
      throw new Error('AccessDenied');
    };
    const publish = async (events: FeedEvent[]) => {
      sent.push(events);
      return { published: events.length, calls: 1, failed: [] };
    };

    // Act
    const result = await runCopy(deps({ account, publish }), config({ publish: 'true' }), NOW);

    // Assess
    expect(sent).toEqual([]);
    expect(result.events?.failed.map((f) => f.event)).toEqual([
      `CloudHSM Backup Copied ${SOURCE} (us-east-1) → us-west-2`,
      'CloudHSM Run Summary (run run-1)',
    ]);
    expect(result.events?.failed[0]?.errorMessage).toBe('could not read the account id: AccessDenied');
    expect(copyRunFailed(result)).toBe(true);
  });
});
