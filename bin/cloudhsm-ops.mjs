#!/usr/bin/env node
// The CLI ships as a bundle built by `npm install` (the prepare script); say so if it is missing.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const bundle = new URL('../dist/cli/entry.mjs', import.meta.url);
if (!existsSync(fileURLToPath(bundle))) {
  process.stderr.write('cloudhsm-ops is not built yet: run `npm install` (or `npm run build`) first\n');
  process.exit(2);
}
await import(bundle.href);
