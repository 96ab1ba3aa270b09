/**
 * Organization scale: the unit of work and what crosses the queue. A unit is one job in one
 * region of one account. The CLI runs units in-process (lib/org/runner.ts); on AWS the dispatch
 * Lambda sends them to SQS and the worker Lambda runs one per message, through the same
 * {@link runUnit} (lib/org/run-unit.ts), so both paths judge alike.
 */
import type { ExitCode } from '../jobs/run.js';

/** The jobs that run per account: the ones that read or change one account's CloudHSM. */
export type OrgJob = 'audit' | 'copy' | 'prune' | 'inventory';

/** The default name of the role each member account carries for the tool (infra/member-role.yml). */
export const DEFAULT_MEMBER_ROLE = 'cloudhsm-ops-member';

/**
 * The forms of what reaches a member account, shared by the settings (lib/config/org.ts) and the
 * worker's message check (message.ts), so the worker accepts exactly what a dispatch can send.
 */
export const ACCESS_PATTERNS = {
  /** An AWS account id: exactly 12 digits. */
  accountId: /^\d{12}$/,
  /** IAM's role-name rule: 1–64 of letters, digits and `+=,.@_-` (no path). */
  roleName: /^[\w+=,.@-]{1,64}$/,
  /** STS's ExternalId rule: 2–1224 of letters, digits and `+=,.@:/-` (and `_`). */
  externalId: /^[\w+=,.@:/-]{2,1224}$/,
} as const;

/** An account to work in. */
export interface OrgAccount {
  /** 12 digits. */
  id: string;
  /** From Organizations where it was discovered; absent for an explicit `--accounts` list. */
  name?: string;
}

/** Which accounts a run covers. `self` is today's behaviour: the caller's own account only. */
export type AccountScope =
  | { kind: 'self' }
  | { kind: 'list'; accounts: string[]; exclude: string[] }
  | { kind: 'organization'; ou?: string; exclude: string[] };

/** How the hub reaches into a member account. */
export interface MemberAccess {
  /** Role name in every member account (default {@link DEFAULT_MEMBER_ROLE}). */
  roleName: string;
  /** Sent as sts:ExternalId when set. */
  externalId?: string;
}

/** One (account, region, job). */
export interface Unit {
  job: OrgJob;
  account: OrgAccount;
  region: string;
}

/**
 * One SQS message: a unit and the run it belongs to. The job's own settings are not in the
 * message: the worker reads them from its environment, as the single-account Lambdas do.
 */
export interface UnitMessage {
  /** Message format version: a worker refuses versions it does not know. */
  version: 1;
  /** The dispatching run's id; an audit keeps it (findings de-duplicate on findingId + runId). */
  runId: string;
  /** The instant the dispatch planned for (ISO 8601): every unit of a run judges at the same instant. */
  plannedAt: string;
  unit: Unit;
  access: MemberAccess;
}

/** What one unit did. */
export interface UnitResult {
  unit: Unit;
  exitCode: ExitCode;
  /** Why the unit failed, each reason naming what failed (AccessDenied on AssumeRole, a region not enabled, ...). */
  failures: string[];
  /** The job's own result (its `--json` document) when the job ran. */
  result?: unknown;
}

/**
 * Signature of `runUnit` (lib/org/run-unit.ts), shared by the CLI's in-process runner and the
 * worker Lambda. `deps` is defined there (the hub's clients, the member credentials cache, each
 * job's settings); it never throws for a unit's own failure: that is in the result.
 */
export type RunUnit<Deps> = (deps: Deps, message: UnitMessage) => Promise<UnitResult>;
