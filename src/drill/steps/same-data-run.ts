import { randomBytes } from 'node:crypto';
import { readKpis } from '../../kpis/read-kpis.ts';
import { triggerRun } from '../pipeline-run.ts';
import type { StepDefinition } from '../runner.ts';
import { runSetup } from './run-setup.ts';
import { deployService } from './start-service.ts';
import { fillPlaceholders, need, serviceName, type DrillWorld, type ServiceKey, type TestState } from '../world.ts';
import { newTestState } from '../world.ts';

/**
 * Test 2's "run V1 on the same data": the rolled-back version processes data set D from scratch
 * in a second database seeded by the same setup commands, so every KPI × as-of × segment it
 * computes can be compared with V2's export — while the drill database's history stays untouched.
 */
export function sameDataRun(world: DrillWorld, state: TestState, key: ServiceKey): StepDefinition {
  const name = serviceName[key];
  return {
    id: `${key}-same-data-run`,
    title: `Run ${name} from scratch on the same data set D (a second database)`,
    phase: 'verify',
    async run(ctx) {
      const kpis = need(world.env.kpis, 'the kpis config');
      const shadow = newTestState(state.testId, state.evidence);
      shadow.restoredEnv = state.restoredEnv;
      if (state.blob) shadow.blob = state.blob;
      const dbName = `drill_${state.testId.replaceAll('-', '_')}_same_${randomBytes(3).toString('hex')}`;
      shadow.databaseUrl = await world.server.createDatabase(dbName);
      world.redactor.addDsn(shadow.databaseUrl);
      ctx.defer(`drop database ${dbName}`, () => world.server.dropDatabase(dbName));
      shadow.outputDir = await state.evidence.folder('same-data-outputs');
      // The sub-steps' cleanups (stop V1, close its log) join this test's queue.
      await runSetup(world, shadow).run(ctx);
      await deployService(world, shadow, key, 'verify', { id: `${key}-same-data`, logName: `${key}-same-data.log` }).run(ctx);
      const service = need(shadow.running[key], name);
      const run = await triggerRun(service, world.env[key].run, ctx.signal);
      if (run.status !== 'succeeded') throw new Error(`${name} run ${run.runId} on the same data ended ${run.status}: ${JSON.stringify(run.body['error'] ?? run.body)}`);
      await service.stop({ graceMs: world.env[key].stopGraceMs });
      const points = await readKpis(kpis.source, { dsn: shadow.databaseUrl, fill: (v) => fillPlaceholders(v, shadow, world) });
      const evidence = await state.evidence.write(`${key}-kpis-same-data.json`, JSON.stringify(points, null, 1));
      state.facts.sameDataKpis = { points, evidence };
      ctx.record('runId', run.runId);
      ctx.record('kpiPoints', points.length);
    },
  };
}
