/** Building the exact `cloudhsm-ops` commands a run prints (apply this plan, undo this run). */

const SAFE_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** Quotes one shell word for a POSIX shell, only when it needs it. */
export function shellQuote(word: string): string {
  if (word !== '' && SAFE_WORD.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Joins a program name and arguments into one copyable command line. */
export function commandLine(words: readonly string[]): string {
  return words.map(shellQuote).join(' ');
}

/**
 * The command that restores the given backups of one region (RestoreBackup works within
 * the 7-day PENDING_DELETION window). `extraArgs` carries options such as `--endpoint`.
 */
export function restoreCommand(
  region: string,
  backupIds: readonly string[],
  extraArgs: readonly string[] = [],
) {
  return commandLine([
    'cloudhsm-ops',
    'restore',
    '--region',
    region,
    ...backupIds.flatMap((id) => ['--backup-id', id]),
    ...extraArgs,
  ]);
}

/** The command that restores every deletion one prune run made in one region (`--run-id`). */
export function restoreRunCommand(region: string, runId: string, extraArgs: readonly string[] = []) {
  return commandLine(['cloudhsm-ops', 'restore', '--region', region, '--run-id', runId, ...extraArgs]);
}
