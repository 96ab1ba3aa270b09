import type { Tag } from '../aws/cloudhsm.js';
import type { BackupInfo } from '../inventory/types.js';
import { RECORD_TAG_PREFIX } from '../prune/record.js';

/** Tag keys cloudhsm-ops writes; prune and people recognise a DR copy by them. */
export const COPY_TAGS = {
  /** On a copy: the source backup id. */
  copyOf: 'cloudhsm-ops:copy-of',
  /** On a copy: the region the source backup lives in. */
  sourceRegion: 'cloudhsm-ops:source-region',
  /** On a copy: the cluster the source backup was taken from (its lineage). */
  sourceCluster: 'cloudhsm-ops:source-cluster',
  /** On a copy: the run that made it, so a run can tell its own copy from another run's duplicate. */
  copyRun: 'cloudhsm-ops:copy-run',
  /** On a source backup, while a run copies it: who holds it and until when. */
  claim: 'cloudhsm-ops:copy-claim',
} as const;

/** CopyBackupToRegion accepts at most this many tags. */
export const MAX_TAGS = 50;

/** AWS's tag key and value character set (docs/aws-api.md §1.2); keys 1–128, values 0–256. */
const TAG_TEXT = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

export type { Tag } from '../aws/cloudhsm.js';

/** True when AWS would accept this key and value. */
export function isValidTag(key: string, value: string): boolean {
  return (
    key.length >= 1 && key.length <= 128 && value.length <= 256 && TAG_TEXT.test(key) && TAG_TEXT.test(value)
  );
}

/** cloudhsm-ops' own bookkeeping keys: set afresh on each copy, or (the claim) never carried. */
const BOOKKEEPING_KEYS: ReadonlySet<string> = new Set(Object.values(COPY_TAGS));

/**
 * Keys never carried over from a source: AWS-reserved ones, cloudhsm-ops' bookkeeping, and
 * prune's deletion records (a copy was deleted by no one; a record on it would let
 * `restore --run-id` and the next prune mistake it for that run's deletion).
 * Every other key is, the hold tag (`cloudhsm-ops:hold`) included: a held backup's copies are held too.
 */
function isCarriedOver(key: string): boolean {
  return (
    !key.toLowerCase().startsWith('aws:') && !BOOKKEEPING_KEYS.has(key) && !key.startsWith(RECORD_TAG_PREFIX)
  );
}

export interface CopyTagList {
  tags: Tag[];
  /** Source tag keys left off, because they were over the 50-tag limit or not valid. */
  dropped: string[];
}

/**
 * The TagList for a copy: the cloudhsm-ops tags first (they are what prune relies on),
 * then the source's own tags in key order until the 50-tag limit. Passing a TagList
 * replaces the service's own tag copying, so the source's tags must be included here.
 */
export function copyTagList(
  source: BackupInfo,
  sourceTags: Record<string, string>,
  runId: string,
): CopyTagList {
  const ours: Tag[] = [
    { Key: COPY_TAGS.copyOf, Value: source.id },
    { Key: COPY_TAGS.sourceRegion, Value: source.region },
    ...(source.clusterId ? [{ Key: COPY_TAGS.sourceCluster, Value: source.clusterId }] : []),
    { Key: COPY_TAGS.copyRun, Value: runId },
  ];
  const tags = [...ours];
  const dropped: string[] = [];
  for (const key of Object.keys(sourceTags).sort()) {
    const value = sourceTags[key]!;
    if (!isCarriedOver(key)) continue;
    if (!isValidTag(key, value) || tags.length >= MAX_TAGS) {
      dropped.push(key);
      continue;
    }
    tags.push({ Key: key, Value: value });
  }
  return { tags, dropped };
}

/** A claim on a source backup: which run holds it, and until when. */
export interface Claim {
  runId: string;
  until: Date;
}

/** An instant as the claim tag writes it: ISO 8601 to the second. */
export function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The claim tag's value: `run=<id> until=<ISO time>`; only tag-safe characters. */
export function formatClaim(claim: Claim): string {
  return `run=${claim.runId} until=${isoSeconds(claim.until)}`;
}

/** Reads a claim tag's value; anything malformed is no claim (it would otherwise block forever). */
export function parseClaim(value: string | undefined): Claim | undefined {
  const match = /^run=(\S+) until=(\S+)$/.exec(value ?? '');
  if (!match) return undefined;
  const until = new Date(match[2]!);
  return Number.isNaN(until.getTime()) ? undefined : { runId: match[1]!, until };
}
