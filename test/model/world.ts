/**
 * The real system the soak drives: an in-process sandbox (virtual clock), SDK clients, and the
 * real job code. Every job gets its own endpoint path (`<url>/<runId>`), so the sandbox's hooks
 * can tell who sent each request; the hooks record, at the moment the sandbox handles them, every
 * DeleteBackup, CopyBackupToRegion, RestoreBackup and PutEvents with the state they met. That
 * ledger is what test/model/invariants.ts judges.
 */
import {
  DeleteBackupCommand,
  ModifyBackupAttributesCommand,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-cloudhsm-v2';
import { AwsClients } from '../../lib/aws/clients.js';
import type { FaultConfig, FleetFile, ReceivedEvent, Sandbox, SandboxCall } from '../../sandbox/index.js';
import { startSandbox } from '../../sandbox/index.js';

/** The actor name of requests that are not cloudhsm-ops': the operator, other tools, the service. */
export const WORLD = 'world';

/** A backup as the ledger keeps it (from the sandbox's wire records). */
export interface BackupView {
  id: string;
  region: string;
  clusterId?: string;
  /** SourceCluster for a copy, else ClusterId. */
  lineage: string;
  state: string;
  createdMs: number;
  deleteMs?: number;
  neverExpires: boolean;
  tags: Record<string, string>;
  sourceBackup?: string;
  sourceRegion?: string;
}

/** Every backup of every region, by id. */
export type Snapshot = Map<string, BackupView>;

/** A state-changing request the sandbox handled (applied), with who sent it and what it met. */
export interface Applied {
  seq: number;
  actor: string;
  operation: string;
  region: string;
  /** Sandbox clock, ms. */
  at: number;
  /** DeleteBackup, RestoreBackup, tags: the target backup. DescribeBackups is kept too (what a run could see). */
  backupId?: string;
  /** The whole fleet right before the request was handled. */
  before: Snapshot;
  /** CopyBackupToRegion: source and destination, and the copy it made. */
  copy?: { sourceId: string; destination: string; copyId?: string };
  /** PutEvents: the events this call got accepted. */
  events?: ReceivedEvent[];
  /** DescribeBackups filtered by backup ids (a run's re-read): the ids it asked for. */
  readIds?: string[];
}

function view(raw: Record<string, unknown>, region: string): BackupView {
  const tags: Record<string, string> = {};
  for (const tag of (raw.TagList ?? []) as { Key: string; Value: string }[]) tags[tag.Key] = tag.Value;
  const clusterId = raw.ClusterId as string | undefined;
  const sourceCluster = raw.SourceCluster as string | undefined;
  return {
    id: String(raw.BackupId),
    region,
    ...(clusterId ? { clusterId } : {}),
    lineage: sourceCluster ?? clusterId ?? `unknown:${raw.BackupId}`,
    state: String(raw.BackupState),
    createdMs: Number(raw.CreateTimestamp) * 1000,
    ...(raw.DeleteTimestamp !== undefined ? { deleteMs: Number(raw.DeleteTimestamp) * 1000 } : {}),
    neverExpires: raw.NeverExpires === true,
    tags,
    ...(raw.SourceBackup ? { sourceBackup: String(raw.SourceBackup) } : {}),
    ...(raw.SourceRegion ? { sourceRegion: String(raw.SourceRegion) } : {}),
  };
}

const TRACKED = new Set([
  'DescribeBackups',
  'DeleteBackup',
  'CopyBackupToRegion',
  'RestoreBackup',
  'PutEvents',
  'TagResource',
  'UntagResource',
  'ModifyBackupAttributes',
]);

/** The sandbox, the world's own client, and the ledger. */
export class World {
  readonly applied: Applied[] = [];
  /** Faults in force now (undefined: none). */
  faults: FaultConfig | undefined;
  /** Requests per actor so far (interruptions are placed by this count). */
  readonly requestCount = new Map<string, number>();
  private seq = 0;
  private readonly world: AwsClients;
  private readonly jobClients: AwsClients[] = [];
  /** Awaited before each job request; set by commands that interleave. */
  beforeJobRequest: ((actor: string, call: SandboxCall) => Promise<void> | void) | undefined;

  private constructor(
    readonly sandbox: Sandbox,
    readonly maxAttempts: number,
  ) {
    this.world = new AwsClients({ endpoint: `${sandbox.url}/${WORLD}`, maxAttempts: 8 });
    sandbox.setHooks({
      beforeRequest: (call) => this.before(call),
      aroundHandle: (call, handle) => this.around(call, handle),
    });
  }

  static async start(fleet: FleetFile, seed: number, maxAttempts: number): Promise<World> {
    const sandbox = await startSandbox({ fleet, seed, copyDelaySeconds: 120 });
    return new World(sandbox, maxAttempts);
  }

  /** Clients for one job run: its requests carry `actor` in the path. */
  clientsFor(actor: string): AwsClients {
    const clients = new AwsClients({
      endpoint: `${this.sandbox.url}/${actor}`,
      maxAttempts: this.maxAttempts,
    });
    this.jobClients.push(clients);
    return clients;
  }

  nowMs(): number {
    return this.sandbox.clock.nowMs();
  }

  /** Every backup of every region, as of now. */
  snapshot(): Snapshot {
    const all: Snapshot = new Map();
    for (const region of this.sandbox.regions()) {
      for (const raw of this.sandbox.backups(region)) {
        const backup = view(raw, region);
        all.set(backup.id, backup);
      }
    }
    return all;
  }

  setFaults(config: FaultConfig | undefined): void {
    this.faults = config;
    this.sandbox.setFaults(config ?? { rules: [] });
  }

  async close(): Promise<void> {
    this.world.destroy();
    for (const clients of this.jobClients) clients.destroy();
    await this.sandbox.close();
  }

  private actorOf(call: SandboxCall): string {
    return call.path.split('/').filter(Boolean)[0] ?? WORLD;
  }

  private async before(call: SandboxCall): Promise<void> {
    const actor = this.actorOf(call);
    this.requestCount.set(actor, (this.requestCount.get(actor) ?? 0) + 1);
    if (actor !== WORLD && this.beforeJobRequest) await this.beforeJobRequest(actor, call);
  }

  private around(call: SandboxCall, handle: () => unknown): unknown {
    if (!TRACKED.has(call.operation)) return handle();
    const params = (call.params ?? {}) as Record<string, unknown>;
    const before = this.snapshot();
    const eventsBefore = call.operation === 'PutEvents' ? this.sandbox.events().length : 0;
    const result = handle(); // throws when the sandbox refuses: nothing was applied, nothing recorded
    const entry: Applied = {
      seq: this.seq++,
      actor: this.actorOf(call),
      operation: call.operation,
      region: call.region,
      at: this.nowMs(),
      before,
    };
    const id = (params.BackupId ?? params.ResourceId) as string | undefined;
    if (id) entry.backupId = id;
    if (call.operation === 'CopyBackupToRegion') {
      const destination = String(params.DestinationRegion);
      const known = new Set(before.keys());
      const made = this.sandbox
        .backups(destination)
        .map((raw) => view(raw, destination))
        .find((b) => b.sourceBackup === id && !known.has(b.id));
      entry.copy = { sourceId: String(id), destination, ...(made ? { copyId: made.id } : {}) };
    }
    if (call.operation === 'PutEvents') entry.events = this.sandbox.events().slice(eventsBefore);
    const filters = params.Filters as Record<string, unknown> | undefined;
    if (call.operation === 'DescribeBackups' && Array.isArray(filters?.backupIds))
      entry.readIds = (filters.backupIds as unknown[]).map(String);
    this.applied.push(entry);
    return result;
  }

  // ---- what the world does (through the API, as the operator would) ----

  async deleteBackup(region: string, backupId: string): Promise<string> {
    return this.attempt(() =>
      this.world.cloudHsm(region).send(new DeleteBackupCommand({ BackupId: backupId })),
    );
  }

  async setTag(region: string, backupId: string, key: string, value: string): Promise<string> {
    return this.attempt(() =>
      this.world
        .cloudHsm(region)
        .send(new TagResourceCommand({ ResourceId: backupId, TagList: [{ Key: key, Value: value }] })),
    );
  }

  async removeTag(region: string, backupId: string, key: string): Promise<string> {
    return this.attempt(() =>
      this.world.cloudHsm(region).send(new UntagResourceCommand({ ResourceId: backupId, TagKeyList: [key] })),
    );
  }

  async setNeverExpires(region: string, backupId: string, value: boolean): Promise<string> {
    return this.attempt(() =>
      this.world
        .cloudHsm(region)
        .send(new ModifyBackupAttributesCommand({ BackupId: backupId, NeverExpires: value })),
    );
  }

  private async attempt(call: () => Promise<unknown>): Promise<string> {
    try {
      await call();
      return 'ok';
    } catch (error) {
      return (error as { name?: string }).name ?? 'error';
    }
  }
}
