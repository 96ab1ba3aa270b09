/**
 * Credentials and endpoints (issue 18 §9): every loopback spelling is the sandbox (dummy
 * credentials, and it must actually connect), plain http to anything else is refused unless
 * the user opts in, and the sandbox's admin routes refuse what a web page could send.
 */
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DescribeClustersCommand } from '@aws-sdk/client-cloudhsm-v2';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { clientsFrom } from '../../cli/common.js';
import { ConfigurationError, endpointFromEnv } from '../../functions/shared/config.js';
import { AwsClients } from '../../lib/aws/clients.js';
import { checkEndpointTransport } from '../../lib/config/common.js';
import { UsageError } from '../../lib/errors.js';
import { runCli } from '../support/cli.js';
import { type Captured, captureOutput, loadHandler } from '../support/lambda.js';
import { startTestSandbox, type TestSandbox } from '../support/sandbox.js';

const REAL_KEY = 'AKIAREALKEYDONOTSEND';

/** A listener on both loopback addresses that records the access key id of each request. */
async function keyRecorder(): Promise<{ port: number; keys: string[]; close(): Promise<void> }> {
  const keys: string[] = [];
  const handle = (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => {
    keys.push(/Credential=([^/]+)\//.exec(req.headers.authorization ?? '')?.[1] ?? '(none)');
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
      res.end('{"Clusters":[]}');
    });
  };
  const v4: Server = createServer(handle);
  await new Promise<void>((resolve) => v4.listen(0, '127.0.0.1', resolve));
  const port = (v4.address() as AddressInfo).port;
  const v6: Server = createServer(handle);
  await new Promise<void>((resolve, reject) => {
    v6.once('error', reject);
    v6.listen(port, '::1', resolve);
  });
  const close = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));
  return {
    port,
    keys,
    close: async () => {
      v4.closeAllConnections();
      v6.closeAllConnections();
      await Promise.all([close(v4), close(v6)]);
    },
  };
}

describe('loopback endpoints get dummy credentials, never the real ones', () => {
  afterEach(() => vi.unstubAllEnvs());

  it.each(['127.0.0.1', '0.0.0.0', '[::1]', 'localhost'])('http://%s:PORT', async (host) => {
    // Prepare
    vi.stubEnv('AWS_ACCESS_KEY_ID', REAL_KEY);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'real-secret');
    const recorder = await keyRecorder();
    const clients = new AwsClients({ endpoint: `http://${host}:${recorder.port}`, maxAttempts: 1 });
    // Act
    await clients.cloudHsm('us-east-1').send(new DescribeClustersCommand({}));
    clients.destroy();
    await recorder.close();
    // Assess
    expect(recorder.keys).toHaveLength(1);
    expect(recorder.keys[0]).not.toBe(REAL_KEY);
  });
});

describe('the sandbox answers on every loopback spelling', () => {
  let s: TestSandbox;
  beforeAll(async () => {
    s = await startTestSandbox({ fleet: 'demo' });
  });
  afterAll(async () => {
    await s.close();
  });

  it.each(['127.0.0.1', '0.0.0.0', '[::1]', 'localhost'])('http://%s:PORT', async (host) => {
    // Prepare
    const clients = new AwsClients({ endpoint: `http://${host}:${s.sandbox.port}`, maxAttempts: 1 });
    // Act
    const answer = await clients.cloudHsm('us-east-1').send(new DescribeClustersCommand({}));
    clients.destroy();
    // Assess
    expect(answer.Clusters?.map((c) => c.ClusterId)).toContain('cluster-paymentsprod');
  });
});

describe('plain http to a host that is not this machine is refused unless opted into', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('the check: https anywhere and http on loopback pass; plain http elsewhere needs the opt-in', () => {
    expect(() =>
      checkEndpointTransport('https://vpce-1.cloudhsmv2.us-east-1.vpce.amazonaws.com', false),
    ).not.toThrow();
    expect(() => checkEndpointTransport('http://127.0.0.1:4566', false)).not.toThrow();
    expect(() => checkEndpointTransport('http://[::1]:4566', false)).not.toThrow();
    expect(() => checkEndpointTransport('http://192.0.2.2:4700', false)).toThrow(UsageError);
    expect(() => checkEndpointTransport('http://sandbox.example.com:4566', false)).toThrow(/cleartext/);
    expect(() => checkEndpointTransport('http://192.0.2.2:4700', true)).not.toThrow();
  });

  it.each([
    ['inventory', '--region', 'us-east-1'],
    ['audit', '--region', 'us-east-1'],
    ['prune', '--region', 'us-east-1', '--older-than', '90d'],
  ])('CLI %s: exit 2 naming the endpoint and the opt-in, before any connection', async (...args) => {
    // Act
    const run = await runCli([...args, '--endpoint', 'http://192.0.2.2:4700']);
    // Assess
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/endpoint "http:\/\/192\.0\.2\.2:4700" is plain http/);
    expect(run.stderr).toMatch(/--allow-insecure-endpoint/);
    expect(run.stderr).toMatch(/CLOUDHSM_OPS_ALLOW_INSECURE_ENDPOINT=true/);
  });

  it('CLI: --allow-insecure-endpoint or CLOUDHSM_OPS_ALLOW_INSECURE_ENDPOINT=true opts in', async () => {
    // Act: building the clients makes no call, so nothing leaves this machine
    const flagged = await clientsFrom({ endpoint: 'http://192.0.2.2:4700', allowInsecureEndpoint: true });
    vi.stubEnv('CLOUDHSM_OPS_ALLOW_INSECURE_ENDPOINT', 'true');
    const fromEnv = await clientsFrom({ endpoint: 'http://192.0.2.2:4700' });
    vi.stubEnv('CLOUDHSM_OPS_ALLOW_INSECURE_ENDPOINT', 'yes please');
    const odd = clientsFrom({ endpoint: 'http://192.0.2.2:4700' });
    // Assess
    expect(flagged.options.endpoint).toBe('http://192.0.2.2:4700');
    expect(fromEnv.options.endpoint).toBe('http://192.0.2.2:4700');
    await expect(odd).rejects.toThrow(/CLOUDHSM_OPS_ALLOW_INSECURE_ENDPOINT must be "true" or "false"/);
    flagged.destroy();
    fromEnv.destroy();
  });

  it('Lambda: ENDPOINT_URL plain http elsewhere fails the cold start unless ALLOW_INSECURE_ENDPOINT=true', async () => {
    const read = () => endpointFromEnv({ ENDPOINT_URL: 'http://192.0.2.2:4700' }, 'fn');
    expect(read).toThrow(ConfigurationError);
    expect(read).toThrow(
      /ENDPOINT_URL="http:\/\/192\.0\.2\.2:4700": .*plain http.*ALLOW_INSECURE_ENDPOINT=true/,
    );
    expect(
      endpointFromEnv({ ENDPOINT_URL: 'http://192.0.2.2:4700', ALLOW_INSECURE_ENDPOINT: 'true' }, 'fn'),
    ).toBe('http://192.0.2.2:4700');
    let out: Captured | undefined;
    try {
      out = captureOutput();
      await expect(
        loadHandler('audit', {
          AWS_REGION: 'us-east-1',
          REGIONS: 'us-east-1',
          ENDPOINT_URL: 'http://10.0.0.5:4566',
        }),
      ).rejects.toThrow(/plain http/);
    } finally {
      out?.restore();
    }
  });
});

/** A raw request to the sandbox, with any headers (fetch would not let a test set Host). */
function raw(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string>,
  body = '',
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('sandbox admin routes refuse what a web page could send', () => {
  let s: TestSandbox;
  beforeAll(async () => {
    s = await startTestSandbox({ fleet: 'demo' });
  });
  afterAll(async () => {
    await s.close();
  });

  const advance = '{"seconds":86400}';

  it('a cross-origin text/plain POST (a browser sends Origin) is 403 and changes nothing', async () => {
    // Prepare
    const before = s.sandbox.clock.now().toISOString();
    // Act
    const answer = await raw(
      s.sandbox.port,
      'POST',
      '/_sandbox/clock/advance',
      { origin: 'https://evil.example', 'content-type': 'text/plain', host: `127.0.0.1:${s.sandbox.port}` },
      advance,
    );
    // Assess
    expect(answer.status).toBe(403);
    expect(JSON.parse(answer.body).error).toMatch(/Origin header: admin routes answer only local tools/);
    expect(s.sandbox.clock.now().toISOString()).toBe(before);
  });

  it('a Host that is not loopback (DNS rebinding) is 403 and changes nothing', async () => {
    // Prepare
    const before = JSON.stringify(s.sandbox.faults());
    // Act
    const answer = await raw(
      s.sandbox.port,
      'POST',
      '/_sandbox/faults',
      { host: `attacker.example:${s.sandbox.port}`, 'content-type': 'text/plain' },
      '{"rules":[{"internalFailureRate":1}]}',
    );
    const read = await raw(s.sandbox.port, 'GET', '/_sandbox/events', { host: 'attacker.example' });
    // Assess
    expect(answer.status).toBe(403);
    expect(JSON.parse(answer.body).error).toMatch(/Host "attacker\.example:\d+" is not this machine/);
    expect(read.status).toBe(403);
    expect(JSON.stringify(s.sandbox.faults())).toBe(before);
  });

  it.each(['127.0.0.1', 'localhost', '[::1]'])(
    'local tools (curl, fetch: no Origin) with Host %s still work',
    async (host) => {
      // Act
      const health = await raw(s.sandbox.port, 'GET', '/_sandbox/health', {
        host: `${host}:${s.sandbox.port}`,
      });
      const moved = await raw(
        s.sandbox.port,
        'POST',
        '/_sandbox/clock/advance',
        { host: `${host}:${s.sandbox.port}`, 'content-type': 'application/json' },
        '{"seconds":0}',
      );
      const viaFetch = await fetch(`${s.sandbox.url}/_sandbox/state`, { signal: AbortSignal.timeout(5_000) });
      // Assess
      expect(health.status).toBe(200);
      expect(moved.status).toBe(200);
      expect(viaFetch.status).toBe(200);
    },
  );
});
