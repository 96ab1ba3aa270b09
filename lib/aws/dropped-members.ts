/**
 * Members of CloudHSM v2 answers that the pinned @aws-sdk/client-cloudhsm-v2 (3.332.0, the newest
 * on the registry) does not deserialize, kept anyway: `Cluster.Mode`, `NetworkType`,
 * `HsmTypeRollbackExpiration`, and `Backup.BackupArn`, `HsmType`, `Mode` (docs/aws-api.md §1.5).
 * Two middlewares do it: one just inside the SDK's deserializer reads the raw JSON body (and hands
 * the same bytes on), one outermost copies the dropped members onto the SDK's output objects.
 * The types below are the one place these members are named.
 */
import { Readable } from 'node:stream';
import type { Backup, CloudHSMV2Client, Cluster } from '@aws-sdk/client-cloudhsm-v2';

/** Cluster members the pinned SDK drops. */
export interface DroppedClusterMembers {
  Mode?: string;
  NetworkType?: string;
  /** Until when the cluster can roll back to its previous HSM type. */
  HsmTypeRollbackExpiration?: Date;
}

/** Backup members the pinned SDK drops. */
export interface DroppedBackupMembers {
  BackupArn?: string;
  HsmType?: string;
  Mode?: string;
}

/** An SDK Cluster with the members the pinned SDK drops, when the answer had them. */
export type ClusterRead = Cluster & DroppedClusterMembers;
/** An SDK Backup with the members the pinned SDK drops, when the answer had them. */
export type BackupRead = Backup & DroppedBackupMembers;

const RAW = Symbol('cloudhsmOpsRawJson');
type Raw = Record<string, unknown>;
type Context = { [RAW]?: Raw };
type Next = (args: unknown) => Promise<{ response?: unknown; output?: unknown }>;

const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
/** JSON 1.1 timestamps are epoch seconds. */
const date = (value: unknown) => (typeof value === 'number' ? new Date(value * 1000) : undefined);

function clusterMembers(raw: Raw): DroppedClusterMembers {
  return {
    Mode: text(raw.Mode),
    NetworkType: text(raw.NetworkType),
    HsmTypeRollbackExpiration: date(raw.HsmTypeRollbackExpiration),
  };
}

function backupMembers(raw: Raw): DroppedBackupMembers {
  return { BackupArn: text(raw.BackupArn), HsmType: text(raw.HsmType), Mode: text(raw.Mode) };
}

/** Copies the members onto `target` where it lacks them (a newer SDK that reads them wins). */
function fill(target: unknown, members: object): void {
  if (!target || typeof target !== 'object') return;
  const record = target as Record<string, unknown>;
  for (const [key, value] of Object.entries(members)) {
    if (value !== undefined && record[key] === undefined) record[key] = value;
  }
}

/** Every Cluster/Clusters and Backup/Backups of an answer, raw and deserialized side by side. */
function attach(output: unknown, raw: Raw): void {
  if (!output || typeof output !== 'object') return;
  const out = output as Record<string, unknown>;
  const pairs: Array<[string, (r: Raw) => object]> = [
    ['Cluster', clusterMembers],
    ['Backup', backupMembers],
  ];
  for (const [name, members] of pairs) {
    const one = raw[name];
    if (one && typeof one === 'object') fill(out[name], members(one as Raw));
    const many = raw[`${name}s`];
    const read = out[`${name}s`];
    if (Array.isArray(many) && Array.isArray(read) && many.length === read.length) {
      many.forEach((item, i) => {
        if (item && typeof item === 'object') fill(read[i], members(item as Raw));
      });
    }
  }
}

async function bytesOf(body: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

/** Reads a successful answer's JSON body, then hands the same bytes on to the SDK's deserializer. */
function keepRawBody(next: Next, context: Context) {
  return async (args: unknown) => {
    const result = await next(args);
    const response = result.response as { statusCode?: number; body?: unknown } | undefined;
    const body = response?.body as AsyncIterable<Uint8Array> | undefined;
    context[RAW] = undefined;
    if (response && response.statusCode === 200 && body && Symbol.asyncIterator in Object(body)) {
      const bytes = await bytesOf(body);
      response.body = Readable.from([bytes]);
      try {
        const parsed: unknown = JSON.parse(bytes.toString('utf8') || '{}');
        if (parsed && typeof parsed === 'object') context[RAW] = parsed as Raw;
      } catch {
        // Not JSON: the SDK's deserializer reports it.
      }
    }
    return result;
  };
}

/** Copies the dropped members from the raw body onto the deserialized output. */
function attachDropped(next: Next, context: Context) {
  return async (args: unknown) => {
    const result = await next(args);
    const raw = context[RAW];
    if (raw) attach(result.output, raw);
    return result;
  };
}

/** Makes a CloudHSM v2 client keep the members its deserializer drops (see the module comment). */
export function keepDroppedMembers(client: CloudHSMV2Client): CloudHSMV2Client {
  const stack = client.middlewareStack as unknown as { add(middleware: unknown, options: object): void };
  // `low` in the deserialize step: inside the SDK's deserializer, so this sees the raw answer first.
  stack.add(keepRawBody, { step: 'deserialize', priority: 'low', name: 'cloudhsmOpsKeepRawBody' });
  stack.add(attachDropped, { step: 'initialize', priority: 'high', name: 'cloudhsmOpsAttachDropped' });
  return client;
}
