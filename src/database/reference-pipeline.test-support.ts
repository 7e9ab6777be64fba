import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate, killAll, startPipeline, type PipelineProcess } from '../../fixtures/integration/pipeline-process.ts';
import type { PostgresServer } from './postgres-server.ts';

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

/**
 * The reference pipeline's zero-data-loss accounting: a record is accounted for when the ledger
 * (processed_records) has it AND it was either loaded clean or quarantined. Keys carry their source,
 * so loan 5 and payment 5 stay two records.
 */
export const referenceAccounting = {
  sourceKeysQuery: `select 'loans:' || loan_id as key from cascade.loans
                    union all select 'payments:' || payment_id from cascade.payments`,
  processedKeysQuery: `select 'loans:' || l.loan_id as key from abaco.loans l
                         join abaco.processed_records r on r.source = 'loans' and r.source_id = l.loan_id
                       union all
                       select 'payments:' || p.payment_id from abaco.payments p
                         join abaco.processed_records r on r.source = 'payments' and r.source_id = p.payment_id`,
  quarantinedKeysQuery: `select q.source || ':' || q.source_id as key from abaco.quarantine q
                           join abaco.processed_records r using (source, source_id)`,
};
