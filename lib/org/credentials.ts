/**
 * Reaching into member accounts: one sts:AssumeRole per account per run, the credentials
 * cached and refreshed a margin before they expire, and clients built on them. The caller's own
 * account (the hub) needs no role: its clients are the hub's.
 */
import { setTimeout as delay } from 'node:timers/promises';
import {
  AssumeRoleCommand,
  type AssumeRoleCommandOutput,
  GetCallerIdentityCommand,
} from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@aws-sdk/types';
import { AwsClients } from '../aws/clients.js';
import { describeError, errorCode, isThrottling, OperationError } from '../errors.js';
import { partitionOf } from '../events/types.js';
import type { MemberAccess } from './types.js';

/** Credentials are renewed this long before they expire, so no call signs with a dying session. */
export const REFRESH_MARGIN_MS = 5 * 60_000;
/** Session length asked for: role chaining caps sessions at one hour, so longer would be refused. */
export const SESSION_SECONDS = 3600;
/**
 * How long a failed AssumeRole or GetCallerIdentity answers for itself: the run's other units
 * fail at once instead of each waiting out its own retries, and a unit delivered again later
 * (SQS, after the visibility timeout) asks again.
 */
export const FAILURE_TTL_MS = 60_000;
/**
 * After this many AssumeRole calls in a row end without an answer (a timeout, a refused or reset
 * connection), STS is taken as down: the accounts not yet tried fail at once, so a hung endpoint
 * costs one round of units, not one timeout (times its retries) per account.
 */
export const BREAKER_THRESHOLD = 3;
/** Error codes of a call that ended without an answer from STS (an answered refusal is not one). */
const UNANSWERED_CODES: ReadonlySet<string> = new Set([
  'TimeoutError',
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);
/**
 * AssumeRole calls in flight at once from one {@link MemberCredentials}: the hub's STS is one rate
 * limit for every account, so more only makes the calls use up their retries against each other.
 */
export const MAX_ASSUME_IN_FLIGHT = 2;
/**
 * Further rounds for an AssumeRole still throttled after the SDK's own retries (whose retry quota
 * the whole run shares), each after a longer wait: {@link THROTTLE_BACKOFF_MS} doubling per round.
 */
export const THROTTLE_ROUNDS = 4;
/** The first wait before a throttled AssumeRole's next round (then 2×, 4×, ...). */
export const THROTTLE_BACKOFF_MS = 1000;
/** STS's RoleSessionName limit. */
const SESSION_NAME_MAX = 64;

/** `arn:<partition>:iam::<account>:role/<name>`, the partition following `region`. */
export function memberRoleArn(account: string, roleName: string, region: string): string {
  return `arn:${partitionOf(region)}:iam::${account}:role/${roleName}`;
}

/**
 * The RoleSessionName for a run: `cloudhsm-ops-<runId>`, in STS's character set (`[\w+=,.@-]`)
 * and at most 64 characters, so CloudTrail in the member account names the run.
 */
export function sessionName(runId: string): string {
  return `cloudhsm-ops-${runId}`.replace(/[^\w+=,.@-]/g, '-').slice(0, SESSION_NAME_MAX);
}

/**
 * A member account's clients: its own credentials for everything, except EventBridge, which is
 * the hub's, so one rule on the hub's bus sees the whole organization.
 */
export class MemberClients extends AwsClients {
  constructor(
    options: AwsClients['options'],
    private readonly hub: AwsClients,
  ) {
    super(options);
  }

  override eventBridge(region: string) {
    return this.hub.eventBridge(region);
  }
}

/** How {@link MemberCredentials} reaches STS and reads time. */
export interface MemberCredentialsOptions {
  /** The hub's clients: STS calls go through them, and member clients copy their options. */
  hub: AwsClients;
  /** The region of the STS calls (the hub's home region); its partition makes the role ARNs. */
  region: string;
  /** The wall clock expiry is judged by (injected: tests move it, nothing reads the machine's clock here). */
  now: () => Date;
  /** Default {@link REFRESH_MARGIN_MS}. */
  refreshMarginMs?: number;
  /** Waits between a throttled AssumeRole's rounds (default a timer; tests pass their own). */
  sleep?: (ms: number) => Promise<void>;
}

/** One account's session within one run. */
interface Session {
  runId: string;
  credentials?: AwsCredentialIdentity;
  /** The AssumeRole in flight: concurrent first uses (and refreshes) share it. */
  pending?: Promise<AwsCredentialIdentity>;
  /** The first AssumeRole failed: the account fails without asking again for {@link FAILURE_TTL_MS}. */
  failure?: { error: Error; at: number };
  clients?: MemberClients;
}

/**
 * The member accounts' credentials and clients for the runs of one process (the CLI's one run,
 * or a warm worker's runs): keyed by run, account and access, so each run assumes once per
 * account, with a session name carrying its own id.
 */
export class MemberCredentials {
  /** AssumeRole calls made, refreshes included (the bench's calls ÷ accounts). */
  assumeRoleCalls = 0;
  private readonly sessions = new Map<string, Session>();
  private caller?: Promise<string>;
  /** When the caller lookup failed, by the injected clock. */
  private callerFailedAt?: number;
  private readonly margin: number;
  /** AssumeRole calls in a row that ended without an answer (any answer resets it). */
  private unanswered = 0;
  /** The breaker's verdict while open: why accounts are not tried, and since when (injected clock). */
  private breaker?: { reason: string; at: number };
  /** AssumeRole calls in flight, and the calls waiting for a slot ({@link MAX_ASSUME_IN_FLIGHT}). */
  private assuming = 0;
  private readonly slotWaiters: (() => void)[] = [];

  constructor(private readonly options: MemberCredentialsOptions) {
    this.margin = options.refreshMarginMs ?? REFRESH_MARGIN_MS;
  }

  /** The hub's account (STS GetCallerIdentity, asked once; a failure is asked again after {@link FAILURE_TTL_MS}). */
  callerAccount(): Promise<string> {
    if (this.caller && this.callerFailedAt !== undefined && this.expiredFailure(this.callerFailedAt)) {
      this.caller = undefined;
      this.callerFailedAt = undefined;
    }
    if (!this.caller) {
      const { hub, region } = this.options;
      this.caller = hub
        .sts(region)
        .send(new GetCallerIdentityCommand({}))
        .then((identity) => {
          if (!identity.Account) throw new OperationError('GetCallerIdentity returned no account');
          return identity.Account;
        });
      // Every unit waiting on it fails with it: with an endpoint that never answers, one unit's
      // retries are the run's, not one timeout per unit.
      this.caller.catch(() => {
        this.callerFailedAt = this.options.now().getTime();
      });
    }
    return this.caller;
  }

  /**
   * The clients to work in `account` with: the hub's for the caller's own account, else
   * clients signing with the member role's credentials, built once per run and account. The
   * first credentials are fetched before this returns, so a denied role fails here, named.
   */
  async clientsFor(account: string, access: MemberAccess, runId: string): Promise<AwsClients> {
    if (account === (await this.callerAccount())) return this.options.hub;
    this.forgetEarlierRuns(runId);
    const session = this.session(account, access, runId);
    await this.credentials(session, account, access, runId);
    if (!session.clients) {
      const provider: AwsCredentialIdentityProvider = () => this.credentials(session, account, access, runId);
      session.clients = new MemberClients(
        { ...this.options.hub.options, credentials: provider },
        this.options.hub,
      );
    }
    return session.clients;
  }

  /** Closes every member client's sockets. */
  destroy(): void {
    for (const session of this.sessions.values()) session.clients?.destroy();
    this.sessions.clear();
  }

  /** Sessions held (tests and the bench read it). */
  get sessionCount(): number {
    return this.sessions.size;
  }

  /**
   * Drops the sessions of other runs that failed or whose credentials expired, closing their
   * clients: a warm worker serves run after run, and must not keep every run's clients.
   */
  private forgetEarlierRuns(runId: string): void {
    for (const [key, session] of this.sessions) {
      if (session.runId === runId || session.pending) continue;
      const expired = session.credentials !== undefined && !this.alive(session.credentials);
      if (session.failure || expired) {
        session.clients?.destroy();
        this.sessions.delete(key);
      }
    }
  }

  private session(account: string, access: MemberAccess, runId: string): Session {
    const key = JSON.stringify([runId, account, access.roleName, access.externalId ?? null]);
    let session = this.sessions.get(key);
    if (!session) {
      session = { runId };
      this.sessions.set(key, session);
    }
    return session;
  }

  /** The session's credentials: cached until the margin before expiry, then renewed by one shared call. */
  private credentials(
    session: Session,
    account: string,
    access: MemberAccess,
    runId: string,
  ): Promise<AwsCredentialIdentity> {
    if (session.failure && !this.expiredFailure(session.failure.at))
      return Promise.reject(session.failure.error);
    session.failure = undefined;
    if (session.credentials && this.fresh(session.credentials)) return Promise.resolve(session.credentials);
    if (!session.pending) {
      const first = session.credentials === undefined;
      session.pending = this.assume(account, access, runId)
        .then((credentials) => {
          session.credentials = credentials;
          return credentials;
        })
        .catch((error: Error) => {
          // A refresh that fails while the old session still holds keeps it; a first one fails the account.
          if (!first && session.credentials && this.alive(session.credentials)) return session.credentials;
          if (first) session.failure = { error, at: this.options.now().getTime() };
          throw error;
        })
        .finally(() => {
          session.pending = undefined;
        });
    }
    return session.pending;
  }

  private expiredFailure(at: number): boolean {
    return this.options.now().getTime() - at >= FAILURE_TTL_MS;
  }

  private fresh(credentials: AwsCredentialIdentity): boolean {
    const expiry = credentials.expiration?.getTime();
    return expiry === undefined || expiry - this.margin > this.options.now().getTime();
  }

  private alive(credentials: AwsCredentialIdentity): boolean {
    const expiry = credentials.expiration?.getTime();
    return expiry === undefined || expiry > this.options.now().getTime();
  }

  /**
   * Throws the breaker's reason while it is open: STS did not answer for {@link BREAKER_THRESHOLD}
   * accounts in a row. It closes after {@link FAILURE_TTL_MS} of the injected clock, so a warm
   * worker's next run asks again.
   */
  private checkBreaker(): void {
    if (!this.breaker) return;
    if (!this.expiredFailure(this.breaker.at)) throw new OperationError(this.breaker.reason);
    this.breaker = undefined;
    this.unanswered = 0;
  }

  /** Counts an AssumeRole's outcome toward the breaker: an answer of any kind resets the count. */
  private noteOutcome(error?: unknown): void {
    if (error === undefined || !UNANSWERED_CODES.has(errorCode(error) ?? '')) {
      this.unanswered = 0;
      return;
    }
    this.unanswered += 1;
    if (this.unanswered >= BREAKER_THRESHOLD && !this.breaker) {
      this.breaker = {
        reason:
          `not tried: STS in ${this.options.region} did not answer AssumeRole for ` +
          `${this.unanswered} accounts in a row (${describeError(error)})`,
        at: this.options.now().getTime(),
      };
    }
  }

  /**
   * One AssumeRole with at most {@link MAX_ASSUME_IN_FLIGHT} in flight, and, when STS still
   * throttles it after the SDK's retries, up to {@link THROTTLE_ROUNDS} more rounds after growing
   * waits (the slot is given back while waiting, so other accounts go on).
   */
  private async sendPaced(send: () => Promise<AssumeRoleCommandOutput>): Promise<AssumeRoleCommandOutput> {
    const sleep = this.options.sleep ?? ((ms: number) => delay(ms));
    for (let round = 0; ; round += 1) {
      await this.takeSlot();
      try {
        // Again once a slot is free: the breaker may have opened while this call waited for one.
        this.checkBreaker();
        return await send();
      } catch (error) {
        if (!isThrottling(error) || round >= THROTTLE_ROUNDS) throw error;
      } finally {
        this.giveSlot();
      }
      await sleep(THROTTLE_BACKOFF_MS * 2 ** round);
    }
  }

  private async takeSlot(): Promise<void> {
    while (this.assuming >= MAX_ASSUME_IN_FLIGHT) {
      await new Promise<void>((resolve) => this.slotWaiters.push(resolve));
    }
    this.assuming += 1;
  }

  private giveSlot(): void {
    this.assuming -= 1;
    this.slotWaiters.shift()?.();
  }

  /** One sts:AssumeRole; its error names the account, the role and the reason. */
  private async assume(account: string, access: MemberAccess, runId: string): Promise<AwsCredentialIdentity> {
    const { hub, region } = this.options;
    const roleArn = memberRoleArn(account, access.roleName, region);
    this.checkBreaker();
    this.assumeRoleCalls += 1;
    try {
      const command = new AssumeRoleCommand({
        RoleArn: roleArn,
        RoleSessionName: sessionName(runId),
        DurationSeconds: SESSION_SECONDS,
        ...(access.externalId ? { ExternalId: access.externalId } : {}),
      });
      const answer = await this.sendPaced(() => hub.sts(region).send(command));
      this.noteOutcome();
      const c = answer.Credentials;
      if (!c?.AccessKeyId || !c.SecretAccessKey)
        throw new OperationError('AssumeRole returned no credentials');
      return {
        accessKeyId: c.AccessKeyId,
        secretAccessKey: c.SecretAccessKey,
        ...(c.SessionToken ? { sessionToken: c.SessionToken } : {}),
        ...(c.Expiration ? { expiration: new Date(c.Expiration) } : {}),
      };
    } catch (error) {
      if (!(error instanceof OperationError)) this.noteOutcome(error);
      throw new OperationError(
        `account ${account}: sts:AssumeRole on ${roleArn} failed: ${describeError(error)}`,
        {
          cause: error,
        },
      );
    }
  }
}
