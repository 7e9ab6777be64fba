import type Docker from 'dockerode';
import { errorMessage } from '../../errors.ts';
import { startPollLoop, type PollLoop } from '../../util/poll-loop.ts';
import { waitFor } from '../../util/wait-for.ts';
import { execInContainer, setPaused } from '../engine/container-exec.ts';
import { exitInfoFromStatus, sampleFromStats, type EngineStats } from '../engine/container-stats.ts';
import type { ExecOptions, ExecResult, ExitInfo, ResourceSample, StartedDeployment, StopResult } from '../target.ts';
import { DEPLOYMENT_LABEL } from './engine-spec.ts';
import { ServiceLogs } from './service-logs.ts';
import { ENDED, deploymentTasks, describeTasks, isFailed, isRunning, stateOf, type EngineTask } from './service-tasks.ts';
import { followStopEvents } from './stop-events.ts';

export interface SwarmServiceHandle {
  /** "V1" or "V2". */
  name: string;
  docker: Docker;
  serviceId: string;
  serviceName: string;
  deploymentId: string;
  baseUrl: string;
  /** publishHost and the service's host-mode published port. */
  address: { host: string; port: number };
  replicas: number;
  /** The StopGracePeriod the tasks were created with: the engine SIGKILLs after it. */
  stopGraceMs: number;
  /** The restart policy lets the orchestrator restart a crashed task (condition on-failure or any). */
  orchestratorRestarts: boolean;
  /** Takes the service's tasks down: a scale to 0, or `docker service rollback` to the previous spec. */
  scaleDown: () => Promise<void>;
  onLogLine?: (line: string) => void;
}

/**
 * One start of a version on the swarm: the tasks whose container spec carries this start's
 * deployment label. The orchestrator restarts a crashed task itself: `exited` settles at the first
 * task that ends on its own, and restartCount() counts the tasks it started after it.
 * exec, pause and kill act on the containers of the running tasks (this engine's: every task of a
 * one-node swarm): exec in the first, pause and kill all of them — kill is a crash the restart
 * policy answers with a new task.
 */
export class StartedSwarmService implements StartedDeployment {
  readonly name: string;
  readonly baseUrl: string;
  readonly address: { host: string; port: number };
  readonly exited: Promise<ExitInfo>;
  private exitInfo: ExitInfo | undefined;
  private settleExit!: (info: ExitInfo) => void;
  private readonly logs_: ServiceLogs;
  private readonly seen = new Set<string>();
  private tasks: EngineTask[] = [];
  private watcher: PollLoop | undefined;
  private stopping = false;
  private stopped: Promise<StopResult> | undefined;
  /** Task containers pause() froze and resume() has not thawed yet. */
  private readonly paused = new Set<string>();

  constructor(private readonly handle: SwarmServiceHandle) {
    this.name = handle.name;
    this.baseUrl = handle.baseUrl;
    this.address = handle.address;
    this.exited = new Promise((resolve) => (this.settleExit = resolve));
    void this.exited.then((info) => (this.exitInfo = info));
    this.restartCount = handle.orchestratorRestarts
      ? async () => {
          await this.refresh().catch(() => undefined);
          return Math.max(0, this.seen.size - this.handle.replicas);
        }
      : undefined;
    this.logs_ = new ServiceLogs(handle.docker, handle.serviceId, (taskId) => this.owns(taskId), handle.onLogLine);
  }

  /** Follows the service's log lines since `since` (ms) and starts watching its tasks. */
  async begin(since: number): Promise<void> {
    await this.logs_.follow(since);
    this.watcher = startPollLoop(async () => void (await this.refresh().catch(() => undefined)), 250);
  }

  /**
   * Waits until every desired task runs on this start's spec. Gives up, naming the service, its
   * tasks' states and errors and the last log lines, at the deadline or once `maxFailures` tasks of
   * the new spec failed or were rejected (a crash loop, a missing image).
   */
  async converge(options: { timeoutMs: number; maxFailures: number; stableMs: number; updateStatus: () => Promise<string | undefined> }): Promise<void> {
    let failures = 0;
    let runningSince: number | undefined;
    const describe = async () => {
      const update = await options.updateStatus().catch(() => undefined);
      const running = this.tasks.filter(isRunning).length;
      const lines = this.logs_.last(10);
      return `${running}/${this.handle.replicas} tasks running on the new spec; tasks: ${describeTasks(this.tasks)}${update ? `; update: ${update}` : ''}${lines.length ? `; last log lines:\n${lines.join('\n')}` : ''}`;
    };
    const what = `${this.name} service ${this.handle.serviceName} did not converge`;
    await waitFor(
      async () => {
        await this.refresh();
        if (this.tasks.filter(isFailed).length >= options.maxFailures)
          throw new Error(`${what}: ${this.tasks.filter(isFailed).length} tasks of the new spec failed; ${await describe()}`);
        const failed = this.tasks.filter(isFailed).length;
        // Stable: every replica running, and no task failed, for the monitor period.
        if (this.tasks.filter(isRunning).length < this.handle.replicas || failed > failures) runningSince = undefined;
        else runningSince ??= Date.now();
        failures = failed;
        return runningSince !== undefined && Date.now() - runningSince >= options.stableMs ? true : undefined;
      },
      {
        what,
        timeoutMs: options.timeoutMs,
        intervalMs: 50,
        lastSeen: () => `${this.tasks.filter(isRunning).length}/${this.handle.replicas} running; tasks: ${describeTasks(this.tasks)}`,
      },
    ).catch(async (error: unknown) => {
      const message = errorMessage(error);
      throw new Error(message.includes('tasks of the new spec failed') ? message : `${message}; ${await describe()}`);
    });
  }

  async isRunning(): Promise<boolean> {
    await this.refresh().catch(() => undefined);
    return this.tasks.some((task) => !ENDED.has(stateOf(task)) && (task.DesiredState === 'running' || task.DesiredState === 'ready'));
  }

  /** Tasks the orchestrator started for this spec beyond its replicas (restarts after a crash); absent with restart condition none. */
  readonly restartCount: (() => Promise<number>) | undefined;

  stop({ graceMs }: { graceMs: number }): Promise<StopResult> {
    return (this.stopped ??= this.doStop(graceMs));
  }

  async exec(command: string, args: string[], options: ExecOptions): Promise<ExecResult> {
    const started = Date.now();
    const [container] = await this.runningContainers().catch(() => []);
    if (!container) {
      return {
        exitCode: null,
        signal: null,
        stdout: '',
        stderr: '',
        durationMs: Date.now() - started,
        timedOut: false,
        startError: `${this.describe()} has no running task to exec ${command} in (tasks: ${describeTasks(this.tasks)})`,
      };
    }
    return execInContainer(this.handle.docker, container, [command, ...args], options);
  }

  async pause(): Promise<void> {
    const containers = await this.runningContainers();
    if (containers.length === 0) throw new Error(`${this.describe()} has no running task to pause (tasks: ${describeTasks(this.tasks)})`);
    for (const id of containers) {
      await setPaused(this.handle.docker, id, true);
      this.paused.add(id);
    }
  }

  async resume(): Promise<void> {
    for (const id of [...this.paused]) {
      await setPaused(this.handle.docker, id, false);
      this.paused.delete(id);
    }
  }

  /** SIGKILLs the running tasks' containers; resolves once they have exited (the orchestrator then starts new tasks). */
  async kill(): Promise<void> {
    const { docker } = this.handle;
    const containers = await this.runningContainers();
    await Promise.all(
      containers.map(async (id) => {
        const container = docker.getContainer(id);
        const gone = container.wait().catch(() => undefined);
        await container.kill({ signal: 'SIGKILL' }).catch((error: unknown) => {
          if ((error as { statusCode?: number }).statusCode !== 409) throw error;
        });
        if (this.paused.delete(id)) await setPaused(docker, id, false);
        await gone;
      }),
    );
  }

  logs(lines: number): string[] {
    return this.logs_.last(lines);
  }

  /** RSS and CPU summed over the running tasks' containers (those on this node: all of them on a one-node swarm). */
  async sample(): Promise<ResourceSample | undefined> {
    const ids = this.tasks
      .filter(isRunning)
      .map((t) => t.Status?.ContainerStatus?.ContainerID)
      .filter((id): id is string => Boolean(id));
    const samples = await Promise.all(
      ids.map(async (id) => {
        const stats: EngineStats | undefined = await this.handle.docker
          .getContainer(id)
          .stats({ stream: false, 'one-shot': true } as { stream: false })
          .catch(() => undefined);
        return stats ? sampleFromStats(stats) : undefined;
      }),
    );
    const present = samples.filter((s): s is ResourceSample => s !== undefined);
    if (present.length === 0) return undefined;
    return { rssBytes: present.reduce((n, s) => n + s.rssBytes, 0), cpuSeconds: present.reduce((n, s) => n + s.cpuSeconds, 0) };
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop({ graceMs: this.handle.stopGraceMs }).catch(() => undefined);
    await this.close();
  }

  /** Stops following logs and tasks (the service itself is the session's to remove). */
  async close(): Promise<void> {
    await this.watcher?.stop();
    this.logs_.close();
  }

  private async doStop(graceMs: number): Promise<StopResult> {
    const started = Date.now();
    const grace = this.handle.stopGraceMs;
    await this.refresh();
    const live = this.tasks.filter((t) => !ENDED.has(stateOf(t)));
    if (live.length === 0 && this.exitInfo) {
      this.stopping = true;
      return { alreadyExited: true, escalatedToKill: false, graceMs: grace, durationMs: 0, exit: this.exitInfo };
    }
    this.stopping = true;
    // The engine's SIGTERM must reach processes that can act on it.
    await this.resume();
    const events = await followStopEvents(this.handle.docker, `${DEPLOYMENT_LABEL}=${this.handle.deploymentId}`, started);
    try {
      await this.handle.scaleDown();
      await waitFor(async () => (await this.refresh(), this.tasks.every((t) => ENDED.has(stateOf(t))) ? true : undefined), {
        what: `${this.name} service ${this.handle.serviceName}: tasks still running after the scale-down`,
        timeoutMs: grace + 30_000,
        intervalMs: 50,
        lastSeen: () => describeTasks(this.tasks),
      });
      await this.logs_.settle();
    } finally {
      events.close();
    }
    const durationMs = Date.now() - started;
    const status = events.exitCode ?? this.lastExitCode();
    const exit = status === undefined ? { exitCode: null, signal: null } : exitInfoFromStatus(status);
    // The engine's SIGKILL after the grace period; without events (another node), the exit status or the time it took.
    const escalatedToKill = events.signals.includes('9') || exit.signal === 'SIGKILL' || (events.signals.length === 0 && durationMs > grace + 1000);
    this.settleExit(exit);
    void graceMs; // the grace that applies is the one the tasks were created with (StopGracePeriod)
    return { alreadyExited: false, escalatedToKill, graceMs: grace, durationMs, exit };
  }

  private async runningContainers(): Promise<string[]> {
    await this.refresh();
    return this.tasks
      .filter(isRunning)
      .map((task) => task.Status?.ContainerStatus?.ContainerID)
      .filter((id): id is string => Boolean(id));
  }

  private describe(): string {
    return `${this.name} service ${this.handle.serviceName}`;
  }

  private lastExitCode(): number | undefined {
    return this.tasks.map((t) => t.Status?.ContainerStatus?.ExitCode).findLast((code) => code !== undefined);
  }

  private async owns(taskId: string): Promise<boolean> {
    if (this.seen.has(taskId)) return true;
    const task = (await this.handle.docker.getTask(taskId).inspect()) as EngineTask;
    return task.Spec?.ContainerSpec?.Labels?.[DEPLOYMENT_LABEL] === this.handle.deploymentId;
  }

  private async refresh(): Promise<void> {
    const tasks = await deploymentTasks(this.handle.docker, this.handle.serviceId, this.handle.deploymentId);
    // Ids survive the engine's pruning of old tasks (5 per slot): restarts are counted from what was seen.
    for (const task of tasks) this.seen.add(task.ID);
    this.tasks = tasks.sort((a, b) => (a.CreatedAt ?? '').localeCompare(b.CreatedAt ?? ''));
    if (this.exitInfo || this.stopping) return;
    const failed = this.tasks.find(isFailed);
    const allEnded = this.tasks.length > 0 && this.tasks.every((t) => ENDED.has(stateOf(t)));
    if (failed || allEnded) {
      const task = failed ?? this.tasks.at(-1);
      const code = stateOf(task!) === 'rejected' ? undefined : task?.Status?.ContainerStatus?.ExitCode;
      this.settleExit(code === undefined ? { exitCode: null, signal: null } : exitInfoFromStatus(code));
    }
  }
}
