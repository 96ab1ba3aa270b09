/**
 * Serves a generated fleet from its own process, so a benchmark can measure a client's memory
 * without the sandbox's 100,000 records in the same heap. Prints `listening on URL` once ready
 * (like `cloudhsm-ops sandbox`) and runs until stdin closes or a signal arrives.
 *
 *   node scripts/run-ts.mjs bench/serve-generated.ts [--backups 100000] [--regions us-east-1] [--copy-share 0]
 */
import { parseArgs } from 'node:util';
import { startSandbox } from '../sandbox/index.js';

const { values } = parseArgs({
  options: {
    backups: { type: 'string', default: '100000' },
    regions: { type: 'string', default: 'us-east-1' },
    'copy-share': { type: 'string', default: '0' },
    seed: { type: 'string', default: '1' },
  },
});
const started = performance.now();
const sandbox = await startSandbox({
  fleet: {
    generate: {
      backups: Number(values.backups),
      regions: values.regions.split(','),
      copyShare: Number(values['copy-share']),
      seed: Number(values.seed),
    },
  },
});
process.stdout.write(`listening on ${sandbox.url}\n`);
process.stderr.write(
  `generated ${values.backups} backups in ${(performance.now() - started).toFixed(0)} ms\n`,
);
const stop = () => {
  void sandbox.close().then(() => process.exit(0));
};
process.stdin.on('end', stop);
process.stdin.on('close', stop);
process.stdin.resume();
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
