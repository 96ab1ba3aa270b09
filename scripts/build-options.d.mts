import type { BuildOptions } from 'esbuild';

/** esbuild options bundling cli/entry.ts into `outdir` as entry.mjs plus lazily loaded chunks. */
export function cliBuildOptions(outdir: string, entry?: string): BuildOptions;
