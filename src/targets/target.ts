/**
 * How a pipeline version is deployed. One interface, one file per implementation
 * (process-target.ts now; docker, ssh-systemd and swarm later), created by create-target.ts.
 *
 * Each lifecycle state is its own type: a Deployment can only be started, and only a
 * StartedDeployment can be stopped, health-checked or asked for logs.
 */

export interface ServiceSpec {
  /** "V1" or "V2": every message names it. */
  name: string;
  command: string;
  args: string[];
  cwd: string;
  /** Environment; values may still contain {{port}}, which the target fills with the port it allocates. */
  env: Record<string, string>;
  /** Every output line of the service, already split; the caller writes it (redacted) to evidence. */
  onLogLine?: (line: string) => void;
}

export interface Target {
  readonly kind: string;
  /** Human description for the first line of a run: "local processes". */
  readonly description: string;
  deploy(spec: ServiceSpec): Promise<Deployment>;
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
  isRunning(): Promise<boolean>;
  /** Graceful stop (SIGTERM or the target's equivalent), kill after graceMs, then verify it is gone. */
  stop(options: { graceMs: number }): Promise<StopResult>;
  logs(lines: number): string[];
  /** RSS and CPU of the service, or undefined when it is not running. */
  sample(): Promise<ResourceSample | undefined>;
}
