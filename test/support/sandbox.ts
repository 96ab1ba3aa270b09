/**
 * Starts an in-process sandbox for a test, with region-scoped SDK clients pointed at it.
 *
 * ```ts
 * const { sandbox, clients, close } = await startTestSandbox({ fleet: 'demo' });
 * afterAll(close);
 * ```
 */
import { AwsClients } from '../../lib/aws/clients.js';
import { type Sandbox, type SandboxOptions, startSandbox } from '../../sandbox/index.js';

export interface TestSandboxOptions extends SandboxOptions {
  /** Attempts per SDK call, the first included (default 1: a test sees every error the sandbox returns). */
  maxAttempts?: number;
  retryMode?: 'standard' | 'adaptive';
}

export interface TestSandbox {
  sandbox: Sandbox;
  /** SDK clients with `endpoint = sandbox.url` and dummy credentials. */
  clients: AwsClients;
  /** Destroys the clients and stops the sandbox. */
  close(): Promise<void>;
}

/** Starts a sandbox on a free port and builds clients for it. */
export async function startTestSandbox(options: TestSandboxOptions): Promise<TestSandbox> {
  const { maxAttempts = 1, retryMode = 'standard', ...sandboxOptions } = options;
  const sandbox = await startSandbox(sandboxOptions);
  const clients = new AwsClients({ endpoint: sandbox.url, maxAttempts, retryMode });
  return {
    sandbox,
    clients,
    async close() {
      clients.destroy();
      await sandbox.close();
    },
  };
}
