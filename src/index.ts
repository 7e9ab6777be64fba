/**
 * The public surface of `rollback-drill`: what a config outside this repository may import
 * (`import { defineConfig } from 'rollback-drill'`). Everything else in src/ is internal and may
 * change without notice.
 */
export { defineConfig } from './config/define-config.ts';
export { HarnessError } from './errors.ts';

/** The config as written (ConfigInput) and as validated, with defaults filled in. */
export type { ConfigInput, DrillConfig, EnvironmentConfig, ServiceConfig, CommandConfig, TargetConfig, TargetKind } from './config/schema.ts';

/** A deployment target: how one pipeline version is started, probed and stopped. */
export type { Target, Deployment, StartedDeployment, ServiceSpec, ServiceRole, StopResult, ExitInfo, ExecOptions, ExecResult, ResourceSample } from './targets/target.ts';

/** The journal: the one output of a run that every reporter reads. */
export type { Journal, TestRecord, StepRecord, CheckRecord, Incident, RunStatus, TestStatus, StepStatus, CheckStatus, StepPhase } from './journal/journal-types.ts';
