/**
 * The units of one dispatch: every account × region of one job, each a queue message planned
 * for the same instant (so the units of a run judge alike, whenever a worker picks them up).
 */
import type { DateTime } from 'luxon';
import { MESSAGE_VERSION } from './message-format.js';
import type { MemberAccess, OrgAccount, OrgJob, UnitMessage } from './types.js';

/** What one dispatch covers. */
export interface DispatchPlan {
  job: OrgJob;
  runId: string;
  plannedAt: DateTime;
  accounts: readonly OrgAccount[];
  regions: readonly string[];
  access: MemberAccess;
}

/** One message per (account, region), accounts in the order given, then regions. */
export function unitMessages(plan: DispatchPlan): UnitMessage[] {
  const plannedAt = plan.plannedAt.toUTC().toISO()!;
  return plan.accounts.flatMap((account) =>
    plan.regions.map(
      (region): UnitMessage => ({
        version: MESSAGE_VERSION,
        runId: plan.runId,
        plannedAt,
        unit: { job: plan.job, account: { ...account }, region },
        access: { ...plan.access },
      }),
    ),
  );
}
