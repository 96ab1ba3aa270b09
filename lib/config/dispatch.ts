/**
 * The dispatch function's settings (organization mode): the queue it sends units to, the
 * regions each job covers, and which accounts (lib/config/org.ts). One function dispatches
 * every job (its schedule's input names the job), so prune's regions have a variable of their
 * own: in the single-account deployment prune reads REGIONS, here REGIONS is audit's and copy's.
 */
import { UsageError } from '../errors.js';
import type { OrgJob } from '../org/types.js';
import { checkEnvForm, isLoopbackUrl } from './common.js';
import { regions as parseRegions } from './fields.js';
import { ORG_LAMBDA_VARIABLES, type OrgConfig, orgConfigFromEnv } from './org.js';
import { Problems } from './table.js';

/** What the dispatch reads. */
export interface DispatchConfig {
  /** The units queue (`https://sqs.<region>.amazonaws.com/<account>/<name>`). */
  queueUrl: string;
  /** The regions of each job's units. */
  regions: Record<OrgJob, string[]>;
  org: OrgConfig;
}

/** The dispatch's own variables, besides the organization settings'. */
export const DISPATCH_OWN_VARIABLES = ['QUEUE_URL', 'REGIONS', 'PRUNE_REGIONS'] as const;

/** Every variable the dispatch function reads. */
export const DISPATCH_LAMBDA_VARIABLES: readonly string[] = [
  ...DISPATCH_OWN_VARIABLES,
  ...ORG_LAMBDA_VARIABLES,
];

/**
 * `QUEUE_URL`: https, or plain http to this machine only (moto, the tests): anything else
 * would send the function's signed requests in cleartext.
 */
function queueUrlOf(value: string | undefined): string {
  if (value === undefined)
    throw new UsageError(
      'QUEUE_URL is required (the units queue, e.g. https://sqs.us-east-1.amazonaws.com/111111111111/cloudhsm-ops-prod-units)',
    );
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new UsageError(
      `QUEUE_URL "${value}" is not a URL (expected https://sqs.<region>.amazonaws.com/<account>/<queue>)`,
    );
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackUrl(url.toString()))) {
    throw new UsageError(`QUEUE_URL "${value}" must use https (plain http only to this machine)`);
  }
  return value.trim();
}

/** The region an SQS queue URL names (`sqs.<region>.amazonaws.com`), else `fallback`. */
export function queueRegion(queueUrl: string, fallback: string): string {
  const match = /^sqs\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?$/.exec(new URL(queueUrl).hostname);
  return match?.[1] ?? fallback;
}

/**
 * The dispatch's settings from its environment: QUEUE_URL (required), REGIONS (audit's, copy's
 * and inventory's units; default AWS_REGION), PRUNE_REGIONS (prune's; default REGIONS), and the
 * organization settings (ACCOUNTS, ORGANIZATION, ORGANIZATION_OU, EXCLUDE_ACCOUNTS,
 * MEMBER_ROLE_NAME, EXTERNAL_ID). Every problem is named in one {@link UsageError}.
 */
export function dispatchConfigFromEnv(env: Record<string, string | undefined>): DispatchConfig {
  checkEnvForm(env, { variables: DISPATCH_OWN_VARIABLES, lists: ['REGIONS', 'PRUNE_REGIONS'] });
  const problems = new Problems();
  const queueUrl = problems.attempt(() => queueUrlOf(env.QUEUE_URL));
  const regionsText = env.REGIONS ?? env.AWS_REGION;
  const regions = problems.attempt(() => {
    if (!regionsText) throw new UsageError('REGIONS is required (or AWS_REGION): the regions of the units');
    return parseRegions(regionsText, 'REGIONS');
  });
  const pruneRegions = env.PRUNE_REGIONS
    ? problems.attempt(() => parseRegions(env.PRUNE_REGIONS!, 'PRUNE_REGIONS'))
    : regions;
  const org = problems.attempt(() => orgConfigFromEnv(env));
  // infra/member-role.yml trusts the hub only with its ExternalId: without one every unit would be
  // denied at AssumeRole. A member role that checks no external id accepts one all the same.
  if (org && !org.access.externalId) {
    problems.add(
      'EXTERNAL_ID is required (the external id the member roles trust, the ExternalId parameter of infra/member-role.yml; serverless param externalId)',
    );
  }
  // Each missing value left a problem; the checks narrow the types.
  if (problems.messages.length > 0 || !queueUrl || !regions || !pruneRegions || !org) {
    throw new UsageError(problems.messages.join('; '));
  }
  return {
    queueUrl,
    regions: { audit: regions, copy: regions, inventory: regions, prune: pruneRegions },
    org,
  };
}
