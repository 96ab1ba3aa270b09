// `npm run package`: packages both deployments with osls, offline and without credentials:
// the single-account one (organization=false) into <dir>, organization mode (organization=true)
// into <dir>/organization, and copies the member accounts' role template (infra/member-role.yml,
// for StackSets) to <dir>/member-role.yml. <dir> is `--package <dir>` (default .serverless);
// other arguments go to both osls runs.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

const args = process.argv.slice(2);
let dir = '.serverless';
const rest = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--package') dir = args[++i];
  else if (args[i].startsWith('--package=')) dir = args[i].slice('--package='.length);
  else rest.push(args[i]);
}
// A flag where the directory belongs (`--package --verbose`) is a missing directory, not a name.
if (!dir || dir.startsWith('-')) {
  console.error('--package needs a directory: --package <dir> or --package=<dir>');
  process.exit(2);
}
if (rest.some((arg) => /organization=/.test(arg))) {
  console.error('npm run package packages both modes: leave out --param="organization=..."');
  process.exit(2);
}

/** One osls package run; stops the script when it fails. */
function packageMode(organization, into) {
  const command = ['package', '--stage', 'prod', '--region', 'us-east-1', ...rest];
  const run = spawnSync('osls', [...command, `--param=organization=${organization}`, '--package', into], {
    stdio: 'inherit',
  });
  if (run.status !== 0) {
    console.error(`osls package (organization=${organization}) failed`);
    process.exit(run.status ?? 1);
  }
}

// The single-account package first: osls may clear its directory, which holds the other.
packageMode('false', dir);
packageMode('true', join(dir, 'organization'));
mkdirSync(dir, { recursive: true });
copyFileSync('infra/member-role.yml', join(dir, 'member-role.yml'));
console.log(
  `packaged: ${dir} (single account), ${join(dir, 'organization')} (organization), ${join(dir, 'member-role.yml')}`,
);
