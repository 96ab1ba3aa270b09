// Bundles the CLI with esbuild: one file plus lazily loaded chunks, so `--help` starts fast
// and the AWS SDK is loaded only by commands that call AWS.
import { build } from 'esbuild';
import { cliBuildOptions } from './build-options.mjs';

await build(cliBuildOptions('dist/cli'));
