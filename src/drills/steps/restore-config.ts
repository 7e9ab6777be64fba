import { stat } from 'node:fs/promises';
import { checkConnectivity } from '../../database/connectivity.ts';
import { readEnvFile } from '../../config/env-file.ts';
import type { StepDefinition } from '../../runner/runner.ts';
import { need, resolvePath, serviceName, type DrillWorld, type ServiceKey, type TestState } from '../../runner/world.ts';

/**
 * Runbook step 2: restore the version's environment from the pre-staged env file, verify its
 * files (binaries, config, migrations) are present, and check database connectivity.
 */
export function restoreConfig(world: DrillWorld, state: TestState, key: ServiceKey): StepDefinition {
  const name = serviceName[key];
  return {
    id: `restore-${key}-config`,
    title: `Restore ${name}'s configuration, verify its assets and DB connectivity`,
    phase: 'rollback',
    async run(ctx) {
      const config = world.env[key];
      if (config.envFile) {
        const env = await readEnvFile(resolvePath(world, config.envFile));
        state.restoredEnv[key] = env;
        ctx.record('envFile', config.envFile);
        ctx.record('envKeys', Object.keys(env));
      }
      const files: Record<string, number> = {};
      for (const file of config.requiredFiles) {
        const path = resolvePath(world, file);
        const info = await stat(path).catch(() => undefined);
        if (!info) throw new Error(`${name} asset missing: ${file} (${path})`);
        files[file] = info.size;
      }
      ctx.record('assets', files);
      // On a container target "V1's binaries" are its image: present in the engine, with its content hash.
      if (world.target.inspectArtifact) ctx.record('artifact', await world.target.inspectArtifact(key));
      ctx.record('dbConnectMs', await checkConnectivity(need(state.databaseUrl, 'the drill database'), 5000));
    },
  };
}
