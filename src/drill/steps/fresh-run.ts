import { randomBytes } from 'node:crypto';
import type { CommandConfig } from '../../config/schema.ts';
import { readKpis } from '../../kpis/read-kpis.ts';
import { runPipeline } from '../../pipeline/run-pipeline.ts';
import type { StepPhase } from '../../journal/journal-types.ts';
import type { StepDefinition } from '../runner.ts';
import { serviceFill } from '../service-spec.ts';
import { fillPlaceholders, need, newTestState, serviceName, type DrillWorld, type KpiFacts, type PipelineRunFacts, type ServiceKey, type TestState } from '../world.ts';
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
 * A version run from scratch on the same data as the drill's database, in a second database seeded by
 * the same commands in the same order: Test 2's "run V1 on the same data" (compared with V2's export),
 * and Test 4's reference for V2's re-run (a V2 that never left must compute what the V2 that picked up
 * from V1's state computed). The database is kept until the test ends, for the record comparisons.
 */
export function freshRun(world: DrillWorld, state: TestState, key: ServiceKey, options: FreshRunOptions): StepDefinition {
  const name = serviceName[key];
  return {
    id: options.id,
    title: options.title,
    phase: options.phase,
    async run(ctx) {
      const kpis = need(world.env.kpis, 'the kpis config');
      const shadow = newTestState(state.testId, state.evidence);
      shadow.restoredEnv = state.restoredEnv;
      if (state.blob) shadow.blob = state.blob;
      const dbName = `drill_${state.testId.replaceAll('-', '_')}_${options.fact === 'sameData' ? 'same' : 'fresh'}_${randomBytes(3).toString('hex')}`;
      const template = await world.seedTemplate();
      shadow.databaseUrl = await world.server.createDatabase(dbName, template ? { template: template.name } : {});
      if (template) shadow.seededFrom = template;
      shadow.databaseName = dbName;
      world.redactor.addDsn(shadow.databaseUrl);
      ctx.defer(`drop database ${dbName}`, () => world.server.dropDatabase(dbName));
      shadow.outputDir = await state.evidence.folder(`${options.fact === 'sameData' ? 'same-data' : 'fresh-forward'}-outputs`);
      // The sub-steps' cleanups (stop the version, close its log) join this test's queue.
      await runSetup(world, shadow, world.env.setup, `${options.id}-seed`).run(ctx);
      if (options.then.length) await runSetup(world, shadow, options.then, `${options.id}-arrivals`).run(ctx);
      await deployService(world, shadow, key, options.phase, { id: `${options.id}-deploy`, logName: `${key}-${options.fact === 'sameData' ? 'same-data' : 'fresh-forward'}.log` }).run(ctx);
      const service = need(shadow.running[key], name);
      const run = await runPipeline(world.env[key].run, { service, dsn: shadow.databaseUrl, fill: serviceFill(world, shadow), signal: ctx.signal });
      if (!run) throw new Error(`${name} has no run trigger (run: none): it cannot be run on the same data`);
      if (!run.ok) throw new Error(`${name}'s run from scratch on the same data failed: ${run.error ?? run.detail}`);
      await service.stop({ graceMs: world.env[key].stopGraceMs });
      const points = await readKpis(kpis.source, { dsn: shadow.databaseUrl, fill: (v) => fillPlaceholders(v, shadow, world) });
      const evidence = await state.evidence.write(`${key}-kpis-${options.fact === 'sameData' ? 'same-data' : 'fresh-forward'}.json`, JSON.stringify(points, null, 1));
      const kpiFacts: KpiFacts = { points, evidence };
      const runFacts: PipelineRunFacts = { databaseUrl: shadow.databaseUrl, run, kpis: kpiFacts };
      state.facts[options.fact] = runFacts;
      ctx.record('run', run.detail);
      ctx.record('kpiPoints', points.length);
    },
  };
}
