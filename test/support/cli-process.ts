/**
 * The CLI as a real child process: bundled once from source (as scripts/build.mjs does), then
 * spawned with its own environment and piped stdout/stderr. For what in-process runs cannot
 * show: decisions made at module load (colour support), signals, exit codes of the process.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { cliBuildOptions } from '../../scripts/build-options.mjs';

const ROOT = new URL('../../', import.meta.url).pathname;

export interface CliBundle {
  path: string;
  /** Runs the CLI to completion with `env` added to a clean copy of this process's environment. */
  run(args: string[], env?: Record<string, string | undefined>): Promise<ProcessRun>;
  remove(): void;
}

export interface ProcessRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Bundles cli/entry.ts into node_modules/.cache (unique per process and name) with the options
 * scripts/build.mjs ships with (split chunks), so a test sees what `npm start` runs.
 */
export async function buildCliBundle(name: string): Promise<CliBundle> {
  const dir = join(ROOT, 'node_modules/.cache', `cli-${name}-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  await build({ ...cliBuildOptions(dir, join(ROOT, 'cli/entry.ts')), sourcemap: false });
  const path = join(dir, 'entry.mjs');
  return {
    path,
    run: (args, env = {}) => runProcess(path, args, env),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

function runProcess(
  path: string,
  args: string[],
  extra: Record<string, string | undefined>,
): Promise<ProcessRun> {
  const env: Record<string, string | undefined> = {
    ...process.env,
    AWS_REGION: '',
    AWS_DEFAULT_REGION: '',
    CLOUDHSM_OPS_ENDPOINT: undefined,
    ...extra,
  };
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
  const child = spawn(process.execPath, [path, ...args], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}
