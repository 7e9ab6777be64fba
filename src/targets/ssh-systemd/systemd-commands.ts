import { REMOTE_PATH, UNIT_NAME } from './ssh-systemd-schema.ts';

/**
 * The fixed argument lists the target sends: systemctl and journalctl with the unit name (validated again
 * here, so a caller that bypassed the schema cannot smuggle an option in) and nothing else from config.
 */
export const UNIT_PROPERTIES = ['ActiveState', 'SubState', 'InvocationID', 'MainPID', 'ExecMainCode', 'ExecMainStatus', 'NRestarts', 'Result'] as const;
export const ARTIFACT_PROPERTIES = ['LoadState', 'FragmentPath', 'ExecStart', 'WorkingDirectory', 'EnvironmentFiles', 'User', 'Group', 'UnitFileState', 'Restart'] as const;

export function checkedUnit(unit: string): string {
  if (!UNIT_NAME.test(unit)) throw new Error(`invalid systemd unit name '${unit}'`);
  return unit;
}

export function checkedPath(path: string): string {
  if (!REMOTE_PATH.test(path) || path.split('/').some((s) => s === '..' || s === '.')) throw new Error(`invalid remote path '${path}'`);
  return path;
}

export class SystemdCommands {
  constructor(private readonly sudo: boolean) {}

  private run(argv: string[]): string[] {
    return this.sudo ? ['sudo', '-n', '--', ...argv] : argv;
  }

  start = (unit: string) => this.run(['systemctl', 'start', '--', checkedUnit(unit)]);
  restart = (unit: string) => this.run(['systemctl', 'restart', '--', checkedUnit(unit)]);
  resetFailed = (unit: string) => this.run(['systemctl', 'reset-failed', '--', checkedUnit(unit)]);
  /** Queues the stop and returns: the harness waits for it itself, with its own grace period. */
  stopNoBlock = (unit: string) => this.run(['systemctl', 'stop', '--no-block', '--', checkedUnit(unit)]);
  kill = (unit: string) => this.signal(unit, 'SIGKILL');
  /** `systemctl kill` signals every process of the unit's cgroup, not only its main process. */
  signal = (unit: string, signal: 'SIGKILL' | 'SIGSTOP' | 'SIGCONT') => this.run(['systemctl', 'kill', `--signal=${signal}`, '--', checkedUnit(unit)]);
  /** The cgroup freezer (cgroup v2 only: systemd answers "does not support freezing" on v1). */
  freeze = (unit: string) => this.run(['systemctl', 'freeze', '--', checkedUnit(unit)]);
  thaw = (unit: string) => this.run(['systemctl', 'thaw', '--', checkedUnit(unit)]);
  /**
   * The unit's Environment= entries as JSON, exactly as systemd holds them (`systemctl show` quotes them in
   * a way that changed between versions). A read of the system bus: no sudo needed.
   */
  environment = (unit: string) => ['busctl', '--json=short', 'get-property', 'org.freedesktop.systemd1', unitObjectPath(unit), 'org.freedesktop.systemd1.Service', 'Environment'];
  /**
   * Runs a command as the unit would: its user and group, its folder, its Environment= entries (--setenv),
   * then its EnvironmentFile (read by systemd, as root: the file stays 0600), and `env` on top for the
   * caller's variables, which win over both, as they would nowhere else. A transient unit of its own
   * (`transientUnit`), so the harness can SIGKILL the command and all it forked at its deadline;
   * RuntimeMaxSec is systemd's own deadline for when the harness cannot.
   */
  runLikeUnit = (run: LikeUnit, env: Record<string, string>, command: string, args: readonly string[]) =>
    this.run([
      'systemd-run',
      '--pipe',
      '--wait',
      '--collect',
      '--quiet',
      `--unit=${checkedUnit(run.transientUnit)}`,
      `--property=RuntimeMaxSec=${positiveInt(Math.ceil(run.maxMs))}ms`,
      ...(run.user ? [`--property=User=${run.user}`] : []),
      ...(run.group ? [`--property=Group=${run.group}`] : []),
      ...(run.workingDirectory ? [`--property=WorkingDirectory=${run.workingDirectory}`] : []),
      ...run.environment.map((entry) => `--setenv=${entry}`),
      ...(run.envFile ? [`--property=EnvironmentFile=${checkedPath(run.envFile)}`] : []),
      '--',
      '/usr/bin/env',
      '--',
      ...Object.entries(env).map(([key, value]) => `${checkedName(key)}=${value}`),
      checkedProgram(command),
      ...args,
    ]);
  isActive = (unit: string) => this.run(['systemctl', 'is-active', '--', checkedUnit(unit)]);
  show = (unit: string, properties: readonly string[] = UNIT_PROPERTIES) => this.run(['systemctl', 'show', `--property=${properties.join(',')}`, '--', checkedUnit(unit)]);
  /** The runbook's `journalctl -u <unit> -n 50`, limited to this deployment's entries. */
  journalTail = (unit: string, lines: number, afterCursor?: string) =>
    this.run(['journalctl', `--unit=${checkedUnit(unit)}`, `--lines=${Math.trunc(lines)}`, '--no-pager', '--output=cat', ...cursor(afterCursor)]);
  /** Follows the unit's journal from a cursor until the channel is closed. */
  journalFollow = (unit: string, afterCursor?: string) =>
    this.run(['journalctl', `--unit=${checkedUnit(unit)}`, '--follow', '--lines=all', '--no-pager', '--output=cat', ...cursor(afterCursor)]);
  /** The position of the newest journal entry: where a deployment's logs begin. */
  journalCursor = () => this.run(['journalctl', '--lines=1', '--show-cursor', '--no-pager', '--output=cat', '--quiet']);
  /** Makes an output folder the unit's user can write to. */
  makeDir = (path: string, owner?: { user: string; group: string }) =>
    this.run(['install', '-d', '-m', '0755', ...(owner ? ['-o', owner.user, '-g', owner.group] : []), '--', checkedPath(path)]);
  isExecutable = (path: string) => this.run(['test', '-x', checkedPath(path)]);
  sha256 = (path: string) => this.run(['sha256sum', '--', checkedPath(path)]);
  procStats = (pid: number) => ['cat', `/proc/${positiveInt(pid)}/status`, `/proc/${positiveInt(pid)}/stat`];
}

export interface LikeUnit {
  transientUnit: string;
  /** systemd stops the command after this long if the harness has not. */
  maxMs: number;
  user?: string;
  group?: string;
  workingDirectory?: string;
  /** The unit's Environment= entries, KEY=value. */
  environment: readonly string[];
  envFile?: string;
}

/**
 * The unit's D-Bus object path: systemd escapes every byte but ASCII letters (and digits after the
 * first) as _xx. A name without a type suffix is a service, as systemctl takes it.
 */
export function unitObjectPath(unit: string): string {
  const name = /\.(service|socket|target|timer|mount|automount|path|scope|slice|swap|device)$/.test(checkedUnit(unit)) ? unit : `${unit}.service`;
  const escaped = [...Buffer.from(name)].map((byte, i) => {
    const c = String.fromCharCode(byte);
    return /[A-Za-z]/.test(c) || (i > 0 && /[0-9]/.test(c)) ? c : `_${byte.toString(16).padStart(2, '0')}`;
  });
  return `/org/freedesktop/systemd1/unit/${escaped.join('')}`;
}

/** busctl --json=short's answer for an `as` property: its strings. */
export function parseBusStrings(json: string): string[] {
  const parsed = JSON.parse(json) as { type?: string; data?: unknown };
  if (parsed.type !== 'as' || !Array.isArray(parsed.data) || !parsed.data.every((s) => typeof s === 'string'))
    throw new Error(`not a string array property: ${json.slice(0, 120)}`);
  return parsed.data as string[];
}

function checkedName(key: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) throw new Error(`invalid environment variable name '${key}'`);
  return key;
}

/** `env` takes an argument with '=' for an assignment, and the program must not be read as an option. */
function checkedProgram(command: string): string {
  if (command === '' || command.includes('=') || command.startsWith('-')) throw new Error(`'${command}' cannot be run through env (it starts with - or holds =)`);
  return command;
}

function cursor(afterCursor: string | undefined): string[] {
  if (afterCursor === undefined) return [];
  // A journal cursor is key=value pairs of hex and digits separated by ';'.
  if (!/^[a-z]=[0-9a-f]+(?:;[a-z]=[0-9a-f]+)*$/.test(afterCursor)) throw new Error(`invalid journal cursor '${afterCursor}'`);
  return [`--after-cursor=${afterCursor}`];
}

function positiveInt(value: number): number {
  if (!Number.isSafeInteger(value) || value <= 0) throw new Error(`invalid pid ${value}`);
  return value;
}
