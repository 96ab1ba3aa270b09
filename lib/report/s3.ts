/**
 * Storing the fleet report in S3 (the audit Lambda's REPORT_BUCKET). The S3 client is built
 * here, with the same endpoint, attempts and timeouts as the region clients (lib/aws), rather
 * than in AwsClients, which only the report needs S3 from; it can move there later.
 */
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@aws-sdk/node-http-handler';
import type { DateTime } from 'luxon';
import {
  type AwsOptions,
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_MAX_ATTEMPTS,
  DEFAULT_REQUEST_TIMEOUT_MS,
  isLoopbackEndpoint,
} from '../aws/clients.js';

/** The keys the report is written under: one per snapshot, and the latest. */
export const REPORT_PREFIX = 'cloudhsm-ops/fleet-report/';

/** Dummy credentials for the sandbox: real ones are never sent to a local endpoint. */
const SANDBOX_CREDENTIALS = { accessKeyId: 'AKIDSANDBOXDUMMYKEY0', secretAccessKey: 'sandbox-dummy-secret' };

/** An S3 client like the region clients: endpoint override (path-style for the sandbox), timeouts, attempts. */
export function s3Client(region: string, options: AwsOptions): S3Client {
  const requestTimeout = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const connectionTimeout = Math.min(options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS, requestTimeout);
  const local = isLoopbackEndpoint(options.endpoint);
  return new S3Client({
    region,
    maxAttempts: options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    requestHandler: new NodeHttpHandler({ connectionTimeout, requestTimeout }),
    // One URL for every bucket: virtual-hosted names (bucket.127.0.0.1) would not resolve.
    ...(options.endpoint ? { endpoint: options.endpoint, forcePathStyle: true } : {}),
    ...(local ? { credentials: SANDBOX_CREDENTIALS } : {}),
  });
}

/** The key of one snapshot's report: `cloudhsm-ops/fleet-report/2026-11-29T12-00-00Z.html`. */
export function reportKey(now: DateTime): string {
  const stamp = now.toUTC().toISO({ suppressMilliseconds: true })!.replace(/:/g, '-');
  return `${REPORT_PREFIX}${stamp}.html`;
}

/** Writes the page under the snapshot's key and as `latest.html`; returns both keys. */
export async function putReport(
  client: Pick<S3Client, 'send'>,
  bucket: string,
  page: string,
  now: DateTime,
): Promise<string[]> {
  const keys = [reportKey(now), `${REPORT_PREFIX}latest.html`];
  for (const key of keys) {
    await client.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: page,
        ContentType: 'text/html; charset=utf-8',
        // The page is a snapshot: a cache must not serve yesterday's as latest.
        CacheControl: 'no-cache',
      }),
    );
  }
  return keys;
}
