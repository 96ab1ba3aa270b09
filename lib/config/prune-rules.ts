/**
 * The rules between prune settings: which cutoff was chosen, keep-last 0 only with a confirmed
 * --deleteall, copy retention. Each problem names the settings by the caller's names (flags or
 * variables), so the same rule reads right on the command line and in the Lambda's log.
 */
import type { Duration } from 'luxon';
import { UsageError } from '../errors.js';
import { type CutoffLabels, parseAge, parseTimestamp, parseTimeZone } from '../time/cutoff.js';
import type { CutoffRule, PruneConfig, PruneInput, PruneNames, PruneValues } from './prune-table.js';
import { type CopyRetention, resolveCopyRetention } from './shared.js';
import { given, type Problems } from './table.js';

/** The start of the shared "which backups?" message (the Lambda words its own). */
export const NOT_SAID_PREFIX = 'say which backups are stale:';

/** Which backups the run is about: one cutoff, or copies or duplicates only. */
export function cutoffRule(
  raw: PruneInput,
  value: PruneValues,
  names: PruneNames,
  problems: Problems,
): CutoffRule | undefined {
  const deleteAll = value.deleteAll ?? false;
  const hasTimestamp = given(raw.timestamp);
  const hasAge = given(raw.olderThan);
  const hasCopyRetention = given(raw.copyRetentionDays) || given(raw.copyRetention);
  const duplicates = value.duplicateCopies ?? false;
  if (deleteAll && hasTimestamp) {
    // The seed script's rule, kept: "--timestamp and --deleteall cannot be used in the same invocation".
    problems.add(`${names.timestamp} and ${names.deleteAll} cannot be used together`);
    return undefined;
  }
  const chosen = [hasTimestamp, hasAge, deleteAll].filter(Boolean).length;
  if (chosen > 1) {
    problems.add(`give only one of ${names.timestamp}, ${names.olderThan} or ${names.deleteAll}`);
    return undefined;
  }
  // Without a timestamp the zone only changes how the cutoff is printed; it must still be valid.
  const timezone = given(raw.timezone) ? raw.timezone.trim() : undefined;
  if (timezone !== undefined && !hasTimestamp)
    problems.attempt(() => parseTimeZone(timezone, names.timezone));
  if (deleteAll && hasCopyRetention) {
    problems.add(`${names.deleteAll} and ${names.copyRetentionDays} cannot be used together`);
    return undefined;
  }
  if (deleteAll && duplicates) {
    problems.add(`${names.deleteAll} and ${names.duplicateCopies} cannot be used together`);
    return undefined;
  }
  const zone = timezone ? { timezone } : {};
  if (hasTimestamp) {
    const labels: CutoffLabels = {
      timestamp: names.timestamp,
      timezone: names.timezone,
      olderThan: names.olderThan,
    };
    // Parsed now so a bad date is bad input before anything is listed; resolved again by the planner.
    problems.attempt(() => parseTimestamp(raw.timestamp!, raw.timezone, labels));
    return { kind: 'timestamp', timestamp: raw.timestamp!.trim(), ...zone };
  }
  if (hasAge) {
    problems.attempt(() => atLeastOneDay(parseAge(raw.olderThan!, names.olderThan), raw.olderThan!, names));
    return { kind: 'older-than', olderThan: raw.olderThan!.trim(), ...zone };
  }
  if (deleteAll) return { kind: 'all' };
  if (hasCopyRetention) return { kind: 'copies-only', ...zone };
  if (duplicates) return { kind: 'duplicates-only', ...zone };
  problems.add(
    `${NOT_SAID_PREFIX} ${names.timestamp} <date>, ${names.olderThan} <age such as 90d>, ` +
      `${names.duplicateCopies}, or ${names.deleteAll} (with ${names.clusterId})`,
  );
  return undefined;
}

/**
 * A prune age is at least one day: a shorter one is almost always a unit mistake (`6m` meaning
 * months) and would plan nearly every backup; a finer cutoff is an explicit timestamp.
 */
export function atLeastOneDay(age: Duration, text: string, names: PruneNames): void {
  if (age.toMillis() >= 86_400_000) return;
  const minutes = /^(\d+(?:\.\d+)?)\s*m$/.exec(text.trim());
  const hint = minutes
    ? ` (${minutes[1]}m is ${minutes[1]} minutes; for months write P${minutes[1]}M or ${Number(minutes[1]) * 30}d)`
    : '';
  throw new UsageError(
    `${names.olderThan} "${text.trim()}" is under one day: prune ages are at least 1d, ` +
      `and a finer cutoff is a ${names.timestamp}${hint}`,
  );
}

/** `--deleteall` needs a cluster; keep-last 0 only with `--deleteall --confirm <that cluster>`. */
export function keepLastRules(config: Partial<PruneConfig>, names: PruneNames, problems: Problems): void {
  const deleteAll = config.cutoff?.kind === 'all';
  if (deleteAll && !config.clusterId) {
    problems.add(`${names.deleteAll} needs ${names.clusterId}: it removes the backups of one cluster`);
  }
  if (config.confirm !== undefined) {
    if (!deleteAll) problems.add(`${names.confirm} only applies to ${names.deleteAll}`);
    else if (config.confirm !== config.clusterId) {
      problems.add(
        `${names.confirm} "${config.confirm}" does not match ${names.clusterId} "${config.clusterId}"`,
      );
    }
  }
  if (
    config.keepLast === 0 &&
    !(deleteAll && config.confirm !== undefined && config.confirm === config.clusterId)
  ) {
    problems.add(
      `${names.keepLast} 0 would leave a lineage with no backup; it is accepted only with ` +
        `${names.deleteAll} ${names.confirm} <cluster-id> naming the same cluster as ${names.clusterId}`,
    );
  }
}

/**
 * Copy retention as the audit reads it (see {@link resolveCopyRetention}); `fixed` also needs
 * the days, since prune deletes by them. `--copies-as-of` only applies with copy retention.
 */
export function copyRetentionRules(
  value: PruneValues,
  names: PruneNames,
  problems: Problems,
): CopyRetention & { copiesAsOf?: string } {
  const retention = problems.attempt(() =>
    resolveCopyRetention(value.copyRetention, value.copyRetentionDays, names),
  );
  if (!retention) return {};
  if (retention.mode === 'fixed' && retention.days === undefined) {
    problems.add(`${names.copyRetention} fixed needs ${names.copyRetentionDays} <days>`);
    return {};
  }
  if (value.copiesAsOf !== undefined && retention.days === undefined) {
    problems.add(
      `${names.copiesAsOf} only applies to copy retention: give ${names.copyRetentionDays} or ${names.copyRetention} source`,
    );
  }
  return { ...retention, ...(retention.days !== undefined ? { copiesAsOf: value.copiesAsOf } : {}) };
}
