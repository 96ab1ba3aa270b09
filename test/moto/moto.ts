/**
 * Starts moto's server (an independent AWS emulator, installed on these machines for
 * cross-checks) on a free loopback port, and stops it again.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';

/** Dummy credentials for moto: never real ones. */
export const MOTO_ENV = {
  AWS_ACCESS_KEY_ID: 'testing',
  AWS_SECRET_ACCESS_KEY: 'testing',
  AWS_DEFAULT_REGION: 'us-east-1',
};

/** True when `python3 -m moto.server` can run here (moto with its server extras). */
export function motoAvailable(): boolean {
  const probe = spawnSync('python3', ['-c', 'import moto.server, boto3'], {
    stdio: 'ignore',
    timeout: 15_000,
  });
  const ok = probe.status === 0;
  if (!ok) console.warn('moto is not installed (python3 -m moto.server): skipping the moto cross-checks');
  return ok;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface Moto {
  url: string;
  stop(): Promise<void>;
}

/** Starts moto_server on 127.0.0.1 and waits (up to 20 s) until it answers. */
export async function startMoto(): Promise<Moto> {
  const port = await freePort();
  const child: ChildProcess = spawn('python3', ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, ...MOTO_ENV },
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const url = `http://127.0.0.1:${port}`;
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 3000).unref();
    });
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`moto_server exited early: ${stderr}`);
    try {
      const response = await fetch(`${url}/moto-api/`);
      if (response.ok) return { url, stop };
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await stop();
  throw new Error(`moto_server did not answer on ${url} within 20 s: ${stderr}`);
}

/** Runs a python3 script with boto3 against moto and returns its JSON output. */
export function runPython(script: string, args: string[], endpoint: string): unknown {
  const result = spawnSync('python3', [script, endpoint, ...args], {
    env: { ...process.env, ...MOTO_ENV },
    encoding: 'utf8',
    timeout: 30_000,
  });
  if (result.status !== 0) throw new Error(`${script} failed (${result.status}): ${result.stderr}`);
  return JSON.parse(result.stdout);
}

/**
 * {@link runPython} without blocking the event loop, for scripts that call an in-process server
 * (the sandbox), which must go on answering while the script runs.
 */
export function runPythonAsync(script: string, args: string[], endpoint: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const child = spawn('python3', [script, endpoint, ...args], {
      env: { ...process.env, ...MOTO_ENV },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code !== 0) reject(new Error(`${script} failed (${code}): ${stderr}`));
      else resolve(JSON.parse(stdout));
    });
  });
}
