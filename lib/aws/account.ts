import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { AwsClients } from './clients.js';

/** The 12-digit account the credentials belong to (STS GetCallerIdentity), for ARNs and finding ids. */
export async function accountId(clients: AwsClients, region: string): Promise<string> {
  const identity = await clients.sts(region).send(new GetCallerIdentityCommand({}));
  if (!identity.Account) throw new Error('GetCallerIdentity returned no account');
  return identity.Account;
}
