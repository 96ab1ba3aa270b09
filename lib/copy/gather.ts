import type { DateTime } from 'luxon';
import { clusterKnown, findCopies, listRecentBackups } from '../aws/cloudhsm.js';
import { mapSettled } from '../concurrency.js';
import { UsageError } from '../errors.js';
import type { BackupInfo, RegionInventory } from '../inventory/types.js';
import type { PendingCopy } from './claim-step.js';
import type { CopyContext } from './context.js';
import { type CopyPlan, copyCandidates, planCopies } from './plan.js';
import { type CopyLine, type CopyLines, failure, lineOf } from './result.js';

/**
 * The gather and plan steps of a copy run: list the recent source backups, look in each DR
 * region for copies of the candidates only, plan once, and file the plan's lines.
 */

/** What gathering found: the plan, the listings that failed, and when each listing was sent. */
export interface Gathered {
  plan: CopyPlan;
  /** A source region that could not be listed, or a DR region that could not be looked in. */
  failed: CopyLine[];
  /** When (monotonic ms) each source region's listing was requested: its tags are a claim's read. */
  listedAt: Map<string, number>;
}

/** Lists recent source backups, then only the DR copies of candidates, then plans. */
export async function gatherAndPlan(ctx: CopyContext, planTime: DateTime): Promise<Gathered> {
  const { config } = ctx;
  const failed: CopyLine[] = [];
  const listedAt = new Map<string, number>();
  const windowStart = planTime.minus(config.since).toJSDate();
  const filters = config.clusterIds.length > 0 ? { clusterIds: config.clusterIds } : undefined;
  const regions = config.sourceRegions;
  const totalListings = regions.length + config.drRegions.length;
  let listed = 0;
  ctx.progress('gather', 0, totalListings);

  const listings = await mapSettled(regions, config.concurrency, async (region) => {
    listedAt.set(region, ctx.monotonic());
    const backups = await listRecentBackups(ctx.clients.cloudHsm(region), region, windowStart, filters);
    ctx.progress('gather', ++listed, totalListings);
    return backups;
  });
  const sources: RegionInventory[] = [];
  listings.forEach((listing, index) => {
    const region = regions[index]!;
    if (listing.status === 'fulfilled') sources.push({ region, clusters: [], backups: listing.value });
    else failed.push(failure({ sourceRegion: region }, listing.reason, 'could not list backups'));
  });

  await refuseUnknownClusters(ctx, sources, failed.length === 0);
  const candidates = copyCandidates(sources, config, planTime);
  const candidateIds = [...new Set(candidates.map((c) => c.source.id))];
  const lookups = await mapSettled(config.drRegions, config.concurrency, async (region) => {
    const found =
      candidateIds.length > 0 ? await findCopies(ctx.clients.cloudHsm(region), region, candidateIds) : [];
    ctx.progress('gather', ++listed, totalListings);
    return found;
  });
  const destinations: Record<string, BackupInfo[]> = {};
  const reachable: string[] = [];
  lookups.forEach((lookup, index) => {
    const region = config.drRegions[index]!;
    if (lookup.status === 'fulfilled') {
      destinations[region] = lookup.value;
      reachable.push(region);
      return;
    }
    for (const candidate of candidates.filter((c) => c.destinationRegion === region)) {
      failed.push(
        failure(lineOf(candidate.source, region), lookup.reason, 'could not look for existing copies'),
      );
    }
  });
  const plan = planCopies(sources, destinations, { ...config, drRegions: reachable }, planTime);
  return { plan: { ...plan, drRegions: [...config.drRegions] }, failed, listedAt };
}

/**
 * A cluster id that no source region knows is a mistake (a typo in a schedule's setting would
 * otherwise copy nothing, silently): bad input. Judged only when every source was listed.
 */
async function refuseUnknownClusters(ctx: CopyContext, sources: RegionInventory[], complete: boolean) {
  const { clusterIds, sourceRegions } = ctx.config;
  if (!complete || clusterIds.length === 0) return;
  const seen = new Set(sources.flatMap((s) => s.backups.map((b) => b.clusterId)));
  for (const id of clusterIds.filter((c) => !seen.has(c))) {
    const known = await Promise.all(sourceRegions.map((r) => clusterKnown(ctx.clients.cloudHsm(r), id)));
    if (!known.includes(true)) {
      throw new UsageError(
        `no cluster ${id} (nor any backup of it) in ${sourceRegions.join(', ')}: check the cluster id and the ` +
          'source regions; nothing was copied',
      );
    }
  }
}

/** Files the plan's lines that need no action, and returns the copies to make. */
export function fileThePlan(plan: CopyPlan): {
  lines: Pick<CopyLines, 'planned' | 'alreadyPresent' | 'skipped'>;
  pending: PendingCopy[];
} {
  const lines: Pick<CopyLines, 'planned' | 'alreadyPresent' | 'skipped'> = {
    planned: [],
    alreadyPresent: [],
    skipped: [],
  };
  const pending: PendingCopy[] = [];
  for (const item of plan.items) {
    const line = lineOf(item.source, item.destinationRegion);
    if (item.action === 'copy' && item.destinationRegion) {
      lines.planned.push(line);
      pending.push({ item: item as PendingCopy['item'], line });
    } else if (item.action === 'already-present') {
      const first = item.existing?.[0];
      lines.alreadyPresent.push({
        ...line,
        destinationBackupId: first?.backupId,
        state: first?.state,
        detail: item.detail,
      });
    } else {
      lines.skipped.push({ ...line, reason: item.reason, detail: item.detail });
    }
  }
  return { lines, pending };
}
