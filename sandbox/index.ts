/**
 * The sandbox: a local AWS-compatible endpoint (CloudHSM v2, EC2 describe calls,
 * EventBridge PutEvents, STS GetCallerIdentity and AssumeRole, Organizations listings, KMS key
 * stores, Security Hub, S3 PutObject) holding a fleet of one account or an organization of
 * accounts, with its own clock and seeded fault injection. Start it in-process with {@link startSandbox}, or with
 * `cloudhsm-ops sandbox`.
 */
import { appendFileSync } from 'node:fs';
import { type AddressInfo, createServer as createTcpServer, type Server as TcpServer } from 'node:net';
import { type ClockMode, createClock, type SandboxClock } from './clock.js';
import { type FaultConfig, FaultInjector, parseFaultConfig } from './faults.js';
import { type Fleet, type FleetFile, type OrganizationFleetFile, parseFleet } from './fleet.js';
import { demoFleet } from './fleets/demo.js';
import { demoOrganizationFleet } from './fleets/demo-organization.js';
import {
  type GenerateOptions,
  type GenerateOrganizationOptions,
  generateFleet,
  generateOrganization,
} from './generate.js';
import { buildWorld } from './load.js';
import { createSandboxServer, type RequestLogEntry, type SandboxHooks } from './server.js';
import { backupShape, clusterShape } from './services/cloudhsm-shapes.js';
import type { ReceivedEvent } from './services/context.js';
import type { StoredObject } from './services/s3.js';
import type { BackupRecord, SandboxState } from './state.js';
import type { SandboxWorld } from './world.js';

export type { ClockMode, SandboxClock } from './clock.js';
export type { FaultConfig, FaultRule } from './faults.js';
export {
  type Fleet,
  type FleetAccount,
  FleetError,
  type FleetFile,
  type FleetOrganization,
  loadFleetFile,
  type OrganizationFleetFile,
  parseFleet,
} from './fleet.js';
export { DEMO_ACCOUNT, DEMO_NOW, demoFleet } from './fleets/demo.js';
export { DEMO_ORGANIZATION, demoOrganizationFleet } from './fleets/demo-organization.js';
export {
  type GenerateOptions,
  type GenerateOrganizationOptions,
  generateFleet,
  generateOrganization,
  MAX_GENERATED_ACCOUNTS,
  MAX_GENERATED_BACKUPS,
} from './generate.js';
export { rebaseFleet } from './rebase.js';
export type { RequestLogEntry, SandboxCall, SandboxHooks } from './server.js';
export type { ReceivedEvent } from './services/context.js';
export type { StoredObject } from './services/s3.js';

/** Where the sandbox's fleet comes from. */
export type FleetSource =
  | FleetFile
  | OrganizationFleetFile
  | 'demo'
  | 'demo-organization'
  | { generate: GenerateOptions }
  | { generateOrganization: GenerateOrganizationOptions }
  | { validated: Fleet };

export interface SandboxOptions {
  /** TCP port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  fleet: FleetSource;
  /** `virtual` (default when the fleet has `now`) stands still until advanced; `real` ticks. */
  clock?: ClockMode;
  /** Copies (and fleet backups in CREATE_IN_PROGRESS) turn READY after this long (default 60). */
  copyDelaySeconds?: number;
  faults?: FaultConfig;
  /** Seeds id minting and faults (default 1). */
  seed?: number;
  /** Appends every accepted PutEvents entry to this file as one JSON line. */
  eventsFile?: string;
}

/** A running sandbox. */
export interface Sandbox {
  /** `http://127.0.0.1:PORT`: pass it as the endpoint. */
  readonly url: string;
  readonly port: number;
  /**
   * The fleet's account: the management account (the hub) of an organization fleet, what STS
   * GetCallerIdentity returns for keys no AssumeRole handed out.
   */
  readonly account: string;
  readonly clock: SandboxClock;
  /** Replaces the fault configuration. */
  setFaults(config: FaultConfig): void;
  /** The fault configuration in force. */
  faults(): FaultConfig;
  /** Every PutEvents entry accepted so far. */
  events(): ReceivedEvent[];
  /** Every object S3 PutObject stored so far, in order (a key put twice is listed twice). */
  objects(): StoredObject[];
  /** Every AWS request so far (admin routes excluded). */
  requests(): RequestLogEntry[];
  /** Forgets the request log (e.g. between a test's Prepare and Act). */
  clearRequests(): void;
  /**
   * The region's backups as DescribeBackups returns them (epoch-second timestamps), oldest first,
   * in `account` (default: the management account).
   */
  backups(region: string, account?: string): Array<Record<string, unknown>>;
  /** The region's clusters as DescribeClusters returns them, in `account` (default: the management account). */
  clusters(region: string, account?: string): Array<Record<string, unknown>>;
  /** The regions `account` holds (default: the management account). */
  regions(account?: string): string[];
  /** Every account the sandbox holds, in the fleet's order (one for a single-account fleet). */
  accounts(): string[];
  /** Test hooks (see {@link SandboxHooks}); replaces the ones in force, `{}` removes them. */
  setHooks(hooks: SandboxHooks): void;
  /**
   * Test aid: a backup appears in `region` as if the service had just taken it (there is no API
   * for that), in `account` (default: the management account). Returns its new id.
   */
  addBackup(region: string, backup: NewBackup, account?: string): string;
  close(): Promise<void>;
}

/** A backup for {@link Sandbox.addBackup}; it is READY unless `state` says otherwise. */
export interface NewBackup {
  clusterId: string;
  /** Default: the sandbox clock's now. */
  createdAt?: Date;
  state?: 'READY' | 'CREATE_IN_PROGRESS';
  neverExpires?: boolean;
  tags?: Record<string, string>;
}

function resolveFleet(source: FleetSource): Fleet {
  if (source === 'demo') return parseFleet(demoFleet(), 'demo fleet');
  if (source === 'demo-organization') return parseFleet(demoOrganizationFleet(), 'demo organization fleet');
  if ('generate' in source) return generateFleet(source.generate);
  if ('generateOrganization' in source) return generateOrganization(source.generateOrganization);
  if ('validated' in source) return source.validated;
  return parseFleet(source, 'fleet');
}

function regionCounts(state: SandboxState) {
  const regions: Record<string, unknown> = {};
  for (const [name, region] of state.regions) {
    const backups: Record<string, number> = {};
    for (const backup of region.backups.values()) backups[backup.state] = (backups[backup.state] ?? 0) + 1;
    regions[name] = { clusters: region.clusters.size, backups };
  }
  return regions;
}

/** Counts per region of the management account (and of every account, for an organization). */
function summary(world: SandboxWorld) {
  const hub = world.hub();
  const base = {
    account: hub.account,
    now: world.clock.now().toISOString(),
    clock: world.clock.mode,
    regions: regionCounts(hub),
  };
  if (!world.organization) return base;
  const accounts = Object.fromEntries(
    world.accounts().map((id) => [id, { regions: regionCounts(world.state(id)!) }]),
  );
  return { ...base, accounts };
}

/**
 * Also accepts connections on [::1] at the same port, handing them to the same HTTP server, so
 * `http://[::1]:PORT` and `http://localhost:PORT` (which may resolve to ::1 first) reach the
 * sandbox like `http://127.0.0.1:PORT`. Best effort: on a machine without IPv6 loopback, or with
 * the port taken there, the sandbox stays on 127.0.0.1 alone.
 */
async function listenOnIpv6Loopback(
  server: ReturnType<typeof createSandboxServer>,
  port: number,
): Promise<TcpServer | undefined> {
  const forwarder = createTcpServer((socket) => server.emit('connection', socket));
  return new Promise((resolve) => {
    forwarder.once('error', () => resolve(undefined));
    forwarder.listen(port, '::1', () => resolve(forwarder));
  });
}

/** Starts a sandbox on 127.0.0.1 (and [::1], same port, when it can) and resolves once it is listening. */
export async function startSandbox(options: SandboxOptions): Promise<Sandbox> {
  const fleet = resolveFleet(options.fleet);
  const startMs = fleet.now ? Date.parse(fleet.now) : undefined;
  const clock = createClock(options.clock ?? (startMs !== undefined ? 'virtual' : 'real'), startMs);
  const seed = options.seed ?? 1;
  const copyDelaySeconds = options.copyDelaySeconds ?? 60;
  if (!(copyDelaySeconds >= 0))
    throw new RangeError(`copyDelaySeconds must be >= 0, got ${copyDelaySeconds}`);
  const world = buildWorld(fleet, clock, { copyDelayMs: copyDelaySeconds * 1000 }, seed);
  const faults = new FaultInjector(seed);
  faults.hubAccount = world.management;
  if (options.faults) faults.set(options.faults);
  const received: ReceivedEvent[] = [];
  const stored: StoredObject[] = [];
  let log: RequestLogEntry[] = [];
  let hooks: SandboxHooks = {};

  /** An account's state, settled; an account the sandbox does not hold is a caller's mistake. */
  const settled = (account = world.management) => {
    const found = world.state(account);
    if (!found)
      throw new RangeError(
        `the sandbox holds no account ${account} (it holds ${world.accounts().join(', ')})`,
      );
    found.settle();
    return found;
  };
  const backups = (region: string, account?: string) => {
    const owner = settled(account);
    return (owner.regions.get(region)?.orderedBackups ?? []).map((b) => backupShape(b, owner.account));
  };
  const clusters = (region: string, account?: string) =>
    (settled(account).regions.get(region)?.orderedClusters ?? []).map(clusterShape);

  const server = createSandboxServer({
    world,
    faults,
    events: {
      accept(event) {
        received.push(event);
        if (options.eventsFile) appendFileSync(options.eventsFile, `${JSON.stringify(event)}\n`);
      },
      entryFailure: (region) => faults.entryFailure(region),
    },
    record: (entry) => log.push(entry),
    hooks: () => hooks,
    storeObject: (object) => stored.push(object),
    admin(method, path, query, body) {
      const route = `${method} ${path.replace(/\/$/, '')}`;
      switch (route) {
        case 'GET /_sandbox/health':
          return { status: 200, body: { ok: true } };
        case 'GET /_sandbox/events':
          return { status: 200, body: received };
        case 'GET /_sandbox/requests':
          return { status: 200, body: log };
        case 'GET /_sandbox/state':
          world.settle();
          return { status: 200, body: summary(world) };
        case 'GET /_sandbox/backups':
          return { status: 200, body: backups(query.get('region') ?? '', query.get('account') ?? undefined) };
        case 'GET /_sandbox/clusters':
          return {
            status: 200,
            body: clusters(query.get('region') ?? '', query.get('account') ?? undefined),
          };
        case 'GET /_sandbox/faults':
          return { status: 200, body: faults.get() };
        case 'POST /_sandbox/faults':
          faults.set(parseFaultConfig(JSON.parse(body || '{}')));
          return { status: 200, body: faults.get() };
        case 'POST /_sandbox/clock/advance': {
          const seconds = Number((JSON.parse(body || '{}') as { seconds?: unknown }).seconds);
          if (!Number.isFinite(seconds) || seconds < 0)
            throw new Error('body must be {"seconds": N} with N >= 0');
          clock.advance(seconds * 1000);
          world.settle();
          return { status: 200, body: { now: clock.now().toISOString() } };
        }
        default:
          return undefined;
      }
    },
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const ipv6 = await listenOnIpv6Loopback(server, port);
  let closing: Promise<void> | undefined;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    account: world.management,
    clock,
    setFaults: (config) => faults.set(config),
    faults: () => faults.get(),
    events: () => [...received],
    objects: () => [...stored],
    requests: () => [...log],
    clearRequests: () => {
      log = [];
    },
    backups,
    clusters,
    regions: (account) => [...settled(account).regions.keys()],
    accounts: () => world.accounts(),
    setHooks(next) {
      hooks = next;
    },
    addBackup(region, backup, account) {
      const owner = settled(account);
      const record: BackupRecord = {
        id: owner.ids.next('backup'),
        region,
        clusterId: backup.clusterId,
        state: backup.state ?? 'READY',
        createdMs: backup.createdAt?.getTime() ?? clock.nowMs(),
        neverExpires: backup.neverExpires ?? false,
        tags: new Map(Object.entries(backup.tags ?? {})),
      };
      owner.region(region).addBackup(record);
      if (record.state === 'CREATE_IN_PROGRESS') owner.scheduleReady(record);
      return record.id;
    },
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        ipv6?.close();
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
