import { evaluate } from '../../criteria/evaluate.ts';
import { schemaFingerprint } from '../../database/fingerprint.ts';
import { exportHistoryRows, snapshotHistory } from '../../database/history.ts';
import { readKpis } from '../../kpis/read-kpis.ts';
import { probe } from '../../pipeline/health-check.ts';
import { serviceFill } from '../../runner/service-spec.ts';
import { jsonLinesOf } from '../../telemetry/scraper.ts';
import type { StepDefinition } from '../../runner/runner.ts';
import { accountBeforeRollback } from './account-records.ts';
import { dumpToEvidence, proveAgainstBackup } from './database-dump.ts';
import { fillPlaceholders, need, type AccountingFacts, type DrillWorld, type TestState } from '../../runner/world.ts';

/** Runbook Phase 1: "Take production database backup" — a real pg_dump (directory format, parallel jobs) into evidence. */
export function backupDatabase(world: DrillWorld, state: TestState): StepDefinition {
  return {
    id: 'backup-database',
    title: 'Take a database backup (pg_dump, directory format, parallel)',
    phase: 'pre-rollback',
    async run(ctx) {
      const { path, bytes, tools, fingerprints } = await dumpToEvidence(world, state, ctx, 'backup');
      state.facts.backup = { path, bytes, pgRestore: tools.pgRestore, ...(fingerprints ? { fingerprints } : {}) };
      ctx.record('pgDump', tools.pgDump);
    },
  };
}

/**
 * A backup is only a backup once it has been restored: restore it into a scratch database and
 * compare every table's fingerprint with the snapshot the backup saved. Fails before the rollback starts.
 */
export function proveBackupRestores(world: DrillWorld, state: TestState): StepDefinition {
  return {
    id: 'prove-backup-restores',
    title: 'Prove the backup restores (scratch database, table fingerprints equal)',
    phase: 'pre-rollback',
    async run(ctx) {
      // The scratch database is dropped in the background, awaited before the rollback window (background-settled).
      const dropLater = (drop: Promise<void>) => {
        state.background.push(drop);
        ctx.defer("drop the restore proof's scratch database", () => drop);
      };
      const { proof, evidence } = await proveAgainstBackup(world, state, ctx, 'restore-proof.json', 'snapshot', { dropLater });
      state.facts.restore = {
        restored: proof.restored,
        differences: proof.differences.length,
        schemaMatches: proof.schemaMatches,
        evidence,
        ...(proof.restoreError ? { error: proof.restoreError } : {}),
      };
      if (!proof.restored) throw new Error(`the backup does not restore: ${proof.restoreError ?? 'unknown error'}`);
      if (proof.differences.length > 0 || !proof.schemaMatches) {
        const tables = proof.differences.map((d) => `${d.table} (${d.change}${d.rowsBefore !== undefined ? `, ${d.rowsBefore} → ${d.rowsAfter} rows` : ''})`);
        throw new Error(`the restored backup differs from the snapshot it saved: ${tables.join(', ') || 'schema differs'}`);
      }
    },
  };
}

/** Runbook Phase 1: "Export last 24 hours V2 metrics" — the scraped /metrics series and V2's KPI rows. */
export function exportV2Metrics(world: DrillWorld, state: TestState): StepDefinition {
  return {
    id: 'export-v2-metrics',
    title: "Export V2's metrics: scraped /metrics samples and its KPI rows",
    phase: 'pre-rollback',
    async run(ctx) {
      // Streamed line by line: a long series is written without ever being one string.
      const samples = (state.scrapers.v2 ?? []).flatMap((s) => s.samples());
      ctx.record('metricsSamples', samples.length);
      if (samples.length > 0) ctx.record('metricsEvidence', await state.evidence.writeLines('v2-metrics.jsonl', jsonLinesOf(samples)));
      const dsn = need(state.databaseUrl, 'the drill database');
      if (world.env.kpis) {
        const points = await readKpis(world.env.kpis.source, { dsn, fill: (v) => fillPlaceholders(v, state, world) });
        const evidence = await state.evidence.write('v2-kpis.json', JSON.stringify(points, null, 1));
        state.facts.kpisBefore = { points, evidence };
        ctx.record('kpiPoints', points.length);
      }
      if (world.env.history) {
        const [snapshot, rows] = await Promise.all([snapshotHistory(dsn, world.env.history), exportHistoryRows(dsn, world.env.history)]);
        const evidence = await state.evidence.write('history-before.json', JSON.stringify({ snapshot, rows }, null, 1));
        state.facts.history = { snapshot, rows, evidence };
        ctx.record('historyPeriods', snapshot.order.length);
      }
    },
  };
}

/** Runbook Phase 1: "Record current system state (logs, metrics)" — plus the state the checks compare against. */
export function recordSystemState(world: DrillWorld, state: TestState): StepDefinition {
  return {
    id: 'record-system-state',
    title: 'Record system state: V2 health and logs, record accounting, schema fingerprint',
    phase: 'pre-rollback',
    async run(ctx) {
      const v2 = state.running.v2;
      if (v2) {
        const health = await probe(v2, world.env.v2.health, serviceFill(world, state));
        ctx.record('v2Health', health.seen);
        await state.evidence.write('v2-health.json', JSON.stringify(health, null, 2));
        await state.evidence.write('v2-state.log', `${v2.logs(200).join('\n')}\n`);
        ctx.record('v2Running', await v2.isRunning());
      }
      const dsn = need(state.databaseUrl, 'the drill database');
      const schema = await schemaFingerprint(dsn, { schemas: world.env.verification.schemas });
      state.facts.schemaBefore = { hash: schema.hash, evidence: await state.evidence.write('schema-before.json', JSON.stringify(schema, null, 1)) };
      if (world.env.accounting) {
        const before = await accountBeforeRollback(world, state);
        state.facts.accountingBefore = { ...before, criterion: dataLossCriterion(world, before) };
        ctx.record('sourceKeys', before.sourceKeys);
        ctx.record('missingKeys', before.missingKeys);
        ctx.record('dataLossCriterion', state.facts.accountingBefore.criterion);
      }
    },
  };
}

/**
 * The runbook's "data loss detected" trigger fed by the count the database proved, not by a gauge: the
 * keys V2 was asked to handle in, those it processed or quarantined out, read by the same evaluator
 * (and the environment's criteria overrides) as every other rollback decision.
 */
function dataLossCriterion(world: DrillWorld, before: AccountingFacts): { fired: boolean; title: string } {
  const { criteria, notTrigger } = world.env.decision;
  const sample = { t: new Date().toISOString(), rowsIn: before.sourceKeys, rowsOut: before.sourceKeys - before.missingKeys };
  const decision = evaluate({ samples: [sample] }, undefined, { overrides: { ...(criteria ? { criteria } : {}), ...(notTrigger ? { notTrigger } : {}) } });
  const fired = decision.fired.find((f) => f.id === 'data-loss');
  const evaluated = decision.evaluated.find((e) => e.id === 'data-loss');
  return { fired: fired !== undefined, title: fired?.title ?? evaluated?.title ?? 'data-loss (not configured)' };
}
