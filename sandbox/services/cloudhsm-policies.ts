/**
 * CloudHSM v2 resource policies (Get/Put/DeleteResourcePolicy): AWS supports them on backups only,
 * to share a backup with another account. The sandbox stores the policy as given (a JSON object);
 * it does not evaluate it.
 */
import { ApiError } from '../errors.js';
import type { BackupRecord } from '../state.js';
import { findBackup, INVALID, reader } from './cloudhsm-common.js';
import type { CallContext, Handler } from './context.js';
import type { Input } from './input.js';

const BACKUP_ARN = /^arn:aws(?:-us-gov)?:cloudhsm:([^:]+):(\d{12}):backup\/(backup-[2-7a-zA-Z]{11,16})$/;

/** The backup a ResourceArn names, in the caller's region and account. */
function backupOf({ state, region }: CallContext, input: Input): { arn: string; backup: BackupRecord } {
  const arn = reader(input).requiredString('ResourceArn');
  const match = BACKUP_ARN.exec(arn);
  if (!match) throw new ApiError(INVALID, `Resource policies are supported on backups only, not ${arn}`);
  if (match[1] !== region || match[2] !== state.account) {
    throw new ApiError(INVALID, `${arn} is not a backup of account ${state.account} in ${region}`);
  }
  return { arn, backup: findBackup(state.view(region), match[3]!) };
}

const getResourcePolicy: Handler = (context, input) => {
  const { backup } = backupOf(context, input);
  return backup.policy === undefined ? {} : { Policy: backup.policy };
};

const putResourcePolicy: Handler = (context, input) => {
  const { arn, backup } = backupOf(context, input);
  const policy = reader(input).requiredString('Policy');
  let parsed: unknown;
  try {
    parsed = JSON.parse(policy);
  } catch {
    parsed = undefined;
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ApiError(INVALID, 'Policy must be a JSON policy document (an object)');
  }
  backup.policy = policy;
  return { ResourceArn: arn, Policy: policy };
};

const deleteResourcePolicy: Handler = (context, input) => {
  const { arn, backup } = backupOf(context, input);
  const policy = backup.policy;
  backup.policy = undefined;
  return policy === undefined ? { ResourceArn: arn } : { ResourceArn: arn, Policy: policy };
};

/** Resource policy operations by name. */
export const policyHandlers: Record<string, Handler> = {
  GetResourcePolicy: getResourcePolicy,
  PutResourcePolicy: putResourcePolicy,
  DeleteResourcePolicy: deleteResourcePolicy,
};
