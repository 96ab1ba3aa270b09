/** The awsJson1_1 protocol (CloudHSM v2, EventBridge): JSON in, JSON out, `__type` errors. */
import { ApiError } from '../errors.js';

export const JSON_CONTENT_TYPE = 'application/x-amz-json-1.1';

/** Parses a JSON 1.1 request body into an object (an empty body is `{}`). */
export function parseJsonBody(body: string): Record<string, unknown> {
  if (body.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    throw new ApiError('SerializationException', 'Request body is not valid JSON');
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new ApiError('SerializationException', 'Request body must be a JSON object');
  }
  return value as Record<string, unknown>;
}

/** A JSON 1.1 error body: `{"__type": code, "Message": message}`. */
export function jsonError(code: string, message: string): string {
  return JSON.stringify({ __type: code, Message: message });
}
