import { makeReadOnly, restoreInPlace } from '../../database/emergency-restore.ts';
import type { StepDefinition } from '../../runner/runner.ts';
import { dumpToEvidence, proveAgainstBackup } from './database-dump.ts';
import { need, serviceName, type DrillWorld, type ServiceKey, type TestState } from '../../runner/world.ts';

/**
 * The runbook's "Rollback Rollback", for when V1 fails to come up or fails verification: halt every
 * pipeline process, switch the database to read-only, export the data as it is, restore the
 * pre-rollback backup in place and prove the restore by table fingerprints. The database is left
 * read-only on the backup's state: a known version for the incident review.
 */
export function emergencyPath(world: DrillWorld, state: TestState): StepDefinition[] {
  return [haltPipelines(world, state), readOnly(state), exportData(world, state), restoreBackup(world, state), verifyRestore(world, state)];
}

function haltPipelines(world: DrillWorld, state: TestState): StepDefinition {
  return {
    id: 'emergency-halt-pipelines',
    title: 'Emergency: halt all pipeline execution (V1 and V2)',
    phase: 'emergency',
    async run(ctx) {
      const halted: Record<string, unknown> = {};
      for (const key of ['v1', 'v2'] as ServiceKey[]) {
        const running = state.running[key];
        if (!running) continue;
        const result = await running.stop({ graceMs: Math.min(world.env[key].stopGraceMs, 5000) });
        if (await running.isRunning()) throw new Error(`${serviceName[key]} is still running after the emergency stop`);
        halted[serviceName[key]] = result.alreadyExited ? 'had already exited' : result.escalatedToKill ? 'killed after the grace period' : 'stopped';
      }
      ctx.record('halted', halted);
    },
  };
}

function readOnly(state: TestState): StepDefinition {
  return {
    id: 'emergency-read-only',
    title: 'Emergency: switch the database to read-only',
    phase: 'emergency',
    async run(ctx) {
      const result = await makeReadOnly(need(state.databaseUrl, 'the drill database'));
      ctx.record('sessionsEnded', result.sessionsEnded);
      ctx.record('proof', result.proof);
    },
  };
}

function exportData(world: DrillWorld, state: TestState): StepDefinition {
  return {
    id: 'emergency-export-data',
    title: 'Emergency: export the data as the failed rollback left it (pg_dump)',
    phase: 'emergency',
    run: (ctx) => dumpToEvidence(world, state, ctx, 'emergency-export').then(() => undefined),
  };
}

function restoreBackup(world: DrillWorld, state: TestState): StepDefinition {
  return {
    id: 'emergency-restore-backup',
    title: 'Emergency: restore the database from the pre-rollback backup',
    phase: 'emergency',
    async run(ctx) {
      const backup = need(state.facts.backup, 'the pre-rollback backup');
      await restoreInPlace({
        dsn: need(state.databaseUrl, 'the drill database'),
        pgRestore: backup.pgRestore,
        path: backup.path,
        schemas: world.env.verification.schemas,
        signal: ctx.signal,
      });
      ctx.record('backup', state.evidence.relative(backup.path));
      ctx.record('schemas', world.env.verification.schemas);
    },
  };
}

function verifyRestore(world: DrillWorld, state: TestState): StepDefinition {
  return {
    id: 'emergency-verify-restore',
    title: 'Emergency: verify the restored database against the backup (table fingerprints)',
    phase: 'emergency',
    async run(ctx) {
      const { proof } = await proveAgainstBackup(world, state, ctx, 'emergency-restore-proof.json', 'live');
      ctx.record('differences', proof.differences.length);
      if (!proof.restored || proof.differences.length > 0 || !proof.schemaMatches) {
        throw new Error(
          `the restored database differs from the backup: ${proof.differences.map((d) => `${d.table} (${d.change})`).join(', ') || proof.restoreError || 'schema differs'}`,
        );
      }
    },
  };
}
