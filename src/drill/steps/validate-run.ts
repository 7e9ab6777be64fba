import { publishedOutputs } from '../../blob/published-outputs.ts';
import { outputsSince, readParquetOutput } from '../outputs.ts';
import { triggerRun } from '../pipeline-run.ts';
import type { StepDefinition } from '../runner.ts';
import { fillPlaceholders, need, serviceName, type DrillWorld, type ServiceKey, type TestState } from '../world.ts';
import { newClient } from '../../database/pg-session.ts';

/**
 * Runbook step 4: trigger a KPI run on the restored version and prove it worked — the run
 * succeeded, it wrote KPI rows (counted in the database) and output files that decode, and (with
 * blob storage) published each of them there.
 */
export function validateRun(world: DrillWorld, state: TestState, key: ServiceKey): StepDefinition {
  const name = serviceName[key];
  return {
    id: `validate-${key}`,
    title: `Validate ${name}: a KPI run writes KPI rows and output files`,
    phase: 'rollback',
    async run(ctx) {
      const service = need(state.running[key], name);
      // Records that arrived during the cutover must be in the source before V1's first run.
      await state.facts.cutover;
      const run = await triggerRun(service, world.env[key].run, ctx.signal);
      state.runs[key] = run;
      ctx.record('runId', run.runId);
      ctx.record('runMs', run.durationMs);
      if (run.status !== 'succeeded') throw new Error(`${name} run ${run.runId} ended ${run.status}: ${JSON.stringify(run.body['error'] ?? run.body)}`);

      const kpiRows = await countRows(need(state.databaseUrl, 'the drill database'), world.env.validation.kpiRowsQuery, run.runId);
      ctx.record('kpiRows', kpiRows);
      if (kpiRows < 1) throw new Error(`${name} run ${run.runId} wrote no KPI rows (${world.env.validation.kpiRowsQuery})`);

      const dir = fillPlaceholders(world.env.validation.outputsDir, state, world);
      const files = await outputsSince(dir, world.env.validation.outputsExtension, run.triggeredAt);
      if (files.length === 0) throw new Error(`${name} run ${run.runId} wrote no ${world.env.validation.outputsExtension} files under ${dir}`);
      const outputs = await Promise.all(files.map((f) => readParquetOutput(f, world.runDir)));
      const empty = outputs.filter((o) => o.rows === 0);
      if (empty.length > 0) throw new Error(`${name} wrote empty output files: ${empty.map((o) => o.path).join(', ')}`);
      ctx.record('outputFiles', outputs.length);
      ctx.record('outputRows', outputs.reduce((n, o) => n + o.rows, 0));
      if (state.blob) {
        const published = await publishedOutputs(state.blob, need(state.outputDir, 'the output folder'), files);
        ctx.record('blobFiles', published.found);
        if (published.missing.length > 0) ctx.record('blobMissing', published.missing);
      }
    },
  };
}

async function countRows(dsn: string, query: string, runId: string): Promise<number> {
  const client = newClient({ connectionString: dsn });
  await client.connect();
  try {
    const result = await client.query({ text: query, values: [runId], rowMode: 'array' });
    return Number(result.rows[0]?.[0] ?? 0);
  } finally {
    await client.end();
  }
}
