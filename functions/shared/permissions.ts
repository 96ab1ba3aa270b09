/**
 * The IAM actions each function's code calls, and on what. infra/iam.yml grants exactly
 * these (test/packaging checks the template against this file), and test/functions runs each
 * handler against the sandbox and checks that the calls it makes map onto exactly these.
 */
import type { Job } from './runtime.js';

/** What a statement may name as its Resource. */
export type ResourceScope =
  /** The action has no resource-level permissions (List/Describe calls): `*` is the only choice. */
  | 'any'
  /** CloudHSM backups of this account, any region: `arn:…:cloudhsm:*:ACCOUNT:backup/*`. */
  | 'account-backups'
  /** The feed's event bus (infra/event-bus.yml) and nothing else. */
  | 'event-bus'
  /** Objects under the fleet report's prefix in the report bucket (infra/report.yml). */
  | 'report-prefix'
  /** The account's own default Security Hub product, any region: `arn:…:securityhub:*:ACCOUNT:product/ACCOUNT/default`. */
  | 'security-hub-product'
  /** The account's Security Hub, any region: `arn:…:securityhub:*:ACCOUNT:hub/default`. */
  | 'security-hub'
  /** Organization mode's units queue (infra/organization/queue.yml) and nothing else. */
  | 'units-queue'
  /** The member role, by name, in any account: `arn:…:iam::*:role/<memberRoleName>`. */
  | 'member-role';

/** One granted action. */
export interface Grant {
  action: string;
  scope: ResourceScope;
  why: string;
  /**
   * Set when the sandbox tests cannot make the code take this path (a race between two
   * runs); the grant is then checked by reading the code path named here instead.
   */
  onlyWhen?: string;
}

/** The actions each job's code calls. No wildcards: each is named. */
export const JOB_GRANTS: Record<Job, readonly Grant[]> = {
  audit: [
    { action: 'cloudhsm:DescribeClusters', scope: 'any', why: 'list the clusters of each audited region' },
    {
      action: 'cloudhsm:DescribeBackups',
      scope: 'any',
      why: 'backup freshness, retention and the DR copies of each cluster',
    },
    { action: 'ec2:DescribeAvailabilityZones', scope: 'any', why: 'the zones HSMs should spread over' },
    { action: 'ec2:DescribeSubnets', scope: 'any', why: "the zones of each cluster's subnets" },
    { action: 'ec2:DescribeSecurityGroups', scope: 'any', why: "each cluster's security-group exposure" },
    {
      action: 'kms:DescribeCustomKeyStores',
      scope: 'any',
      why: 'the KMS custom key stores each cluster backs (key-store-connection, key-store-capacity)',
    },
    { action: 'events:PutEvents', scope: 'event-bus', why: 'publish findings and the run summary' },
  ],
  copy: [
    {
      action: 'cloudhsm:DescribeBackups',
      scope: 'any',
      why: 'recent source backups (with their tags and claims); confirm claims; existing copies in DR regions',
    },
    {
      action: 'cloudhsm:ListTags',
      scope: 'account-backups',
      why: 'read a claim again when the listing is too old to stake from, or before removing an unconfirmed one',
      onlyWhen:
        'the source listing is older than half the claim settle wait, or a claim was not confirmed (lib/copy/execute.ts stakeAll, release)',
    },
    {
      action: 'cloudhsm:TagResource',
      scope: 'account-backups',
      why: "write the run's claim; CopyBackupToRegion tags the copy with it too",
    },
    {
      action: 'cloudhsm:UntagResource',
      scope: 'account-backups',
      why: 'release the claim; CopyBackupToRegion requires it as well',
    },
    { action: 'cloudhsm:CopyBackupToRegion', scope: 'account-backups', why: 'make the copies' },
    {
      action: 'cloudhsm:DeleteBackup',
      scope: 'account-backups',
      why: "remove this run's own duplicate copy when two runs raced (restorable for 7 days)",
      onlyWhen: 'two copies of one source are READY in one DR region (lib/copy/execute.ts handleDuplicates)',
    },
    {
      action: 'events:PutEvents',
      scope: 'event-bus',
      why: 'publish CloudHSM Backup Copied events and the run summary',
    },
  ],
  prune: [
    {
      action: 'cloudhsm:DescribeClusters',
      scope: 'any',
      why: "read the copies' source clusters' backup retention policies (COPY_RETENTION_DAYS=source)",
    },
    { action: 'cloudhsm:DescribeBackups', scope: 'any', why: 'list every backup; re-read before deleting' },
    { action: 'cloudhsm:DeleteBackup', scope: 'account-backups', why: 'delete the planned backups' },
    {
      action: 'cloudhsm:TagResource',
      scope: 'account-backups',
      why: "write the run's deletion record on each backup before deleting it",
    },
    {
      action: 'cloudhsm:UntagResource',
      scope: 'account-backups',
      why: 'remove the deletion record from a backup this run did not delete after all',
      onlyWhen:
        'a DeleteBackup failed or found the backup deleted by another run (lib/prune/confirm.ts removeRecord)',
    },
    {
      action: 'events:PutEvents',
      scope: 'event-bus',
      why: 'publish Backup Deleted / Prune Plan events and the Run Summary',
    },
  ],
};

/**
 * Grants of a feature that is off by default: the audit's fleet report (the `fleetReport`
 * parameter, REPORT_BUCKET). infra/report.yml grants them in a policy of their own that exists
 * only when the feature is on.
 */
export const REPORT_GRANTS: readonly Grant[] = [
  {
    action: 's3:PutObject',
    scope: 'report-prefix',
    why: 'store the fleet report (functions/audit.ts storeReport), only when REPORT_BUCKET is set',
  },
];

/**
 * Grants of the audit's Security Hub import, off by default (the `securityHub` parameter,
 * SECURITY_HUB). infra/security-hub.yml grants them in a policy of its own that exists only
 * when the feature is on.
 */
export const SECURITY_HUB_GRANTS: readonly Grant[] = [
  {
    action: 'securityhub:GetFindings',
    scope: 'security-hub',
    why: "read this tool's earlier findings: CreatedAt is kept, a gone cluster's findings archived",
  },
  {
    action: 'securityhub:BatchImportFindings',
    scope: 'security-hub-product',
    why: "import the findings under the account's own default product (lib/securityhub/import.ts)",
  },
];

/**
 * Calls the code makes that need no permission: STS GetCallerIdentity works for any
 * principal (it cannot even be denied), so no statement grants it.
 */
export const UNAUTHORISED_OPERATIONS: ReadonlySet<string> = new Set(['sts:GetCallerIdentity']);

/** What every function's role also needs from the platform, not from its code. */
export const PLATFORM_ACTIONS = {
  /** Writing its own log group (the group itself is created by the stack, with retention). */
  logs: ['logs:CreateLogStream', 'logs:PutLogEvents'],
  /** Lambda sends failed asynchronous invocations to the on-failure destination as the function's role. */
  failureDestination: ['sqs:SendMessage'],
} as const;

/** Operations authorised by another operation's action (SendMessageBatch is sqs:SendMessage). */
const ACTION_OF_OPERATION: Readonly<Record<string, string>> = {
  'sqs:SendMessageBatch': 'sqs:SendMessage',
};

/** The IAM action behind one API call, or undefined when none is needed. */
export function actionOf(service: string, operation: string): string | undefined {
  const action = `${service}:${operation}`;
  if (UNAUTHORISED_OPERATIONS.has(action)) return undefined;
  return ACTION_OF_OPERATION[action] ?? action;
}

/**
 * Organization mode, member side: what the member role (infra/member-role.yml, deployed with
 * StackSets) grants. The jobs' calls made in the member account with its credentials: every
 * job grant except events:PutEvents, which the hub makes on its own bus (lib/org/credentials.ts
 * MemberClients). One grant per action; the reasons of the jobs that need it are kept.
 */
export const MEMBER_GRANTS: readonly Grant[] = memberGrants(JOB_GRANTS);

/**
 * The member role's grants from the jobs' grants ({@link MEMBER_GRANTS}). Throws when two jobs
 * scope one action differently: the role has one statement per action.
 */
export function memberGrants(jobGrants: Readonly<Record<Job, readonly Grant[]>>): Grant[] {
  const byAction = new Map<string, Grant>();
  for (const job of ['audit', 'copy', 'prune'] as const) {
    for (const grant of jobGrants[job]) {
      if (grant.action === 'events:PutEvents') continue;
      const known = byAction.get(grant.action);
      if (known && known.scope !== grant.scope) {
        throw new Error(
          `${grant.action} has two scopes (${known.scope}, ${grant.scope}): the member role needs one`,
        );
      }
      const why = `${job}: ${grant.why}`;
      byAction.set(
        grant.action,
        known ? { ...known, why: `${known.why}; ${why}` } : { action: grant.action, scope: grant.scope, why },
      );
    }
  }
  return [...byAction.values()].sort((a, b) => a.action.localeCompare(b.action));
}

/**
 * Organization mode, the hub's dispatch function: list the accounts (lib/org/accounts.ts) and
 * send the units. DescribeOrganization is not called, so not granted; the own-account scope
 * uses STS GetCallerIdentity, which needs no permission.
 */
export const DISPATCH_GRANTS: readonly Grant[] = [
  {
    action: 'organizations:ListAccounts',
    scope: 'any',
    why: "the organization's accounts (ORGANIZATION=true without ORGANIZATION_OU)",
  },
  {
    action: 'organizations:ListAccountsForParent',
    scope: 'any',
    why: 'the accounts directly under each OU of the ORGANIZATION_OU subtree',
  },
  { action: 'organizations:ListChildren', scope: 'any', why: 'the child OUs of the ORGANIZATION_OU subtree' },
  { action: 'sqs:SendMessage', scope: 'units-queue', why: 'send the units (SendMessageBatch)' },
];

/**
 * Organization mode, the hub's worker function: assume the member role, publish every unit's
 * events on the hub's bus, and let the event source mapping poll the units queue with the
 * function's role. Units of the hub's own account run with the worker's own credentials (no
 * role to assume there), so the worker also holds {@link MEMBER_GRANTS} on its own account.
 */
export const WORKER_GRANTS: readonly Grant[] = [
  {
    action: 'sts:AssumeRole',
    scope: 'member-role',
    why: 'work in a member account as its member role (lib/org/credentials.ts)',
  },
  {
    action: 'events:PutEvents',
    scope: 'event-bus',
    why: "publish every unit's findings and events on the hub's bus",
  },
  {
    action: 'sqs:ReceiveMessage',
    scope: 'units-queue',
    why: 'the event source mapping receives units with the function role',
  },
  {
    action: 'sqs:DeleteMessage',
    scope: 'units-queue',
    why: 'the event source mapping deletes the units that did not fail',
  },
  {
    action: 'sqs:GetQueueAttributes',
    scope: 'units-queue',
    why: 'the event source mapping reads the queue before polling',
  },
];

/** The actions of `grants`, sorted and each once. */
export function actionsOfGrants(grants: readonly Grant[]): string[] {
  return [...new Set(grants.map((grant) => grant.action))].sort();
}

/** The granted actions of a job, sorted. */
export function grantedActions(job: Job): string[] {
  return actionsOfGrants(JOB_GRANTS[job]);
}
