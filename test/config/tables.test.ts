/**
 * The settings tables are the one source of truth (issue 12 §1): `--help` shows every field
 * with its default and its Lambda variable, and the docs name every variable a function reads.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { AUDIT_HANDLER_VARIABLES, HANDLER_VARIABLES } from '../../functions/shared/config.js';
import { AUDIT_LAMBDA_VARIABLES, AUDIT_SETTINGS } from '../../lib/config/audit.js';
import { COPY_LAMBDA_VARIABLES, COPY_SETTINGS } from '../../lib/config/copy.js';
import { PRUNE_LAMBDA_VARIABLES, PRUNE_SETTINGS } from '../../lib/config/prune.js';
import { RESTORE_SETTINGS } from '../../lib/config/restore.js';
import type { Table } from '../../lib/config/table.js';
import { runCli } from '../helpers/cli.js';

const TABLES: Record<string, Table> = {
  prune: PRUNE_SETTINGS,
  copy: COPY_SETTINGS,
  audit: AUDIT_SETTINGS,
  restore: RESTORE_SETTINGS,
};

/** `--help` with its wrapped lines joined, so a name broken over two lines still reads whole. */
async function help(job: string): Promise<string> {
  const run = await runCli([job, '--help']);
  return run.stdout.replace(/\s+/g, ' ');
}

describe('--help is derived from the settings table', () => {
  for (const [job, table] of Object.entries(TABLES)) {
    it(`${job} --help lists every field with its default and its Lambda variable`, async () => {
      const text = await help(job);
      for (const field of Object.values(table)) {
        if (!field.flag) continue;
        expect(text).toContain(`${field.flag}${field.arg ? ` ${field.arg}` : ''}`);
        if (field.default !== undefined) expect(text).toContain(`default: ${field.default}`);
        if (field.env) expect(text).toContain(`Lambda: ${field.env}`);
      }
    });
  }

  it('restore has no Lambda, so its help names no variable', async () => {
    expect(await help('restore')).not.toContain('Lambda:');
  });
});

describe('the docs name every variable the functions read', () => {
  const readme = readFileSync(fileURLToPath(new URL('../../functions/README.md', import.meta.url)), 'utf8');
  const read = new Set([
    ...PRUNE_LAMBDA_VARIABLES,
    ...COPY_LAMBDA_VARIABLES,
    ...AUDIT_LAMBDA_VARIABLES,
    ...HANDLER_VARIABLES,
    ...AUDIT_HANDLER_VARIABLES,
  ]);

  it('functions/README.md names each variable a function reads', () => {
    const missing = [...read].filter((name) => !readme.includes(`\`${name}\``));
    expect(missing).toEqual([]);
  });

  it("the README's environment table names only variables a function reads", () => {
    const section = readme.slice(readme.indexOf('## Environment'), readme.indexOf('## Near the deadline'));
    const rows = section.split('\n').filter((line) => line.startsWith('| `'));
    const named = rows.flatMap((row) =>
      [...row.split('|')[1]!.matchAll(/`([A-Z][A-Z0-9_]+)`/g)].map((m) => m[1]!),
    );
    expect(named.length).toBeGreaterThan(10);
    expect(named.filter((name) => !read.has(name))).toEqual([]);
  });
});
