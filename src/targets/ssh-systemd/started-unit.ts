import { LineBuffer } from '../../util/line-buffer.ts';
import { WaitTimeoutError, waitFor } from '../../util/wait-for.ts';
import { parseProcSample } from '../proc-stats.ts';
import type { ExitInfo, ResourceSample, StartedDeployment, StopResult } from '../target.ts';
import type { Follow, SshConnection } from './ssh-connection.ts';
import type { SystemdCommands } from './systemd-commands.ts';
import { hasExited, parseShow, restartedBySystemd, unitState, waitingToRestart, type UnitState } from './unit-state.ts';

export interface UnitHandle {
  name: string;
  unit: string;
  ssh: SshConnection;
  commands: SystemdCommands;
  baseUrl: string;
  /** The invocation this deployment started: a restart by systemd is a new one, and counts as an exit. */
  invocationId: string;
  /** Journal position before the start: this deployment's log lines come after it. */
  cursor: string | undefined;
  pollIntervalMs: number;
  /**
   * Present when the unit restarts a crashed invocation itself (Restart=on-failure, …): its NRestarts
   * when this deployment became active. The harness then counts systemd's restarts instead of making its own.
   */
  systemdRestarts?: { since: number };
  onLogLine?: (line: string) => void;
}

const KILL_TIMEOUT_MS = 15_000;
const FINAL_LINES = 200;

/**
 * One invocation of a systemd unit on the remote host. Its state is read with `systemctl show` every
 * pollIntervalMs until it is gone (inactive, failed, waiting for systemd's own restart, or another
 * invocation); its journal is followed from the start. Stop is the runbook's `systemctl stop`,
 * queued with --no-block so the harness applies its own grace period, then `systemctl kill -s SIGKILL`
 * (recorded as escalatedToKill). At exit or stop, the runbook's `journalctl -u <unit> -n …` is kept.
 * With a unit that restarts itself, `exited` settles at this invocation's end, as a swarm's first task
 * end does, and the deployment goes on in systemd's restarts: isRunning() and sample() follow them, and
 * restartCount() reads how many there were from NRestarts.
 */
export class StartedUnit implements StartedDeployment {
  readonly name: string;
  readonly baseUrl: string;
  readonly exited: Promise<ExitInfo>;
  private exitInfo: ExitInfo | undefined;
  private settle!: (info: ExitInfo) => void;
  private readonly log = new LineBuffer(2000);
  private final: string[] | undefined;
  private follower: Follow | undefined;
  private polling = true;
  private lastState: UnitState | undefined;
  private stopped: Promise<StopResult> | undefined;

  constructor(private readonly handle: UnitHandle) {
    this.name = handle.name;
    this.baseUrl = handle.baseUrl;
    this.exited = new Promise((resolve) => (this.settle = resolve));
    const restarts = handle.systemdRestarts;
    this.restartCount = restarts
      ? async () => {
          await this.observe(`counting ${this.describe()}'s restarts by systemd`).catch(() => undefined);
          return Math.max(0, (this.lastState?.nRestarts ?? restarts.since) - restarts.since);
        }
      : undefined;
  }

  /** systemd's restarts of this deployment (NRestarts since it became active); absent when the unit has Restart=no. */
  readonly restartCount: (() => Promise<number>) | undefined;

  /** Follows the journal and starts watching the unit's state; resolves once the journal is attached. */
  async watch(): Promise<void> {
    const { ssh, commands, unit, cursor } = this.handle;
    this.follower = await ssh.follow(commands.journalFollow(unit, cursor), (chunk) => {
      for (const line of this.log.push(chunk)) this.handle.onLogLine?.(line);
    });
    void this.pollUntilExit();
  }

  async isRunning(): Promise<boolean> {
    if (this.exitInfo && !this.handle.systemdRestarts) return false;
    await this.observe('checking whether it runs');
    return !this.exitInfo || this.restartedAfterExit();
  }

  stop({ graceMs }: { graceMs: number }): Promise<StopResult> {
    return (this.stopped ??= this.stopOnce(graceMs).finally(() => (this.stopped = undefined)));
  }

  logs(lines: number): string[] {
    const followed = this.log.last(lines);
    // The journal's own tail (read at exit or stop) is complete even when the follower lagged behind.
    const source = this.final && this.final.length >= followed.length ? this.final : followed;
    return source.slice(Math.max(0, source.length - lines));
  }

  async sample(): Promise<ResourceSample | undefined> {
    if (this.exitInfo && !this.handle.systemdRestarts) return undefined;
    // The first sample is taken right after start, before the watcher has read the MainPID; after this
    // invocation's end the watcher has stopped, and the MainPID is that of systemd's restart, if any.
    if (!this.lastState || this.exitInfo) await this.observe(`reading ${this.describe()}'s MainPID`).catch(() => undefined);
    if (this.exitInfo && !this.restartedAfterExit()) return undefined;
    const pid = this.lastState?.mainPid;
    if (!pid) return undefined;
    const result = await this.handle.ssh.exec(this.handle.commands.procStats(pid), `sampling ${this.describe()}'s RSS/CPU`).catch(() => undefined);
    if (!result || result.code !== 0) return undefined;
    const lines = result.stdout.trimEnd().split('\n');
    return parseProcSample(lines.slice(0, -1).join('\n'), lines.at(-1) ?? '');
  }

  async [Symbol.asyncDispose](): Promise<void> {
    try {
      await this.stop({ graceMs: 5000 });
    } finally {
      this.polling = false;
      this.follower?.stop();
    }
  }

  /**
   * Stops the unit, not only this invocation: when systemd has restarted it on its own (Restart=on-failure)
   * after this invocation died, the restarted one is stopped too — V2 must not keep running beside V1.
   */
  private async stopOnce(graceMs: number): Promise<StopResult> {
    const started = Date.now();
    const { ssh, commands, unit } = this.handle;
    await this.observe(`checking ${this.describe()} before stopping it`);
    const alreadyExited = this.exitInfo !== undefined;
    if (alreadyExited && this.unitDown()) return { alreadyExited, escalatedToKill: false, graceMs, durationMs: Date.now() - started, exit: this.exitInfo! };
    await ssh.run(commands.stopNoBlock(unit), `stopping ${this.describe()}`);
    let escalatedToKill = false;
    try {
      await this.waitDown(graceMs, `${this.describe()} still running after \`systemctl stop\` and the ${graceMs} ms grace period`);
    } catch (error) {
      if (!(error instanceof WaitTimeoutError)) throw error;
      escalatedToKill = true;
      await ssh.run(commands.kill(unit), `killing ${this.describe()} after its ${graceMs} ms grace period`);
      await this.waitDown(KILL_TIMEOUT_MS, `${this.describe()} still running after \`systemctl kill --signal=SIGKILL\``);
    }
    return { alreadyExited, escalatedToKill, graceMs, durationMs: Date.now() - started, exit: await this.exited };
  }

  /** After this invocation's end: systemd restarts the unit, and nothing stopped it since. */
  private restartedAfterExit(): boolean {
    const since = this.handle.systemdRestarts?.since;
    return this.lastState !== undefined && since !== undefined && restartedBySystemd(this.lastState, since);
  }

  private unitDown(): boolean {
    const state = this.lastState?.activeState;
    return state === 'inactive' || state === 'failed';
  }

  private waitDown(timeoutMs: number, what: string): Promise<true> {
    return waitFor(
      async () => {
        await this.observe(`waiting for ${this.describe()} to stop`);
        return this.unitDown() ? true : undefined;
      },
      { what, timeoutMs, intervalMs: this.handle.pollIntervalMs, lastSeen: () => this.stateText() },
    );
  }

  /** Reads the unit's state once; settles `exited` when this invocation is gone. */
  private async observe(what: string): Promise<void> {
    const show = await this.handle.ssh.run(this.handle.commands.show(this.handle.unit), `${what} (systemctl show)`);
    const state = unitState(parseShow(show));
    this.lastState = state;
    if (!this.exitInfo && hasExited(state, this.handle.invocationId)) {
      // The exit status belongs to this invocation only while systemd has not started another one.
      // (systemd clears InvocationID once the unit is inactive: the status read then is still this invocation's.)
      const ours = state.invocationId === this.handle.invocationId || state.invocationId === '' || waitingToRestart(state);
      const exit = ours ? state.exit : { exitCode: null, signal: null };
      this.exitInfo = exit;
      await this.keepFinalLines();
      this.polling = false;
      this.settle(exit);
    }
  }

  private async pollUntilExit(): Promise<void> {
    while (this.polling && !this.exitInfo) {
      // A failed read (connection lost) is retried: the step that waits on the unit reports it, named.
      await this.observe('watching').catch(() => undefined);
      if (!this.polling || this.exitInfo) break;
      await new Promise((resolve) => setTimeout(resolve, this.handle.pollIntervalMs).unref());
    }
  }

  /** The runbook's `journalctl -u <unit> -n …`, this deployment's entries only, kept as its final lines. */
  private async keepFinalLines(): Promise<void> {
    const { ssh, commands, unit, cursor } = this.handle;
    const tail = await ssh.exec(commands.journalTail(unit, FINAL_LINES, cursor), `reading ${this.describe()}'s journal`).catch(() => undefined);
    if (tail?.code === 0) this.final = tail.stdout.split('\n').filter((line, i, all) => line !== '' || i < all.length - 1);
  }

  private describe(): string {
    return `${this.name} (unit ${this.handle.unit} on ${this.handle.ssh.label})`;
  }

  private stateText(): string {
    const s = this.lastState;
    return s ? `ActiveState=${s.activeState} SubState=${s.subState} MainPID=${s.mainPid}` : 'no state read yet';
  }
}
