/**
 * AWS KMS DescribeCustomKeyStores (JSON 1.1, `TrentService.DescribeCustomKeyStores`), answered
 * from the fleet's per-region `customKeyStores`, with KMS's paging (Limit 1-1000, Marker,
 * Truncated) and its errors for an unknown key store or a bad Marker.
 */
import { ApiError } from '../errors.js';
import { decodeToken, encodeToken, fingerprint } from '../paging.js';
import type { KeyStoreRecord } from '../state.js';
import type { Handler } from './context.js';

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;

function validation(message: string): ApiError {
  return new ApiError('ValidationException', `1 validation error detected: ${message}`);
}

function entry(store: KeyStoreRecord) {
  return {
    CustomKeyStoreId: store.id,
    CustomKeyStoreName: store.name,
    CustomKeyStoreType: 'AWS_CLOUDHSM',
    CloudHsmClusterId: store.clusterId,
    TrustAnchorCertificate: '-----BEGIN CERTIFICATE-----\nsandbox\n-----END CERTIFICATE-----',
    ConnectionState: store.state,
    ...(store.errorCode ? { ConnectionErrorCode: store.errorCode } : {}),
    CreationDate: store.createdMs / 1000,
  };
}

function optionalString(input: Record<string, unknown>, field: string): string | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.length < 1) {
    throw validation(
      `Value at '${field[0]!.toLowerCase()}${field.slice(1)}' failed to satisfy constraint: Member must have length greater than or equal to 1`,
    );
  }
  return value;
}

const describeCustomKeyStores: Handler = (context, input) => {
  const id = optionalString(input, 'CustomKeyStoreId');
  const name = optionalString(input, 'CustomKeyStoreName');
  const marker = optionalString(input, 'Marker');
  const limit = input.Limit ?? DEFAULT_LIMIT;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw validation(
      `Value '${String(limit)}' at 'limit' failed to satisfy constraint: Member must have value between 1 and ${MAX_LIMIT}`,
    );
  }
  const all = context.state.view(context.region).keyStores;
  const matching = all.filter(
    (s) => (id === undefined || s.id === id) && (name === undefined || s.name === name),
  );
  if ((id !== undefined || name !== undefined) && matching.length === 0) {
    throw new ApiError('CustomKeyStoreNotFoundException', `Custom key store ${id ?? name} does not exist.`);
  }
  const print = fingerprint({ id, name, region: context.region });
  const start = marker ? decodeToken<{ i: number }>(marker, print, 'InvalidMarkerException').i : 0;
  const page = matching.slice(start, start + limit);
  const next = start + page.length;
  const truncated = next < matching.length;
  return {
    CustomKeyStores: page.map(entry),
    Truncated: truncated,
    ...(truncated ? { NextMarker: encodeToken({ i: next, f: print }) } : {}),
  };
};

/** KMS operations by name. */
export const kmsHandlers: Record<string, Handler> = { DescribeCustomKeyStores: describeCustomKeyStores };
