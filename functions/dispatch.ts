/**
 * Organization mode's dispatch: scheduled once per job (the schedule's input names it), lists
 * the accounts of the organization settings (ACCOUNTS, or ORGANIZATION with ORGANIZATION_OU and
 * EXCLUDE_ACCOUNTS), and sends one unit per account × the job's regions to QUEUE_URL for the
 * worker. Units it could not send fail the invocation, each named (functions/shared/dispatch.ts).
 */
import { createDispatch } from './shared/dispatch.js';

const dispatch = createDispatch();

export const handler = dispatch.handler;
