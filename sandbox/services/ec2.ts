/**
 * EC2 describe calls (query protocol, XML in the 2016-11-15 namespace) with the filters the
 * audit uses: DescribeAvailabilityZones, DescribeSubnets, DescribeSecurityGroups.
 */
import { ApiError } from '../errors.js';
import { decodeToken, encodeToken, fingerprint } from '../paging.js';
import {
  numberedList,
  type QueryFilter,
  type QueryParams,
  queryFilters,
  type XmlValue,
} from '../protocols/query.js';
import type { RuleRecord, SecurityGroupRecord, SubnetRecord, ZoneRecord } from '../state.js';
import type { CallContext } from './context.js';

/** An EC2 operation: query parameters in, the XML body's members out. */
export type QueryHandler = (context: CallContext, params: QueryParams) => XmlValue;

const INVALID_VALUE = 'InvalidParameterValue';

/** What a filter reads from an item: one value, several, or none. */
type Field<T> = (item: T) => string | number | boolean | undefined | Array<string | number | undefined>;

function wildcard(pattern: string): (value: string) => boolean {
  if (!/[*?]/.test(pattern)) return (value) => value === pattern;
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  const regex = new RegExp(`^${source}$`, 's');
  return (value) => regex.test(value);
}

const tagsOf = (item: object) => (item as { tags?: Map<string, string> }).tags;

/** Applies EC2 filters: values OR'd (with * and ? wildcards), filters AND'd; unknown names are errors. */
function applyFilters<T extends object>(
  items: T[],
  filters: QueryFilter[],
  fields: Record<string, Field<T>>,
): T[] {
  const tests = filters.map((filter) => {
    const matchers = filter.values.map(wildcard);
    const any = (values: unknown[]) =>
      values.some((v) => v !== undefined && matchers.some((m) => m(String(v))));
    if (filter.name.startsWith('tag:')) {
      const key = filter.name.slice(4);
      return (item: T) => any([tagsOf(item)?.get(key)]);
    }
    if (filter.name === 'tag-key') return (item: T) => any([...(tagsOf(item)?.keys() ?? [])]);
    const field = fields[filter.name];
    if (!field) throw new ApiError(INVALID_VALUE, `The filter '${filter.name}' is invalid`);
    return (item: T) => {
      const value = field(item);
      return any(Array.isArray(value) ? value : [value]);
    };
  });
  return items.filter((item) => tests.every((test) => test(item)));
}

function checkDryRun(params: QueryParams): void {
  if (params.get('DryRun') === 'true') {
    throw new ApiError('DryRunOperation', 'Request would have succeeded, but DryRun flag is set.', 412);
  }
}

/** MaxResults/NextToken paging over an already filtered list. */
function paginate<T>(params: QueryParams, items: T[], print: string): { page: T[]; nextToken?: string } {
  const raw = params.get('MaxResults');
  const nextToken = params.get('NextToken');
  let max = items.length;
  if (raw !== undefined) {
    max = Number(raw);
    if (!Number.isInteger(max) || max < 5 || max > 1000) {
      throw new ApiError(
        INVALID_VALUE,
        `Value ( ${raw} ) for parameter maxResults is invalid. Expecting a value between 5 and 1000.`,
      );
    }
  }
  const start = nextToken ? decodeToken<{ f: string; o: number }>(nextToken, print, 'InvalidNextToken').o : 0;
  const page = items.slice(start, start + max);
  const end = start + page.length;
  return end < items.length ? { page, nextToken: encodeToken({ f: print, o: end }) } : { page };
}

function tagSet(tags: Map<string, string>): XmlValue {
  return [...tags].map(([key, value]) => ({ key, value }));
}

const ZONE_FIELDS: Record<string, Field<ZoneRecord>> = {
  'zone-name': (z) => z.name,
  'zone-id': (z) => z.id,
  'zone-type': (z) => z.type,
  state: (z) => z.state,
  'region-name': (z) => z.name.slice(0, -1),
  'group-name': (z) => z.name.slice(0, -1),
  'network-border-group': (z) => z.name.slice(0, -1),
  'opt-in-status': (z) => optIn(z),
};

function optIn(zone: ZoneRecord): string {
  return zone.type === 'availability-zone' ? 'opt-in-not-required' : 'opted-in';
}

function describeAvailabilityZones({ state, region }: CallContext, params: QueryParams): XmlValue {
  checkDryRun(params);
  const zones = state.view(region).zones;
  const names = numberedList(params, 'ZoneName');
  const ids = numberedList(params, 'ZoneId');
  for (const name of names) {
    if (!zones.some((z) => z.name === name)) {
      throw new ApiError(INVALID_VALUE, `Invalid availability zone: [${name}]`);
    }
  }
  let selected = zones.filter(
    (z) => (names.length === 0 || names.includes(z.name)) && (ids.length === 0 || ids.includes(z.id)),
  );
  selected = applyFilters(selected, queryFilters(params), ZONE_FIELDS);
  return {
    availabilityZoneInfo: selected.map((z) => ({
      zoneName: z.name,
      zoneState: z.state,
      regionName: region,
      zoneId: z.id,
      zoneType: z.type,
      optInStatus: optIn(z),
      groupName: region,
      networkBorderGroup: region,
      messageSet: [],
    })),
  };
}

const SUBNET_FIELDS: Record<string, Field<SubnetRecord>> = {
  'subnet-id': (s) => s.id,
  'vpc-id': (s) => s.vpc,
  'availability-zone': (s) => s.zone,
  'availability-zone-id': (s) => s.zoneId,
  state: (s) => s.state,
  'cidr-block': (s) => s.cidr,
  cidr: (s) => s.cidr,
  cidrBlock: (s) => s.cidr,
  'default-for-az': () => 'false',
  defaultForAz: () => 'false',
  'owner-id': () => undefined,
  // The other filters EC2 documents for DescribeSubnets, answered from what the sandbox models
  // (no IPv6, no Outposts, no customer-owned pools, public IPs off, one fixed free-address count).
  'available-ip-address-count': () => AVAILABLE_ADDRESSES,
  'customer-owned-ipv4-pool': () => undefined,
  'enable-dns64': () => false,
  'enable-lni-at-device-index': () => undefined,
  'ipv6-cidr-block-association.ipv6-cidr-block': () => undefined,
  'ipv6-cidr-block-association.association-id': () => undefined,
  'ipv6-cidr-block-association.state': () => undefined,
  'ipv6-native': () => false,
  'map-customer-owned-ip-on-launch': () => false,
  'map-public-ip-on-launch': () => false,
  'outpost-arn': () => undefined,
  'private-dns-name-options-on-launch.hostname-type': () => 'ip-name',
  'private-dns-name-options-on-launch.enable-resource-name-dns-a-record': () => false,
  'private-dns-name-options-on-launch.enable-resource-name-dns-aaaa-record': () => false,
  'subnet-arn': () => undefined,
};

/** The free-address count every subnet reports. */
const AVAILABLE_ADDRESSES = 251;

const subnetArn = (region: string, account: string, id: string) =>
  `arn:aws:ec2:${region}:${account}:subnet/${id}`;

function describeSubnets({ state, region }: CallContext, params: QueryParams): XmlValue {
  checkDryRun(params);
  const all = state.view(region).subnets;
  const ids = numberedList(params, 'SubnetId');
  for (const id of ids) {
    if (!/^subnet-[0-9a-fA-F]+$/.test(id))
      throw new ApiError('InvalidSubnetID.Malformed', `Invalid id: "${id}"`);
    if (!all.has(id)) throw new ApiError('InvalidSubnetID.NotFound', `The subnet ID '${id}' does not exist`);
  }
  const fields: Record<string, Field<SubnetRecord>> = {
    ...SUBNET_FIELDS,
    'owner-id': () => state.account,
    'subnet-arn': (s) => subnetArn(region, state.account, s.id),
  };
  let subnets = ids.length > 0 ? ids.map((id) => all.get(id)!) : [...all.values()];
  subnets = applyFilters(subnets, queryFilters(params), fields);
  const { page, nextToken } = paginate(
    params,
    subnets,
    fingerprint(['subnets', region, [...params].filter(([k]) => k !== 'NextToken' && k !== 'MaxResults')]),
  );
  return {
    subnetSet: page.map((s) => ({
      subnetId: s.id,
      subnetArn: subnetArn(region, state.account, s.id),
      state: s.state,
      ownerId: state.account,
      vpcId: s.vpc,
      cidrBlock: s.cidr,
      ipv6CidrBlockAssociationSet: [],
      availableIpAddressCount: AVAILABLE_ADDRESSES,
      availabilityZone: s.zone,
      availabilityZoneId: s.zoneId,
      defaultForAz: false,
      mapPublicIpOnLaunch: false,
      assignIpv6AddressOnCreation: false,
      tagSet: tagSet(s.tags),
    })),
    nextToken,
  };
}

function permissions(rules: RuleRecord[], account: string): XmlValue {
  return rules.map((rule) => ({
    ipProtocol: rule.protocol,
    fromPort: rule.protocol === '-1' ? undefined : rule.from,
    toPort: rule.protocol === '-1' ? undefined : rule.to,
    groups: rule.groups.map((groupId) => ({ userId: account, groupId })),
    ipRanges: rule.cidrs.map((cidrIp) => ({ cidrIp, description: rule.description })),
    ipv6Ranges: rule.ipv6Cidrs.map((cidrIpv6) => ({ cidrIpv6, description: rule.description })),
    prefixListIds: [],
  }));
}

function ruleFields(prefix: string, rules: (g: SecurityGroupRecord) => RuleRecord[]) {
  const fields: Record<string, Field<SecurityGroupRecord>> = {
    [`${prefix}.protocol`]: (g) => rules(g).map((r) => r.protocol),
    [`${prefix}.from-port`]: (g) => rules(g).map((r) => r.from),
    [`${prefix}.to-port`]: (g) => rules(g).map((r) => r.to),
    [`${prefix}.cidr`]: (g) => rules(g).flatMap((r) => r.cidrs),
    [`${prefix}.ipv6-cidr`]: (g) => rules(g).flatMap((r) => r.ipv6Cidrs),
    [`${prefix}.group-id`]: (g) => rules(g).flatMap((r) => r.groups),
  };
  return fields;
}

const GROUP_FIELDS: Record<string, Field<SecurityGroupRecord>> = {
  'group-id': (g) => g.id,
  'group-name': (g) => g.name,
  'vpc-id': (g) => g.vpc,
  description: (g) => g.description,
  ...ruleFields('ip-permission', (g) => g.ingress),
  ...ruleFields('egress.ip-permission', (g) => g.egress),
};

function describeSecurityGroups({ state, region }: CallContext, params: QueryParams): XmlValue {
  checkDryRun(params);
  const all = state.view(region).securityGroups;
  const ids = numberedList(params, 'GroupId');
  const names = numberedList(params, 'GroupName');
  if (ids.length > 0 && params.has('MaxResults')) {
    throw new ApiError(
      'InvalidParameterCombination',
      'The parameter groupIds cannot be used with the parameter maxResults',
    );
  }
  for (const id of ids) {
    if (!/^sg-[0-9a-fA-F]+$/.test(id)) throw new ApiError('InvalidGroupId.Malformed', `Invalid id: "${id}"`);
    if (!all.has(id))
      throw new ApiError('InvalidGroup.NotFound', `The security group '${id}' does not exist`);
  }
  for (const name of names) {
    if (![...all.values()].some((g) => g.name === name)) {
      throw new ApiError('InvalidGroup.NotFound', `The security group '${name}' does not exist`);
    }
  }
  const fields = { ...GROUP_FIELDS, 'owner-id': () => state.account };
  let groups = [...all.values()].filter(
    (g) => (ids.length === 0 || ids.includes(g.id)) && (names.length === 0 || names.includes(g.name)),
  );
  groups = applyFilters(groups, queryFilters(params), fields);
  const { page, nextToken } = paginate(
    params,
    groups,
    fingerprint(['groups', region, [...params].filter(([k]) => k !== 'NextToken' && k !== 'MaxResults')]),
  );
  return {
    securityGroupInfo: page.map((g) => ({
      ownerId: state.account,
      groupId: g.id,
      groupName: g.name,
      groupDescription: g.description,
      vpcId: g.vpc,
      securityGroupArn: `arn:aws:ec2:${region}:${state.account}:security-group/${g.id}`,
      ipPermissions: permissions(g.ingress, state.account),
      ipPermissionsEgress: permissions(g.egress, state.account),
      tagSet: tagSet(g.tags),
    })),
    nextToken,
  };
}

/** EC2 operations by name. */
export const ec2Handlers: Record<string, QueryHandler> = {
  DescribeAvailabilityZones: describeAvailabilityZones,
  DescribeSubnets: describeSubnets,
  DescribeSecurityGroups: describeSecurityGroups,
};
