// The CLI's esbuild options, shared by scripts/build.mjs (dist/cli) and the tests that run the
// CLI as a child process (test/support/cli-process.ts), so those tests run the shape that ships:
// split chunks, where a lazily imported CommonJS package is a chunk with a default export only.
import { readFileSync } from 'node:fs';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

/** esbuild options bundling cli/entry.ts into `outdir` as entry.mjs plus lazily loaded chunks. */
export function cliBuildOptions(outdir, entry = 'cli/entry.ts') {
  return {
    entryPoints: { entry },
    outdir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: true,
    legalComments: 'none',
    logLevel: 'warning',
    define: { CLOUDHSM_OPS_VERSION: JSON.stringify(version) },
    // CommonJS dependencies inside an ESM bundle still call require() for Node built-ins.
    banner: {
      js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
    },
  };
}
