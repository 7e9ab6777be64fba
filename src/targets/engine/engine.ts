import Docker from 'dockerode';
import { errorMessage } from '../../errors.ts';

export interface Engine {
  readonly docker: Docker;
  readonly version: string;
  /** Where the engine answers, without credentials: "unix:///var/run/docker.sock". */
  readonly endpoint: string;
}

export type EngineProbe = { ok: true; engine: Engine } | { ok: false; why: string };

export const ENGINE_HINT = 'start one with: apt-get install -y docker.io iptables; rm -f /var/run/docker.pid; dockerd &';

/**
 * Asks the engine named by DOCKER_HOST (default: the local socket) for its version, within a deadline.
 * Never throws: a missing engine is an answer the caller turns into a fallback or an exit 3.
 */
export async function probeEngine(env: NodeJS.ProcessEnv, timeoutMs: number): Promise<EngineProbe> {
  const endpoint = endpointOf(env);
  // No client-wide timeout: it would also cut the long-polls (wait, logs) the target relies on.
  const docker = new Docker();
  try {
    const version = await withDeadline(docker.version(), timeoutMs, `no answer within ${timeoutMs} ms`);
    configureTestcontainers(env);
    return { ok: true, engine: { docker, version: version.Version, endpoint } };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { ok: false, why: `no Docker engine answers at ${endpoint} (${code ?? errorMessage(error)})` };
  }
}

function endpointOf(env: NodeJS.ProcessEnv): string {
  const host = env['DOCKER_HOST'];
  if (!host) return 'unix:///var/run/docker.sock';
  try {
    const url = new URL(host);
    url.username = '';
    url.password = '';
    return url.toString();
  } catch {
    return host;
  }
}

/**
 * testcontainers reads these at its first call. Ryuk (its reaper) is an image that would be pulled,
 * and no registry is reachable: the harness removes its containers itself, by run label. And this
 * VM looks like a container to testcontainers, which then guesses a gateway address for mapped
 * ports; with a local socket the mapped ports are on localhost.
 */
function configureTestcontainers(env: NodeJS.ProcessEnv): void {
  process.env['TESTCONTAINERS_RYUK_DISABLED'] ??= 'true';
  const host = env['DOCKER_HOST'];
  if (!host || host.startsWith('unix://')) process.env['TESTCONTAINERS_HOST_OVERRIDE'] ??= 'localhost';
}

async function withDeadline<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
