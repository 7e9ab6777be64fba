import { readFile } from 'node:fs/promises';
import { PassThrough } from 'node:stream';
import type Docker from 'dockerode';
import { errorMessage } from '../../errors.ts';
import { delay } from '../../util/wait-for.ts';
import { stripFinalNewline, type ExecResult } from '../target.ts';

export interface ContainerExecOptions {
  /** Added to the container's own environment (an exec inherits it). */
  env?: Record<string, string>;
  timeoutMs: number;
  signal?: AbortSignal;
}

/** How long a killed exec's output may take to end before it is abandoned. */
const DRAIN_MS = 2000;

/**
 * `docker exec` through the engine: an argument array run as the container's user, with its
 * environment plus `options.env`. Every expected failure is in the result: a non-zero exit, a
 * program the container does not have (the engine answers exit 126 with the runtime's message,
 * kept as startError), a paused or stopped container (startError), a timeout or an abort.
 *
 * The engine has no call that kills an exec. At the deadline the exec's process is SIGKILLed from
 * this machine when it is ours to reach: a local engine, and /proc/<pid>/cgroup places that pid in
 * this very container (so a remote engine's pid never hits an unrelated local process). Otherwise
 * the exec is abandoned (timedOut, signal null) and runs on inside the container.
 */
export async function execInContainer(docker: Docker, container: string, argv: string[], options: ContainerExecOptions): Promise<ExecResult> {
  const started = Date.now();
  const failed = (why: string): ExecResult => ({ exitCode: null, signal: null, stdout: '', stderr: '', durationMs: Date.now() - started, timedOut: false, startError: why });
  if (options.signal?.aborted) return failed(`${argv[0]} was not started in container ${short(container)}: aborted`);
  let exec: Docker.Exec;
  let stream: NodeJS.ReadWriteStream;
  try {
    exec = await docker.getContainer(container).exec({
      Cmd: argv,
      Env: Object.entries(options.env ?? {}).map(([key, value]) => `${key}=${value}`),
      AttachStdout: true,
      AttachStderr: true,
    });
    stream = (await exec.start({ hijack: true, stdin: false })) as NodeJS.ReadWriteStream;
  } catch (error) {
    // 409: paused or not running; 404: no such container. The engine's message says which.
    return failed(`docker exec ${argv[0] ?? ''} in container ${short(container)}: ${errorMessage(error).replace(/^\(HTTP code \d+\)\s*/, '')}`);
  }
  let stdout = '';
  let stderr = '';
  const out = new PassThrough().on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const err = new PassThrough().on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  docker.modem.demuxStream(stream, out, err);
  const ended = new Promise<void>((resolve) => {
    stream
      .on('end', resolve)
      .on('close', resolve)
      .on('error', () => resolve());
  });
  // Ends the deadline's timer (and its abort listener) once the race is decided.
  const settled = new AbortController();
  const waiting = options.signal ? AbortSignal.any([settled.signal, options.signal]) : settled.signal;
  const deadline = delay(options.timeoutMs, waiting).then(
    () => 'timeout' as const,
    () => 'abort' as const,
  );
  const outcome = await Promise.race([ended.then(() => 'ended' as const), deadline]);
  settled.abort();
  let signal: string | null = null;
  if (outcome !== 'ended') {
    if (await killExec(exec)) signal = 'SIGKILL';
    await Promise.race([ended, delay(DRAIN_MS)]);
    (stream as unknown as { destroy?: () => void }).destroy?.();
  }
  const info = await exec.inspect().catch(() => undefined);
  const exitCode = info && !info.Running ? info.ExitCode : null;
  // Pid 0: the runtime never started the program; what it said (on the output stream) is why.
  if (info?.Pid === 0 && (exitCode === 126 || exitCode === 127)) {
    return {
      exitCode,
      signal: null,
      stdout: '',
      stderr: stripFinalNewline(stderr),
      durationMs: Date.now() - started,
      timedOut: false,
      startError: stdout.trim() || `${argv[0]} cannot be started in container ${short(container)}`,
    };
  }
  return {
    exitCode: signal ? null : exitCode,
    signal,
    stdout: stripFinalNewline(stdout),
    stderr: stripFinalNewline(stderr),
    durationMs: Date.now() - started,
    timedOut: outcome === 'timeout',
  };
}

async function killExec(exec: Docker.Exec): Promise<boolean> {
  const info = await exec.inspect().catch(() => undefined);
  if (!info?.Running || !info.Pid) return false;
  const containerId = info.ContainerID;
  const cgroups = await readFile(`/proc/${info.Pid}/cgroup`, 'utf8').catch(() => '');
  if (!/^[0-9a-f]{64}$/.test(containerId ?? '') || !cgroups.includes(containerId)) return false;
  try {
    process.kill(info.Pid, 'SIGKILL');
    return true;
  } catch {
    return false;
  }
}

/**
 * `docker pause`/`unpause` that tolerate the state already being the wanted one (the engine
 * answers 409 or 500 "is not paused"): pause() and resume() are idempotent for the caller.
 */
export async function setPaused(docker: Docker, container: string, paused: boolean): Promise<void> {
  const handle = docker.getContainer(container);
  await (paused ? handle.pause() : handle.unpause()).catch((error: unknown) => {
    const message = errorMessage(error);
    if (paused ? /is already paused/.test(message) : /is not paused|is not running|no such container/i.test(message)) return;
    throw error;
  });
}

const short = (container: string) => (/^[0-9a-f]{64}$/.test(container) ? container.slice(0, 12) : container);
