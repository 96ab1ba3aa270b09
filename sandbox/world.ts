/**
 * Every account the sandbox holds and who is calling. Each account has its own
 * {@link SandboxState}; a request is answered from the state of the account its access key
 * belongs to. STS AssumeRole hands out keys bound to a member account (recorded here as
 * sessions); any other key (the dummy keys the CLI signs with) belongs to the management
 * account, the hub: the only account of a single-account fleet.
 */
import type { SandboxClock } from './clock.js';
import type { Fleet, FleetAccount, FleetOrganization } from './fleet.js';
import type { Random } from './random.js';
import type { SandboxState } from './state.js';

/** Credentials one AssumeRole handed out. */
export interface Session {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  account: string;
  roleName: string;
  sessionName: string;
  /** `AROA…:<session name>`. */
  assumedRoleId: string;
  expiresMs: number;
}

/** Who signed a request: the account its key belongs to, and the session when AssumeRole made the key. */
export interface Caller {
  account: string;
  session?: Session;
}

const UPPER_DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const SECRET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function draw(random: Random, alphabet: string, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[Math.floor(random() * alphabet.length)];
  return out;
}

/** The ARN a caller acts as: the hub's sandbox user, or the assumed role's session. */
export function callerArn(caller: Caller): string {
  const s = caller.session;
  return s
    ? `arn:aws:sts::${s.account}:assumed-role/${s.roleName}/${s.sessionName}`
    : `arn:aws:iam::${caller.account}:user/cloudhsm-ops-sandbox`;
}

/** The accounts, their states, the organization and the sessions AssumeRole made. */
export class SandboxWorld {
  /** The management account (the hub); the only account of a single-account fleet. */
  readonly management: string;
  readonly organization?: FleetOrganization;
  /** The sandbox clock when the world was built (accounts without `joinedAt` joined a year before). */
  readonly startMs: number;
  private readonly sessions = new Map<string, Session>();

  constructor(
    private readonly fleet: Fleet,
    readonly states: ReadonlyMap<string, SandboxState>,
    readonly clock: SandboxClock,
    private readonly random: Random,
  ) {
    this.management = fleet.account;
    this.organization = fleet.organization;
    this.startMs = clock.nowMs();
  }

  /** The management account's state. */
  hub(): SandboxState {
    return this.states.get(this.management)!;
  }

  /** The state of an account the fleet has. */
  state(account: string): SandboxState | undefined {
    return this.states.get(account);
  }

  /** Account ids, in the fleet's order (the management account's place included). */
  accounts(): string[] {
    return [...this.states.keys()];
  }

  /** What the fleet says about an account of an organization (undefined for a single-account fleet). */
  account(id: string): FleetAccount | undefined {
    return this.fleet.accounts?.[id];
  }

  /** Applies every account's due transitions. */
  settle(): void {
    for (const state of this.states.values()) state.settle();
  }

  /** The caller a key stands for: an AssumeRole session's account, or else the hub. */
  caller(accessKeyId: string | undefined): Caller {
    const session = accessKeyId ? this.sessions.get(accessKeyId) : undefined;
    return session ? { account: session.account, session } : { account: this.management };
  }

  /** True when the session's credentials have expired on the sandbox clock. */
  expired(session: Session): boolean {
    return this.clock.nowMs() >= session.expiresMs;
  }

  /** Mints and records a session: `ASIA` + 16 key characters, a 40-character secret, a token. */
  startSession(account: string, roleName: string, sessionName: string, seconds: number): Session {
    let accessKeyId: string;
    do accessKeyId = `ASIA${draw(this.random, UPPER_DIGITS, 16)}`;
    while (this.sessions.has(accessKeyId));
    const session: Session = {
      accessKeyId,
      secretAccessKey: draw(this.random, SECRET, 40),
      sessionToken: `FwoGZXIvYXdzE${draw(this.random, SECRET, 140)}`,
      account,
      roleName,
      sessionName,
      assumedRoleId: `AROA${draw(this.random, UPPER_DIGITS, 17)}:${sessionName}`,
      expiresMs: this.clock.nowMs() + seconds * 1000,
    };
    this.sessions.set(accessKeyId, session);
    return session;
  }
}
