/**
 * A small in-memory CloudHSM behind aws-sdk-client-mock, for exact-call tests of prune and
 * restore: DescribeBackups (filters, MaxResults, NextToken), DeleteBackup, RestoreBackup, with
 * hooks to inject errors per call.
 */
import {
  type Backup,
  CloudHSMV2Client,
  CloudHsmInvalidRequestException,
  CloudHsmResourceNotFoundException,
  DeleteBackupCommand,
  DescribeBackupsCommand,
  type DescribeBackupsRequest,
  RestoreBackupCommand,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-cloudhsm-v2';
import { type AwsClientStub, mockClient } from 'aws-sdk-client-mock';
import type { CloudHsmClients } from '../../lib/aws/cloudhsm.js';
import type { BackupInfo } from '../../lib/inventory/types.js';

export type Hook = (input: { BackupId?: string }) => Promise<void> | void;

export class FakeHsm {
  readonly mock: AwsClientStub<CloudHSMV2Client>;
  readonly backups = new Map<string, Backup>();
  /** Runs before DeleteBackup applies; throw to fail the call without a change. */
  beforeDelete?: Hook;
  /** Runs after DeleteBackup applied; throw to lose the response. */
  afterDelete?: Hook;
  beforeRestore?: Hook;
  /** Runs before TagResource applies; throw to fail it. */
  beforeTag?: Hook;
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
  now = new Date('2026-11-29T12:00:00Z');

  constructor() {
    this.mock = mockClient(CloudHSMV2Client);
    this.mock.on(DescribeBackupsCommand).callsFake((input: DescribeBackupsRequest) => this.describe(input));
    this.mock.on(DeleteBackupCommand).callsFake((input: { BackupId: string }) => this.delete(input));
    this.mock.on(RestoreBackupCommand).callsFake((input: { BackupId: string }) => this.restore(input));
    this.mock.on(TagResourceCommand).callsFake((input) => this.tag(input));
    this.mock.on(UntagResourceCommand).callsFake((input) => this.untag(input));
  }

  /** Clients for the code under test: one mocked client per region (all share this store). */
  clients(): CloudHsmClients {
    const client = new CloudHSMV2Client({
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIDTESTDUMMY', secretAccessKey: 'dummy' },
    });
    return { cloudHsm: () => client };
  }

  add(...infos: BackupInfo[]): void {
    for (const b of infos) {
      this.backups.set(b.id, {
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

  state(id: string): string | undefined {
    return this.backups.get(id)?.BackupState;
  }

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

  restoreMocks(): void {
    this.mock.restore();
  }

  private describe(input: DescribeBackupsRequest) {
    this.describeCalls++;
    this.describeInputs.push(structuredClone(input));
    this.beforeDescribe?.(input, this.describeCalls);
    const max = input.MaxResults ?? 50;
    if (max > 50) throw new CloudHsmInvalidRequestException({ message: 'MaxResults > 50', $metadata: {} });
    const filters = input.Filters ?? {};
    let list = [...this.backups.values()].filter(
      (b) =>
        (!filters.backupIds || filters.backupIds.includes(b.BackupId!)) &&
        (!filters.states || filters.states.includes(b.BackupState!)) &&
        (!filters.clusterIds || filters.clusterIds.includes(b.ClusterId!)),
    );
    if (filters.backupIds && filters.backupIds.length > 50) {
      throw new CloudHsmInvalidRequestException({ message: 'too many backupIds', $metadata: {} });
    }
    const ascending = input.SortAscending === true && !this.newestFirst;
    list = list.sort(
      (a, b) => (a.CreateTimestamp!.getTime() - b.CreateTimestamp!.getTime()) * (ascending ? 1 : -1),
    );
    const start = Number(input.NextToken ?? '0');
    const page = list.slice(start, start + max);
    const next = start + max < list.length ? String(start + max) : undefined;
    return { Backups: page.map((b) => ({ ...b })), ...(next ? { NextToken: next } : {}) };
  }

  /** The tags of a backup, as a map. */
  tags(id: string): Record<string, string> {
    return Object.fromEntries((this.backups.get(id)?.TagList ?? []).map((t) => [t.Key!, t.Value!]));
  }

  private async tag(input: { ResourceId?: string; TagList?: { Key?: string; Value?: string }[] }) {
    await this.beforeTag?.({ BackupId: input.ResourceId });
    const backup = this.backups.get(input.ResourceId!);
    if (!backup) throw new CloudHsmResourceNotFoundException({ message: 'no such backup', $metadata: {} });
    const tags = new Map((backup.TagList ?? []).map((t) => [t.Key!, t.Value!]));
    for (const t of input.TagList ?? []) tags.set(t.Key!, t.Value!);
    backup.TagList = [...tags].map(([Key, Value]) => ({ Key, Value }));
    return {};
  }

  private untag(input: { ResourceId?: string; TagKeyList?: string[] }) {
    const backup = this.backups.get(input.ResourceId!);
    if (!backup) throw new CloudHsmResourceNotFoundException({ message: 'no such backup', $metadata: {} });
    backup.TagList = (backup.TagList ?? []).filter((t) => !input.TagKeyList?.includes(t.Key!));
    return {};
  }

  private async delete(input: { BackupId: string }) {
    await this.beforeDelete?.(input);
    const backup = this.backups.get(input.BackupId);
    if (!backup) throw new CloudHsmResourceNotFoundException({ message: 'no such backup', $metadata: {} });
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
    const backup = this.backups.get(input.BackupId);
    if (!backup) throw new CloudHsmResourceNotFoundException({ message: 'no such backup', $metadata: {} });
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
}
