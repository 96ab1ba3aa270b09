import type { SandboxState } from '../state.js';
import type { Caller, SandboxWorld } from '../world.js';
import type { Input } from './input.js';

/** A PutEvents entry the sandbox accepted, as tests and the demo read it back. */
export interface ReceivedEvent {
  eventId: string;
  region: string;
  account: string;
  source: string;
  detailType: string;
  /** The entry's Detail, parsed. */
  detail: unknown;
  resources: string[];
  /** The bus name (an ARN given as EventBusName is reduced to its name); `default` when absent. */
  busName: string;
  /** ISO 8601, the entry's Time or the sandbox clock when it was received. */
  time: string;
}

/** Where accepted events go, and the injected per-entry failures. */
export interface EventSink {
  accept(event: ReceivedEvent): void;
  /** An ErrorCode to fail this entry with, or undefined to accept it. */
  entryFailure(region: string): string | undefined;
}

/**
 * What an operation handler gets: the state of the caller's account, the caller's region (from
 * the SigV4 scope), and who the caller is (from the access key) in the world of accounts.
 */
export interface CallContext {
  state: SandboxState;
  world: SandboxWorld;
  caller: Caller;
  region: string;
  events: EventSink;
}

/** One API operation: decoded parameters in, response structure out (or an ApiError thrown). */
export type Handler = (context: CallContext, input: Input) => unknown;
