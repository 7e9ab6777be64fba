import { canConnect } from '../../database/connectivity.ts';
import { probeHealth } from '../../targets/health.ts';
import type { StepDefinition } from '../runner.ts';
import { need, serviceName, type DrillWorld, type ServiceKey, type TestState } from '../world.ts';

/**
 * The runbook's post-rollback verification, measured: health passing, every pipeline phase
 * executed by the restored version (from its health answer), database connectivity, and no
 * error lines in its log. Each becomes a check; this step only gathers the facts.
 */
export function verifyService(world: DrillWorld, state: TestState, key: ServiceKey): StepDefinition {
  const name = serviceName[key];
  return {
    id: `verify-${key}`,
    title: `Post-rollback verification of ${name}: health, phases, database, logs`,
    phase: 'verify',
    async run(ctx) {
      const config = world.env[key];
      const verification = world.env.verification;
      const service = need(state.running[key], name);
      const health = await probeHealth(service.baseUrl + config.healthPath);
      const phases = readPhases(health.body, verification.phasesField);
      const phasesOk = verification.phases.filter((p) => verification.phaseSucceeded.includes(phases[p] ?? '')).length;
      const dbOk = await canConnect(need(state.databaseUrl, 'the drill database'), 5000);
      const pattern = new RegExp(verification.errorLogPattern);
      const errorLines = service.logs(5000).filter((line) => pattern.test(line));
      const evidence = await state.evidence.write(
        `${key}-verification.json`,
        JSON.stringify({ health: { status: health.status ?? null, seen: health.seen, body: health.body }, phases, dbOk, errorLines }, null, 2),
      );
      state.facts.verification = { healthy: health.ok, phasesOk, phasesExpected: verification.phases.length, phases, dbOk, errorLines, evidence };
      ctx.record('health', health.seen);
      ctx.record('phases', phases);
      ctx.record('errorLines', errorLines.length);
      const resources = state.resources[key]?.at(-1)?.summary();
      if (resources) ctx.record('resources', resources);
    },
  };
}

function readPhases(body: unknown, path: string): Record<string, string> {
  let node: unknown = body;
  for (const part of path.split('.')) node = node && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined;
  if (!node || typeof node !== 'object') return {};
  return Object.fromEntries(
    Object.entries(node as Record<string, unknown>).map(([phase, value]) => [
      phase,
      String(value && typeof value === 'object' ? (value as Record<string, unknown>)['status'] : value),
    ]),
  );
}
