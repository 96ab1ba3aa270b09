#!/usr/bin/env node
// Runs a TypeScript file without a TypeScript runtime: esbuild bundles it (dependencies stay
// external, resolved from node_modules) into node_modules/.cache/run-ts/, then it is imported
// with the remaining arguments in process.argv.
//   node scripts/run-ts.mjs bench/sandbox-throughput.ts [args...]
import { mkdirSync, rmSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  process.stderr.write('usage: node scripts/run-ts.mjs <file.ts> [args...]\n');
  process.exit(2);
}
const root = resolve(new URL('..', import.meta.url).pathname);
const outdir = resolve(root, 'node_modules/.cache/run-ts');
mkdirSync(outdir, { recursive: true });
const outfile = resolve(outdir, `${basename(entry).replace(/\.ts$/, '')}-${process.pid}.mjs`);
await build({
  entryPoints: [resolve(entry)],
  outfile,
  bundle: true,
  packages: 'external',
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: 'inline',
  logLevel: 'warning',
});
process.argv = [process.argv[0], resolve(entry), ...args];
process.on('exit', () => rmSync(outfile, { force: true }));
await import(pathToFileURL(outfile).href);
