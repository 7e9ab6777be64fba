import type Docker from 'dockerode';
import type { StartedTestContainer } from 'testcontainers';
import { HarnessError, errorMessage } from '../../errors.ts';
import { LineBuffer } from '../../util/line-buffer.ts';
import { delay, waitFor } from '../../util/wait-for.ts';
import type { ExecOptions, ExecResult, ExitInfo, StartedDeployment, StopResult } from '../target.ts';
import { execInContainer, setPaused } from '../engine/container-exec.ts';
import { exitInfoFromStatus, sampleFromStats, type EngineStats } from '../engine/container-stats.ts';

export interface ContainerHandle {
  name: string;
  docker: Docker;
  started: StartedTestContainer;
  baseUrl: string;
  /** The host and the published host port of the container's port. */
  address: { host: string; port: number };
  /** Removes the container from the on-exit safety net once it is gone. */
  forget: () => void;
  onLogLine?: (line: string) => void;
}

/**
 * A running container of V1 or V2. Stop is the engine's equivalent of the process target's:
 * SIGTERM to PID 1, SIGKILL after the grace period (recorded), verified exited by the engine.
 * Removing the container is cleanup, not part of the timed stop: dispose removes it and waits
 * until the engine no longer knows it. Logs are streamed from the engine into a buffer.
 * A paused container is unpaused before it is signalled: the engine refuses to exec in it, and its
 * frozen processes could not act on SIGTERM (nor, under cgroup v1's freezer, die of SIGKILL).
 */
export class StartedContainer implements StartedDeployment {
  readonly name: string;
  readonly baseUrl: string;
  readonly address: { host: string; port: number };
  readonly exited: Promise<ExitInfo>;
  private exitInfo: ExitInfo | undefined;
  private paused = false;
  private readonly log = new LineBuffer(2000);
  private readonly container: Docker.Container;
  private logsEnded: Promise<void> = Promise.resolve();
  private removed: Promise<void> | undefined;

  constructor(private readonly handle: ContainerHandle) {
    this.name = handle.name;
    this.baseUrl = handle.baseUrl;
    this.address = handle.address;
    this.container = handle.docker.getContainer(handle.started.getId());
    this.exited = this.container.wait().then(
      (result: { StatusCode: number }) => exitInfoFromStatus(result.StatusCode),
      // The engine lost the container (removed from outside): nothing is running any more.
      () => ({ exitCode: null, signal: null }),
    );
    void this.exited.then((info) => (this.exitInfo = info));
  }

  /** Follows the container's output; resolves once the stream is attached. */
  async followLogs(): Promise<void> {
    const stream = await this.handle.started.logs();
    this.logsEnded = new Promise((resolve) => {
      stream.on('end', resolve).on('close', resolve).on('error', resolve);
    });
    stream.on('data', (chunk: Buffer | string) => {
      for (const line of this.log.push(chunk.toString())) this.handle.onLogLine?.(line);
    });
  }

  async isRunning(): Promise<boolean> {
    if (this.exitInfo) return false;
    const info = await this.container.inspect().catch(() => undefined);
    return info?.State.Running === true;
  }

  exec(command: string, args: string[], options: ExecOptions): Promise<ExecResult> {
    return execInContainer(this.handle.docker, this.container.id, [command, ...args], options);
  }

  async pause(): Promise<void> {
    await setPaused(this.handle.docker, this.container.id, true);
    this.paused = true;
  }

  async resume(): Promise<void> {
    if (!this.paused) return;
    await setPaused(this.handle.docker, this.container.id, false);
    this.paused = false;
  }

  async kill(): Promise<void> {
    if (!this.exitInfo) {
      await this.signal('SIGKILL');
      // After the signal: a frozen process dies of it once thawed, and does nothing else in between.
      await this.resume();
    }
    await this.exited;
  }

  async stop({ graceMs }: { graceMs: number }): Promise<StopResult> {
    const started = Date.now();
    if (this.exitInfo) return { alreadyExited: true, escalatedToKill: false, graceMs, durationMs: 0, exit: this.exitInfo };
    await this.resume();
    await this.signal('SIGTERM');
    const grace = new AbortController();
    const graceful = await Promise.race([
      this.exited.then(() => true),
      delay(graceMs, grace.signal).then(
        () => false,
        () => true,
      ),
    ]);
    grace.abort();
    if (!graceful) await this.signal('SIGKILL');
    const exit = await this.exited;
    // The engine ends the log stream once the container has exited: its last lines are then in.
    await Promise.race([this.logsEnded, delay(1000)]);
    return { alreadyExited: false, escalatedToKill: !graceful, graceMs, durationMs: Date.now() - started, exit };
  }

  logs(lines: number): string[] {
    return this.log.last(lines);
  }

  async sample() {
    if (this.exitInfo) return undefined;
    // one-shot: the engine answers at once instead of waiting for a second reading (API ≥ 1.41).
    const stats: EngineStats | undefined = await this.container.stats({ stream: false, 'one-shot': true }).catch(() => undefined);
    return stats ? sampleFromStats(stats) : undefined;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    if (!this.exitInfo) await this.stop({ graceMs: 5000 });
    await this.remove();
  }

  private async signal(signal: 'SIGTERM' | 'SIGKILL'): Promise<void> {
    await this.container.kill({ signal }).catch((error: unknown) => {
      // 409: it is no longer running, which is what the signal was for.
      if ((error as { statusCode?: number }).statusCode !== 409) throw error;
    });
  }

  /** Removes the container once its last log lines are in, and waits until the engine no longer knows it. */
  private remove(): Promise<void> {
    return (this.removed ??= (async () => {
      await Promise.race([this.logsEnded, delay(2000)]);
      await this.container.remove({ force: true, v: true }).catch((error: unknown) => {
        if ((error as { statusCode?: number }).statusCode !== 404) throw error;
      });
      await waitFor(
        async () =>
          (await this.container.inspect().then(
            () => true,
            () => false,
          ))
            ? undefined
            : true,
        {
          what: `${this.name} (container ${this.container.id.slice(0, 12)}) still present after removal`,
          timeoutMs: 10_000,
          intervalMs: 50,
        },
      ).catch((error: unknown) => {
        throw new HarnessError(errorMessage(error));
      });
      this.handle.forget();
    })());
  }
}
