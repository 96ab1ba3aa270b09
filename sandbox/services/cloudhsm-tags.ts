/** CloudHSM v2 tagging: ListTags (paged), TagResource, UntagResource, on clusters and backups. */
import { ApiError } from '../errors.js';
import { decodeToken, encodeToken, fingerprint } from '../paging.js';
import { findBackup, findCluster, INVALID, reader } from './cloudhsm-common.js';
import { tagList } from './cloudhsm-shapes.js';
import type { CallContext, Handler } from './context.js';
import type { Input } from './input.js';

const MAX_TAGS = 50;
const TAG_KEY = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u;
const TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{0,256}$/u;
const RESOURCE_ID = /^(?:cluster|backup)-[2-7a-zA-Z]{11,16}$/;

function checkKey(key: unknown): string {
  if (typeof key !== 'string' || !TAG_KEY.test(key)) {
    throw new ApiError(
      INVALID,
      `Tag key ${JSON.stringify(key)} must be 1-128 letters, digits, spaces or _.:/=+-@`,
    );
  }
  if (key.toLowerCase().startsWith('aws:')) {
    throw new ApiError('CloudHsmTagException', `Tag keys starting with "aws:" are reserved (${key})`);
  }
  return key;
}

/** A TagList parameter as a map, every key and value checked. */
export function tagsFromList(list: Input[]): Map<string, string> {
  const tags = new Map<string, string>();
  for (const tag of list) {
    const key = checkKey(tag.Key);
    if (typeof tag.Value !== 'string' || !TAG_VALUE.test(tag.Value)) {
      throw new ApiError(INVALID, `Tag value for ${key} must be 0-256 letters, digits, spaces or _.:/=+-@`);
    }
    tags.set(key, tag.Value);
  }
  return tags;
}

function resourceTags({ state, region }: CallContext, input: Input): Map<string, string> {
  const id = reader(input).requiredString('ResourceId', { pattern: RESOURCE_ID });
  const target = state.view(region);
  return id.startsWith('cluster-') ? findCluster(target, id).tags : findBackup(target, id).tags;
}

const listTags: Handler = (context, input) => {
  const r = reader(input);
  const maxResults = r.integer('MaxResults', 1, 100) ?? 50;
  const nextToken = r.string('NextToken');
  const tags = tagList(resourceTags(context, input));
  const print = fingerprint([context.region, input.ResourceId]);
  const start = nextToken ? decodeToken<{ f: string; o: number }>(nextToken, print, INVALID).o : 0;
  const page = tags.slice(start, start + maxResults);
  const end = start + page.length;
  return end < tags.length
    ? { TagList: page, NextToken: encodeToken({ f: print, o: end }) }
    : { TagList: page };
};

const tagResource: Handler = (context, input) => {
  const list = reader(input).objectList('TagList', { min: 1, max: 50 });
  if (!list) throw new ApiError(INVALID, 'TagList is required');
  const tags = resourceTags(context, input);
  const added = tagsFromList(list);
  const keys = new Set([...tags.keys(), ...added.keys()]);
  if (keys.size > MAX_TAGS) {
    throw new ApiError(
      'CloudHsmResourceLimitExceededException',
      `A resource can have at most ${MAX_TAGS} tags`,
    );
  }
  for (const [key, value] of added) tags.set(key, value);
  return {};
};

const untagResource: Handler = (context, input) => {
  const keys = reader(input).stringList('TagKeyList', { min: 1, max: 50 });
  if (!keys) throw new ApiError(INVALID, 'TagKeyList is required');
  const tags = resourceTags(context, input);
  for (const key of keys) tags.delete(checkKey(key));
  return {};
};

/** Tagging operations by name. */
export const tagHandlers: Record<string, Handler> = {
  ListTags: listTags,
  TagResource: tagResource,
  UntagResource: untagResource,
};
