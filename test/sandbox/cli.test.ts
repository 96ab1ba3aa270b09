import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeClustersCommand } from '@aws-sdk/client-cloudhsm-v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AwsClients } from '../../lib/aws/clients.js';
import { startSandbox } from '../../sandbox/index.js';
import { buildCliBundle, type CliBundle } from '../support/cli-process.js';

let bundle: CliBundle;
beforeAll(async () => {
  bundle = await buildCliBundle('sandbox-test');
});
afterAll(() => bundle?.remove());

function cli(args: string[]): ChildProcess {
  return spawn(process.execPath, [bundle.path, ...args], {
    cwd: new URL('../../', import.meta.url).pathname,
    env: { ...process.env, AWS_REGION: '', AWS_DEFAULT_REGION: '', CLOUDHSM_OPS_ENDPOINT: undefined },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function finished(child: ChildProcess): Promise<{ code: number | null; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr!.on('data', (chunk) => {
    stderr += chunk;
  });
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    child.stdout!.on('data', (chunk) => {
      buffered += chunk;
      const end = buffered.indexOf('\n');
      if (end >= 0) resolve(buffered.slice(0, end));
    });
    child.on('close', (code) => reject(new Error(`exited with ${code} before printing a line`)));
  });
}

describe('cloudhsm-ops sandbox', () => {
  it('prints exactly "listening on URL", serves AWS calls, and stops cleanly on SIGTERM', async () => {
    // Prepare
    const child = cli(['sandbox', '--port', '0', '--fleet', 'demo', '--seed', '5']);
    const done = finished(child);
    const line = await firstLine(child);
    const url = line.replace('listening on ', '');
    const clients = new AwsClients({ endpoint: url, maxAttempts: 1 });
    // Act
    const { Clusters } = await clients.cloudHsm('us-east-1').send(new DescribeClustersCommand({}));
    clients.destroy();
    child.kill('SIGTERM');
    const { code, stdout } = await done;
    // Assess
    expect(line).toMatch(/^listening on http:\/\/127\.0\.0\.1:\d+$/);
    expect(stdout).toBe(`${line}\n`);
    expect(Clusters!.map((c) => c.ClusterId)).toContain('cluster-paymentsprod');
    expect(code).toBe(0);
  });

  it('says which accounts and regions an organization fleet holds', async () => {
    // Prepare
    const child = cli(['sandbox', '--port', '0', '--fleet', 'demo-organization']);
    const done = finished(child);
    await firstLine(child);
    // The banner follows the "listening on" line, on stderr.
    await new Promise<void>((resolve) => {
      let seen = '';
      child.stderr!.on('data', (chunk) => {
        seen += chunk;
        if (seen.includes('Ctrl-C stops it.')) resolve();
      });
    });
    // Act
    child.kill('SIGTERM');
    const { stderr } = await done;
    // Assess
    expect(stderr).toMatch(
      /sandbox: 4 accounts \(management 111111111111\); regions 111111111111: no region; /,
    );
    expect(stderr).toContain('222222222222: us-east-1');
    expect(stderr).not.toMatch(/regions ;/);
  });

  it('rejects a bad fleet file with a clear message and exit code 2', async () => {
    // Prepare
    const file = join(tmpdir(), `bad-fleet-${process.pid}.json`);
    writeFileSync(
      file,
      JSON.stringify({
        account: '111122223333',
        regions: { 'us-east-1': { zones: ['us-east-1a'], colour: 'red' } },
      }),
    );
    // Act
    const { code, stdout, stderr } = await finished(cli(['sandbox', '--port', '0', '--fleet', file]));
    // Assess
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('is not a valid fleet file');
    expect(stderr).toContain('$.regions["us-east-1"]: unknown key "colour"');
  });
});

describe('cloudhsm-ops inventory', () => {
  let sandbox: Awaited<ReturnType<typeof startSandbox>>;
  beforeAll(async () => {
    sandbox = await startSandbox({ fleet: 'demo' });
  });
  afterAll(() => sandbox.close());

  it('reports clusters, HSMs by zone, backups by state and DR copies per region', async () => {
    // Act
    const { code, stdout } = await finished(
      cli(['inventory', '--endpoint', sandbox.url, '--region', 'us-east-1,us-west-2', '--json']),
    );
    // Assess
    expect(code).toBe(0);
    const { regions } = JSON.parse(stdout);
    const [east, west] = regions;
    expect(east.region).toBe('us-east-1');
    expect(east.clusters.find((c: { id: string }) => c.id === 'cluster-sameazledger').hsmsByZone).toEqual({
      'us-east-1b': 2,
    });
    const stateTotal = Object.values(east.backups.byState as Record<string, number>).reduce(
      (a, b) => a + b,
      0,
    );
    expect(stateTotal).toBe(east.backups.total);
    expect(east.backups.total).toBe(sandbox.backups('us-east-1').length);
    expect(west.copies['us-east-1'].count).toBe(
      sandbox.backups('us-west-2').filter((b) => b.SourceRegion === 'us-east-1').length,
    );
    expect(sandbox.requests().every((r) => !r.mutating)).toBe(true);
  });
});
