/**
 * Fault injection, seeded and repeatable: per operation and region, a request rate above
 * which calls are throttled, a probability of internal failure, added latency, and "lost
 * responses" (the change is applied, the caller gets a 500). PutEvents entries can fail too.
 */
import { z } from 'zod';
import { hashString, type Random, seededRandom } from './random.js';

const rate = z.number().min(0).max(1);

/** One fault rule; absent `operation`/`region`/`service`/`account` match every request. */
export const faultRuleSchema = z.strictObject({
  operation: z.string().optional(),
  /** The account the request's access key belongs to (sandbox/world.ts). */
  account: z
    .string()
    .regex(/^\d{12}$/, 'expected a 12-digit account id')
    .optional(),
  region: z.string().optional(),
  service: z
    .enum(['cloudhsm', 'ec2', 'events', 'sts', 'kms', 'securityhub', 'organizations', 's3'])
    .optional(),
  throttleRps: z.number().positive().optional(),
  internalFailureRate: rate.optional(),
  latencyMs: z.number().min(0).max(60_000).optional(),
  lostResponseRate: rate.optional(),
});

/** The whole fault configuration (replaced as a unit by `setFaults`). */
export const faultConfigSchema = z.strictObject({
  seed: z.number().int().optional(),
  rules: z.array(faultRuleSchema).default([]),
  putEventsEntryFailureRate: rate.optional(),
});

export type FaultRule = z.input<typeof faultRuleSchema>;
export type FaultConfig = z.input<typeof faultConfigSchema>;

/** What the injector decided for one request. */
export interface FaultDecision {
  latencyMs: number;
  /** Refuse before doing anything. */
  reject?: 'throttle' | 'internal';
  /** Do the work, then answer with an internal error. */
  loseResponse: boolean;
}

interface Bucket {
  tokens: number;
  lastMs: number;
}

/** Validates a fault configuration, with the path of the first problem in the message. */
export function parseFaultConfig(value: unknown): z.output<typeof faultConfigSchema> {
  const parsed = faultConfigSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new TypeError(`invalid fault config at ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return parsed.data;
}

/**
 * Decides faults. Each (rule, region, operation, kind) draws from its own seeded stream, so
 * the n-th call to an operation meets the same fate on every run with the same seed.
 * Throttling is a token bucket per (rule, account, region, operation) refilled in real time,
 * holding one second's worth of requests. The hub's own requests (and every request of a
 * single-account fleet) keep the keys they had before accounts existed, so seeded runs repeat.
 */
export class FaultInjector {
  private config: z.output<typeof faultConfigSchema> = { rules: [] };
  private seed: number;
  private readonly streams = new Map<string, Random>();
  private readonly buckets = new Map<string, Bucket>();
  /** The management account: its requests' streams and buckets are keyed without an account. */
  hubAccount?: string;

  constructor(
    private readonly defaultSeed: number,
    private readonly realNow: () => number = () => performance.now(),
  ) {
    this.seed = defaultSeed;
  }

  /** Replaces the configuration and restarts every random stream and bucket. */
  set(config: FaultConfig): void {
    this.config = parseFaultConfig(config);
    this.seed = this.config.seed ?? this.defaultSeed;
    this.streams.clear();
    this.buckets.clear();
  }

  /** The configuration in force. */
  get(): FaultConfig {
    return structuredClone(this.config);
  }

  /** The faults for one request, signed with a key of `account` (default: the hub). */
  decide(service: string, operation: string, region: string, account?: string): FaultDecision {
    const decision: FaultDecision = { latencyMs: 0, loseResponse: false };
    const member = account !== undefined && account !== this.hubAccount ? `|${account}` : '';
    this.config.rules.forEach((rule, index) => {
      if (rule.operation !== undefined && rule.operation !== operation) return;
      if (rule.region !== undefined && rule.region !== region) return;
      if (rule.service !== undefined && rule.service !== service) return;
      if (rule.account !== undefined && rule.account !== (account ?? this.hubAccount)) return;
      const key = `${index}|${region}|${operation}${member}`;
      decision.latencyMs += rule.latencyMs ?? 0;
      if (decision.reject) return;
      if (rule.throttleRps !== undefined && !this.take(key, rule.throttleRps)) {
        decision.reject = 'throttle';
      } else if (rule.internalFailureRate && this.draw(`${key}|internal`) < rule.internalFailureRate) {
        decision.reject = 'internal';
      } else if (rule.lostResponseRate && this.draw(`${key}|lost`) < rule.lostResponseRate) {
        decision.loseResponse = true;
      }
    });
    return decision;
  }

  /** For one PutEvents entry: an ErrorCode to fail it with, or undefined. */
  entryFailure(region: string): string | undefined {
    const share = this.config.putEventsEntryFailureRate;
    if (!share || this.draw(`putEvents|${region}`) >= share) return undefined;
    return this.draw(`putEvents|${region}|code`) < 0.5 ? 'InternalFailure' : 'ThrottlingException';
  }

  private draw(key: string): number {
    let stream = this.streams.get(key);
    if (!stream) {
      stream = seededRandom(hashString(key, this.seed));
      this.streams.set(key, stream);
    }
    return stream();
  }

  private take(key: string, rps: number): boolean {
    const now = this.realNow();
    const capacity = Math.max(1, rps);
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = { tokens: capacity, lastMs: now };
      this.buckets.set(key, bucket);
    }
    bucket.tokens = Math.min(capacity, bucket.tokens + ((now - bucket.lastMs) / 1000) * rps);
    bucket.lastMs = now;
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }
}
