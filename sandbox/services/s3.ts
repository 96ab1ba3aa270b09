/**
 * A minimal S3 (REST-XML, path-style): PutObject only, the one call the audit Lambda makes to
 * store the fleet report. Buckets need no creating; objects are kept in memory for tests to read.
 */
import { createHash } from 'node:crypto';
import { ApiError } from '../errors.js';

/** An object PutObject stored. */
export interface StoredObject {
  bucket: string;
  key: string;
  region: string;
  body: string;
  contentType?: string;
  /** Sandbox clock time, ISO 8601. */
  time: string;
}

/** An S3 request as the server decoded it. */
export interface S3Request {
  method: string;
  /** The URL path: `/bucket/key` (path-style addressing, which the sandbox's clients use). */
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  region: string;
  time: string;
}

/** The operation a request names, for the request log and faults. */
export function s3Operation(method: string, path: string): string {
  const [bucket = '', ...key] = path.replace(/^\//, '').split('/');
  if (method === 'PUT' && bucket && key.join('/')) return 'PutObject';
  return `${method} ${bucket ? 'object' : 'service'}`;
}

/** Handles one S3 request; returns the ETag header of the stored object. Throws ApiError otherwise. */
export function handleS3(request: S3Request, store: (object: StoredObject) => void): { etag: string } {
  if (s3Operation(request.method, request.path) !== 'PutObject') {
    throw new ApiError(
      'NotImplemented',
      `the sandbox's S3 answers PutObject only, not ${request.method}`,
      501,
    );
  }
  const [bucket = '', ...rest] = request.path.replace(/^\//, '').split('/');
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) {
    throw new ApiError('InvalidBucketName', `The specified bucket is not valid: ${bucket}`, 400);
  }
  const contentType = request.headers['content-type'];
  store({
    bucket,
    key: decodeURIComponent(rest.join('/')),
    region: request.region,
    body: request.body,
    ...(typeof contentType === 'string' ? { contentType } : {}),
    time: request.time,
  });
  return { etag: `"${createHash('md5').update(request.body).digest('hex')}"` };
}

/** S3's error document. */
export function s3Error(code: string, message: string, requestId: string): string {
  const xml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<Error><Code>${xml(code)}</Code><Message>${xml(message)}</Message><RequestId>${requestId}</RequestId></Error>`
  );
}
