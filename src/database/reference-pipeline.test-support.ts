import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate, killAll, startPipeline, type PipelineProcess } from '../../fixtures/integration/pipeline-process.ts';
import type { PostgresServer } from './postgres-server.ts';
import reference from '../../drill.config.ts';

/**
 * For integration tests only: a database seeded by the real Cascade generator and processed by the
 * real reference V2, as a process. The harness itself never imports the fixtures; its tests use them
 * as the system under test.
 */
export interface ReferenceDatabase {
  dsn: string;
  outputDir: string;
  v2: PipelineProcess;
  /** GET /runs/<id> of the first, complete run. */
  firstRun: { runId: string; status: string; outputFiles: string[] };
  /** Stops V2 (and anything else spawned) and removes the output folder. */
  close(): Promise<void>;
}

export async function seededReferenceDatabase(server: PostgresServer, name: string, options: { loans: number; seed?: number }): Promise<ReferenceDatabase> {
  const dsn = await server.createDatabase(name);
  await generate(dsn, ['--loans', String(options.loans), '--seed', String(options.seed ?? 7)]);
  const outputDir = await mkdtemp(join(tmpdir(), `${name}-out-`));
  const close = async () => {
    await killAll();
    await rm(outputDir, { recursive: true, force: true });
  };
  try {
    const v2 = await startPipeline('v2', { databaseUrl: dsn, outputDir });
    await v2.waitHealthy();
    const firstRun = await v2.runToCompletion(120_000);
    if (firstRun.status !== 'succeeded') throw new Error(`reference V2 run failed: ${JSON.stringify(firstRun)}`);
    return { dsn, outputDir, v2, firstRun, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** The reference pipeline's zero-data-loss accounting, exactly as the staging config declares it. */
export const referenceAccounting = reference.environments['staging']!.accounting!;
