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

// Types, lengths and the Limit range are checked from KMS's model before this runs (sandbox/model.ts).
const describeCustomKeyStores: Handler = (context, input) => {
  const id = input.CustomKeyStoreId as string | undefined;
  const name = input.CustomKeyStoreName as string | undefined;
  const marker = input.Marker as string | undefined;
  const limit = (input.Limit as number | undefined) ?? DEFAULT_LIMIT;
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
