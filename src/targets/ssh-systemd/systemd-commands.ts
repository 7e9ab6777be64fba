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
  kill = (unit: string) => this.run(['systemctl', 'kill', '--signal=SIGKILL', '--', checkedUnit(unit)]);
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
