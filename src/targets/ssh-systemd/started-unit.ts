import { LineBuffer } from '../../util/line-buffer.ts';
import { WaitTimeoutError, waitFor } from '../../util/wait-for.ts';
import { parseProcSample } from '../proc-stats.ts';
import type { ExecOptions, ExecResult, ExitInfo, ResourceSample, StartedDeployment, StopResult } from '../target.ts';
import type { Follow, SshConnection } from './ssh-connection.ts';
import type { SystemdCommands } from './systemd-commands.ts';
import { UnitExec, type UnitRunAs } from './unit-exec.ts';
import { hasExited, parseShow, restartedBySystemd, unitState, waitingToRestart, type UnitState } from './unit-state.ts';

export interface UnitHandle {
  name: string;
  unit: string;
  ssh: SshConnection;
  commands: SystemdCommands;
  baseUrl: string;
  /** The host's service address and the unit's port. */
  address: { host: string; port: number };
  /** How exec() runs a command as the unit runs. */
  runAs: UnitRunAs;
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
 * pause() freezes the unit's cgroup (`systemctl freeze`); where systemd cannot (cgroup v1: the test host
 * on these machines' engine, systemd says "does not support freezing"), it SIGSTOPs every process of the
 * unit with `systemctl kill` instead — the same hang as seen from outside, though systemd does not
 * know of it (FreezerState stays running).
 */
export class StartedUnit implements StartedDeployment {
  readonly name: string;
  readonly baseUrl: string;
  readonly address: { host: string; port: number };
  readonly exited: Promise<ExitInfo>;
  private exitInfo: ExitInfo | undefined;
  private settle!: (info: ExitInfo) => void;
  private readonly log = new LineBuffer(2000);
  private final: string[] | undefined;
  private follower: Follow | undefined;
  private polling = true;
  private lastState: UnitState | undefined;
  private stopped: Promise<StopResult> | undefined;
  private readonly runner: UnitExec;
  /** How the unit was paused, until resume(). */
  private pausedBy: 'freeze' | 'SIGSTOP' | undefined;
  /** Whether this host's systemd can freeze a unit: unknown until the first pause(). */
  private freezer: boolean | undefined;

  constructor(private readonly handle: UnitHandle) {
    this.name = handle.name;
    this.baseUrl = handle.baseUrl;
    this.address = handle.address;
    this.runner = new UnitExec(handle.ssh, handle.commands, handle.runAs, this.describe());
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

  exec(command: string, args: string[], options: ExecOptions): Promise<ExecResult> {
    return this.runner.exec(command, args, options);
  }

  async pause(): Promise<void> {
    const { ssh, commands, unit } = this.handle;
    if (this.freezer !== false) {
      const frozen = await ssh.exec(commands.freeze(unit), `freezing ${this.describe()}`);
      if (frozen.code === 0) {
        this.freezer = true;
        this.pausedBy = 'freeze';
        return;
      }
      if (!/does not support freezing/.test(frozen.stderr)) throw new Error(`${this.describe()}: \`systemctl freeze\` failed (exit ${frozen.code}: ${frozen.stderr.trim()})`);
      this.freezer = false;
    }
    await ssh.run(commands.signal(unit, 'SIGSTOP'), `stopping ${this.describe()}'s processes with SIGSTOP`);
    this.pausedBy = 'SIGSTOP';
  }

  async resume(): Promise<void> {
    const { ssh, commands, unit } = this.handle;
    if (!this.pausedBy) return;
    await ssh.run(this.pausedBy === 'freeze' ? commands.thaw(unit) : commands.signal(unit, 'SIGCONT'), `resuming ${this.describe()}`);
    this.pausedBy = undefined;
  }

  /**
   * SIGKILL to every process of the unit, as a crash: resolves once the invocation that ran is gone
   * (systemd then restarts the unit when its Restart= says so).
   */
  async kill(): Promise<void> {
    const { ssh, commands, unit } = this.handle;
    await this.observe(`checking ${this.describe()} before killing it`);
    if (this.unitDown() || waitingToRestart(this.lastState!)) return;
    const killed = this.lastState!.invocationId;
    await ssh.run(commands.kill(unit), `killing ${this.describe()}`);
    // A frozen cgroup must be thawed for systemd to restart the unit into it; SIGCONT after SIGKILL is harmless.
    if (this.pausedBy) await this.resume().catch(() => (this.pausedBy = undefined));
    await waitFor(
      async () => {
        await this.observe(`waiting for ${this.describe()} to die of SIGKILL`);
        const state = this.lastState!;
        return state.invocationId !== killed || this.unitDown() || waitingToRestart(state) ? true : undefined;
      },
      {
        what: `${this.describe()} still running after \`systemctl kill --signal=SIGKILL\``,
        timeoutMs: KILL_TIMEOUT_MS,
        intervalMs: this.handle.pollIntervalMs,
        lastSeen: () => this.stateText(),
      },
    );
  }

  /** The unit's ActiveState (`active`, `activating`, `deactivating`, `failed`, `inactive`, …). */
  async unitState(): Promise<string> {
    await this.observe(`reading ${this.describe()}'s ActiveState`);
    return this.lastState!.activeState;
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
    if (result?.code !== 0) return undefined;
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
    // A paused unit's processes could not act on SIGTERM.
    await this.resume();
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
