/** STS GetCallerIdentity (awsQuery protocol): the fleet's account, so ARNs built from it are consistent. */
import type { Handler } from './context.js';

/** STS operations by name. */
export const stsHandlers: Record<string, Handler> = {
  GetCallerIdentity: ({ state }) => ({
    Arn: `arn:aws:iam::${state.account}:user/cloudhsm-ops-sandbox`,
    UserId: 'AIDASANDBOXUSER00001',
    Account: state.account,
  }),
};
