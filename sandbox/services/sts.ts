/**
 * STS (awsQuery protocol): GetCallerIdentity answers the account the caller's key belongs to;
 * AssumeRole hands out credentials bound to a member account of the organization, on the
 * sandbox clock, when that account is ACTIVE, has the role, and the external id matches.
 */
import { ApiError } from '../errors.js';
import { callerArn } from '../world.js';
import type { CallContext, Handler } from './context.js';
import type { Input } from './input.js';

/** Longest session a caller that is itself an assumed role may ask for (role chaining). */
const CHAINED_MAX_SECONDS = 3600;
const DEFAULT_SECONDS = 3600;
const ROLE_ARN = /^arn:aws:iam::(\d{12}):role\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]{1,64})$/;

function text(input: Input, name: string): string | undefined {
  const value = input instanceof Map ? input.get(name) : (input as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
}

/** Whether the role may be assumed: the account exists, is ACTIVE, has the role, and the external id matches. */
function allowed(
  context: CallContext,
  account: string,
  role: string,
  externalId: string | undefined,
): boolean {
  const spec = context.world.account(account);
  if (spec?.status !== 'ACTIVE' || !spec.roles.includes(role)) return false;
  return spec.externalId === undefined || spec.externalId === externalId;
}

function assumeRole(context: CallContext, input: Input) {
  const roleArn = text(input, 'RoleArn') ?? '';
  const sessionName = text(input, 'RoleSessionName') ?? '';
  const seconds = Number(text(input, 'DurationSeconds') ?? DEFAULT_SECONDS);
  if (context.caller.session && seconds > CHAINED_MAX_SECONDS) {
    throw new ApiError(
      'ValidationError',
      'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.',
    );
  }
  const match = ROLE_ARN.exec(roleArn);
  if (!match || !allowed(context, match[1]!, match[2]!, text(input, 'ExternalId'))) {
    throw new ApiError(
      'AccessDenied',
      `User: ${callerArn(context.caller)} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
      403,
    );
  }
  const session = context.world.startSession(match[1]!, match[2]!, sessionName, seconds);
  return {
    Credentials: {
      AccessKeyId: session.accessKeyId,
      SecretAccessKey: session.secretAccessKey,
      SessionToken: session.sessionToken,
      Expiration: new Date(session.expiresMs).toISOString(),
    },
    AssumedRoleUser: {
      AssumedRoleId: session.assumedRoleId,
      Arn: callerArn({ account: session.account, session }),
    },
  };
}

/** STS operations by name. */
export const stsHandlers: Record<string, Handler> = {
  GetCallerIdentity: ({ state, caller }) => ({
    Arn: callerArn(caller),
    UserId: caller.session?.assumedRoleId ?? 'AIDASANDBOXUSER00001',
    Account: state.account,
  }),
  AssumeRole: assumeRole,
};
