import { CloudHSMV2Client } from '@aws-sdk/client-cloudhsm-v2';
import { EC2Client } from '@aws-sdk/client-ec2';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { KMSClient } from '@aws-sdk/client-kms';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { SecurityHubClient } from '@aws-sdk/client-securityhub';
import { SQSClient } from '@aws-sdk/client-sqs';
import { decorateDefaultCredentialProvider, STSClient } from '@aws-sdk/client-sts';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { AdaptiveRetryStrategy, StandardRetryStrategy } from '@aws-sdk/middleware-retry';
import { NodeHttpHandler } from '@aws-sdk/node-http-handler';
import type { AwsCredentialIdentityProvider } from '@aws-sdk/types';
import { DEFAULT_MAX_ATTEMPTS, isLoopbackUrl } from '../config/common.js';
import { keepDroppedMembers } from './dropped-members.js';

/** How to reach AWS: the real endpoints, or one override URL for every service and region (the sandbox). */
export interface AwsOptions {
  /** Endpoint override for every service (`http://127.0.0.1:4566`); absent means AWS's own. */
  endpoint?: string;
  /** A named profile of the shared config files (`--profile`), for these clients only; absent: the standard chain. */
  profile?: string;
  /** Attempts per call including the first; throttling and 5xx are retried with backoff. */
  maxAttempts?: number;
  /** `adaptive` adds client-side rate limiting once the service throttles, which is what bulk work wants. */
  retryMode?: 'standard' | 'adaptive';
  /**
   * How long one attempt may wait for the server without receiving a byte (default 30 s). A
   * call that hits it fails with a `TimeoutError`, which the retry strategy retries like a 5xx.
   */
  requestTimeoutMs?: number;
  /** How long opening a connection may take (default 5 s, never more than the request timeout). */
  connectTimeoutMs?: number;
  /**
   * The credentials every client signs with, e.g. a member account's assumed role
   * (lib/org/credentials.ts); absent: the standard chain, or the sandbox's dummy keys.
   */
  credentials?: AwsCredentialIdentityProvider;
}

export { DEFAULT_MAX_ATTEMPTS };
/** Per-attempt silence after which a call is abandoned: CloudHSM's slowest calls answer in seconds. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
/** Opening a TCP (and TLS) connection to an AWS endpoint takes milliseconds; 5 s means it is not coming. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;

/** Credentials the sandbox accepts; real credentials are never sent to a local endpoint. */
const SANDBOX_CREDENTIALS = { accessKeyId: 'AKIDSANDBOXDUMMYKEY0', secretAccessKey: 'sandbox-dummy-secret' };

/** True when the endpoint is this machine (the sandbox), so dummy credentials are used. */
export const isLoopbackEndpoint = isLoopbackUrl;

/**
 * One retry strategy per client. SDK 3.332's default (util-retry) strategy makes N+1 attempts
 * for `maxAttempts: N` and is rebuilt per request, so adaptive rate limiting never accumulates;
 * middleware-retry's strategies count attempts exactly and keep their rate limiter.
 */
function retryStrategy(options: AwsOptions) {
  const attempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  const provider = async () => attempts;
  return (options.retryMode ?? 'adaptive') === 'adaptive'
    ? new AdaptiveRetryStrategy(provider)
    : new StandardRetryStrategy(provider);
}

type HandleArgs = Parameters<NodeHttpHandler['handle']>;

/**
 * NodeHttpHandler 3.329 hands `[::1]` (brackets included, as URLs spell IPv6 hosts) to
 * `http.request`, whose DNS lookup then fails: `http://[::1]:4566` could not reach anything.
 * This strips the brackets on a copy of the request, after signing (the Host header keeps them).
 */
class BracketFreeHttpHandler extends NodeHttpHandler {
  override handle(request: HandleArgs[0], options?: HandleArgs[1]) {
    const host = request.hostname;
    if (!(host?.startsWith('[') && host.endsWith(']'))) return super.handle(request, options);
    const copy = Object.assign(Object.create(Object.getPrototypeOf(request)), request, {
      hostname: host.slice(1, -1),
    }) as HandleArgs[0];
    return super.handle(copy, options);
  }
}

/**
 * The HTTP handler with both timeouts. SDK 3.332's NodeHttpHandler has none by default: a
 * server that accepts the connection and never answers holds the call (and the run) forever.
 * Its `requestTimeout` is a socket idle timeout: it fires when nothing arrives for that long.
 */
function requestHandler(options: AwsOptions): NodeHttpHandler {
  const requestTimeout = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const connectionTimeout = Math.min(options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS, requestTimeout);
  return new BracketFreeHttpHandler({ connectionTimeout, requestTimeout });
}

/** Socket errors that mean the endpoint could not be reached at all (named like timeouts). */
const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** `1.5` rather than `1.500`, for messages. */
const seconds = (ms: number) => `${Number((ms / 1000).toFixed(3))}`;

/** Why a call never reached the service (a timeout, a refused connection), in words; else undefined. */
function unreachedWhy(error: unknown, connectMs: number, requestMs: number): string | undefined {
  if (!(error instanceof Error)) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && UNREACHABLE.has(code)) return `could not connect (${code})`;
  if (error.name !== 'TimeoutError') return undefined;
  return error.message.includes('without establishing a connection')
    ? `no connection within ${seconds(connectMs)} s`
    : `no answer within ${seconds(requestMs)} s`;
}

/**
 * Names the call in a timeout's or a refused connection's message. The handler's own message
 * ("Connection timed out after 30000 ms", "connect ECONNREFUSED 127.0.0.1:4566") says nothing
 * of which call, in which region, after how many attempts; this
 * middleware sits outside the retry loop, so it sees the final error with its attempt count.
 */
function nameTimeouts(service: string, region: string, options: AwsOptions) {
  const requestMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const connectMs = Math.min(options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS, requestMs);
  return (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) =>
    async (args: unknown) => {
      try {
        return await next(args);
      } catch (error) {
        const what = unreachedWhy(error, connectMs, requestMs);
        if (what && error instanceof Error) {
          const operation = (context.commandName ?? 'call').replace(/Command$/, '');
          const attempts = (error as { $metadata?: { attempts?: number } }).$metadata?.attempts;
          error.message =
            `${service} ${operation} in ${region}: ${what}` +
            `${attempts ? ` (${attempts} attempt${attempts === 1 ? '' : 's'})` : ''}: ${error.message}`;
        }
        throw error;
      }
    };
}

/** Adds the call-naming middleware to a freshly built client. */
function withNamedTimeouts<T extends { middlewareStack: object }>(
  client: T,
  service: string,
  region: string,
  options: AwsOptions,
): T {
  // The middleware is the same for every service; the stacks' generic types differ per client.
  (client.middlewareStack as { add(middleware: unknown, options: object): void }).add(
    nameTimeouts(service, region, options),
    { step: 'initialize', name: 'cloudhsmOpsNameTimeouts' },
  );
  return client;
}

function clientConfig(region: string, options: AwsOptions) {
  const local = isLoopbackEndpoint(options.endpoint);
  return {
    region,
    maxAttempts: options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    retryStrategy: retryStrategy(options),
    requestHandler: requestHandler(options),
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.credentials
      ? { credentials: options.credentials }
      : local
        ? { credentials: SANDBOX_CREDENTIALS }
        : {}),
    ...(!local && !options.credentials && options.profile
      ? { credentialDefaultProvider: profileProvider(options.profile) }
      : {}),
  };
}

/**
 * The SDK's default credential chain for one named profile, as AWS_PROFILE would select it
 * (SSO, role assumption and process credentials included), without touching the process's
 * environment: an in-process run (the demo, the tests) must not leak it to the next.
 */
function profileProvider(profile: string) {
  return (input: object) =>
    decorateDefaultCredentialProvider((init) => defaultProvider({ ...init, profile }))(input as never);
}

/**
 * Region-scoped SDK clients, built once per (service, region) and reused, so connection
 * pools and adaptive rate limiters are shared by everything a run does in that region.
 */
export class AwsClients {
  private readonly cache = new Map<string, unknown>();

  constructor(readonly options: AwsOptions = {}) {}

  cloudHsm(region: string): CloudHSMV2Client {
    return this.cached('cloudhsm', region, () =>
      withNamedTimeouts(
        keepDroppedMembers(new CloudHSMV2Client(clientConfig(region, this.options))),
        'CloudHSM',
        region,
        this.options,
      ),
    );
  }

  ec2(region: string): EC2Client {
    return this.cached('ec2', region, () =>
      withNamedTimeouts(new EC2Client(clientConfig(region, this.options)), 'EC2', region, this.options),
    );
  }

  eventBridge(region: string): EventBridgeClient {
    return this.cached('events', region, () =>
      withNamedTimeouts(
        new EventBridgeClient(clientConfig(region, this.options)),
        'EventBridge',
        region,
        this.options,
      ),
    );
  }

  kms(region: string): KMSClient {
    return this.cached('kms', region, () =>
      withNamedTimeouts(new KMSClient(clientConfig(region, this.options)), 'KMS', region, this.options),
    );
  }

  securityHub(region: string): SecurityHubClient {
    return this.cached('securityhub', region, () =>
      withNamedTimeouts(
        new SecurityHubClient(clientConfig(region, this.options)),
        'Security Hub',
        region,
        this.options,
      ),
    );
  }

  /** AWS Organizations answers in one region per partition (us-east-1 in `aws`). */
  organizations(region: string): OrganizationsClient {
    return this.cached('organizations', region, () =>
      withNamedTimeouts(
        new OrganizationsClient(clientConfig(region, this.options)),
        'Organizations',
        region,
        this.options,
      ),
    );
  }

  sqs(region: string): SQSClient {
    return this.cached('sqs', region, () =>
      withNamedTimeouts(new SQSClient(clientConfig(region, this.options)), 'SQS', region, this.options),
    );
  }

  sts(region: string): STSClient {
    return this.cached('sts', region, () =>
      withNamedTimeouts(new STSClient(clientConfig(region, this.options)), 'STS', region, this.options),
    );
  }

  /** Closes every socket so a CLI run can exit promptly. */
  destroy(): void {
    for (const client of this.cache.values()) (client as { destroy(): void }).destroy();
    this.cache.clear();
  }

  private cached<T>(service: string, region: string, build: () => T): T {
    const key = `${service}/${region}`;
    let client = this.cache.get(key) as T | undefined;
    if (!client) {
      client = build();
      this.cache.set(key, client);
    }
    return client;
  }
}
