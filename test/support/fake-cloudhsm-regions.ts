import {
  type Backup,
  CloudHSMV2Client,
  CloudHsmInternalFailureException,
  CloudHsmInvalidRequestException,
  CopyBackupToRegionCommand,
  DeleteBackupCommand,
  DescribeBackupsCommand,
  ListTagsCommand,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-cloudhsm-v2';
import { mockClient } from 'aws-sdk-client-mock';

/** One recorded call: which operation, in which region, with what input. */
export interface FakeCall {
  operation: string;
  region: string;
  input: Record<string, unknown>;
}

/** What the fake does with one CopyBackupToRegion call. */
export type CopyFault = 'ok' | 'lost' | 'fail' | 'reject';

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

/**
 * A small in-memory CloudHSM behind aws-sdk-client-mock: enough state (backups per region,
 * tags) to check what the copy executor calls and what it leaves behind.
 */
export class FakeCloudHsm {
  readonly mock = mockClient(CloudHSMV2Client);
  readonly backups = new Map<string, Backup[]>();
  readonly calls: FakeCall[] = [];
  /** Page size the fake uses, at most MaxResults. */
  pageSize = 50;
  /** Decides each copy call's fate, in order; missing entries mean 'ok'. */
  copyFaults: CopyFault[] = [];
  /** Throws for every call of this operation in this region (`Op@region`). */
  readonly broken = new Map<string, () => Error>();
  /** Runs before each call; lets a test change state mid-run (another run's claim, say). */
  beforeCall?: (call: FakeCall) => void;
  private copies = 0;

  constructor() {
    this.mock
      .on(DescribeBackupsCommand)
      .callsFake((input, getClient) =>
        this.handle('DescribeBackups', input, getClient, (region) => this.describe(region, input)),
      );
    this.mock.on(ListTagsCommand).callsFake((input, getClient) =>
      this.handle('ListTags', input, getClient, () => ({
        TagList: this.find(input.ResourceId).TagList ?? [],
      })),
    );
    this.mock.on(TagResourceCommand).callsFake((input, getClient) =>
      this.handle('TagResource', input, getClient, () => {
        const backup = this.find(input.ResourceId);
        const rest = (backup.TagList ?? []).filter(
          (t) => !input.TagList.some((n: { Key: string }) => n.Key === t.Key),
        );
        backup.TagList = [...rest, ...input.TagList];
        return {};
      }),
    );
    this.mock.on(UntagResourceCommand).callsFake((input, getClient) =>
      this.handle('UntagResource', input, getClient, () => {
        const backup = this.find(input.ResourceId);
        backup.TagList = (backup.TagList ?? []).filter((t) => !input.TagKeyList.includes(t.Key));
        return {};
      }),
    );
    this.mock
      .on(CopyBackupToRegionCommand)
      .callsFake((input, getClient) =>
        this.handle('CopyBackupToRegion', input, getClient, (region) => this.copy(region, input)),
      );
    this.mock.on(DeleteBackupCommand).callsFake((input, getClient) =>
      this.handle('DeleteBackup', input, getClient, () => {
        const backup = this.find(input.BackupId);
        backup.BackupState = 'PENDING_DELETION';
        return { Backup: backup };
      }),
    );
  }

  restore(): void {
    this.mock.restore();
  }

  add(region: string, backup: Partial<Backup> & { BackupId: string }): Backup {
    const full: Backup = {
      BackupState: 'READY',
      ClusterId: 'cluster-abcdefghijk',
      CreateTimestamp: new Date('2026-11-29T03:00:00Z'),
      TagList: [],
      ...backup,
    };
    this.backups.set(region, [...(this.backups.get(region) ?? []), full]);
    return full;
  }

  /** Copies of `sourceId` held in `region`. */
  copiesOf(region: string, sourceId: string): Backup[] {
    return (this.backups.get(region) ?? []).filter((b) => b.SourceBackup === sourceId);
  }

  callsOf(operation: string): FakeCall[] {
    return this.calls.filter((c) => c.operation === operation);
  }

  private async handle(
    operation: string,
    input: Record<string, unknown>,
    getClient: () => { config: { region: () => Promise<string> } },
    work: (region: string) => unknown,
  ): Promise<unknown> {
    const region = await getClient().config.region();
    const call = { operation, region, input };
    this.calls.push(call);
    this.beforeCall?.(call);
    const broken = this.broken.get(`${operation}@${region}`);
    if (broken) throw broken();
    return work(region);
  }

  private find(id: unknown): Backup {
    for (const list of this.backups.values()) {
      const backup = list.find((b) => b.BackupId === id);
      if (backup) return backup;
    }
    throw invalidRequest(`backup ${String(id)} not found`);
  }

  private describe(region: string, input: Record<string, unknown>) {
    const filters = (input.Filters ?? {}) as Record<string, string[]>;
    let list = [...(this.backups.get(region) ?? [])];
    if (filters.backupIds) list = list.filter((b) => filters.backupIds!.includes(b.BackupId ?? ''));
    if (filters.sourceBackupIds)
      list = list.filter((b) => filters.sourceBackupIds!.includes(b.SourceBackup ?? ''));
    if (filters.clusterIds) list = list.filter((b) => filters.clusterIds!.includes(b.ClusterId ?? ''));
    list.sort((a, b) => a.CreateTimestamp!.getTime() - b.CreateTimestamp!.getTime());
    if (input.SortAscending === false) list.reverse();
    const size = Math.min(this.pageSize, (input.MaxResults as number | undefined) ?? 50);
    const start = Number(input.NextToken ?? 0);
    const page = list.slice(start, start + size);
    const next = start + size < list.length ? String(start + size) : undefined;
    return { Backups: page.map((b) => ({ ...b, TagList: [...(b.TagList ?? [])] })), NextToken: next };
  }

  private copy(sourceRegion: string, input: Record<string, unknown>) {
    const fault = this.copyFaults[this.copies++] ?? 'ok';
    if (fault === 'reject') throw invalidRequest('copy refused');
    if (fault === 'fail') throw internalFailure();
    const source = this.find(input.BackupId);
    const destination = input.DestinationRegion as string;
    this.add(destination, {
      BackupId: newBackupId(),
      BackupState: 'CREATE_IN_PROGRESS',
      ClusterId: undefined,
      CreateTimestamp: source.CreateTimestamp,
      CopyTimestamp: new Date(),
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
