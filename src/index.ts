/**
 * The public surface of `rollback-drill`: what a config outside this repository may import
 * (`import { defineConfig } from 'rollback-drill'`). Everything else in src/ is internal and may
 * change without notice.
 */
export { defineConfig, type DrillConfigInput } from './config/define-config.ts';
export { HarnessError } from './errors.ts';

/** The config as written (ConfigInput) and as validated, with defaults filled in. */
export type { ConfigInput, DrillConfig, EnvironmentConfig, ServiceConfig, CommandConfig, TargetConfig, TargetKind } from './config/schema.ts';

/** A deployment target: how one pipeline version is started, probed and stopped. */
export type { Target, Deployment, StartedDeployment, ServiceSpec, ServiceRole, StopResult, ExitInfo, ExecOptions, ExecResult, ResourceSample } from './targets/target.ts';

/** The journal: the one output of a run that every reporter reads. */
export type { Journal, TestRecord, StepRecord, CheckRecord, Incident, RunStatus, TestStatus, StepStatus, CheckStatus, StepPhase } from './journal/journal-types.ts';

/**
 * Plug-in points: a drill.config.ts adds drills, targets, reporters and notification kinds through
 * `plugins`, without editing the harness (docs/architecture.md has a recipe for each).
 */
export type { PluginsInput } from './config/plugins.ts';
export { defineDrill, type DrillPlugin } from './drills/drill-plugin.ts';
export { defineReporter, type ReporterPlugin, type ReporterContext } from './report/reporters.ts';
export { defineTargetPlugin, type TargetPlugin, type TargetOpenOptions } from './targets/target-plugin.ts';
export type { TargetSession } from './targets/target-session.ts';
export type { NotificationChannelPlugin } from './notifications/channel-plugin.ts';

/** What a drill is made of: steps and checks as data, over one test's state. */
export type { DrillPlan, StepDefinition, StepContext } from './runner/runner.ts';
export type { DrillWorld, TestState } from './runner/world.ts';
export type { CheckDefinition, Measurement } from './checks/check.ts';
export type { ChecklistEntry } from './journal/journal-types.ts';
export { newTestState } from './runner/world.ts';
export { emergencyPath } from './drills/steps/emergency.ts';
export { prepareDatabase } from './drills/steps/prepare-database.ts';
export { runSetup } from './drills/steps/run-setup.ts';
export { deployService, startService, waitServiceHealthy } from './drills/steps/start-service.ts';
export { stopService } from './drills/steps/stop-service.ts';
export { completeRun } from './drills/steps/complete-run.ts';
export { validateRun } from './drills/steps/validate-run.ts';
export { restoreConfig } from './drills/steps/restore-config.ts';
export { budgetChecks } from './checks/budget-checks.ts';
/** The process target's own pieces, for a target that wraps local processes. */
export { ProcessTarget } from './targets/process/process-target.ts';
