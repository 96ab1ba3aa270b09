/**
 * The prune job's public surface, for the CLI and the scheduled Lambda:
 * `pruneConfigFromEnv(process.env)` → `runPrune({ clients, shouldStop }, config, DateTime.utc())`.
 */
export { type PruneConfig, parsePruneConfig, pruneConfigFromEnv } from '../config/prune.js';
export { deletedEvents, planEvents, restoredEvents } from './events.js';
export {
  type ExecuteOptions,
  type ExecuteProgress,
  executePrune,
  type PruneOutcome,
  type PruneResult,
} from './execute.js';
export { deletions, type PlanEntry, type PrunePlan, type PruneReason, planPrune } from './plan.js';
export { RECORD_TAG_PREFIX, recordedRuns, recordTagKey } from './record.js';
export { applyCommand, overLimitAdvice, planSummary, resultLines } from './report.js';
export { gatherBackups, type PruneDeps, type PruneRun, runPrune } from './run.js';
