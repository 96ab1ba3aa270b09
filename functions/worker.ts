/**
 * Organization mode's worker: consumes the units queue (event source mapping with
 * ReportBatchItemFailures); each record is one unit (one job in one member account and region),
 * run as the member through runUnit, the same call the CLI's organization runs make. Units whose
 * failure may pass come back to SQS; the rest are reported (functions/shared/worker.ts).
 */
import { runUnit } from '../lib/org/run-unit.js';
import { createWorker } from './shared/worker.js';

const worker = createWorker({ runUnit });

export const handler = worker.handler;
