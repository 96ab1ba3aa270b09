/** Finding and running the independent clients (AWS CLI v1, boto3) the conformance tests use. */
import { execFile, spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Environment for an AWS client pointed at the sandbox: dummy keys, no config files, no pager. */
export const CLIENT_ENV: NodeJS.ProcessEnv = {
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  PYENV_ROOT: process.env.PYENV_ROOT,
  PYENV_VERSION: process.env.PYENV_VERSION,
  AWS_ACCESS_KEY_ID: 'dummy',
  AWS_SECRET_ACCESS_KEY: 'dummy',
  AWS_CONFIG_FILE: '/dev/null',
  AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
  AWS_PAGER: '',
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_MAX_ATTEMPTS: '1',
};

/** True when `command args` runs and exits 0; warns on the console when it does not. */
export function available(what: string, command: string, args: string[]): boolean {
  const result = spawnSync(command, args, { env: CLIENT_ENV, encoding: 'utf8', timeout: 20_000 });
  const ok = result.status === 0;
  if (!ok)
    console.warn(`conformance: ${what} is not available here (${command} ${args.join(' ')}); skipping`);
  return ok;
}

/** True when `command` is an executable on PATH (cheap: no process is started); warns when not. */
export function onPath(what: string, command: string): boolean {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    try {
      accessSync(join(dir, command), constants.X_OK);
      return true;
    } catch {}
  }
  console.warn(`conformance: ${what} is not available here (${command} is not on PATH); skipping`);
  return false;
}

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command with {@link CLIENT_ENV}; never rejects, the exit code is in the result. */
export function run(command: string, args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      { env: CLIENT_ENV, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

const BATCH = new URL('./aws_cli_batch.py', import.meta.url).pathname;

/**
 * Runs AWS CLI v1 commands (argument lists, without the leading `aws`) in order, in one Python
 * process through the CLI's own driver, so the interpreter starts once instead of per command.
 */
export function awsBatch(commands: string[][]): Promise<Run[]> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      'python3',
      [BATCH],
      { env: CLIENT_ENV, timeout: 60_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`aws_cli_batch.py failed: ${stderr || error.message}`));
        else resolve(JSON.parse(stdout) as Run[]);
      },
    );
    child.stdin!.end(JSON.stringify(commands));
  });
}
