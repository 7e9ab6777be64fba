import type { ServiceSpec } from '../targets/target.ts';
import { baseEnv } from './service-env.ts';
import { fillPlaceholders, resolvePath, serviceName, type DrillWorld, type ServiceKey, type TestState } from './world.ts';

/**
 * The spec a target deploys: command and arguments from config, environment = a minimal base +
 * passEnv + the restored env file (V1) + the config's env, placeholders filled. Output goes,
 * redacted, to <testId>/<v1|v2>.log.
 */
export async function serviceSpec(
  world: DrillWorld,
  state: TestState,
  key: ServiceKey,
  extra: { env?: Record<string, string>; logName?: string } = {},
): Promise<{ spec: ServiceSpec; closeLog: () => Promise<void> }> {
  const config = world.env[key];
  const fill = serviceFill(world, state);
  const env = {
    ...baseEnv(world.processEnv, [], config.passEnv),
    ...(state.restoredEnv[key] ?? {}),
    ...Object.fromEntries(Object.entries(config.env).map(([k, v]) => [k, fill(v)])),
    ...(extra.env ?? {}),
  };
  const log = await state.evidence.lineWriter(extra.logName ?? `${key}.log`);
  return {
    spec: {
      name: serviceName[key],
      role: key,
      command: config.command,
      args: config.args.map(fill),
      cwd: resolvePath(world, config.cwd ?? '.'),
      env,
      hostEnv: baseEnv(world.processEnv),
      writableDirs: state.outputDir ? [state.outputDir] : [],
      onLogLine: log.writeLine,
      stopGraceMs: config.stopGraceMs,
    },
    closeLog: log.close,
  };
}

/** Fills placeholders as the service sees them: it may reach the database under another address than the harness does (a container network). */
export function serviceFill(world: DrillWorld, state: TestState): (value: string) => string {
  const serviceState = state.databaseUrl ? { ...state, databaseUrl: world.server.serviceDsn(state.databaseUrl) } : state;
  return (value) => fillPlaceholders(value, serviceState, world);
}
