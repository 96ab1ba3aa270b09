/**
 * Writing a queue message (the dispatch's side), apart from reading one (message.ts, which
 * carries the schema library): the dispatch function's bundle stays free of it.
 */
import type { UnitMessage } from './types.js';

/** The only message version this code writes and reads. */
export const MESSAGE_VERSION = 1;

/** The body of the SQS message carrying `message`. */
export function encodeUnitMessage(message: UnitMessage): string {
  return JSON.stringify(message);
}
