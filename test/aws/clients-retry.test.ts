import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DescribeClustersCommand } from '@aws-sdk/client-cloudhsm-v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AwsClients } from '../../lib/aws/clients.js';

// A server that always fails, counting how often the client tries.
let server: Server;
let endpoint = '';
let hits = 0;

beforeAll(async () => {
  server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      hits++;
      response.writeHead(500, { 'content-type': 'application/x-amz-json-1.1' });
      response.end(JSON.stringify({ __type: 'CloudHsmInternalFailureException', Message: 'boom' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('AwsClients retry configuration', () => {
  it.each([1, 2, 3])('makes exactly as many attempts as maxAttempts (%i)', async (maxAttempts) => {
    // Prepare
    hits = 0;
    const clients = new AwsClients({ endpoint, maxAttempts, retryMode: 'standard' });
    // Act
    const error = await clients
      .cloudHsm('us-east-1')
      .send(new DescribeClustersCommand({}))
      .catch((e: unknown) => e);
    clients.destroy();
    // Assess
    expect((error as Error).name).toBe('CloudHsmInternalFailureException');
    expect(hits).toBe(maxAttempts);
  });
});
