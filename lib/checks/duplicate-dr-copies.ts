import { type DuplicateGroup, duplicateCopies } from '../copies/duplicates.js';
import { DOCS, drRegionsFor, notApplicable, plural } from './common.js';
import type { Check } from './types.js';

/** `backup-src has 3 copies (keep a; extra b, c; held or NeverExpires d)`. */
function describeGroup(group: DuplicateGroup): string {
  const parts = [`keep ${group.keep.id}`];
  if (group.extra.length) parts.push(`extra ${group.extra.map((c) => c.id).join(', ')}`);
  if (group.protected.length)
    parts.push(`held or NeverExpires ${group.protected.map((c) => c.id).join(', ')}`);
  return `${group.sourceBackupId} has ${group.copies.length} copies (${parts.join('; ')})`;
}

/** One region's duplicates in words; FAILED wording when some copy is extra. */
function describeRegion(region: string, groups: DuplicateGroup[]): string {
  const withExtra = groups.filter((g) => g.extra.length > 0);
  if (withExtra.length === 0)
    return `${region}: no extra copy; kept on purpose: ${groups.map(describeGroup).join('; ')}`;
  const extra = withExtra.reduce((sum, g) => sum + g.extra.length, 0);
  const onPurpose = groups.filter((g) => g.extra.length === 0);
  return (
    `${region}: ${plural(withExtra.length, 'source backup')} with more than one copy, ` +
    `${plural(extra, 'extra copy', 'extra copies')}: ${withExtra.map(describeGroup).join('; ')}` +
    (onPurpose.length ? `; kept on purpose: ${onPurpose.map(describeGroup).join('; ')}` : '')
  );
}

/**
 * More than one copy of the same backup in a DR region (made by another script, the console,
 * an old automation, or a copy job that ran twice): each extra copy is billed and, like every
 * copy, outside managed retention. Reported per DR region with the count, the ids, the copy to
 * keep and the extra ones, by the same rule prune uses (`duplicateCopies`: keep the oldest
 * READY copy; held and NeverExpires copies are never extra). FAILED while any copy is extra.
 */
export const duplicateDrCopies: Check = {
  id: 'duplicate-dr-copies',
  title: 'One copy of each backup per DR region',
  severity: 'MEDIUM',
  needs: ['dr-backups'],
  evaluate({ cluster, drCopies, config }) {
    const regions = drRegionsFor(cluster, config.drRegions);
    const expected =
      `one READY copy of each backup in ${regions.length ? regions.join(', ') : 'each DR region'} ` +
      '(further held or NeverExpires copies excepted)';
    const byRegion = regions
      .map((region) => ({ region, groups: duplicateCopies(drCopies[region] ?? [], config.holdTag) }))
      .filter((entry) => entry.groups.length > 0);
    const extras = byRegion.flatMap(({ region, groups }) =>
      groups.flatMap((g) => g.extra.map((copy) => ({ region, id: copy.id }))),
    );
    const remediation = {
      text: extras.length
        ? `Delete the extra copies, keeping the oldest copy of each backup (undo within 7 days with restore-backup): ${extras
            .map(({ region, id }) => `aws cloudhsmv2 delete-backup --region ${region} --backup-id ${id}`)
            .join('; ')}. Then find what made them (another copy script, console, old automation).`
        : 'Copy each backup to each DR region once (cloudhsm-ops copy copies exactly once).',
      url: DOCS.deleteRestore,
    };
    if (regions.length === 0) return notApplicable('no DR region is configured', expected, remediation);
    if (byRegion.length === 0) {
      return {
        status: 'PASSED',
        observed: `one READY copy per source backup in ${regions.join(', ')}`,
        expected,
        remediation,
      };
    }
    return {
      status: extras.length ? 'FAILED' : 'PASSED',
      observed: byRegion.map(({ region, groups }) => describeRegion(region, groups)).join('; '),
      expected,
      remediation,
    };
  },
};
