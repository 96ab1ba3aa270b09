/**
 * Sandbox throughput on this machine: how fast a generated 100,000-backup fleet loads, and
 * how many DescribeBackups pages and DeleteBackup calls per second the sandbox serves to the
 * real SDK client (and, for pages, to plain keep-alive HTTP without SDK overhead). Client and
 * server share this process, so the figures are what one Node process sustains end to end.
 *
 *   node scripts/run-ts.mjs bench/sandbox-throughput.ts [--backups 100000] [--seconds 3] [--concurrency 8]
 */
import { Agent, request } from 'node:http';
import { parseArgs } from 'node:util';
import { type Backup, DeleteBackupCommand, DescribeBackupsCommand } from '@aws-sdk/client-cloudhsm-v2';
import { AwsClients } from '../lib/aws/clients.js';
import { startSandbox } from '../sandbox/index.js';

const { values } = parseArgs({
  options: {
    backups: { type: 'string', default: '100000' },
    seconds: { type: 'string', default: '3' },
    concurrency: { type: 'string', default: '8' },
  },
});
const BACKUPS = Number(values.backups);
const SECONDS = Number(values.seconds);
const CONCURRENCY = Number(values.concurrency);
const REGION = 'us-east-1';

/** Runs `call` from `CONCURRENCY` loops for `SECONDS`; returns calls per second. */
async function rate(call: (i: number) => Promise<unknown>): Promise<{ perSecond: number; calls: number }> {
  let calls = 0;
  const deadline = performance.now() + SECONDS * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < deadline) await call(calls++);
    }),
  );
  return { perSecond: calls / ((performance.now() - started) / 1000), calls };
}

const loadStarted = performance.now();
const sandbox = await startSandbox({ fleet: { generate: { backups: BACKUPS, seed: 1 } } });
const loadMs = performance.now() - loadStarted;
const clients = new AwsClients({ endpoint: sandbox.url, maxAttempts: 1, retryMode: 'standard' });
const client = clients.cloudHsm(REGION);

// Page tokens spread across the whole listing, so pages are read from every depth.
const tokens: Array<string | undefined> = [undefined];
for (let token: string | undefined, i = 0; i < 200; i++) {
  const page = await client.send(new DescribeBackupsCommand({ MaxResults: 50, NextToken: token }));
  token = page.NextToken;
  if (!token) break;
  if (i % 10 === 0) tokens.push(token);
}
const sdkPages = await rate((i) =>
  client.send(new DescribeBackupsCommand({ MaxResults: 50, NextToken: tokens[i % tokens.length] })),
);

const body = JSON.stringify({ MaxResults: 50 });
const headers = {
  'content-type': 'application/x-amz-json-1.1',
  'x-amz-target': 'BaldrApiService.DescribeBackups',
  authorization: `AWS4-HMAC-SHA256 Credential=AKID/20261129/${REGION}/cloudhsm/aws4_request, SignedHeaders=host, Signature=0`,
};
const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
const httpPages = await rate(
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
agent.destroy();

const ready: string[] = [];
for (let token: string | undefined; ready.length < 200_000; ) {
  const page = await client.send(
    new DescribeBackupsCommand({ MaxResults: 50, NextToken: token, Filters: { states: ['READY'] } }),
  );
  ready.push(...(page.Backups ?? []).map((b: Backup) => b.BackupId!));
  token = page.NextToken;
  if (!token || ready.length > 60_000) break;
}
const deletes = await rate(async (i) => {
  const id = ready[i];
  if (id) await client.send(new DeleteBackupCommand({ BackupId: id }));
});

const failed = sandbox.requests().filter((r) => r.status !== 200).length;
clients.destroy();
await sandbox.close();

const row = (what: string, value: string) => console.log(`${what.padEnd(46)} ${value}`);
console.log(
  `sandbox throughput (node ${process.version}, concurrency ${CONCURRENCY}, ${SECONDS}s per measure)`,
);
row(`load generated fleet (${BACKUPS} backups)`, `${loadMs.toFixed(0)} ms`);
row(
  'DescribeBackups, 50 per page, SDK client',
  `${sdkPages.perSecond.toFixed(0)} req/s (${sdkPages.calls} calls)`,
);
row(
  'DescribeBackups, 50 per page, plain HTTP',
  `${httpPages.perSecond.toFixed(0)} req/s (${httpPages.calls} calls)`,
);
row('DeleteBackup, SDK client', `${deletes.perSecond.toFixed(0)} req/s (${deletes.calls} calls)`);
row('ratio: plain HTTP / SDK (DescribeBackups)', (httpPages.perSecond / sdkPages.perSecond).toFixed(2));
row('non-200 answers (should be 0)', String(failed));
