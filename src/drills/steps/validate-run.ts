import { publishedOutputs } from '../../blob/published-outputs.ts';
import { bindPlaceholders } from '../../database/bind-placeholders.ts';
import { newClient } from '../../database/pg-session.ts';
import { errorMessage } from '../../errors.ts';
import { readKpis } from '../../kpis/read-kpis.ts';
import { defaultExtension, outputsSince, readOutput, type OutputFile } from '../../pipeline/outputs.ts';
import { describeRun, runPipeline, type PipelineRun } from '../../pipeline/run-pipeline.ts';
import type { StepDefinition } from '../../runner/runner.ts';
import { serviceFill } from '../../runner/service-spec.ts';
import { fillPlaceholders, need, serviceName, type DrillWorld, type ServiceKey, type TestState } from '../../runner/world.ts';

/**
 * Runbook step 4: run a KPI calculation on the restored version and prove it worked — the run
 * succeeded by its protocol, it wrote KPI rows (counted in the database) and output files that decode,
 * and (with blob storage) published each of them there. Every fact is recorded BEFORE the step fails
 * on it, so the checks that judge them fail for their own reason instead of being left unmeasured.
 *
 * An incremental pipeline may have nothing new to do: a run that wrote nothing is then not a failure,
 * and the facts say the whole KPI set and every output file were looked at instead.
 */
export function validateRun(world: DrillWorld, state: TestState, key: ServiceKey): StepDefinition {
  const name = serviceName[key];
  const config = world.env[key];
  const { kpiRows, outputs, incremental } = world.env.validation;
  return {
    id: `validate-${key}`,
    title: `Validate ${name}: a KPI run (${describeRun(config.run)}) writes KPI rows${outputs ? ' and output files' : ''}`,
    phase: 'rollback',
    async run(ctx) {
      const service = need(state.running[key], name);
      const dsn = need(state.databaseUrl, 'the drill database');
      // Records that arrived during the cutover must be in the source before the first run.
      await state.facts.cutover;
      const before = kpiRows?.measure === 'delta' ? await countRows(dsn, kpiRows.query, {}) : undefined;
      const run = await runPipeline(config.run, { service, dsn, fill: serviceFill(world, state), signal: ctx.signal });
      const since = run ?? { triggeredAt: state.startedAt?.[key]?.ms ?? 0, startedAt: state.startedAt?.[key]?.db ?? '-infinity' };
      if (run) {
        state.runs[key] = run;
        recordRun(ctx.record, run);
        if (run.output !== undefined) ctx.record('runEvidence', await state.evidence.write(`${key}-validation-run.txt`, run.output));
        if (!run.ok) throw new Error(run.error ?? `${name} run failed`);
      } else {
        ctx.record('run', describeRun(config.run));
      }

      const problems: string[] = [];
      let wroteRows: number | undefined;
      if (kpiRows) {
        const bound = { runStartedAt: { value: since.startedAt, type: 'timestamptz' }, ...(run?.runId ? { runId: { value: run.runId, type: 'text' } } : {}) };
        const value = await countRows(dsn, kpiRows.query, bound);
        wroteRows = before === undefined ? value : value - before;
        ctx.record('kpiRows', wroteRows);
        if (wroteRows < 1 && !incremental)
          problems.push(`${name}'s run wrote no KPI rows (${kpiRows.query.replace(/\s+/g, ' ')} → ${value}${before === undefined ? '' : `, ${before} before the run`})`);
      }

      let files: string[] = [];
      if (outputs) {
        const dir = fillPlaceholders(outputs.dir, state, world);
        const extension = outputs.extension ?? defaultExtension[outputs.format];
        files = await outputsSince(dir, extension, since.triggeredAt);
        const nothingNew = incremental && files.length === 0 && (wroteRows ?? 0) === 0;
        // An incremental run that had nothing to do wrote nothing: every output there is is proven instead.
        const judged = nothingNew ? await outputsSince(dir, extension, 0) : files;
        if (nothingNew) ctx.record('outputsScope', 'all files (the run had nothing new to write)');
        const read = await Promise.all(
          judged.map((f) =>
            readOutput(f, world.runDir, outputs.format).then(
              (file): OutputFile | string => file,
              (error: unknown) => errorMessage(error),
            ),
          ),
        );
        const decoded = read.filter((r): r is OutputFile => typeof r !== 'string');
        const broken = read.filter((r): r is string => typeof r === 'string');
        const empty = decoded.filter((o) => o.rows === 0).map((o) => `output file ${o.path} has no data rows`);
        ctx.record('outputFiles', decoded.length - empty.length);
        ctx.record(
          'outputRows',
          decoded.reduce((n, o) => n + (o.rows ?? 0), 0),
        );
        if (broken.length || empty.length) ctx.record('outputErrors', [...broken, ...empty]);
        if (judged.length === 0) problems.push(`${name}'s run wrote no ${extension || 'output'} files under ${dir}`);
        problems.push(...broken, ...empty);
        if (state.blob && files.length > 0) {
          const published = await publishedOutputs(state.blob, need(state.outputDir, 'the output folder'), files);
          ctx.record('blobFiles', published.found);
          if (published.missing.length > 0) ctx.record('blobMissing', published.missing);
        }
      }

      const nothingNew = incremental && (wroteRows ?? 0) === 0 && files.length === 0;
      if ((nothingNew || !run) && world.env.kpis) {
        // Nothing new, or no run to ask for: what V1 serves is the whole KPI set, and that is what is judged.
        const points = await readKpis(world.env.kpis.source, { dsn, fill: (v) => fillPlaceholders(v, state, world) });
        ctx.record('kpiSetPoints', points.length);
        ctx.record('kpiScope', run ? 'the whole KPI set (incremental: the run had nothing new to do)' : `the whole KPI set (${describeRun(config.run)})`);
        if (points.length === 0) problems.push(`the KPI set is empty after ${name}'s ${run ? 'run' : 'start'}`);
      }
      if (problems.length > 0) throw new Error(problems.join('; '));
    },
  };
}

function recordRun(record: (key: string, value: unknown) => void, run: PipelineRun): void {
  record('protocol', run.protocol);
  if (run.runId) record('runId', run.runId);
  record('runMs', run.durationMs);
  record('run', run.detail);
  if (run.rows !== undefined) record('runRows', run.rows);
}

/** A configured counting query's single numeric value, its placeholders bound as parameters. */
export async function countRows(dsn: string, sql: string, bound: Parameters<typeof bindPlaceholders>[1]): Promise<number> {
  const query = bindPlaceholders(sql, bound, 'validation.kpiRows.query');
  const client = newClient({ connectionString: dsn });
  await client.connect();
  try {
    const result = await client.query({ text: query.text, values: query.values, rowMode: 'array' }).catch((error: unknown) => {
      throw new Error(`validation.kpiRows.query failed: ${errorMessage(error)}`);
    });
    const value = Number(result.rows[0]?.[0] ?? 0);
    if (!Number.isFinite(value)) throw new Error(`validation.kpiRows.query returned ${String(result.rows[0]?.[0])}, not a number`);
    return value;
  } finally {
    await client.end();
  }
}
