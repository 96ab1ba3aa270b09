/** CloudHSM v2 backup operations: describe (filtered, sorted, paged), copy, delete, restore, modify. */
import { KNOWN_REGIONS, PATTERNS } from '../../lib/config/common.js';
import { ApiError } from '../errors.js';
import { decodeToken, encodeToken, fingerprint } from '../paging.js';
import {
  type BackupRecord,
  compareByCreation,
  PENDING_DELETION_MS,
  type RegionState,
  upperBound,
} from '../state.js';
import { backupIdParameter, findBackup, INVALID, reader } from './cloudhsm-common.js';
import { backupShape } from './cloudhsm-shapes.js';
import { tagsFromList } from './cloudhsm-tags.js';
import type { Handler } from './context.js';
import type { Input } from './input.js';

const BACKUP_FILTER_KEYS = ['backupIds', 'sourceBackupIds', 'clusterIds', 'states', 'neverExpires'];

/** A `Filters` map (key → list of strings), checked against the keys the operation knows. */
export function parseFilters(input: Input, allowed: string[]): Map<string, Set<string>> {
  const filters = new Map<string, Set<string>>();
  const raw = reader(input).object('Filters');
  if (!raw) return filters;
  const keys = Object.keys(raw);
  if (keys.length > 30) throw new ApiError(INVALID, 'At most 30 filter keys are allowed');
  for (const key of keys) {
    if (!allowed.includes(key)) {
      throw new ApiError(INVALID, `Invalid filter key "${key}"; valid keys are ${allowed.join(', ')}`);
    }
    const values = raw[key];
    if (!Array.isArray(values) || values.some((v) => typeof v !== 'string')) {
      throw new ApiError(INVALID, `Filter "${key}" must be a list of strings`);
    }
    filters.set(key, new Set(values as string[]));
  }
  const never = filters.get('neverExpires');
  if (never && [...never].some((v) => v !== 'true' && v !== 'false')) {
    throw new ApiError(INVALID, 'Filter "neverExpires" takes "true" or "false"');
  }
  return filters;
}

function matches(backup: BackupRecord, filters: Map<string, Set<string>>): boolean {
  for (const [key, values] of filters) {
    switch (key) {
      case 'backupIds':
        if (!values.has(backup.id)) return false;
        break;
      case 'sourceBackupIds':
        if (!backup.sourceBackup || !values.has(backup.sourceBackup)) return false;
        break;
      case 'clusterIds':
        if (!backup.clusterId || !values.has(backup.clusterId)) return false;
        break;
      case 'states':
        if (!values.has(backup.state)) return false;
        break;
      case 'neverExpires':
        if (!values.has(String(backup.neverExpires))) return false;
        break;
    }
  }
  return true;
}

function gatherFrom(ids: Set<string>, index: Map<string, BackupRecord[]>): BackupRecord[] {
  const lists = [...ids].map((id) => index.get(id) ?? []);
  if (lists.length === 1) return lists[0]!;
  return lists.flat().sort(compareByCreation);
}

/** The smallest ascending list that holds every match, using the indexes. */
function candidates(region: RegionState, filters: Map<string, Set<string>>): readonly BackupRecord[] {
  const backupIds = filters.get('backupIds');
  if (backupIds) {
    return [...backupIds]
      .map((id) => region.backups.get(id))
      .filter((b): b is BackupRecord => b !== undefined)
      .sort(compareByCreation);
  }
  const sources = filters.get('sourceBackupIds');
  if (sources) return gatherFrom(sources, region.backupsBySource);
  const clusters = filters.get('clusterIds');
  if (clusters) return gatherFrom(clusters, region.backupsByCluster);
  return region.orderedBackups;
}

interface BackupToken {
  f: string;
  /** Creation time and id of the last backup returned. */
  t: number;
  i: string;
}

const describeBackups: Handler = ({ state, region: regionName }, input) => {
  const r = reader(input);
  const maxResults = r.integer('MaxResults', 1, 50) ?? 50;
  const ascending = r.boolean('SortAscending') === true;
  const shared = r.boolean('Shared') === true;
  const nextToken = r.string('NextToken');
  const filters = parseFilters(input, BACKUP_FILTER_KEYS);
  const print = fingerprint([
    regionName,
    ascending,
    shared,
    [...filters].map(([k, v]) => [k, [...v].sort()]),
  ]);
  // No backups are shared with the sandbox's account through AWS RAM.
  if (shared) return { Backups: [] };

  const list = candidates(state.view(regionName), filters);
  let index = ascending ? 0 : list.length - 1;
  if (nextToken) {
    const token = decodeToken<BackupToken>(nextToken, print, INVALID);
    const key = { createdMs: token.t, id: token.i };
    const after = upperBound(list, key);
    index = ascending ? after : after - 1;
    if (!ascending && list[index] && compareByCreation(list[index]!, key) === 0) index -= 1;
  }
  const page: BackupRecord[] = [];
  const step = ascending ? 1 : -1;
  for (; index >= 0 && index < list.length; index += step) {
    const backup = list[index]!;
    if (!matches(backup, filters)) continue;
    if (page.length === maxResults) {
      const last = page[page.length - 1]!;
      const token: BackupToken = { f: print, t: last.createdMs, i: last.id };
      return { Backups: page.map((b) => backupShape(b, state.account)), NextToken: encodeToken(token) };
    }
    page.push(backup);
  }
  return { Backups: page.map((b) => backupShape(b, state.account)) };
};

function requireState(backup: BackupRecord, expected: BackupRecord['state'], action: string): void {
  if (backup.state !== expected) {
    throw new ApiError(
      INVALID,
      `Cannot ${action} backup ${backup.id} because it is in state ${backup.state} (it must be ${expected})`,
    );
  }
}

const copyBackupToRegion: Handler = ({ state, region }, input) => {
  const r = reader(input);
  const destination = r.requiredString('DestinationRegion', { pattern: PATTERNS.region });
  const source = findBackup(state.view(region), backupIdParameter(r.requiredString('BackupId')));
  const tags = r.objectList('TagList', { min: 1, max: 50 });
  if (destination === region) {
    throw new ApiError(INVALID, `Cannot copy backup ${source.id} to its own region ${region}`);
  }
  // A well-formed name is not enough: AWS copies only to regions it has (the fleet may add test regions).
  if (!KNOWN_REGIONS.has(destination) && !state.regions.has(destination)) {
    throw new ApiError(INVALID, `Destination region ${destination} does not exist`);
  }
  requireState(source, 'READY', 'copy');
  const now = state.clock.nowMs();
  const copy: BackupRecord = {
    id: state.ids.next('backup'),
    region: destination,
    clusterId: source.clusterId,
    state: 'CREATE_IN_PROGRESS',
    createdMs: source.createdMs,
    copiedMs: now,
    neverExpires: false,
    sourceRegion: region,
    sourceBackup: source.id,
    sourceCluster: source.clusterId,
    hsmType: source.hsmType,
    mode: source.mode,
    tags: tags ? tagsFromList(tags) : new Map(source.tags),
  };
  state.region(destination).addBackup(copy);
  state.scheduleReady(copy, now);
  return {
    DestinationBackup: {
      CreateTimestamp: source.createdMs / 1000,
      SourceRegion: region,
      SourceBackup: source.id,
      SourceCluster: source.clusterId,
    },
  };
};

const deleteBackup: Handler = ({ state, region }, input) => {
  const backup = findBackup(state.view(region), backupIdParameter(reader(input).requiredString('BackupId')));
  requireState(backup, 'READY', 'delete');
  state.scheduleDeletion(backup, state.clock.nowMs() + PENDING_DELETION_MS);
  return { Backup: backupShape(backup, state.account) };
};

const restoreBackup: Handler = ({ state, region }, input) => {
  const backup = findBackup(state.view(region), backupIdParameter(reader(input).requiredString('BackupId')));
  requireState(backup, 'PENDING_DELETION', 'restore');
  backup.state = 'READY';
  backup.deleteMs = undefined;
  return { Backup: backupShape(backup, state.account) };
};

const modifyBackupAttributes: Handler = ({ state, region }, input) => {
  const r = reader(input);
  const backup = findBackup(state.view(region), backupIdParameter(r.requiredString('BackupId')));
  const neverExpires = r.requiredBoolean('NeverExpires');
  if (backup.state === 'DELETED' || backup.state === 'PENDING_DELETION') {
    throw new ApiError(INVALID, `Cannot modify backup ${backup.id} because it is in state ${backup.state}`);
  }
  backup.neverExpires = neverExpires;
  return { Backup: backupShape(backup, state.account) };
};

/** Backup operations by name. */
export const backupHandlers: Record<string, Handler> = {
  DescribeBackups: describeBackups,
  CopyBackupToRegion: copyBackupToRegion,
  DeleteBackup: deleteBackup,
  RestoreBackup: restoreBackup,
  ModifyBackupAttributes: modifyBackupAttributes,
};
