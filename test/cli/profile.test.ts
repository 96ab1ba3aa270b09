/**
 * `--profile NAME`: credentials from that named profile, as AWS_PROFILE would pick them, for the
 * clients of this run only (never the process's environment); a loopback sandbox still gets
 * dummy credentials.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { clientsFrom } from '../../cli/common.js';

let dir: string;
const saved = {
  AWS_CONFIG_FILE: process.env.AWS_CONFIG_FILE,
  AWS_SHARED_CREDENTIALS_FILE: process.env.AWS_SHARED_CREDENTIALS_FILE,
  AWS_PROFILE: process.env.AWS_PROFILE,
  AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID,
  AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY,
};

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'profile-'));
  writeFileSync(
    join(dir, 'credentials'),
    '[default]\naws_access_key_id = AKIDDEFAULTDUMMY0000\naws_secret_access_key = x\n' +
      '[ops]\naws_access_key_id = AKIDOPSPROFILEDUMMY0\naws_secret_access_key = y\n',
  );
  writeFileSync(join(dir, 'config'), '');
  process.env.AWS_SHARED_CREDENTIALS_FILE = join(dir, 'credentials');
  process.env.AWS_CONFIG_FILE = join(dir, 'config');
  delete process.env.AWS_PROFILE;
  delete process.env.AWS_ACCESS_KEY_ID;
  delete process.env.AWS_SECRET_ACCESS_KEY;
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
  for (const [key, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
});

async function accessKeyOf(options: Parameters<typeof clientsFrom>[0]): Promise<string> {
  const clients = await clientsFrom(options);
  try {
    const credentials = await clients.cloudHsm('us-east-1').config.credentials();
    return credentials.accessKeyId;
  } finally {
    clients.destroy();
  }
}

describe('--profile', () => {
  it('takes the credentials of the named profile', async () => {
    expect(await accessKeyOf({ profile: 'ops' })).toBe('AKIDOPSPROFILEDUMMY0');
    expect(process.env.AWS_PROFILE).toBeUndefined();
  });

  it('without it, the standard chain (here the default profile)', async () => {
    expect(await accessKeyOf({})).toBe('AKIDDEFAULTDUMMY0000');
  });

  it('never sends a profile to the loopback sandbox', async () => {
    expect(await accessKeyOf({ profile: 'ops', endpoint: 'http://127.0.0.1:4566' })).not.toBe(
      'AKIDOPSPROFILEDUMMY0',
    );
  });
});
