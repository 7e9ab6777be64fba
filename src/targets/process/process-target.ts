import { once } from 'node:events';
import { execa, type ResultPromise } from 'execa';
import { HarnessError, errorMessage } from '../../errors.ts';
import { freePort } from '../../util/free-port.ts';
import { LineBuffer } from '../../util/line-buffer.ts';
import { delay, waitFor } from '../../util/wait-for.ts';
import { sampleProcess } from '../proc-stats.ts';
import { killAllOnExit, signalGroup, groupAlive } from './process-groups.ts';
import type { Deployment, ExecOptions, ExecResult, ExitInfo, ServiceSpec, StartedDeployment, StopResult, Target } from '../target.ts';
import type { TargetSession } from '../target-session.ts';

/** A run on local processes: nothing to prepare, nothing to remove; `notice` says why when it stands in for another target. */
export function processSession(notice?: string): TargetSession {
  return {
    target: new ProcessTarget(),
    ...(notice ? { notice } : {}),
    serviceHost: async () => '127.0.0.1',
    close: async () => ({ leftovers: [], errors: [] }),
  };
}

/** V1 and V2 as local child processes, each the leader of its own process group. */
export class ProcessTarget implements Target {
  readonly kind = 'process';
  readonly description = 'local processes';

  runsBeside(): boolean {
    return true;
  }

  async deploy(spec: ServiceSpec): Promise<Deployment> {
    const port = await freePort();
    const fill = (value: string) => value.replaceAll('{{port}}', String(port));
    const env = { ...spec.hostEnv, ...Object.fromEntries(Object.entries(spec.env).map(([k, v]) => [k, fill(v)])) };
    return {
      name: spec.name,
      start: () => startProcess({ ...spec, env, args: spec.args.map(fill) }, port),
    };
  }
}

async function startProcess(spec: ServiceSpec, port: number): Promise<StartedDeployment> {
  const log = new LineBuffer(2000);
  // Detached: the service leads its own process group, so stop() reaches any children it forks,
  // and a Ctrl-C in the terminal reaches only the harness, which then stops V1/V2 in order.
  const child = execa(spec.command, spec.args, {
    cwd: spec.cwd,
    env: spec.env,
    extendEnv: false,
    detached: true,
    reject: false,
    buffer: false,
    stdin: 'ignore',
  });
  const onData = (chunk: Buffer) => {
    for (const line of log.push(chunk.toString())) spec.onLogLine?.(line);
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  try {
    await once(child, 'spawn');
  } catch (error) {
    throw new Error(`${spec.name} cannot start: ${spec.command} ${errorMessage(error)}`);
  }
  const pid = child.pid!;
  const unregister = killAllOnExit(pid);
  const exited: Promise<ExitInfo> = child.then((result) => {
    unregister();
    return { exitCode: result.exitCode ?? null, signal: result.signal ?? null };
  });
  return new StartedProcess(spec, port, pid, child, exited, log);
}

class StartedProcess implements StartedDeployment {
  private exitInfo: ExitInfo | undefined;
  readonly name: string;
  readonly baseUrl: string;
  readonly address: { host: string; port: number };

  constructor(
    private readonly spec: ServiceSpec,
    port: number,
    private readonly pid: number,
    private readonly child: ResultPromise,
    readonly exited: Promise<ExitInfo>,
    private readonly log: LineBuffer,
  ) {
    this.name = spec.name;
    this.address = { host: '127.0.0.1', port };
    this.baseUrl = `http://127.0.0.1:${port}`;
    void exited.then((info) => (this.exitInfo = info));
  }

  async exec(command: string, args: string[], options: ExecOptions): Promise<ExecResult> {
    return execLocally(command, args, {
      cwd: this.spec.cwd,
      env: { ...this.spec.env, ...options.env },
      timeoutMs: options.timeoutMs,
      ...(options.signal ? { signal: options.signal } : {}),
    });
  }

  async pause(): Promise<void> {
    signalGroup(this.pid, 'SIGSTOP');
  }

  async resume(): Promise<void> {
    signalGroup(this.pid, 'SIGCONT');
  }

  async kill(): Promise<void> {
    signalGroup(this.pid, 'SIGKILL');
    await this.exited;
  }

  async isRunning(): Promise<boolean> {
    return this.exitInfo === undefined && groupAlive(this.pid);
  }

  async stop({ graceMs }: { graceMs: number }): Promise<StopResult> {
    const started = Date.now();
    if (this.exitInfo) {
      signalGroup(this.pid, 'SIGKILL'); // children it may have left behind
      return { alreadyExited: true, escalatedToKill: false, graceMs, durationMs: 0, exit: this.exitInfo };
    }
    signalGroup(this.pid, 'SIGTERM');
    // A paused (SIGSTOPped) service cannot act on SIGTERM until it is continued.
    signalGroup(this.pid, 'SIGCONT');
    const grace = new AbortController();
    const graceful = await Promise.race([
      this.exited.then(() => true),
      delay(graceMs, grace.signal).then(
        () => false,
        () => true,
      ),
    ]);
    grace.abort(); // the grace timer must not keep the harness alive once the service has exited
    if (!graceful) signalGroup(this.pid, 'SIGKILL');
    const exit = await this.exited;
    // The leader is gone; make sure nothing else of its group survives it.
    signalGroup(this.pid, 'SIGKILL');
    await waitFor(async () => (groupAlive(this.pid) ? undefined : true), {
      what: `${this.name} (process group ${this.pid}) still alive after SIGKILL`,
      timeoutMs: 5000,
      intervalMs: 20,
    }).catch((error: unknown) => {
      throw new HarnessError(errorMessage(error));
    });
    return { alreadyExited: false, escalatedToKill: !graceful, graceMs, durationMs: Date.now() - started, exit };
  }

  logs(lines: number): string[] {
    return this.log.last(lines);
  }

  sample() {
    return this.exitInfo ? Promise.resolve(undefined) : sampleProcess(this.pid);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    if (!this.exitInfo) await this.stop({ graceMs: 5000 });
    this.child.stdout?.destroy();
    this.child.stderr?.destroy();
  }
}

/**
 * Runs a program on this machine with exactly `env` (nothing inherited), as an argument array. Every
 * expected failure is in the result: a non-zero exit, a timeout, a program that cannot be started.
 */
export async function execLocally(
  command: string,
  args: string[],
  options: { cwd: string; env: Record<string, string>; timeoutMs: number; signal?: AbortSignal },
): Promise<ExecResult> {
  const started = Date.now();
  const result = await execa(command, args, {
    cwd: options.cwd,
    env: options.env,
    extendEnv: false,
    reject: false,
    stdin: 'ignore',
    timeout: options.timeoutMs,
    ...(options.signal ? { cancelSignal: options.signal } : {}),
    maxBuffer: 16 * 1024 * 1024,
  });
  const startError = result.failed && result.exitCode === undefined && !result.timedOut && !result.isCanceled && result.signal === undefined ? result.shortMessage : undefined;
  return {
    exitCode: result.exitCode ?? null,
    signal: result.signal ?? null,
    stdout: String(result.stdout ?? ''),
    stderr: String(result.stderr ?? ''),
    durationMs: Date.now() - started,
    timedOut: result.timedOut,
    ...(startError ? { startError } : {}),
  };
}
