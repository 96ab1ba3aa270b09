import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../sandbox/index.js';
import { seqId, smallFleet } from '../support/fleet.js';
import { available, run } from './tools.js';

const HAS_BOTO3 = available('python3 with boto3', 'python3', ['-c', 'import boto3']);
const SCRIPT = new URL('./boto3_check.py', import.meta.url).pathname;

let sandbox: Sandbox;
beforeAll(async () => {
  if (HAS_BOTO3) sandbox = await startSandbox({ fleet: smallFleet(60) });
});
afterAll(() => sandbox?.close());

describe.skipIf(!HAS_BOTO3)('boto3 against the sandbox', () => {
  it('pages, copies, deletes, restores, and maps errors to modeled exceptions', async () => {
    // Prepare
    const id = seqId('backup', 9);
    // Act
    const result = await run('python3', [SCRIPT, sandbox.url, id]);
    // Assess
    expect(result.code, result.stderr).toBe(0);
    const seen = JSON.parse(result.stdout);
    const held = sandbox.backups('us-east-1');
    expect(seen.paged.pages).toBe(Math.ceil(held.length / 20));
    expect(seen.paged.ids).toEqual([...held].reverse().map((b) => b.BackupId));
    expect(seen.paged.timezone_aware).toBe(true);
    expect(seen.copy.source_backup).toBe(id);
    expect(seen.copy.create_timestamp).toBe(held.find((b) => b.BackupId === id)!.CreateTimestamp);
    expect(seen.copy.found).toEqual([[id, 'CREATE_IN_PROGRESS']]);
    expect(seen.delete).toEqual({
      state: 'PENDING_DELETION',
      delete_timestamp: Date.parse('2026-12-06T12:00:00Z') / 1000,
    });
    expect(seen.restore).toEqual({ state: 'READY' });
    expect(seen.errors).toEqual({
      not_found: 'CloudHsmResourceNotFoundException',
      invalid: 'CloudHsmInvalidRequestException',
      max_results: 'CloudHsmInvalidRequestException',
    });
  });
});
