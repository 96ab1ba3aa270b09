import { CloudHSMV2Client } from '@aws-sdk/client-cloudhsm-v2';
import { EC2Client } from '@aws-sdk/client-ec2';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { STSClient } from '@aws-sdk/client-sts';
import { AdaptiveRetryStrategy, StandardRetryStrategy } from '@aws-sdk/middleware-retry';
import { isLoopbackUrl } from '../config/common.js';

/** How to reach AWS: the real endpoints, or an override such as the sandbox or a VPC endpoint. */
export interface AwsOptions {
  /** Endpoint override for every service (`http://127.0.0.1:4566`); absent means AWS's own. */
  endpoint?: string;
  /** Attempts per call including the first; throttling and 5xx are retried with backoff. */
  maxAttempts?: number;
  /** `adaptive` adds client-side rate limiting once the service throttles, which is what bulk work wants. */
  retryMode?: 'standard' | 'adaptive';
}

export const DEFAULT_MAX_ATTEMPTS = 8;

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

function clientConfig(region: string, options: AwsOptions) {
  const local = isLoopbackEndpoint(options.endpoint);
  return {
    region,
    maxAttempts: options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    retryStrategy: retryStrategy(options),
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(local ? { credentials: SANDBOX_CREDENTIALS } : {}),
  };
}

/**
 * Region-scoped SDK clients, built once per (service, region) and reused, so connection
 * pools and adaptive rate limiters are shared by everything a run does in that region.
 */
export class AwsClients {
  private readonly cache = new Map<string, unknown>();

  constructor(readonly options: AwsOptions = {}) {}

  cloudHsm(region: string): CloudHSMV2Client {
    return this.cached('cloudhsm', region, () => new CloudHSMV2Client(clientConfig(region, this.options)));
  }

  ec2(region: string): EC2Client {
    return this.cached('ec2', region, () => new EC2Client(clientConfig(region, this.options)));
  }

  eventBridge(region: string): EventBridgeClient {
    return this.cached('events', region, () => new EventBridgeClient(clientConfig(region, this.options)));
  }

  sts(region: string): STSClient {
    return this.cached('sts', region, () => new STSClient(clientConfig(region, this.options)));
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
