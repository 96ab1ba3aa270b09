import type { DateTime } from 'luxon';
import type { BackupInfo } from '../inventory/types.js';
import { DOCS, formatDuration, plural } from './common.js';
import type { CheckConfig, CheckResult } from './types.js';

/** One lineage whose source cluster is gone, and its copies in the DR regions. */
export interface LineageFacts {
  /** The source cluster id the copies name (`SourceCluster`). */
  lineage: string;
  /** The region the source cluster lived in (`SourceRegion`), which the audit listed. */
  sourceRegion: string;
  /** The source cluster's state when it is still listed (DELETED), else undefined: not listed at all. */
  sourceState?: string;
  /** Copies of the lineage per DR region, every state. */
  copies: Record<string, BackupInfo[]>;
  config: CheckConfig;
  now: DateTime;
}

/** A check judged per lineage rather than per cluster: its subject no longer exists as a cluster. */
export interface LineageCheck {
  id: string;
  title: string;
  severity: 'MEDIUM';
  evaluate(facts: LineageFacts): CheckResult | undefined;
}

const isHeld = (copy: BackupInfo, holdTag: string) => copy.neverExpires || copy.tags[holdTag] !== undefined;

/**
 * Copies whose source cluster no longer exists (deleted, or no longer listed in its audited
 * region). No retention policy covers a copy in another region (AWS: "You must manually delete
 * any backups not associated with a cluster"), so they stay, billed, until someone deletes
 * them, and can bring back deleted users and retired keys. Reported per lineage with counts
 * and the oldest age; FAILED while any READY copy is neither NeverExpires nor held. Returns
 * undefined when the lineage has no READY copy left (nothing to report or close).
 */
export const orphanDrCopies: LineageCheck = {
  id: 'orphan-dr-copies',
  title: 'No DR copies left behind by a deleted cluster',
  severity: 'MEDIUM',
  evaluate({ lineage, sourceRegion, sourceState, copies, config, now }) {
    const regions = Object.keys(copies)
      .filter((region) => copies[region]!.some((c) => c.state === 'READY'))
      .sort();
    if (regions.length === 0) return undefined;
    const gone = sourceState
      ? `source cluster ${lineage} is ${sourceState} in ${sourceRegion}`
      : `source cluster ${lineage} no longer exists in ${sourceRegion}`;
    let unheld = 0;
    const parts = regions.map((region) => {
      const ready = copies[region]!.filter((c) => c.state === 'READY');
      const held = ready.filter((c) => isHeld(c, config.holdTag)).length;
      unheld += ready.length - held;
      const oldest = ready.reduce((a, b) => (a.createdAt <= b.createdAt ? a : b));
      const age = formatDuration(now.toMillis() - oldest.createdAt.getTime());
      return (
        `${region}: ${plural(ready.length, 'READY copy', 'READY copies')}${held ? ` (${held} NeverExpires or held)` : ''}, ` +
        `oldest ${oldest.id} ${age} old`
      );
    });
    return {
      status: unheld > 0 ? 'FAILED' : 'PASSED',
      observed: `${gone}; ${parts.join('; ')}`,
      expected: 'no READY copy of a deleted cluster, unless kept on purpose (NeverExpires or the hold tag)',
      remediation: {
        text:
          'Decide whether the copies are still needed. If not, review and delete them: ' +
          regions
            .map(
              (region) =>
                `cloudhsm-ops prune --region ${region} --cluster-id ${lineage} --deleteall --keep-last 0 --confirm ${lineage}`,
            )
            .join('; ') +
          ' (a dry run; add --execute to delete, undo within 7 days with restore). To keep them, tag them ' +
          `with ${config.holdTag}.`,
        url: DOCS.retention,
      },
    };
  },
};
