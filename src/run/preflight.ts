import type { EnvironmentConfig } from '../config/schema.ts';
import { detectors, observability } from '../criteria/time-to-fire.ts';
import { placeholdersIn } from '../database/bind-placeholders.ts';
import { Redactor } from '../redaction/redactor.ts';
import { checkCatalog, isKnownCheck } from '../checks/catalog.ts';
import { HarnessError } from '../errors.ts';
import { Evidence } from '../runner/evidence.ts';
import type { DrillPlan } from '../runner/runner.ts';
import type { DrillPlugin } from '../drills/drill-plugin.ts';
import { builtInRegistry, type DrillRegistry } from '../drills/registry.ts';
import type { DrillWorld } from '../runner/world.ts';

/**
 * Everything about a run that can be known wrong before anything starts, each problem naming the field
 * to change: a check a selected test needs that is neither configured nor waived, a waiver or a step
 * budget naming an id no test has, a placeholder a query cannot be given, a fault the criteria cannot
 * detect within the observation. Throws one HarnessError listing them all (exit 3).
 */
export function preflight(env: EnvironmentConfig, selected: readonly string[], targetKind: string, registry: DrillRegistry = builtInRegistry): void {
  const plans = Object.fromEntries(registry.drills.map((drill) => [drill.id, planOf(env, drill)])) as Record<string, DrillPlan>;
  const problems: string[] = [];

  for (const id of selected) {
    for (const check of plans[id]!.checks) {
      if (check.unconfigured && env.waive[check.id] === undefined) {
        problems.push(
          `test ${id} needs check '${check.id}', which needs ${check.unconfigured}: configure it, or waive it with a reason (waive: { '${check.id}': '…why this environment cannot prove it' })`,
        );
      }
    }
  }

  const userChecks = new Set(Object.values(plans).flatMap((plan) => plan.checks.map((c) => c.id)));
  for (const id of Object.keys(env.waive)) {
    if (!isKnownCheck(id) && !userChecks.has(id))
      problems.push(
        `waive names '${id}', which is no check of any test (checks: ${checkCatalog
          .map((c) => c.id)
          .sort()
          .join(', ')})`,
      );
  }
  const stepIds = new Set(Object.values(plans).flatMap((plan) => plan.steps.map((s) => s.id)));
  for (const id of Object.keys(env.budgets.steps)) {
    if (!stepIds.has(id)) problems.push(`budgets.steps names '${id}', which is no step of any test (steps: ${[...stepIds].sort().join(', ')})`);
  }

  problems.push(...placeholderProblems(env), ...compatibilityProblems(env, targetKind));
  if (selected.includes('dry-run') && env.failure) problems.push(...detectabilityProblems(env));
  if (problems.length > 0) throw new HarnessError(`the configuration cannot run these tests:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
}

/** A plan built from the configuration alone: its steps and checks, with no resource behind them. */
function planOf(env: EnvironmentConfig, drill: DrillPlugin): DrillPlan {
  const unavailable = (what: string) => () => {
    throw new Error(`internal: ${what} is not available before the run`);
  };
  const world = new Proxy({ env, runId: 'preflight', runDir: '/nonexistent', environmentName: 'preflight', baseDir: '.', processEnv: {} } as Partial<DrillWorld>, {
    get: (target, prop: string) => (prop in target ? target[prop as keyof DrillWorld] : prop === 'blob' ? undefined : unavailable(`world.${prop}`)()),
  }) as DrillWorld;
  return drill.plan(world, new Evidence('/nonexistent', drill.id, new Redactor()));
}

function placeholderProblems(env: EnvironmentConfig): string[] {
  const problems: string[] = [];
  const runId = (key: 'v1' | 'v2') => env[key].run.kind === 'http-async' || (env[key].run.kind === 'http-sync' && env[key].run.runIdField !== undefined);
  const check = (setting: string, sql: string | undefined, allowed: string[]) => {
    for (const name of sql ? placeholdersIn(sql) : []) {
      if (!allowed.includes(name)) problems.push(`${setting} uses {{${name}}}, which it cannot be given here (it can use: ${allowed.map((a) => `{{${a}}}`).join(', ') || 'none'})`);
    }
  };
  check('validation.kpiRows.query', env.validation.kpiRows?.query, ['runStartedAt', ...(runId('v1') ? ['runId'] : [])]);
  check('kpis.recomputed.query', env.kpis?.recomputed.kind === 'query' ? env.kpis.recomputed.query : undefined, ['runStartedAt', ...(runId('v2') ? ['runId'] : [])]);
  for (const key of ['v1', 'v2'] as const) {
    const run = env[key].run;
    if (run.kind === 'watermark') check(`${key}.run.query`, run.query, ['runStartedAt']);
  }
  if (env.verification.phases?.kind === 'sql') check('verification.phases.query', env.verification.phases.query, ['runStartedAt']);
  if (env.history?.mayChange.kind === 'touched-by-arrivals') check('history.mayChange.query', env.history.mayChange.query, ['arrivedKeys']);
  return problems;
}

function compatibilityProblems(env: EnvironmentConfig, targetKind: string): string[] {
  const problems: string[] = [];
  for (const key of ['v1', 'v2'] as const) {
    if (env[key].health.kind === 'systemd' && targetKind !== 'ssh-systemd')
      problems.push(`${key}.health: kind 'systemd' reads a unit's state, which only the ssh-systemd target has (this run's target: ${targetKind})`);
  }
  const needsHttp = (what: string) =>
    (['v1', 'v2'] as const)
      .filter((k) => env[k].health.kind !== 'http')
      .map((k) => `${what} reads ${k}'s health answer, but ${k}.health is not http (kind '${env[k].health.kind}')`);
  if (env.verification.phases?.kind === 'health') problems.push(...needsHttp('verification.phases (kind health)').filter((p) => p.includes('v1')));
  if (env.verification.dbConnectivity.kind === 'health') problems.push(...needsHttp('verification.dbConnectivity (kind health)').filter((p) => p.includes('v1')));
  return problems;
}

/** A harness-side fault the decision criteria cannot detect within the observation is a dry-run that proves nothing. */
function detectabilityProblems(env: EnvironmentConfig): string[] {
  const failure = env.failure!;
  if (failure.kind !== 'crash-loop' && failure.kind !== 'hang' && failure.kind !== 'database-cut') return [];
  const { criteria, notTrigger } = env.decision;
  const window = observability(failure.observeTimeoutMs, { ...(criteria ? { criteria } : {}), ...(notTrigger ? { notTrigger } : {}) });
  const candidates = detectors[failure.kind].filter((id) => id !== 'db-connect-failures' || env.decision.metrics.counters.dbConnectFailures);
  if (candidates.some((id) => window.observable.includes(id))) return [];
  const needs = window.notObservable.filter((c) => candidates.includes(c.id)).map((c) => `${c.id} needs at least ${c.needsMs / 1000} s`);
  return [
    `failure kind '${failure.kind}' is detected by ${candidates.join(' or ')}, which cannot fire within failure.observeTimeoutMs (${failure.observeTimeoutMs / 1000} s): ${needs.join('; ') || 'disabled'} — raise observeTimeoutMs, or override the criterion in decision.criteria (e.g. a shorter threshold or sustainMs for the drill)`,
  ];
}
