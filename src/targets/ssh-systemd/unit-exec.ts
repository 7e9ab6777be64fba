import { randomBytes } from 'node:crypto';
import { errorMessage } from '../../errors.ts';
import { delay } from '../../util/wait-for.ts';
import { stripFinalNewline, type ExecOptions, type ExecResult } from '../target.ts';
import type { SshConnection } from './ssh-connection.ts';
import { parseBusStrings, type SystemdCommands } from './systemd-commands.ts';

/** What a command needs to run as the unit runs: read once from `systemctl show` when the unit is started. */
export interface UnitRunAs {
  unit: string;
  /** The file the target wrote the deployment's environment to. */
  envFile: string;
  user: string;
  group: string;
  workingDirectory: string;
}

/** How long after the deadline the harness waits for the killed command's systemd-run to return. */
const KILL_GRACE_MS = 10_000;
const KILL_RETRY_MS = 200;
/** systemd-run's exit status when the command died of a signal (its EXIT_EXCEPTION). */
const EXIT_EXCEPTION = 255;

/**
 * Commands run "where the version runs" on a systemd host, over the run's SSH connection, with
 * `systemd-run --pipe --wait`: chosen over runuser/setpriv + env because systemd reads the unit's
 * EnvironmentFile itself (as root, so the 0600 file and the secrets in it never pass through a
 * command line or the unit's user), applies User=/Group=/WorkingDirectory= exactly as for the unit,
 * and puts the command in a transient unit the harness can kill with everything it forked — the test
 * host image (Debian 12, systemd 252) has it, and it propagates the command's exit status.
 */
export class UnitExec {
  private environment: Promise<string[]> | undefined;

  constructor(
    private readonly ssh: SshConnection,
    private readonly commands: SystemdCommands,
    private readonly runAs: UnitRunAs,
    private readonly describe: string,
  ) {}

  async exec(command: string, args: string[], options: ExecOptions): Promise<ExecResult> {
    const started = Date.now();
    const result = (fields: Partial<ExecResult>): ExecResult => ({
      exitCode: null,
      signal: null,
      stdout: '',
      stderr: '',
      timedOut: false,
      ...fields,
      durationMs: Date.now() - started,
    });
    if (options.signal?.aborted) return result({ startError: `${command} was not run like ${this.describe}: aborted` });
    const transientUnit = `drill-exec-${randomBytes(6).toString('hex')}`;
    const what = `running ${command} like ${this.describe} (transient unit ${transientUnit})`;
    let argv: string[];
    try {
      const environment = await this.unitEnvironment();
      const { user, group, workingDirectory, envFile } = this.runAs;
      argv = this.commands.runLikeUnit(
        { transientUnit, maxMs: options.timeoutMs + KILL_GRACE_MS, user, group, workingDirectory, environment, envFile },
        options.env ?? {},
        command,
        args,
      );
    } catch (error) {
      return result({ startError: `${command} cannot be run like ${this.describe}: ${errorMessage(error)}` });
    }
    let killedFor: 'timeout' | 'abort' | undefined;
    let finished = false;
    const kill = async (why: 'timeout' | 'abort') => {
      if (killedFor) return;
      killedFor = why;
      // Until systemd-run has created the transient unit there is nothing to kill yet: retried until it is, or the command ended.
      while (!finished) {
        const killed = await this.ssh.exec(this.commands.signal(transientUnit, 'SIGKILL'), `killing ${transientUnit} at its ${why}`).catch(() => undefined);
        if (killed?.code === 0) return;
        await delay(KILL_RETRY_MS);
      }
    };
    const timer = setTimeout(() => void kill('timeout'), options.timeoutMs);
    const onAbort = () => void kill('abort');
    options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const remote = await this.ssh.exec(argv, what, options.timeoutMs + KILL_GRACE_MS);
      const killed = killedFor !== undefined && remote.code === EXIT_EXCEPTION;
      return result({
        exitCode: killed ? null : remote.code,
        signal: killed ? 'SIGKILL' : remote.signal,
        stdout: stripFinalNewline(remote.stdout),
        stderr: stripFinalNewline(remote.stderr),
        timedOut: killed && killedFor === 'timeout',
      });
    } catch (error) {
      // The connection was lost or systemd-run never returned: whether the command ran is unknown.
      return result({ startError: errorMessage(error), timedOut: killedFor === 'timeout' });
    } finally {
      finished = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
    }
  }

  /** The unit's Environment= entries, read at the first exec (not while V1 is being started, in the rollback window). */
  private unitEnvironment(): Promise<string[]> {
    return (this.environment ??= this.ssh
      .run(this.commands.environment(this.runAs.unit), `reading ${this.describe}'s Environment=`)
      .then(parseBusStrings)
      .catch((error: unknown) => {
        this.environment = undefined;
        throw error;
      }));
  }
}
