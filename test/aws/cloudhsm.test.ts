import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addTags,
  describeBackupsById,
  findCopies,
  listBackups,
  listRecentBackups,
  listTags,
  removeTags,
} from '../../lib/aws/cloudhsm.js';
import { generateFleet } from '../../sandbox/index.js';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';

const ROOT = join(import.meta.dirname, '..', '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(join(ROOT, path)).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

describe('one module for every CloudHSM call', () => {
  it('no code outside lib/aws imports the CloudHSM SDK', () => {
    const importers = ['lib', 'cli', 'functions']
      .flatMap(sourceFiles)
      .filter((path) => !path.startsWith(join('lib', 'aws')))
      .filter((path) => readFileSync(join(ROOT, path), 'utf8').includes('@aws-sdk/client-cloudhsm-v2'));
    expect(importers).toEqual([]);
  });

  it('keeps every file of lib/aws, lib/copy and lib/restore within 400 lines', () => {
    const long = ['lib/aws', 'lib/copy', 'lib/restore']
      .flatMap(sourceFiles)
      .map((path) => ({
        path: relative('.', path),
        lines: readFileSync(join(ROOT, path), 'utf8').split('\n').length,
      }))
      .filter((file) => file.lines > 400);
    expect(long).toEqual([]);
  });
});

describe('lib/aws/cloudhsm against the sandbox', () => {
  let sb: TestSandbox;
  const SOURCE = 'us-east-1';
  const DR = 'us-west-2';

  beforeAll(async () => {
    sb = await startTestSandbox({
      fleet: { validated: generateFleet({ backups: 200, regions: [SOURCE], drRegion: DR, copyShare: 0.4 }) },
    });
  });
  afterAll(() => sb.close());

  function describeCalls(): number {
    return sb.sandbox.requests().filter((r) => r.operation === 'DescribeBackups').length;
  }

  it('lists every backup oldest first, and the recent ones newest first without reading older pages', async () => {
    const all = await listBackups(sb.clients.cloudHsm(SOURCE), SOURCE);
    expect(all.length).toBe(120);
    const times = all.map((b) => b.createdAt.getTime());
    expect(times).toEqual([...times].sort((a, b) => a - b));

    const newest = all.at(-1)!.createdAt;
    const before = describeCalls();
    const recent = await listRecentBackups(sb.clients.cloudHsm(SOURCE), SOURCE, newest);
    expect(recent[0]!.id).toBe(all.at(-1)!.id);
    expect(describeCalls() - before).toBe(1);
  });

  it('describes backups by id in calls of 50, naming only those the service lists', async () => {
    const ids = (await listBackups(sb.clients.cloudHsm(SOURCE), SOURCE)).slice(0, 60).map((b) => b.id);
    const before = describeCalls();
    const found = await describeBackupsById(sb.clients.cloudHsm(SOURCE), SOURCE, [
      ...ids,
      'backup-aaaaaaaaaaa',
    ]);
    expect([...found.keys()].sort()).toEqual([...ids].sort());
    expect(found.get(ids[0]!)?.region).toBe(SOURCE);
    expect(describeCalls() - before).toBe(2);
  });

  it('finds every copy of the named sources, 25 sources a call', async () => {
    const copies = await listBackups(sb.clients.cloudHsm(DR), DR);
    const sources = [...new Set(copies.map((c) => c.sourceBackupId!))];
    expect(sources.length).toBeGreaterThan(25);
    const before = describeCalls();
    const found = await findCopies(sb.clients.cloudHsm(DR), DR, sources);
    expect(found.map((c) => c.id).sort()).toEqual(copies.map((c) => c.id).sort());
    expect(describeCalls() - before).toBe(Math.ceil(sources.length / 25));
  });

  it('adds, lists and removes tags, read back the same way DescribeBackups reads them', async () => {
    const client = sb.clients.cloudHsm(SOURCE);
    const [backup] = await listBackups(client, SOURCE);
    await addTags(client, backup!.id, [
      { Key: 'team', Value: 'hsm' },
      { Key: 'empty', Value: '' },
    ]);
    const tags = await listTags(client, backup!.id);
    expect(tags).toMatchObject({ team: 'hsm', empty: '' });
    expect((await describeBackupsById(client, SOURCE, [backup!.id])).get(backup!.id)?.tags).toEqual(tags);
    await removeTags(client, backup!.id, ['team', 'empty']);
    expect(await listTags(client, backup!.id)).not.toHaveProperty('team');
  });
});
