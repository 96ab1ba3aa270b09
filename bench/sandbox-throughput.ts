/**
 * Sandbox throughput on this machine: how fast a generated 100,000-backup fleet loads, and
 * how many DescribeBackups pages and DeleteBackup calls per second the sandbox serves to the
 * real SDK client (and, for pages, to plain keep-alive HTTP without SDK overhead). Client and
 * server share this process, so the figures are what one Node process sustains end to end:
 * the ceiling every other measure runs under.
 *
 *   node scripts/run-ts.mjs bench/sandbox-throughput.ts [--backups 100000] [--seconds 3] [--concurrency 8]
 */
import { Agent, request } from 'node:http';
import { parseArgs } from 'node:util';
import { type Backup, DeleteBackupCommand, DescribeBackupsCommand } from '@aws-sdk/client-cloudhsm-v2';
import { AwsClients } from '../lib/aws/clients.js';
import { startSandbox } from '../sandbox/index.js';
import { type BenchRow, fixed, printRows, runAlone } from './common.js';

export interface SandboxThroughputOptions {
  backups?: number;
  /** Seconds per measure (default 3). */
  seconds?: number;
  concurrency?: number;
}

const REGION = 'us-east-1';

/** Runs `call` from `concurrency` loops for `seconds`; returns calls per second. */
async function rate(
  seconds: number,
  concurrency: number,
  call: (i: number) => Promise<unknown>,
): Promise<{ perSecond: number; calls: number }> {
  let calls = 0;
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) await call(calls++);
    }),
  );
  return { perSecond: calls / ((performance.now() - started) / 1000), calls };
}

/** Measures the sandbox's load time and request rates; returns the table rows. */
export async function benchSandboxThroughput(options: SandboxThroughputOptions = {}): Promise<BenchRow[]> {
  const backups = options.backups ?? 100_000;
  const secondsEach = options.seconds ?? 3;
  const concurrency = options.concurrency ?? 8;
  const loadStarted = performance.now();
  const sandbox = await startSandbox({ fleet: { generate: { backups, seed: 1 } } });
  const loadMs = performance.now() - loadStarted;
  const clients = new AwsClients({ endpoint: sandbox.url, maxAttempts: 1, retryMode: 'standard' });
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  try {
    const client = clients.cloudHsm(REGION);

    // Page tokens spread across the whole listing, so pages are read from every depth.
    const tokens: Array<string | undefined> = [undefined];
    for (let token: string | undefined, i = 0; i < 200; i++) {
      const page = await client.send(new DescribeBackupsCommand({ MaxResults: 50, NextToken: token }));
      token = page.NextToken;
      if (!token) break;
      if (i % 10 === 0) tokens.push(token);
    }
    const sdkPages = await rate(secondsEach, concurrency, (i) =>
      client.send(new DescribeBackupsCommand({ MaxResults: 50, NextToken: tokens[i % tokens.length] })),
    );

    const body = JSON.stringify({ MaxResults: 50 });
    const headers = {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': 'BaldrApiService.DescribeBackups',
      authorization: `AWS4-HMAC-SHA256 Credential=AKID/20261129/${REGION}/cloudhsm/aws4_request, SignedHeaders=host, Signature=0`,
    };
    const httpPages = await rate(
      secondsEach,
      concurrency,
      () =>
        new Promise<void>((resolve, reject) => {
          const call = request(sandbox.url, { method: 'POST', headers, agent }, (response) => {
            response.resume();
            response.on('end', () =>
              response.statusCode === 200 ? resolve() : reject(new Error(`HTTP ${response.statusCode}`)),
            );
          });
          call.on('error', reject);
          call.end(body);
        }),
    );

    const ready: string[] = [];
    for (let token: string | undefined; ; ) {
      const page = await client.send(
        new DescribeBackupsCommand({ MaxResults: 50, NextToken: token, Filters: { states: ['READY'] } }),
      );
      ready.push(...(page.Backups ?? []).map((b: Backup) => b.BackupId!));
      token = page.NextToken;
      if (!token || ready.length > 60_000) break;
    }
    const deletes = await rate(secondsEach, concurrency, async (i) => {
      const id = ready[i];
      if (id) await client.send(new DeleteBackupCommand({ BackupId: id }));
    });
    const failed = sandbox.requests().filter((r) => r.status !== 200).length;
    const context = `node ${process.version}, ${concurrency} loops, ${secondsEach} s each, client and sandbox in one process`;
    return [
      {
        area: 'Sandbox (context)',
        measure: `load a generated fleet of ${backups} backups`,
        value: `${fixed(loadMs / 1000)} s`,
        target: 'report',
        note: context,
      },
      {
        area: 'Sandbox (context)',
        measure: 'DescribeBackups pages/s, SDK client',
        value: fixed(sdkPages.perSecond, 0),
        target: 'report',
        note: `${sdkPages.calls} calls; plain keep-alive HTTP: ${fixed(httpPages.perSecond, 0)}/s (${fixed(httpPages.perSecond / sdkPages.perSecond)}× the SDK)`,
      },
      {
        area: 'Sandbox (context)',
        measure: 'DeleteBackup calls/s, SDK client',
        value: fixed(deletes.perSecond, 0),
        target: 'report',
        note: `${deletes.calls} calls; non-200 answers: ${failed} (should be 0)`,
      },
    ];
  } finally {
    agent.destroy();
    clients.destroy();
    await sandbox.close();
  }
}

if (runAlone('sandbox-throughput.ts')) {
  const { values } = parseArgs({
    options: {
      backups: { type: 'string', default: '100000' },
      seconds: { type: 'string', default: '3' },
      concurrency: { type: 'string', default: '8' },
    },
  });
  printRows(
    await benchSandboxThroughput({
      backups: Number(values.backups),
      seconds: Number(values.seconds),
      concurrency: Number(values.concurrency),
    }),
  );
}
