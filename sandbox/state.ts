/**
 * The sandbox's in-memory AWS state: one {@link RegionState} per region, each with indexes
 * (by id, by cluster, by source backup, and one creation-ordered list) so listing and paging
 * stay fast with 100,000 backups.
 */
import type { SandboxClock } from './clock.js';
import { IdFactory, type Random } from './random.js';

export type BackupState = 'CREATE_IN_PROGRESS' | 'READY' | 'DELETED' | 'PENDING_DELETION';

/** How long a deleted backup can be restored (docs/aws-api.md §2.2). */
export const PENDING_DELETION_MS = 7 * 24 * 3600 * 1000;

export interface BackupRecord {
  id: string;
  region: string;
  clusterId?: string;
  state: BackupState;
  createdMs: number;
  copiedMs?: number;
  deleteMs?: number;
  neverExpires: boolean;
  sourceRegion?: string;
  sourceBackup?: string;
  sourceCluster?: string;
  hsmType?: string;
  mode?: string;
  tags: Map<string, string>;
  /** Resource policy (PutResourcePolicy) as given. */
  policy?: string;
}

export interface HsmRecord {
  id: string;
  clusterId: string;
  zone: string;
  subnetId?: string;
  eniId: string;
  eniIp: string;
  state: string;
  hsmType: string;
}

export interface ClusterRecord {
  id: string;
  region: string;
  state: string;
  hsmType: string;
  mode?: string;
  /** Availability Zone name → subnet id. */
  subnetMapping: Record<string, string>;
  vpcId?: string;
  securityGroup?: string;
  retentionDays?: number;
  createdMs: number;
  sourceBackupId?: string;
  tags: Map<string, string>;
  hsms: HsmRecord[];
  /** The HSM type before the last migration, while it can still be rolled back to. */
  previousHsmType?: string;
  /** Until when ModifyCluster may move back to `previousHsmType` (HsmTypeRollbackExpiration). */
  rollbackExpiresMs?: number;
  /** Resource policy (PutResourcePolicy) as given. */
  policy?: string;
}

export interface ZoneRecord {
  name: string;
  id: string;
  state: string;
  type: string;
}

export interface SubnetRecord {
  id: string;
  zone: string;
  zoneId: string;
  vpc: string;
  cidr: string;
  state: string;
  tags: Map<string, string>;
}

export interface RuleRecord {
  protocol: string;
  from?: number;
  to?: number;
  cidrs: string[];
  ipv6Cidrs: string[];
  groups: string[];
  description?: string;
}

export interface SecurityGroupRecord {
  id: string;
  name: string;
  description: string;
  vpc?: string;
  ingress: RuleRecord[];
  egress: RuleRecord[];
  tags: Map<string, string>;
}

/** A KMS custom key store (sandbox/services/kms.ts answers DescribeCustomKeyStores from these). */
export interface KeyStoreRecord {
  id: string;
  name: string;
  clusterId: string;
  state: string;
  errorCode?: string;
  createdMs: number;
}

/** Creation order, ties broken by id: the stable order DescribeBackups pages through. */
export function compareByCreation(
  a: { createdMs: number; id: string },
  b: { createdMs: number; id: string },
): number {
  return a.createdMs - b.createdMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** Index of the first element that sorts after `key` in an ascending list. */
export function upperBound<T extends { createdMs: number; id: string }>(
  list: readonly T[],
  key: { createdMs: number; id: string },
): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareByCreation(list[mid]!, key) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function insertSorted<T extends { createdMs: number; id: string }>(list: T[], item: T): void {
  const last = list[list.length - 1];
  if (!last || compareByCreation(last, item) < 0) list.push(item);
  else list.splice(upperBound(list, item), 0, item);
}

function addToIndex(index: Map<string, BackupRecord[]>, key: string, backup: BackupRecord, sorted: boolean) {
  let list = index.get(key);
  if (!list) {
    list = [];
    index.set(key, list);
  }
  if (sorted) insertSorted(list, backup);
  else list.push(backup);
}

/** Everything the sandbox holds for one region. */
export class RegionState {
  readonly zones: ZoneRecord[] = [];
  readonly subnets = new Map<string, SubnetRecord>();
  readonly securityGroups = new Map<string, SecurityGroupRecord>();
  readonly clusters = new Map<string, ClusterRecord>();
  /** Clusters in creation order. */
  readonly orderedClusters: ClusterRecord[] = [];
  readonly backups = new Map<string, BackupRecord>();
  /** Every backup, ascending by creation time then id. */
  readonly orderedBackups: BackupRecord[] = [];
  readonly backupsByCluster = new Map<string, BackupRecord[]>();
  readonly backupsBySource = new Map<string, BackupRecord[]>();
  /** KMS custom key stores, by id order (DescribeCustomKeyStores pages through them). */
  readonly keyStores: KeyStoreRecord[] = [];
  /** Security Hub findings imported in this region, by finding Id (sandbox/services/securityhub.ts). */
  readonly securityHubFindings = new Map<string, Record<string, unknown>>();

  constructor(readonly name: string) {}

  /** Adds a backup to every index, keeping the ordered lists sorted. */
  addBackup(backup: BackupRecord): void {
    this.indexBackup(backup, true);
  }

  /** Adds many backups at once (fleet loading): one sort instead of one insertion each. */
  addBackups(backups: BackupRecord[]): void {
    for (const backup of backups) this.indexBackup(backup, false);
    this.orderedBackups.sort(compareByCreation);
    for (const list of this.backupsByCluster.values()) list.sort(compareByCreation);
    for (const list of this.backupsBySource.values()) list.sort(compareByCreation);
  }

  addCluster(cluster: ClusterRecord): void {
    this.clusters.set(cluster.id, cluster);
    insertSorted(this.orderedClusters, cluster);
  }

  /** The HSM with this id, with its cluster. */
  findHsm(id: string): HsmRecord | undefined {
    for (const cluster of this.clusters.values()) {
      const hsm = cluster.hsms.find((h) => h.id === id);
      if (hsm) return hsm;
    }
    return undefined;
  }

  private indexBackup(backup: BackupRecord, sorted: boolean): void {
    this.backups.set(backup.id, backup);
    if (sorted) insertSorted(this.orderedBackups, backup);
    else this.orderedBackups.push(backup);
    if (backup.clusterId) addToIndex(this.backupsByCluster, backup.clusterId, backup, sorted);
    if (backup.sourceBackup) addToIndex(this.backupsBySource, backup.sourceBackup, backup, sorted);
  }
}

interface Transition {
  dueMs: number;
  seq: number;
  apply: () => void;
}

/** A min-heap of timed state transitions (copies finishing, deletions expiring). */
class TransitionQueue {
  private readonly heap: Transition[] = [];
  private seq = 0;

  push(dueMs: number, apply: () => void): void {
    const heap = this.heap;
    heap.push({ dueMs, seq: this.seq++, apply });
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >>> 1;
      if (!this.before(heap[i]!, heap[parent]!)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }

  /** Removes and returns the earliest transition due at or before `nowMs`. */
  popDue(nowMs: number): Transition | undefined {
    const heap = this.heap;
    const top = heap[0];
    if (!top || top.dueMs > nowMs) return undefined;
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        const right = left + 1;
        let smallest = i;
        if (left < heap.length && this.before(heap[left]!, heap[smallest]!)) smallest = left;
        if (right < heap.length && this.before(heap[right]!, heap[smallest]!)) smallest = right;
        if (smallest === i) break;
        [heap[i], heap[smallest]] = [heap[smallest]!, heap[i]!];
        i = smallest;
      }
    }
    return top;
  }

  private before(a: Transition, b: Transition): boolean {
    return a.dueMs < b.dueMs || (a.dueMs === b.dueMs && a.seq < b.seq);
  }
}

/** Settings that shape the lifecycle. */
export interface StateOptions {
  /** CREATE_IN_PROGRESS → READY after this long. */
  copyDelayMs: number;
}

/** One account of the sandbox: every region, the clock, the id minting, and the pending transitions. */
export class SandboxState {
  readonly regions = new Map<string, RegionState>();
  readonly ids: IdFactory;
  private readonly transitions = new TransitionQueue();

  constructor(
    readonly account: string,
    readonly clock: SandboxClock,
    readonly options: StateOptions,
    random: Random,
    /** Shared by every account of an organization, so no two accounts mint the same id. */
    ids?: IdFactory,
  ) {
    this.ids = ids ?? new IdFactory(random);
  }

  /** The region's state, created empty the first time a region without fleet data is used. */
  region(name: string): RegionState {
    let region = this.regions.get(name);
    if (!region) {
      region = new RegionState(name);
      this.regions.set(name, region);
    }
    return region;
  }

  /** The region's state for reading: an empty, unregistered one when the fleet has no such region. */
  view(name: string): RegionState {
    return this.regions.get(name) ?? new RegionState(name);
  }

  /** Runs `apply` once the sandbox clock reaches `dueMs` (checked on every request). */
  schedule(dueMs: number, apply: () => void): void {
    this.transitions.push(dueMs, apply);
  }

  /** Applies every transition that is due by the clock's current time. */
  settle(): void {
    const now = this.clock.nowMs();
    for (let t = this.transitions.popDue(now); t; t = this.transitions.popDue(now)) t.apply();
  }

  /** Puts a backup in CREATE_IN_PROGRESS until `copyDelayMs` from now, then READY. */
  scheduleReady(backup: BackupRecord, fromMs = this.clock.nowMs()): void {
    this.schedule(fromMs + this.options.copyDelayMs, () => {
      if (backup.state === 'CREATE_IN_PROGRESS') backup.state = 'READY';
    });
  }

  /** Puts a backup in PENDING_DELETION until its DeleteTimestamp, then DELETED (unless restored). */
  scheduleDeletion(backup: BackupRecord, deleteMs: number): void {
    backup.state = 'PENDING_DELETION';
    backup.deleteMs = deleteMs;
    this.schedule(deleteMs, () => {
      if (backup.state === 'PENDING_DELETION' && backup.deleteMs === deleteMs) backup.state = 'DELETED';
    });
  }
}
