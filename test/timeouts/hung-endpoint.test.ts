/**
 * An endpoint that accepts connections and never answers: every command that calls AWS, and a
 * Lambda handler, must give up on it (per-request timeout, retried as a transient failure) and
 * end with a failure naming the call, instead of hanging. Each run gets a generous outer
 * deadline so a regression fails the test rather than hanging the suite; nothing here times
 * how long a run took.
 */

import type { AddressInfo } from 'node:net';
import { createServer, type Server, type Socket } from 'node:net';
import { DescribeClustersCommand } from '@aws-sdk/client-cloudhsm-v2';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AwsClients } from '../../lib/aws/clients.js';
import { runCli } from '../support/cli.js';
import { type Captured, captureOutput, lambdaContext, loadHandler } from '../support/lambda.js';

/** A loopback TCP listener that accepts every connection and never writes a byte. */
interface HungListener {
  url: string;
  /** Connections accepted so far (each attempt of each call opens or reuses one). */
  accepted(): number;
  /** Bytes received so far: proof the requests were sent, not refused. */
  received(): number;
  close(): Promise<void>;
}

async function hungListener(): Promise<HungListener> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  let received = 0;
  const server: Server = createServer((socket) => {
    accepted++;
    sockets.add(socket);
    socket.on('data', (chunk) => {
      received += chunk.length;
    });
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    accepted: () => accepted,
    received: () => received,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Far beyond what a run against the listener needs; reaching it means the run hung. */
const OUTER_DEADLINE_MS = 25_000;

async function withinDeadline<T>(what: string, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not end: it hangs`)), OUTER_DEADLINE_MS);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

let hung: HungListener;
beforeAll(async () => {
  hung = await hungListener();
});
afterAll(async () => {
  await hung.close();
});

const FAST = ['--timeout', '0.5', '--max-attempts', '2'];
/** A fixed instant for the commands that judge time (nothing is judged: the first call hangs). */
const NOW = ['--now', '2026-11-29T12:00:00Z'];

describe('CLI against an endpoint that never answers: exit 1 naming the call, in bounded time', () => {
  it.each([
    ['inventory', ['inventory', '--region', 'us-east-1'], /(CloudHSM|EC2) Describe\w+ in us-east-1/],
    ['prune', ['prune', '--region', 'us-east-1', '--older-than', '90d', ...NOW], /CloudHSM DescribeBackups/],
    ['audit', ['audit', '--region', 'us-east-1', ...NOW], /(STS GetCallerIdentity|Describe\w+) in us-east-1/],
    [
      'report',
      ['report', '--region', 'us-east-1', '--json', ...NOW],
      /(STS GetCallerIdentity|Describe\w+) in us-east-1/,
    ],
    [
      'copy',
      ['copy', '--region', 'us-east-1', '--dr-region', 'us-west-2', ...NOW],
      /CloudHSM DescribeBackups/,
    ],
    [
      'restore',
      ['restore', '--region', 'us-east-1', '--deleted-since', '2h', ...NOW],
      /CloudHSM DescribeBackups/,
    ],
    [
      'audit --accounts (every unit fails on the one caller lookup)',
      ['audit', '--region', 'us-east-1,us-west-2', '--accounts', '111111111111,222222222222', ...NOW],
      /unit failed: 222222222222 us-west-2: .*STS GetCallerIdentity in us-east-1/,
    ],
    [
      'audit --organization',
      ['audit', '--region', 'us-east-1', '--organization', ...NOW],
      /Organizations ListAccounts in us-east-1/,
    ],
  ])('%s', async (_name, args, call) => {
    // Prepare
    const before = hung.received();
    // Act
    const run = await withinDeadline(
      `cloudhsm-ops ${args.join(' ')}`,
      runCli([...args, '--endpoint', hung.url, ...FAST]),
    );
    // Assess
    // copy reports the failed line in its table (stdout); the others as the error (stderr).
    const said = run.stdout + run.stderr;
    expect(run.code, said).toBe(1);
    expect(said).toMatch(call);
    expect(said).toMatch(/no answer within 0\.5 s \(2 attempts\)/);
    expect(hung.received()).toBeGreaterThan(before);
  });

  it('--timeout is bad input unless it is a positive number of seconds', async () => {
    for (const value of ['0', '-1', 'soon', '901']) {
      const run = await runCli([
        'inventory',
        '--endpoint',
        hung.url,
        '--region',
        'us-east-1',
        '--timeout',
        value,
      ]);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/--timeout must be a number of seconds above 0 and at most 900/);
    }
  });
});

describe('clients: a hung call is a retryable failure', () => {
  it.each(['standard', 'adaptive'] as const)(
    '%s retries: attempted maxAttempts times, then a TimeoutError naming the service, operation and region',
    async (retryMode) => {
      // Prepare
      const clients = new AwsClients({
        endpoint: hung.url,
        maxAttempts: 3,
        retryMode,
        requestTimeoutMs: 300,
      });
      const before = hung.accepted();
      // Act
      const error = await withinDeadline(
        'DescribeClusters',
        clients
          .cloudHsm('eu-west-1')
          .send(new DescribeClustersCommand({}))
          .catch((e: unknown) => e as Error & { $metadata?: { attempts?: number } }),
      );
      clients.destroy();
      // Assess
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).name).toBe('TimeoutError');
      expect((error as Error).message).toMatch(
        /CloudHSM DescribeClusters in eu-west-1: no answer within 0\.3 s/,
      );
      expect((error as { $metadata?: { attempts?: number } }).$metadata?.attempts).toBe(3);
      // Each timed-out attempt destroys its socket, so every attempt opened a connection.
      expect(hung.accepted() - before).toBe(3);
    },
  );
});

describe('Lambda handler against an endpoint that never answers', () => {
  let out: Captured;
  afterEach(() => out?.restore());

  it('REQUEST_TIMEOUT_SECONDS bounds every call: the invocation fails naming the call', async () => {
    // Prepare
    out = captureOutput();
    const prune = await loadHandler('prune', {
      AWS_REGION: 'us-east-1',
      ENDPOINT_URL: hung.url,
      REGIONS: 'us-west-2',
      COPY_RETENTION_DAYS: '90',
      REQUEST_TIMEOUT_SECONDS: '0.5',
      MAX_ATTEMPTS: '2',
    });
    // Act
    const outcome = await withinDeadline(
      'the prune handler',
      prune
        .handler({ time: '2026-11-29T12:00:00Z' } as never, lambdaContext())
        .then(() => undefined)
        .catch((e: unknown) => e as Error),
    );
    // Assess
    expect(outcome).toBeInstanceOf(Error);
    expect((outcome as Error).message).toMatch(/DescribeBackups in us-west-2: no answer within 0\.5 s/);
    expect(out.logs().some((l) => l.level === 'ERROR')).toBe(true);
  });

  it('REQUEST_TIMEOUT_SECONDS must be a positive number of seconds', async () => {
    out = captureOutput();
    const loading = loadHandler('audit', {
      AWS_REGION: 'us-east-1',
      REGIONS: 'us-east-1',
      REQUEST_TIMEOUT_SECONDS: 'forever',
    });
    await expect(loading).rejects.toThrow(
      /REQUEST_TIMEOUT_SECONDS must be a number of seconds above 0 and at most 900, got "forever"/,
    );
  });
});

describe('CLI against an endpoint that refuses connections', () => {
  it('names the call, the region and the attempts, as for a hung endpoint', async () => {
    // Prepare: a port that was free a moment ago and now has no listener.
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    // Act
    const run = await runCli([
      'inventory',
      '--region',
      'us-east-1',
      '--endpoint',
      `http://127.0.0.1:${port}`,
      ...FAST,
    ]);
    // Assess
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /(CloudHSM|EC2) Describe\w+ in us-east-1: could not connect \(ECONNREFUSED\) \(2 attempts\)/,
    );
  });
});
