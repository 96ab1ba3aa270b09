/** Opaque NextTokens: base64url JSON carrying a position in a stable order plus a request fingerprint. */
import { ApiError } from './errors.js';
import { hashString } from './random.js';

/** Encodes a paging position (any small JSON value) as an opaque token. */
export function encodeToken(position: unknown): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

/**
 * Decodes a token made by {@link encodeToken}; anything else (or a token for another
 * request) is the caller's error, reported as `code`.
 */
export function decodeToken<T>(token: string, fingerprint: string, code: string): T {
  const fail = () =>
    new ApiError(code, `The NextToken "${token.slice(0, 40)}" is not valid for this request`);
  if (token.length === 0 || token.length > 256) throw fail();
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw fail();
  }
  if (!value || typeof value !== 'object' || (value as { f?: unknown }).f !== fingerprint) throw fail();
  return value as T;
}

/** A short fingerprint of the request parameters a token belongs to. */
export function fingerprint(parts: unknown): string {
  return hashString(JSON.stringify(parts)).toString(36);
}
