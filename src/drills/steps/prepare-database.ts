import { randomBytes } from 'node:crypto';
import type { StepDefinition } from '../../runner/runner.ts';
import type { DrillWorld, TestState } from '../../runner/world.ts';

/** A fresh, empty database for this test on the run's server (dropped at the end), its output folder and blob container. */
export function prepareDatabase(world: DrillWorld, state: TestState): StepDefinition {
  return {
    id: 'prepare-database',
    title: `Create an empty drill database${world.env.blob ? ', output folder and blob container' : ' and output folder'}`,
    phase: 'setup',
    async run(ctx) {
      const name = `drill_${state.testId.replaceAll('-', '_')}_${randomBytes(3).toString('hex')}`;
      const template = await world.seedTemplate();
      state.databaseUrl = await world.server.createDatabase(name, template ? { template: template.name } : {});
      if (template) state.seededFrom = template;
      state.databaseName = name;
      world.redactor.addDsn(state.databaseUrl);
      ctx.defer(`drop database ${name}`, () => world.server.dropDatabase(name));
      state.outputDir = await state.evidence.folder('outputs');
      ctx.record('database', name);
      ctx.record('server', world.server.description);
      if (world.blob) {
        const blob = await world.blob.containerFor(state.testId);
        state.blob = blob;
        ctx.defer(`remove blob container ${blob.name}`, () => blob.dispose());
        ctx.record('blob', `${world.blob.description}, container ${blob.name}`);
      }
    },
  };
}
