import { randomBytes } from 'node:crypto';
import { readEnvFile } from '../../config/env-file.ts';
import type { CommandConfig } from '../../config/schema.ts';
import { readKpis } from '../../kpis/read-kpis.ts';
import { runPipeline, type PipelineRun } from '../../pipeline/run-pipeline.ts';
import type { StepPhase } from '../../journal/journal-types.ts';
import type { StepContext, StepDefinition } from '../../runner/runner.ts';
import { serviceFill } from '../../runner/service-spec.ts';
import {
  fillPlaceholders,
  need,
  resolvePath,
  newTestState,
  serviceName,
  type DrillWorld,
  type KpiFacts,
  type PipelineRunFacts,
  type ServiceKey,
  type TestState,
} from '../../runner/world.ts';
import { runSetup } from './run-setup.ts';
import { deployService } from './start-service.ts';

export interface FreshRunOptions {
  id: string;
  title: string;
  phase: StepPhase;
  /** After the setup (D): the commands that made the rest of the data, in the order they ran in the drill's database. */
  then: CommandConfig[];
  /** Where the run's KPIs and database are kept for the checks. */
  fact: 'sameData' | 'freshForward';
}

/**
 * A version run from scratch on the same data as the drill's database, in a second database seeded the
 * same way (the run's template, then the same commands in the same order): Test 2's "run V1 on the same
 * data" (compared with V2's export), and Test 4's reference for V2's re-run (a V2 that never left must
 * compute what the V2 that picked up from V1's state computed). It needs nothing of the drill's database,
 * so where the target runs it beside the drill's V2 (`Target.runsBeside`) it starts in the background at
 * the beginning of the test (`start`), overlapping V2's setup and the pre-rollback checklist; the step
 * `background-settled` (phases.ts) waits for it before the rollback window, which is measured with nothing
 * else running; `finish`, at its place in the plan, takes its result. Where the target cannot (one systemd unit or one swarm service per
 * version), `start` records why and `finish` runs it, after the steps that needed the drill's own
 * deployment. The database is kept until the test ends, for the record comparisons.
 */
export function freshRun(world: DrillWorld, state: TestState, key: ServiceKey, options: FreshRunOptions): { start: StepDefinition; finish: StepDefinition } {
  const name = serviceName[key];
  let work: Promise<{ run: PipelineRun; points: number }> | undefined;
  return {
    start: {
      id: `${options.id}-start`,
      title: `Start ${options.title.charAt(0).toLowerCase()}${options.title.slice(1)} in the background, where the target runs it beside V2`,
      phase: 'setup',
      async run(ctx) {
        // The target is open by now (the plan is made before it is).
        const beside = world.target.runsBeside?.(key, 'v2') === true;
        ctx.record('inBackground', beside);
        if (!beside) {
          ctx.record('why', `the ${world.target.kind} target cannot run a second ${name} beside the drill's V2 (the same unit or service): it runs at its own step`);
          return;
        }
        work = runFromScratch(world, state, key, options, ctx);
        // Awaited by background-settled (phases.ts) and by finish; never an unhandled rejection meanwhile.
        work.catch(() => undefined);
        state.background.push(work);
      },
    },
    finish: {
      id: options.id,
      title: options.title,
      phase: options.phase,
      async run(ctx) {
        const done = await (work ?? runFromScratch(world, state, key, options, ctx));
        ctx.record('run', done.run.detail);
        ctx.record('kpiPoints', done.points);
      },
    },
  };
}

async function runFromScratch(world: DrillWorld, state: TestState, key: ServiceKey, options: FreshRunOptions, ctx: StepContext): Promise<{ run: PipelineRun; points: number }> {
  const name = serviceName[key];
  const kpis = need(world.env.kpis, 'the kpis config');
  const label = options.fact === 'sameData' ? 'same-data' : 'fresh-forward';
  const shadow = newTestState(state.testId, state.evidence);
  // It starts before the rollback restores the version's environment: it reads the pre-staged env file itself.
  const envFile = world.env[key].envFile;
  if (envFile) shadow.restoredEnv[key] = await readEnvFile(resolvePath(world, envFile));
  if (state.blob) shadow.blob = state.blob;
  const dbName = `drill_${state.testId.replaceAll('-', '_')}_${options.fact === 'sameData' ? 'same' : 'fresh'}_${randomBytes(3).toString('hex')}`;
  const template = await world.seedTemplate();
  shadow.databaseUrl = await world.server.createDatabase(dbName, template ? { template: template.name } : {});
  if (template) shadow.seededFrom = template;
  shadow.databaseName = dbName;
  world.redactor.addDsn(shadow.databaseUrl);
  ctx.defer(`drop database ${dbName}`, () => world.server.dropDatabase(dbName));
  shadow.outputDir = await state.evidence.folder(`${label}-outputs`);
  // The sub-steps' cleanups (stop the version, close its log) join this test's queue.
  await runSetup(world, shadow, world.env.setup, `${options.id}-seed`).run(ctx);
  if (options.then.length) await runSetup(world, shadow, options.then, `${options.id}-arrivals`).run(ctx);
  await deployService(world, shadow, key, options.phase, { id: `${options.id}-deploy`, logName: `${key}-${label}.log` }).run(ctx);
  const service = need(shadow.running[key], name);
  const run = await runPipeline(world.env[key].run, { service, dsn: shadow.databaseUrl, fill: serviceFill(world, shadow), signal: ctx.signal });
  if (!run) throw new Error(`${name} has no run trigger (run: none): it cannot be run on the same data`);
  if (!run.ok) throw new Error(`${name}'s run from scratch on the same data failed: ${run.error ?? run.detail}`);
  await service.stop({ graceMs: world.env[key].stopGraceMs });
  const points = await readKpis(kpis.source, { dsn: shadow.databaseUrl, fill: (v) => fillPlaceholders(v, shadow, world) });
  const evidence = await state.evidence.write(`${key}-kpis-${label}.json`, JSON.stringify(points, null, 1));
  const kpiFacts: KpiFacts = { points, evidence };
  const runFacts: PipelineRunFacts = { databaseUrl: shadow.databaseUrl, run, kpis: kpiFacts };
  state.facts[options.fact] = runFacts;
  return { run, points: points.length };
}
