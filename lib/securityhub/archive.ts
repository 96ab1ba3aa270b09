/**
 * Which earlier Security Hub findings an audit may archive: those of clusters that are gone.
 * An earlier finding this run did not produce means its cluster (or lineage) is no longer
 * listed, or DELETED, unless the run could not see it: a region or check error, or a check
 * skipped for missing facts. Then nothing that might still apply is archived.
 */

/** Finding ids are `account/region/resourceId/checkId` (lib/events/findings.ts). */
function partsOf(id: string): { region: string; resourceId: string; checkId: string } | undefined {
  const parts = id.split('/');
  if (parts.length !== 4) return undefined;
  return { region: parts[1]!, resourceId: parts[2]!, checkId: parts[3]! };
}

/** What the rule needs from the audit report. */
export interface ArchiveFacts {
  errors: readonly unknown[];
  skipped: readonly { region: string; clusterId: string; checkId: string }[];
  regions: readonly string[];
}

/**
 * The `mayArchive` rule for an audit: never after an error; only in audited regions; never a
 * finding whose (cluster, check), or whose check for every lineage, was skipped. DELETED
 * clusters' "(every check)" entries do not protect anything: those clusters are gone.
 */
export function archiveRule(report: ArchiveFacts): (id: string) => boolean {
  if (report.errors.length > 0) return () => false;
  const audited = new Set(report.regions);
  const skippedKeys = new Set(report.skipped.map((s) => `${s.region}/${s.clusterId}/${s.checkId}`));
  const skippedEverywhere = new Set(
    report.skipped.filter((s) => s.clusterId.startsWith('(every')).map((s) => s.checkId),
  );
  return (id) => {
    const parts = partsOf(id);
    if (!parts || !audited.has(parts.region)) return false;
    if (skippedEverywhere.has(parts.checkId)) return false;
    return !skippedKeys.has(`${parts.region}/${parts.resourceId}/${parts.checkId}`);
  };
}
