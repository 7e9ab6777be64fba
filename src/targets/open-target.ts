import type { TargetConfig } from '../config/schema.ts';
import { HarnessError } from '../errors.ts';
import { openDockerSession } from './docker/docker-session.ts';
import { ENGINE_HINT, probeEngine } from './docker/engine.ts';
import { ProcessTarget } from './process-target.ts';
import { openSwarmSession } from './swarm/swarm-session.ts';
import { openSshSystemdSession } from './ssh-systemd/ssh-systemd-session.ts';
import type { TargetSession } from './target-session.ts';

export interface OpenTargetOptions {
  runId: string;
  /** The run's folder (reports/<runId>): the ssh-systemd test host mounts it so the units' outputs land where the harness reads them. */
  runDir?: string;
  env: NodeJS.ProcessEnv;
}

const processSession = (notice?: string): TargetSession => ({
  target: new ProcessTarget(),
  ...(notice ? { notice } : {}),
  serviceHost: async () => '127.0.0.1',
  close: async () => ({ leftovers: [], errors: [] }),
});

/**
 * The factory of targets: one case per kind. A docker target whose engine does not answer falls
 * back to local processes only when the config asks for it and never in CI, where a missing
 * engine must fail the run rather than quietly test something else.
 */
export async function openTarget(config: TargetConfig, options: OpenTargetOptions): Promise<TargetSession> {
  switch (config.kind) {
    case 'process':
      return processSession();
    case 'docker': {
      const probe = await probeEngine(options.env, config.engineTimeoutMs);
      if (probe.ok) return openDockerSession(probe.engine, config, options.runId);
      if (config.fallback === 'process' && options.env['CI'] !== 'true') {
        return processSession(`${probe.why}: kept the embedded default, local processes (--target docker forces containers)`);
      }
      const why = config.fallback === 'process' ? ' (CI=true: no fallback to local processes in CI)' : '';
      throw new HarnessError(`target docker: ${probe.why}${why}; ${ENGINE_HINT}`);
    }
    case 'swarm': {
      const probe = await probeEngine(options.env, config.engineTimeoutMs);
      if (!probe.ok) throw new HarnessError(`target swarm: ${probe.why}; ${ENGINE_HINT}`);
      return openSwarmSession(probe.engine, config, options.runId);
    }
    case 'ssh-systemd':
      return openSshSystemdSession(config, { runId: options.runId, env: options.env, ...(options.runDir ? { runDir: options.runDir } : {}) });
    default: {
      const never: never = config;
      throw new HarnessError(`no target implementation for kind '${(never as { kind: string }).kind}'`);
    }
  }
}
