/**
 * The one in-memory CloudHSM behind aws-sdk-client-mock, for exact-call tests (prune, restore,
 * copy, audit): backups and clusters per region, DescribeBackups (filters, MaxResults, NextToken),
 * DescribeClusters, DeleteBackup, RestoreBackup, CopyBackupToRegion, ListTags, TagResource,
 * UntagResource, a record of every call, and hooks to inject errors, lost answers and latency.
 * It answers per region of the calling client, as AWS does.
 */
import {
  type Backup,
  CloudHSMV2Client,
  CloudHsmInternalFailureException,
  CloudHsmInvalidRequestException,
  CloudHsmResourceNotFoundException,
  type Cluster,
  CopyBackupToRegionCommand,
  DeleteBackupCommand,
  DescribeBackupsCommand,
  type DescribeBackupsRequest,
  DescribeClustersCommand,
  ListTagsCommand,
  RestoreBackupCommand,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-cloudhsm-v2';
import { type AwsClientStub, mockClient } from 'aws-sdk-client-mock';
import type { CloudHsmClients } from '../../lib/aws/cloudhsm.js';
import type { BackupInfo } from '../../lib/inventory/types.js';

export type Hook = (input: { BackupId?: string }) => Promise<void> | void;

/** One recorded call: which operation, in which region, with what input. */
export interface FakeCall {
  operation: string;
  region: string;
  input: Record<string, unknown>;
}

/** What the fake does with one CopyBackupToRegion call. */
export type CopyFault = 'ok' | 'lost' | 'fail' | 'reject';

type Tag = { Key?: string; Value?: string };
type GetClient = () => unknown;
type TagInput = { ResourceId?: string; TagList?: Tag[] };
type UntagInput = { ResourceId?: string; TagKeyList?: string[] };
type CopyInput = { BackupId?: string; DestinationRegion?: string; TagList?: Tag[] };

let nextId = 0;
function newBackupId(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz';
  nextId += 1;
  let n = nextId;
  let suffix = '';
  for (let i = 0; i < 11; i++) {
    suffix += alphabet[n % 26];
    n = Math.floor(n / 26);
  }
  return `backup-${suffix}`;
}

export const internalFailure = () =>
  new CloudHsmInternalFailureException({ message: 'internal failure', $metadata: { httpStatusCode: 500 } });
export const invalidRequest = (message = 'invalid request') =>
  new CloudHsmInvalidRequestException({ message, $metadata: { httpStatusCode: 400 } });
const notFound = (id: unknown) =>
  new CloudHsmResourceNotFoundException({ message: `backup ${String(id)} not found`, $metadata: {} });

/**
 * The region of the client a faked call was made on. aws-sdk-client-mock's getClient()
 * returns the client of the latest send(), so it must be read before the first await.
 */
function regionOf(getClient: GetClient): Promise<string> {
  const client = getClient() as { config: { region: () => Promise<string> } };
  return client.config.region();
}

export class FakeCloudHsm {
  readonly mock: AwsClientStub<CloudHSMV2Client>;
  /** Every backup by id, whatever its region (see `regionOfBackup`). */
  readonly backups = new Map<string, Backup>();
  /** The region each backup lives in. */
  readonly regionOfBackup = new Map<string, string>();
  /** The clusters DescribeClusters lists, per region. */
  readonly clusters = new Map<string, Cluster[]>();
  /** Every call in order, with the region of the client that made it. */
  readonly log: FakeCall[] = [];
  /** Runs before DeleteBackup applies; throw to fail the call without a change. */
  beforeDelete?: Hook;
  /** Runs after DeleteBackup applied; throw to lose the response. */
  afterDelete?: Hook;
  beforeRestore?: Hook;
  /** Runs before TagResource applies; throw to fail it. */
  beforeTag?: Hook;
  /** Runs before each call; lets a test change state mid-run (another run's claim, say) or fail it. */
  beforeCall?: (call: FakeCall) => void;
  /**
   * Ids whose DeleteBackup errors carry `$metadata.attempts: 2`, as the SDK's do when a retry
   * follows an attempt whose answer was lost (the mock client itself never retries).
   */
  readonly retried = new Set<string>();
  /** Runs before a DescribeBackups page is served; throw to fail it. */
  beforeDescribe?: (input: DescribeBackupsRequest, call: number) => void;
  describeCalls = 0;
  /** Copies of every DescribeBackups input (the SDK paginator reuses one input object across pages). */
  readonly describeInputs: DescribeBackupsRequest[] = [];
  /** List newest first whatever SortAscending says (AWS documents no default order; moto lists newest first). */
  newestFirst = false;
  /** Page size the fake uses, at most MaxResults. */
  pageSize = 50;
  /** Decides each copy call's fate, in order; missing entries mean 'ok'. */
  copyFaults: CopyFault[] = [];
  /** Throws for every call of this operation in this region (`Op@region`). */
  readonly broken = new Map<string, () => Error>();
  /** Milliseconds each call of an operation takes (real time), to observe concurrency. */
  readonly latencyMs = new Map<string, number>();
  /** The most calls of each operation that were in flight at once. */
  readonly peakInFlight = new Map<string, number>();
  now = new Date('2026-11-29T12:00:00Z');
  private readonly inFlight = new Map<string, number>();
  private copies = 0;

  constructor() {
    this.mock = mockClient(CloudHSMV2Client);
    this.serve(DescribeBackupsCommand, 'DescribeBackups', (input: DescribeBackupsRequest, region: string) =>
      this.describe(input, region),
    );
    this.serve(DescribeClustersCommand, 'DescribeClusters', (_input: unknown, region: string) => ({
      Clusters: this.clusters.get(region) ?? [],
    }));
    this.serve(DeleteBackupCommand, 'DeleteBackup', (input: { BackupId: string }) => this.delete(input));
    this.serve(RestoreBackupCommand, 'RestoreBackup', (input: { BackupId: string }) => this.restore(input));
    this.serve(CopyBackupToRegionCommand, 'CopyBackupToRegion', (input: CopyInput, region: string) =>
      this.copy(input, region),
    );
    this.serve(ListTagsCommand, 'ListTags', (input: { ResourceId?: string }) => ({
      TagList: this.find(input.ResourceId).TagList ?? [],
    }));
    this.serve(TagResourceCommand, 'TagResource', (input: TagInput) => this.tag(input));
    this.serve(UntagResourceCommand, 'UntagResource', (input: UntagInput) => this.untag(input));
  }

  /** Clients for the code under test: one mocked client per region (all share this store). */
  clients(): CloudHsmClients {
    const byRegion = new Map<string, CloudHSMV2Client>();
    const clientFor = (region: string) => {
      const client =
        byRegion.get(region) ??
        new CloudHSMV2Client({
          region,
          credentials: { accessKeyId: 'AKIDTESTDUMMY', secretAccessKey: 'dummy' },
        });
      byRegion.set(region, client);
      return client;
    };
    return { cloudHsm: (region: string) => clientFor(region) };
  }

  /** Adds backups from inventory records, each in its own region. */
  add(...infos: BackupInfo[]): void {
    for (const b of infos) {
      this.put(b.region, {
        BackupId: b.id,
        BackupState: b.state,
        ClusterId: b.clusterId,
        CreateTimestamp: b.createdAt,
        NeverExpires: b.neverExpires,
        TagList: Object.entries(b.tags).map(([Key, Value]) => ({ Key, Value })),
        ...(b.deleteAt ? { DeleteTimestamp: b.deleteAt } : {}),
        ...(b.sourceClusterId ? { SourceCluster: b.sourceClusterId } : {}),
        ...(b.sourceBackupId ? { SourceBackup: b.sourceBackupId } : {}),
        ...(b.sourceRegion ? { SourceRegion: b.sourceRegion } : {}),
      });
    }
  }

  /** Puts one backup in SDK shape into `region` (READY, created 03:00 on the fixed day, unless given). */
  put(region: string, backup: Partial<Backup> & { BackupId: string }): Backup {
    const full: Backup = {
      BackupState: 'READY',
      ClusterId: 'cluster-abcdefghijk',
      CreateTimestamp: new Date('2026-11-29T03:00:00Z'),
      TagList: [],
      ...backup,
    };
    this.backups.set(full.BackupId!, full);
    this.regionOfBackup.set(full.BackupId!, region);
    return full;
  }

  /** The backups held in `region`, in the order they were added. */
  inRegion(region: string): Backup[] {
    return [...this.backups.values()].filter((b) => this.regionOfBackup.get(b.BackupId!) === region);
  }

  /** Copies of `sourceId` held in `region`. */
  copiesOf(region: string, sourceId: string): Backup[] {
    return this.inRegion(region).filter((b) => b.SourceBackup === sourceId);
  }

  state(id: string): string | undefined {
    return this.backups.get(id)?.BackupState;
  }

  /** The tags of a backup, as a map. */
  tags(id: string): Record<string, string> {
    return Object.fromEntries((this.backups.get(id)?.TagList ?? []).map((t) => [t.Key!, t.Value!]));
  }

  /** The inputs of every call of one command, in order. */
  calls(
    command:
      | typeof DeleteBackupCommand
      | typeof DescribeBackupsCommand
      | typeof RestoreBackupCommand
      | typeof TagResourceCommand
      | typeof UntagResourceCommand,
  ) {
    return this.mock
      .commandCalls(command as never)
      .map((call) => call.args[0].input as Record<string, unknown>);
  }

  /** The recorded calls of one operation (by name), with their regions. */
  callsOf(operation: string): FakeCall[] {
    return this.log.filter((c) => c.operation === operation);
  }

  restoreMocks(): void {
    this.mock.restore();
  }

  /** Answers `command` through `work`, after recording the call and applying faults and latency. */
  private serve(command: unknown, operation: string, work: (input: never, region: string) => unknown): void {
    this.mock
      .on(command as never)
      .callsFake((input: Record<string, unknown>, getClient: GetClient) =>
        this.handle(operation, input, regionOf(getClient), work),
      );
  }

  private async handle(
    operation: string,
    input: Record<string, unknown>,
    pendingRegion: Promise<string>,
    work: (input: never, region: string) => unknown,
  ): Promise<unknown> {
    const region = await pendingRegion;
    const call = { operation, region, input };
    this.log.push(call);
    const running = (this.inFlight.get(operation) ?? 0) + 1;
    this.inFlight.set(operation, running);
    this.peakInFlight.set(operation, Math.max(this.peakInFlight.get(operation) ?? 0, running));
    try {
      const latency = this.latencyMs.get(operation);
      if (latency) await new Promise((resolve) => setTimeout(resolve, latency));
      this.beforeCall?.(call);
      const broken = this.broken.get(`${operation}@${region}`);
      if (broken) throw broken();
      return await work(input as never, region);
    } finally {
      this.inFlight.set(operation, (this.inFlight.get(operation) ?? 1) - 1);
    }
  }

  private find(id: unknown): Backup {
    const backup = this.backups.get(id as string);
    if (!backup) throw notFound(id);
    return backup;
  }

  private describe(input: DescribeBackupsRequest, region: string) {
    this.describeCalls++;
    this.describeInputs.push(structuredClone(input));
    this.beforeDescribe?.(input, this.describeCalls);
    const max = input.MaxResults ?? 50;
    if (max > 50) throw new CloudHsmInvalidRequestException({ message: 'MaxResults > 50', $metadata: {} });
    const filters = input.Filters ?? {};
    if (filters.backupIds && filters.backupIds.length > 50) {
      throw new CloudHsmInvalidRequestException({ message: 'too many backupIds', $metadata: {} });
    }
    const list = this.inRegion(region).filter(
      (b) =>
        (!filters.backupIds || filters.backupIds.includes(b.BackupId!)) &&
        (!filters.sourceBackupIds || filters.sourceBackupIds.includes(b.SourceBackup ?? '')) &&
        (!filters.states || filters.states.includes(b.BackupState!)) &&
        (!filters.clusterIds || filters.clusterIds.includes(b.ClusterId ?? '')),
    );
    // AWS documents no default order; omitted SortAscending lists newest first, as moto does.
    const ascending = input.SortAscending === true && !this.newestFirst;
    list.sort((a, b) => (a.CreateTimestamp!.getTime() - b.CreateTimestamp!.getTime()) * (ascending ? 1 : -1));
    const size = Math.min(this.pageSize, max);
    const start = Number(input.NextToken ?? '0');
    const page = list.slice(start, start + size);
    const next = start + size < list.length ? String(start + size) : undefined;
    return {
      Backups: page.map((b) => ({ ...b, TagList: [...(b.TagList ?? [])] })),
      ...(next ? { NextToken: next } : {}),
    };
  }

  private async tag(input: TagInput) {
    await this.beforeTag?.({ BackupId: input.ResourceId });
    const backup = this.find(input.ResourceId);
    const tags = new Map((backup.TagList ?? []).map((t) => [t.Key!, t.Value!]));
    for (const t of input.TagList ?? []) tags.set(t.Key!, t.Value!);
    backup.TagList = [...tags].map(([Key, Value]) => ({ Key, Value }));
    return {};
  }

  private untag(input: UntagInput) {
    const backup = this.find(input.ResourceId);
    backup.TagList = (backup.TagList ?? []).filter((t) => !input.TagKeyList?.includes(t.Key!));
    return {};
  }

  private async delete(input: { BackupId: string }) {
    await this.beforeDelete?.(input);
    const backup = this.find(input.BackupId);
    if (backup.BackupState !== 'READY') {
      throw new CloudHsmInvalidRequestException({
        message: `backup is ${backup.BackupState}`,
        $metadata: { attempts: this.retried.has(input.BackupId) ? 2 : 1 },
      });
    }
    backup.BackupState = 'PENDING_DELETION';
    backup.DeleteTimestamp = new Date(this.now.getTime() + 7 * 86_400_000);
    await this.afterDelete?.(input);
    return { Backup: { ...backup } };
  }

  private async restore(input: { BackupId: string }) {
    await this.beforeRestore?.(input);
    const backup = this.find(input.BackupId);
    if (backup.BackupState !== 'PENDING_DELETION') {
      throw new CloudHsmInvalidRequestException({
        message: `backup is ${backup.BackupState}`,
        $metadata: {},
      });
    }
    backup.BackupState = 'READY';
    delete backup.DeleteTimestamp;
    return { Backup: { ...backup } };
  }

  private copy(input: CopyInput, sourceRegion: string) {
    const fault = this.copyFaults[this.copies++] ?? 'ok';
    if (fault === 'reject') throw invalidRequest('copy refused');
    if (fault === 'fail') throw internalFailure();
    const source = this.find(input.BackupId);
    this.put(input.DestinationRegion!, {
      BackupId: newBackupId(),
      BackupState: 'CREATE_IN_PROGRESS',
      ClusterId: undefined,
      CreateTimestamp: source.CreateTimestamp,
      CopyTimestamp: this.now,
      SourceBackup: source.BackupId,
      SourceRegion: sourceRegion,
      SourceCluster: source.ClusterId,
      TagList: input.TagList as Backup['TagList'],
    });
    if (fault === 'lost') throw internalFailure();
    return {
      DestinationBackup: {
        CreateTimestamp: source.CreateTimestamp,
        SourceBackup: source.BackupId,
        SourceRegion: sourceRegion,
        SourceCluster: source.ClusterId,
      },
    };
  }
}
