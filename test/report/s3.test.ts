/** The report in S3: PutObject through the real SDK client against the sandbox's minimal S3. */
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { putReport, reportKey, s3Client } from '../../lib/report/s3.js';
import { type Sandbox, startSandbox } from '../../sandbox/index.js';

const NOW = DateTime.fromISO('2026-11-29T12:00:00Z', { zone: 'utc' });

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ fleet: 'demo' });
});
afterAll(async () => {
  await sandbox.close();
});

describe('putReport', () => {
  it('stores the page as HTML under the snapshot key and as latest.html', async () => {
    const client = s3Client('us-east-1', { endpoint: sandbox.url, maxAttempts: 1 });
    try {
      const keys = await putReport(client, 'ops-reports', '<!DOCTYPE html><p>fleet</p>', NOW);
      expect(keys).toEqual([
        'cloudhsm-ops/fleet-report/2026-11-29T12-00-00Z.html',
        'cloudhsm-ops/fleet-report/latest.html',
      ]);
      expect(sandbox.objects().map((o) => [o.bucket, o.key, o.body, o.contentType, o.region])).toEqual(
        keys.map((key) => [
          'ops-reports',
          key,
          '<!DOCTYPE html><p>fleet</p>',
          'text/html; charset=utf-8',
          'us-east-1',
        ]),
      );
    } finally {
      client.destroy();
    }
  });

  it('fails with S3 error code when the put is refused', async () => {
    const client = s3Client('us-east-1', { endpoint: sandbox.url, maxAttempts: 1 });
    try {
      await expect(putReport(client, 'Not_A_Bucket', 'x', NOW)).rejects.toMatchObject({
        name: 'InvalidBucketName',
      });
    } finally {
      client.destroy();
    }
  });

  it('names the key after the snapshot instant, in UTC', () => {
    expect(reportKey(DateTime.fromISO('2026-11-29T13:00:00+01:00', { setZone: true }))).toBe(
      'cloudhsm-ops/fleet-report/2026-11-29T12-00-00Z.html',
    );
  });
});
