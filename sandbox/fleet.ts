/**
 * The fleet file (docs/architecture.md §4.4): the schema, its referential checks, and loading.
 * Unknown keys are rejected and every problem is reported with its JSON path.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { PATTERNS } from '../lib/config/common.js';
import { UsageError } from '../lib/errors.js';

const isoTime = z.iso.datetime({
  offset: true,
  error: 'expected an ISO 8601 time with a zone, e.g. 2026-11-29T12:00:00Z',
});
const tags = z.record(z.string(), z.string()).default({});

/** Backup states (docs/aws-api.md §1.4). */
export const BACKUP_STATES = ['CREATE_IN_PROGRESS', 'READY', 'DELETED', 'PENDING_DELETION'] as const;
/** Cluster states (docs/aws-api.md §1.4). */
export const CLUSTER_STATES = [
  'CREATE_IN_PROGRESS',
  'UNINITIALIZED',
  'INITIALIZE_IN_PROGRESS',
  'INITIALIZED',
  'ACTIVE',
  'UPDATE_IN_PROGRESS',
  'MODIFY_IN_PROGRESS',
  'ROLLBACK_IN_PROGRESS',
  'DELETE_IN_PROGRESS',
  'DELETED',
  'DEGRADED',
] as const;
/** HSM states (docs/aws-api.md §1.4). */
export const HSM_STATES = [
  'CREATE_IN_PROGRESS',
  'ACTIVE',
  'DEGRADED',
  'DELETE_IN_PROGRESS',
  'DELETED',
] as const;

const zoneSchema = z.union([
  z.string(),
  z.strictObject({
    name: z.string(),
    id: z.string().optional(),
    state: z.enum(['available', 'information', 'impaired', 'unavailable', 'constrained']).optional(),
    type: z.enum(['availability-zone', 'local-zone', 'wavelength-zone']).optional(),
  }),
]);

const subnetSchema = z.strictObject({
  id: z.string(),
  zone: z.string(),
  vpc: z.string(),
  cidr: z.string().optional(),
  state: z.enum(['pending', 'available', 'unavailable']).optional(),
  tags: tags.optional(),
});

const ruleSchema = z.strictObject({
  protocol: z.string().min(1),
  from: z.number().int().min(-1).max(65535).optional(),
  to: z.number().int().min(-1).max(65535).optional(),
  cidr: z.string().optional(),
  ipv6Cidr: z.string().optional(),
  group: z.string().optional(),
  description: z.string().optional(),
});

const securityGroupSchema = z.strictObject({
  id: z.string(),
  name: z.string().optional(),
  description: z.string().optional(),
  vpc: z.string().optional(),
  ingress: z.array(ruleSchema).default([]),
  egress: z.array(ruleSchema).optional(),
  tags: tags.optional(),
});

const hsmSchema = z.strictObject({
  id: z.string(),
  zone: z.string(),
  state: z.enum(HSM_STATES).default('ACTIVE'),
  subnet: z.string().optional(),
  ip: z.string().optional(),
});

const clusterSchema = z.strictObject({
  id: z.string(),
  state: z.enum(CLUSTER_STATES).default('ACTIVE'),
  hsmType: z.string().default('hsm2m.medium'),
  mode: z.enum(['FIPS', 'NON_FIPS']).default('FIPS'),
  subnets: z.array(z.string()).min(1, 'a cluster needs at least one subnet'),
  securityGroup: z.string(),
  backupRetentionDays: z.number().int().min(7).max(379).optional(),
  createdAt: isoTime.optional(),
  sourceBackupId: z.string().optional(),
  tags,
  hsms: z.array(hsmSchema).default([]),
});

const backupSchema = z.strictObject({
  id: z.string(),
  cluster: z.string().optional(),
  createdAt: isoTime,
  state: z.enum(BACKUP_STATES).default('READY'),
  neverExpires: z.boolean().default(false),
  tags,
  sourceRegion: z.string().optional(),
  sourceBackup: z.string().optional(),
  sourceCluster: z.string().optional(),
  copiedAt: isoTime.optional(),
  deleteAt: isoTime.optional(),
  /** HSM type and mode of the cluster backed up; default: its cluster's (in any region of the fleet). */
  hsmType: z.string().optional(),
  mode: z.enum(['FIPS', 'NON_FIPS']).optional(),
});

/** KMS custom key store connection states (KMS API reference, CustomKeyStoresListEntry). */
export const KEY_STORE_STATES = [
  'CONNECTED',
  'CONNECTING',
  'DISCONNECTED',
  'DISCONNECTING',
  'FAILED',
] as const;

/** A KMS custom key store backed by a CloudHSM cluster (`AWS_CLOUDHSM`), as DescribeCustomKeyStores lists it. */
const customKeyStoreSchema = z.strictObject({
  id: z.string().regex(/^cks-[0-9a-f]{17}$/, 'expected a custom key store id like cks-1234567890abcdef0'),
  name: z.string().min(1).max(256),
  clusterId: z.string(),
  state: z.enum(KEY_STORE_STATES).default('CONNECTED'),
  errorCode: z.string().optional(),
  createdAt: isoTime.optional(),
});

const regionSchema = z.strictObject({
  zones: z.array(zoneSchema).default([]),
  subnets: z.array(subnetSchema).default([]),
  securityGroups: z.array(securityGroupSchema).default([]),
  clusters: z.array(clusterSchema).default([]),
  backups: z.array(backupSchema).default([]),
  customKeyStores: z.array(customKeyStoreSchema).default([]),
});

const accountId = z.string().regex(/^\d{12}$/, 'expected a 12-digit AWS account id');

/** The single-account fleet file's schema (zod, strict: unknown keys are errors). */
const singleFleetSchema = z.strictObject({
  account: accountId,
  now: isoTime.optional(),
  regions: z.record(z.string(), regionSchema),
});

/** Account statuses (Organizations `AccountStatus`). */
const ACCOUNT_STATUSES = ['ACTIVE', 'SUSPENDED', 'PENDING_CLOSURE'] as const;

/** One account of an organization fleet: what Organizations lists, the roles it has, its regions. */
const accountSchema = z.strictObject({
  name: z.string().min(1).max(128),
  email: z
    .string()
    .regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, 'expected an email address')
    .optional(),
  /** The OU it is in; absent: the root. */
  ou: z.string().optional(),
  status: z.enum(ACCOUNT_STATUSES).default('ACTIVE'),
  /** IAM role names in the account that STS AssumeRole may assume. */
  roles: z.array(z.string().min(1).max(64)).default([]),
  /** When set, AssumeRole into this account must pass it as ExternalId. */
  externalId: z.string().min(2).max(1224).optional(),
  joinedAt: isoTime.optional(),
  regions: z.record(z.string(), regionSchema).default({}),
});

const ouSchema = z.strictObject({
  id: z.string(),
  name: z.string().min(1).max(128),
  parent: z.string(),
});

/** The multi-account fleet file's schema: an organization and its accounts. */
const organizationFleetSchema = z.strictObject({
  now: isoTime.optional(),
  organization: z.strictObject({
    managementAccount: accountId,
    /** `o-` and 10–32 letters/digits; default: derived from the management account. */
    id: z.string().optional(),
    /** `r-` and 4–32 letters/digits; default: the root the OUs name, or one derived from the id. */
    root: z.string().optional(),
    ous: z.array(ouSchema).default([]),
  }),
  accounts: z.record(z.string(), accountSchema),
});

/** A single-account fleet file as written (defaults optional). */
export type FleetFile = z.input<typeof singleFleetSchema>;
/** An organization fleet file as written. */
export type OrganizationFleetFile = z.input<typeof organizationFleetSchema>;
/** One account of an organization fleet, validated. */
export type FleetAccount = z.output<typeof accountSchema>;
/** An organizational unit of the fleet. */
export type FleetOu = z.output<typeof ouSchema>;

/** The organization of a validated fleet, with its ids settled. */
export interface FleetOrganization {
  id: string;
  root: string;
  managementAccount: string;
  ous: FleetOu[];
}

/**
 * A validated fleet with defaults filled in. `account` and `regions` are the management
 * account's (the only account of a single-account fleet), so single-account code reads it as
 * before; an organization fleet adds `organization` and every account (management included).
 */
export interface Fleet {
  account: string;
  now?: string;
  regions: Record<string, FleetRegion>;
  organization?: FleetOrganization;
  accounts?: Record<string, FleetAccount>;
}
export type FleetRegion = z.output<typeof regionSchema>;
export type FleetCluster = z.output<typeof clusterSchema>;
export type FleetBackup = z.output<typeof backupSchema>;
export type FleetSubnet = z.output<typeof subnetSchema>;
export type FleetSecurityGroup = z.output<typeof securityGroupSchema>;
export type FleetRule = z.output<typeof ruleSchema>;
export type FleetZone = z.output<typeof zoneSchema>;
export type FleetKeyStore = z.output<typeof customKeyStoreSchema>;

/** A fleet file that failed validation; `issues` holds one line per problem, each starting with its path. */
export class FleetError extends UsageError {
  override name = 'FleetError';

  constructor(
    readonly source: string,
    readonly issues: string[],
  ) {
    super(`${source} is not a valid fleet file:\n${issues.map((i) => `  - ${i}`).join('\n')}`);
  }
}

/** `$.regions["us-east-1"].clusters[0].id` from a path array. */
export function jsonPath(path: readonly PropertyKey[]): string {
  let out = '$';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) out += `.${key}`;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out;
}

function schemaIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    if (issue.code === 'unrecognized_keys') {
      const keys = issue.keys.map((k) => `"${k}"`).join(', ');
      return `${jsonPath(issue.path)}: unknown key ${keys}`;
    }
    return `${jsonPath(issue.path)}: ${issue.message}`;
  });
}

/** Loose EC2 id patterns: hex after the prefix (AWS mints 8 or 17 digits; short ids keep examples readable). */
const EC2_ID = {
  subnet: /^subnet-[0-9a-fA-F]{1,17}$/,
  sg: /^sg-[0-9a-fA-F]{1,17}$/,
  vpc: /^vpc-[0-9a-fA-F]{1,17}$/,
};

/** The name of a fleet zone entry. */
export function zoneName(zone: FleetZone): string {
  return typeof zone === 'string' ? zone : zone.name;
}

class IssueList {
  readonly lines: string[] = [];
  add(path: PropertyKey[], message: string): void {
    this.lines.push(`${jsonPath(path)}: ${message}`);
  }
  pattern(path: PropertyKey[], value: string | undefined, pattern: RegExp, what: string, example: string) {
    if (value !== undefined && !pattern.test(value)) {
      this.add(path, `"${value}" is not a valid ${what} (expected something like ${example})`);
    }
  }
}

const TAG_KEY = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u;
const TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{0,256}$/u;

function checkTags(issues: IssueList, path: PropertyKey[], value: Record<string, string> | undefined): void {
  if (!value) return;
  const entries = Object.entries(value);
  if (entries.length > 50) issues.add(path, `at most 50 tags are allowed, got ${entries.length}`);
  for (const [key, text] of entries) {
    if (!TAG_KEY.test(key))
      issues.add([...path, key], 'tag key must be 1-128 letters, digits, spaces or _.:/=+-@');
    if (!TAG_VALUE.test(text))
      issues.add([...path, key], 'tag value must be 0-256 letters, digits, spaces or _.:/=+-@');
  }
}

function checkRule(issues: IssueList, path: PropertyKey[], rule: FleetRule, groups: Set<string>): void {
  const tcpOrUdp = ['tcp', 'udp', '6', '17'].includes(rule.protocol);
  if (!/^(tcp|udp|icmp|icmpv6|-1|all|\d{1,3})$/.test(rule.protocol)) {
    issues.add(
      [...path, 'protocol'],
      `"${rule.protocol}" is not tcp, udp, icmp, icmpv6, -1 or a protocol number`,
    );
  }
  if (tcpOrUdp && (rule.from === undefined || rule.to === undefined)) {
    issues.add(path, `a ${rule.protocol} rule needs "from" and "to" ports`);
  }
  if (rule.from !== undefined && rule.to !== undefined && rule.from > rule.to) {
    issues.add(path, `"from" (${rule.from}) is greater than "to" (${rule.to})`);
  }
  if (rule.cidr === undefined && rule.ipv6Cidr === undefined && rule.group === undefined) {
    issues.add(path, 'a rule needs a source: "cidr", "ipv6Cidr" or "group"');
  }
  issues.pattern(
    [...path, 'cidr'],
    rule.cidr,
    /^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/,
    'IPv4 CIDR',
    '10.0.0.0/16',
  );
  issues.pattern([...path, 'ipv6Cidr'], rule.ipv6Cidr, /^[0-9a-fA-F:]+\/\d{1,3}$/, 'IPv6 CIDR', '::/0');
  if (rule.group !== undefined && !groups.has(rule.group)) {
    issues.add([...path, 'group'], `security group "${rule.group}" is not defined in this region`);
  }
}

function checkNetwork(issues: IssueList, base: PropertyKey[], region: string, spec: FleetRegion) {
  const zones = new Set<string>();
  spec.zones.forEach((zone, i) => {
    const name = zoneName(zone);
    if (!new RegExp(`^${region}[a-z]$`).test(name)) {
      issues.add(
        [...base, 'zones', i],
        `"${name}" is not a zone of ${region} (expected something like ${region}a)`,
      );
    }
    if (zones.has(name)) issues.add([...base, 'zones', i], `zone "${name}" is listed twice`);
    zones.add(name);
  });
  const subnets = new Map<string, FleetSubnet>();
  spec.subnets.forEach((subnet, i) => {
    const path = [...base, 'subnets', i];
    issues.pattern([...path, 'id'], subnet.id, EC2_ID.subnet, 'subnet id', 'subnet-0a1b2c3d');
    issues.pattern([...path, 'vpc'], subnet.vpc, EC2_ID.vpc, 'VPC id', 'vpc-0a1b2c3d');
    if (!zones.has(subnet.zone))
      issues.add([...path, 'zone'], `zone "${subnet.zone}" is not in ${region}'s zones`);
    if (subnets.has(subnet.id)) issues.add([...path, 'id'], `subnet "${subnet.id}" is defined twice`);
    subnets.set(subnet.id, subnet);
    checkTags(issues, [...path, 'tags'], subnet.tags);
  });
  const groups = new Set(spec.securityGroups.map((g) => g.id));
  const seenGroups = new Set<string>();
  spec.securityGroups.forEach((group, i) => {
    const path = [...base, 'securityGroups', i];
    issues.pattern([...path, 'id'], group.id, EC2_ID.sg, 'security group id', 'sg-0a1b2c3d');
    issues.pattern([...path, 'vpc'], group.vpc, EC2_ID.vpc, 'VPC id', 'vpc-0a1b2c3d');
    if (seenGroups.has(group.id))
      issues.add([...path, 'id'], `security group "${group.id}" is defined twice`);
    seenGroups.add(group.id);
    for (const [j, rule] of group.ingress.entries()) checkRule(issues, [...path, 'ingress', j], rule, groups);
    for (const [j, rule] of (group.egress ?? []).entries())
      checkRule(issues, [...path, 'egress', j], rule, groups);
    checkTags(issues, [...path, 'tags'], group.tags);
  });
  return { zones, subnets, groups };
}

interface FleetIds {
  clusters: Set<string>;
  backups: Set<string>;
  hsms: Set<string>;
}

function checkCluster(
  issues: IssueList,
  path: PropertyKey[],
  cluster: FleetCluster,
  network: ReturnType<typeof checkNetwork>,
  ids: FleetIds,
) {
  issues.pattern([...path, 'id'], cluster.id, PATTERNS.clusterId, 'cluster id', 'cluster-abcdefghijk');
  if (ids.clusters.has(cluster.id)) issues.add([...path, 'id'], `cluster "${cluster.id}" is defined twice`);
  ids.clusters.add(cluster.id);
  issues.pattern(
    [...path, 'hsmType'],
    cluster.hsmType,
    /^(p|)hsm[0-9][a-z.]*\.[a-zA-Z]+$/,
    'HSM type',
    'hsm2m.medium',
  );
  issues.pattern(
    [...path, 'sourceBackupId'],
    cluster.sourceBackupId,
    PATTERNS.backupId,
    'backup id',
    'backup-abcdefghijk',
  );
  const vpcs = new Set<string>();
  const subnetZones = new Map<string, string>();
  for (const [i, id] of cluster.subnets.entries()) {
    const subnet = network.subnets.get(id);
    if (!subnet) {
      issues.add([...path, 'subnets', i], `subnet "${id}" is not defined in this region`);
      continue;
    }
    vpcs.add(subnet.vpc);
    const other = subnetZones.get(subnet.zone);
    if (other)
      issues.add([...path, 'subnets', i], `subnets "${other}" and "${id}" are both in ${subnet.zone}`);
    subnetZones.set(subnet.zone, id);
  }
  if (vpcs.size > 1) issues.add([...path, 'subnets'], `subnets span several VPCs (${[...vpcs].join(', ')})`);
  if (!network.groups.has(cluster.securityGroup)) {
    issues.add(
      [...path, 'securityGroup'],
      `security group "${cluster.securityGroup}" is not defined in this region`,
    );
  }
  checkTags(issues, [...path, 'tags'], cluster.tags);
  cluster.hsms.forEach((hsm, i) => {
    const hsmPath = [...path, 'hsms', i];
    issues.pattern([...hsmPath, 'id'], hsm.id, PATTERNS.hsmId, 'HSM id', 'hsm-abcdefghijk');
    if (ids.hsms.has(hsm.id)) issues.add([...hsmPath, 'id'], `HSM "${hsm.id}" is defined twice`);
    ids.hsms.add(hsm.id);
    if (!network.zones.has(hsm.zone))
      issues.add([...hsmPath, 'zone'], `zone "${hsm.zone}" is not in this region's zones`);
    if (hsm.subnet !== undefined && subnetZones.get(hsm.zone) !== hsm.subnet) {
      issues.add([...hsmPath, 'subnet'], `subnet "${hsm.subnet}" is not the cluster's subnet in ${hsm.zone}`);
    }
  });
}

function checkBackup(
  issues: IssueList,
  path: PropertyKey[],
  region: string,
  backup: FleetBackup,
  localClusters: Set<string>,
  ids: FleetIds,
) {
  issues.pattern([...path, 'id'], backup.id, PATTERNS.backupId, 'backup id', 'backup-abcdefghijk');
  if (ids.backups.has(backup.id)) issues.add([...path, 'id'], `backup "${backup.id}" is defined twice`);
  ids.backups.add(backup.id);
  checkTags(issues, [...path, 'tags'], backup.tags);
  const copyFields = [backup.sourceRegion, backup.sourceBackup, backup.sourceCluster];
  const isCopy = copyFields.some((v) => v !== undefined);
  if (isCopy) {
    if (copyFields.some((v) => v === undefined)) {
      issues.add(path, 'a copy needs all of "sourceRegion", "sourceBackup" and "sourceCluster"');
    }
    issues.pattern([...path, 'sourceRegion'], backup.sourceRegion, PATTERNS.region, 'region', 'us-west-2');
    if (backup.sourceRegion === region) {
      issues.add([...path, 'sourceRegion'], 'a copy cannot come from its own region');
    }
    issues.pattern(
      [...path, 'sourceBackup'],
      backup.sourceBackup,
      PATTERNS.backupId,
      'backup id',
      'backup-abcdefghijk',
    );
    issues.pattern(
      [...path, 'sourceCluster'],
      backup.sourceCluster,
      PATTERNS.clusterId,
      'cluster id',
      'cluster-abcdefghijk',
    );
    issues.pattern(
      [...path, 'cluster'],
      backup.cluster,
      PATTERNS.clusterId,
      'cluster id',
      'cluster-abcdefghijk',
    );
  } else {
    if (backup.copiedAt !== undefined)
      issues.add([...path, 'copiedAt'], 'only copies (with "sourceBackup") have "copiedAt"');
    if (backup.cluster === undefined)
      issues.add([...path, 'cluster'], 'a backup that is not a copy needs "cluster"');
    else if (!localClusters.has(backup.cluster)) {
      issues.add([...path, 'cluster'], `cluster "${backup.cluster}" is not defined in ${region}`);
    }
  }
  if (backup.deleteAt !== undefined && backup.state !== 'PENDING_DELETION') {
    issues.add([...path, 'deleteAt'], 'only PENDING_DELETION backups have "deleteAt"');
  }
  if (backup.copiedAt !== undefined && Date.parse(backup.copiedAt) < Date.parse(backup.createdAt)) {
    issues.add([...path, 'copiedAt'], 'a copy cannot be made before its source was created');
  }
}

function checkRegions(issues: IssueList, base: PropertyKey[], regions: Record<string, FleetRegion>): void {
  const ids: FleetIds = { clusters: new Set(), backups: new Set(), hsms: new Set() };
  for (const [region, spec] of Object.entries(regions)) {
    const path = [...base, 'regions', region];
    if (!PATTERNS.region.test(region)) {
      issues.add(path, `"${region}" is not a valid region name (expected something like us-east-1)`);
      continue;
    }
    const network = checkNetwork(issues, path, region, spec);
    for (const [i, cluster] of spec.clusters.entries()) {
      checkCluster(issues, [...path, 'clusters', i], cluster, network, ids);
    }
    const localClusters = new Set(spec.clusters.map((c) => c.id));
    for (const [i, backup] of spec.backups.entries()) {
      checkBackup(issues, [...path, 'backups', i], region, backup, localClusters, ids);
    }
  }
}

/** Organizations' id patterns (botocore's organizations model). */
const ORG_PATTERNS = {
  organization: /^o-[a-z0-9]{10,32}$/,
  root: /^r-[0-9a-z]{4,32}$/,
  ou: /^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$/,
  account: /^\d{12}$/,
  role: /^[\w+=,.@-]{1,64}$/,
};

type OrganizationInput = z.output<typeof organizationFleetSchema>;

/** The root: as given, else the one root the OUs name, else one derived from the management account. */
function rootOf(input: OrganizationInput): string {
  if (input.organization.root) return input.organization.root;
  const named = new Set(input.organization.ous.map((ou) => ou.parent).filter((p) => p.startsWith('r-')));
  return named.size === 1 ? [...named][0]! : `r-${input.organization.managementAccount.slice(-4)}`;
}

function checkOus(issues: IssueList, ous: FleetOu[], root: string): void {
  const byId = new Map<string, FleetOu>();
  const prefix = `ou-${root.slice(2)}-`;
  ous.forEach((ou, i) => {
    const path = ['organization', 'ous', i];
    if (!ORG_PATTERNS.ou.test(ou.id)) {
      issues.add(
        [...path, 'id'],
        `"${ou.id}" is not a valid OU id (expected ou-<the root's 4-32 letters/digits>-<8-32 letters/digits>, e.g. ${prefix}cdef3456)`,
      );
    } else if (!ou.id.startsWith(prefix)) {
      issues.add([...path, 'id'], `"${ou.id}" is not an OU id of root ${root} (expected ${prefix}…)`);
    }
    if (byId.has(ou.id)) issues.add([...path, 'id'], `OU "${ou.id}" is defined twice`);
    else byId.set(ou.id, ou);
  });
  ous.forEach((ou, i) => {
    if (ou.parent !== root && !byId.has(ou.parent)) {
      issues.add(
        ['organization', 'ous', i, 'parent'],
        `"${ou.parent}" is neither the root (${root}) nor an OU of this organization`,
      );
      return;
    }
    const seen = new Set([ou.id]);
    for (let up = byId.get(ou.parent); up; up = byId.get(up.parent)) {
      if (seen.has(up.id)) {
        issues.add(['organization', 'ous', i, 'parent'], `OU "${ou.id}" is its own ancestor`);
        return;
      }
      seen.add(up.id);
    }
  });
}

function checkOrganization(input: OrganizationInput, root: string): string[] {
  const issues = new IssueList();
  const { organization, accounts } = input;
  issues.pattern(
    ['organization', 'id'],
    organization.id,
    ORG_PATTERNS.organization,
    'organization id',
    'o-a1b2c3d4e5',
  );
  issues.pattern(['organization', 'root'], organization.root, ORG_PATTERNS.root, 'root id', 'r-ab12');
  checkOus(issues, organization.ous, root);
  if (!accounts[organization.managementAccount]) {
    issues.add(
      ['organization', 'managementAccount'],
      `account "${organization.managementAccount}" is not in "accounts"`,
    );
  }
  const ous = new Set(organization.ous.map((ou) => ou.id));
  for (const [id, account] of Object.entries(accounts)) {
    const path = ['accounts', id];
    if (!ORG_PATTERNS.account.test(id)) issues.add(path, `"${id}" is not a 12-digit AWS account id`);
    if (account.ou !== undefined && !ous.has(account.ou)) {
      issues.add([...path, 'ou'], `OU "${account.ou}" is not in "organization.ous"`);
    }
    account.roles.forEach((role, i) => {
      issues.pattern([...path, 'roles', i], role, ORG_PATTERNS.role, 'role name', 'cloudhsm-ops-member');
    });
    checkRegions(issues, path, account.regions);
  }
  return issues.lines;
}

/** `o-sb` and the management account: a valid, stable organization id. */
function organizationId(managementAccount: string): string {
  return `o-sb${managementAccount}`;
}

function parseOrganization(value: unknown, source: string): Fleet {
  const parsed = organizationFleetSchema.safeParse(value);
  if (!parsed.success) throw new FleetError(source, schemaIssues(parsed.error));
  const input = parsed.data;
  const root = rootOf(input);
  const problems = checkOrganization(input, root);
  if (problems.length > 0) throw new FleetError(source, problems);
  const management = input.organization.managementAccount;
  return {
    account: management,
    ...(input.now ? { now: input.now } : {}),
    regions: input.accounts[management]!.regions,
    organization: {
      id: input.organization.id ?? organizationId(management),
      root,
      managementAccount: management,
      ous: input.organization.ous,
    },
    accounts: input.accounts,
  };
}

/** True when a document is in the organization form (it has `organization` or `accounts`). */
function isOrganizationForm(value: unknown): boolean {
  return typeof value === 'object' && value !== null && ('organization' in value || 'accounts' in value);
}

/**
 * Validates a parsed fleet document, in either form (single account, or an organization with
 * its accounts): the schema first (types, unknown keys), then the references between its
 * parts. Throws a {@link FleetError} listing every problem.
 */
export function parseFleet(value: unknown, source = 'fleet'): Fleet {
  if (isOrganizationForm(value)) return parseOrganization(value, source);
  const parsed = singleFleetSchema.safeParse(value);
  if (!parsed.success) throw new FleetError(source, schemaIssues(parsed.error));
  const issues = new IssueList();
  checkRegions(issues, [], parsed.data.regions);
  if (issues.lines.length > 0) throw new FleetError(source, issues.lines);
  return parsed.data;
}

/** Reads, parses and validates a fleet file from disk. */
export function loadFleetFile(path: string): Fleet {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read fleet file ${path}: ${(error as Error).message}`, { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new FleetError(path, [`$: not valid JSON (${(error as Error).message})`]);
  }
  return parseFleet(json, path);
}
