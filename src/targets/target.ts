/**
 * How a pipeline version is deployed. One interface, one folder per implementation (process/, docker/,
 * swarm/, ssh-systemd/), each a TargetPlugin (target-plugin.ts) of the targets registry (registry.ts).
 * Design notes, and how a Kubernetes target would fit: README.md beside this file.
 *
 * Each lifecycle state is its own type: a Deployment can only be started, and only a
 * StartedDeployment can be stopped, health-checked or asked for logs.
 */

export type ServiceRole = 'v1' | 'v2';

export interface ServiceSpec {
  /** "V1" or "V2": every message names it. */
  name: string;
  /** Which version this is: a target that deploys images picks the role's image. */
  role: ServiceRole;
  /** Program, arguments and folder of a local process; a container runs its image's entrypoint instead. */
  command: string;
  args: string[];
  cwd: string;
  /** The service's environment; values may still contain {{port}}, which the target fills with the port it uses. */
  env: Record<string, string>;
  /** The harness's basics (PATH, HOME, TMPDIR, …), under `env`: a local process needs them, a container has its image's. */
  hostEnv: Record<string, string>;
  /** Host folders the service writes to (its outputs): a container gets each mounted at the same path. */
  writableDirs: string[];
  /** Every output line of the service, already split; the caller writes it (redacted) to evidence. */
  onLogLine?: (line: string) => void;
  /**
   * The grace period stop() will be given, for targets that fix it when they deploy (a swarm
   * service's StopGracePeriod, a Kubernetes pod's terminationGracePeriodSeconds).
   */
  stopGraceMs?: number;
}

export interface Target {
  readonly kind: string;
  /** Human description for the first line of a run: "local processes". */
  readonly description: string;
  deploy(spec: ServiceSpec): Promise<Deployment>;
  /**
   * The runbook's "verify V1 binaries" where the target has its own notion of them (a container
   * image): facts about what will run, or an error naming what is missing.
   */
  inspectArtifact?(role: ServiceRole): Promise<Record<string, unknown>>;
  /**
   * Whether a second deployment of `role` can run while a deployment of `running` runs, neither
   * replacing nor disturbing the other: yes for a process or a container each; no for the same
   * systemd unit or the same swarm service. Absent: no. The drills run a version from scratch on a
   * second database beside the drill's V2 only when it is yes, and after the drill's own steps otherwise.
   */
  runsBeside?(role: ServiceRole, running: ServiceRole): boolean;
}

export interface Deployment {
  readonly name: string;
  start(): Promise<StartedDeployment>;
}

export interface ExitInfo {
  exitCode: number | null;
  signal: string | null;
}

export interface StopResult {
  /** The service had already exited before stop() was called. */
  alreadyExited: boolean;
  /** The grace period ran out and the service had to be killed. */
  escalatedToKill: boolean;
  graceMs: number;
  durationMs: number;
  exit: ExitInfo;
}

export interface ExecOptions {
  /** Added to the service's own environment (the one it was deployed with, {{port}} filled). */
  env?: Record<string, string>;
  /** The command is killed after this long; the result then says timedOut. */
  timeoutMs: number;
  signal?: AbortSignal;
}

export interface ExecResult {
  /** null when it was killed (timeout, abort) or could not be started. */
  exitCode: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  durationMs: number;
  timedOut: boolean;
  /** Set when the command could not be started at all (ENOENT, no such container…): names what was tried. */
  startError?: string;
}

export interface ResourceSample {
  rssBytes: number;
  cpuSeconds: number;
}

export interface StartedDeployment extends AsyncDisposable {
  readonly name: string;
  /** http://host:port where the service answers. */
  readonly baseUrl: string;
  /** Settles when the service exits, for whatever reason. */
  readonly exited: Promise<ExitInfo>;
  /** Where a TCP client (a `tcp` health check) reaches the service: the host and the port the target published. */
  readonly address: { host: string; port: number };
  isRunning(): Promise<boolean>;
  /** Graceful stop (SIGTERM or the target's equivalent), kill after graceMs, then verify it is gone. */
  stop(options: { graceMs: number }): Promise<StopResult>;
  logs(lines: number): string[];
  /** RSS and CPU of the service, or undefined when it is not running. */
  sample(): Promise<ResourceSample | undefined>;
  /**
   * Runs a command where the service runs, with the service's environment (plus options.env): a local
   * process in the service's folder, `docker exec` in its container, over SSH on its host, in its swarm
   * task's container. Never through a shell built from strings: argument arrays only. Expected failures
   * (non-zero exit, timeout, a program that does not exist) are in the result, never thrown.
   */
  exec(command: string, args: string[], options: ExecOptions): Promise<ExecResult>;
  /** Freezes every process of the service (SIGSTOP to its group, `docker pause`, the unit's cgroup frozen): a hang. */
  pause(): Promise<void>;
  /** Thaws what pause() froze; a no-op when the service is not paused. */
  resume(): Promise<void>;
  /** Kills the service abruptly (SIGKILL, no grace), as a crash would; a supervisor that restarts on failure does so. */
  kill(): Promise<void>;
  /** ssh-systemd only: the unit's ActiveState (`active`, `activating`, `failed`, …) for a `systemd` health check. */
  unitState?(): Promise<string>;
  /**
   * Present where the target restarts a crashed service itself (a swarm's restart policy, a systemd
   * unit's Restart=): how many times it has since start(). The harness then counts these restarts
   * instead of restarting the service.
   */
  restartCount?(): Promise<number>;
}

/** Output as the process target's execa gives it, so ExecResult reads the same on every target: without its final newline. */
export function stripFinalNewline(text: string): string {
  return text.endsWith('\r\n') ? text.slice(0, -2) : text.endsWith('\n') ? text.slice(0, -1) : text;
}
