import { randomBytes } from 'node:crypto';
import { posix } from 'node:path';
import ssh2 from 'ssh2';
import type { Client as ClientType, ClientChannel, ConnectConfig, SFTPWrapper } from 'ssh2';
import { errorMessage } from '../../errors.ts';
import { delay } from '../../util/wait-for.ts';
import { commandLine } from './shell-quote.ts';

export interface SshEndpoint {
  host: string;
  port: number;
  user: string;
  /** Private key bytes (never printed); absent: `agent`. */
  privateKey?: Buffer;
  passphrase?: string;
  /** SSH agent socket ($SSH_AUTH_SOCK). */
  agent?: string;
  /** Decides on the host key; returns why it is refused, or undefined to accept. Absent: no checking (explicit config only). */
  verifyHostKey?: (key: Buffer) => string | undefined;
}

export interface SshTimings {
  connectTimeoutMs: number;
  keepaliveIntervalMs: number;
  keepaliveCountMax: number;
  commandTimeoutMs: number;
}

export interface ExecResult {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
}

export class SshError extends Error {
  override readonly name = 'SshError';
}

export interface Follow {
  /** Settles when the remote command ends (stopped, or the connection dropped). */
  readonly ended: Promise<void>;
  stop(): void;
}

/**
 * One SSH connection per run (ssh2), reused by every command, with keepalives so a host that stops
 * answering is noticed within keepaliveIntervalMs × keepaliveCountMax. A command in flight when the
 * connection drops fails naming the host and what it was waiting for; the next command reconnects, so
 * the run's cleanup can still stop the units. Commands are argument lists, quoted by commandLine().
 */
export class SshConnection {
  readonly label: string;
  private connecting: Promise<ClientType> | undefined;
  private sftpSession: Promise<SFTPWrapper> | undefined;
  private closed = false;
  private live: ClientType | undefined;

  constructor(
    private readonly endpoint: SshEndpoint,
    private readonly timings: SshTimings,
  ) {
    this.label = `${endpoint.user}@${endpoint.host}:${endpoint.port}`;
  }

  /** Connects (or returns the live connection). */
  connect(): Promise<ClientType> {
    if (this.closed) return Promise.reject(new SshError(`ssh ${this.label}: the connection was closed at the end of the run`));
    return (this.connecting ??= this.open().catch((error: unknown) => {
      this.connecting = undefined;
      throw error;
    }));
  }

  /** Runs a command; a non-zero exit is a result, not an error. Throws SshError on connection loss or timeout. */
  async exec(argv: readonly string[], what: string, timeoutMs = this.timings.commandTimeoutMs): Promise<ExecResult> {
    const client = await this.connect().catch((error: unknown) => {
      throw new SshError(`${errorMessage(error)} (while ${what})`);
    });
    const line = commandLine(argv);
    const opening = new AbortController();
    const opener = new SessionOpener(client, line, opening.signal);
    return new Promise<ExecResult>((resolve, reject) => {
      let stdout = '';
      let stderr = '';
      let channel: ClientChannel | undefined;
      const fail = (why: string) => {
        cleanup();
        opening.abort();
        channel?.close();
        reject(new SshError(`ssh ${this.label}: ${why} while ${what} (${argv.slice(0, 3).join(' ')}…)`));
      };
      const onClose = () => fail('the connection was lost');
      const timer = setTimeout(() => fail(`no answer within ${timeoutMs} ms${opener.refusedNote()}`), timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        client.off('close', onClose);
      };
      client.once('close', onClose);
      opener.open().then(
        (stream) => {
          channel = stream;
          // EOF at once: a command that reads its input ends instead of waiting for input that never comes.
          stream.end();
          stream.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
          stream.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
          stream.on('close', (code: number | null | undefined, signal: string | undefined) => {
            cleanup();
            resolve({ code: code ?? null, signal: signal ?? null, stdout, stderr });
          });
        },
        (error: unknown) => {
          // Aborted: fail() has already said why (the deadline, the connection lost).
          if (!opening.signal.aborted) fail(`the command could not be started (${errorMessage(error)})`);
        },
      );
    });
  }

  /** Runs a command that must succeed; its stdout. */
  async run(argv: readonly string[], what: string): Promise<string> {
    const result = await this.exec(argv, what);
    if (result.code !== 0) {
      const said = (result.stderr || result.stdout).trim().split('\n').slice(-5).join(' | ');
      throw new SshError(`ssh ${this.label}: \`${argv.join(' ')}\` exited with ${result.code ?? result.signal} while ${what}${said ? `: ${said}` : ''}`);
    }
    return result.stdout;
  }

  /** Starts a long-running command (journalctl --follow), handing its output over as it comes. */
  async follow(argv: readonly string[], onData: (chunk: string) => void): Promise<Follow> {
    const client = await this.connect();
    const opener = new SessionOpener(client, commandLine(argv), AbortSignal.timeout(this.timings.commandTimeoutMs));
    const stream = await opener.open().catch((error: unknown) => {
      throw new SshError(`ssh ${this.label}: cannot start ${argv[0]} within ${this.timings.commandTimeoutMs} ms: ${errorMessage(error)}${opener.refusedNote()}`);
    });
    stream.on('data', (chunk: Buffer) => onData(chunk.toString()));
    stream.stderr.resume();
    const ended = new Promise<void>((resolve) => {
      stream.on('close', () => resolve());
      client.once('close', () => resolve());
    });
    return {
      ended,
      // journalctl --follow exits once its output is closed, which closing the channel does. The signal is for other
      // commands, and only where sshd forwards it: OpenSSH refuses it for a root login ("session signalling requires
      // privilege separation"), so such a command lives on, holding its session, until its next write fails.
      stop: () => {
        try {
          stream.signal('TERM');
        } catch {
          // the channel is already gone
        }
        stream.close();
      },
    };
  }

  /** Writes a file atomically over SFTP: a temporary file beside it with `mode`, then rename over the target. */
  async writeFileAtomic(path: string, content: string, mode: number, what: string): Promise<void> {
    const sftp = await this.sftp(what);
    const temporary = posix.join(posix.dirname(path), `.${posix.basename(path)}.drill-${randomBytes(6).toString('hex')}`);
    const step = <T>(name: string, call: (done: (error?: Error | null, value?: T) => void) => void) =>
      new Promise<T>((resolve, reject) =>
        call((error, value) => (error ? reject(new SshError(`ssh ${this.label}: sftp ${name} ${path} failed while ${what}: ${error.message}`)) : resolve(value as T))),
      );
    try {
      await step('write', (done) => sftp.writeFile(temporary, content, { mode }, done));
      await step('chmod', (done) => sftp.chmod(temporary, mode, done));
      await step('rename', (done) => sftp.ext_openssh_rename(temporary, path, done));
    } catch (error) {
      await step('unlink', (done) => sftp.unlink(temporary, done)).catch(() => undefined);
      throw error;
    }
  }

  /** Ends the connection; later calls fail. */
  async close(): Promise<void> {
    this.closed = true;
    const pending = this.connecting;
    this.connecting = undefined;
    const client = await pending?.catch(() => undefined);
    if (!client) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 2000);
      client.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      client.end();
    });
  }

  private sftp(what: string): Promise<SFTPWrapper> {
    return (this.sftpSession ??= this.connect().then(
      (client) =>
        new Promise<SFTPWrapper>((resolve, reject) => {
          client.sftp((error, sftp) => {
            if (error) {
              this.sftpSession = undefined;
              return reject(new SshError(`ssh ${this.label}: no SFTP subsystem while ${what}: ${error.message}`));
            }
            sftp.on('close', () => (this.sftpSession = undefined));
            resolve(sftp);
          });
        }),
    ));
  }

  private open(): Promise<ClientType> {
    const { endpoint, timings } = this;
    let refused: string | undefined;
    const config: ConnectConfig = {
      host: endpoint.host,
      port: endpoint.port,
      username: endpoint.user,
      readyTimeout: timings.connectTimeoutMs,
      keepaliveInterval: timings.keepaliveIntervalMs,
      keepaliveCountMax: timings.keepaliveCountMax,
      ...(endpoint.privateKey ? { privateKey: endpoint.privateKey } : {}),
      ...(endpoint.passphrase ? { passphrase: endpoint.passphrase } : {}),
      ...(endpoint.agent ? { agent: endpoint.agent } : {}),
      ...(endpoint.verifyHostKey
        ? {
            hostVerifier: (key: Buffer) => {
              refused = endpoint.verifyHostKey!(key);
              return refused === undefined;
            },
          }
        : {}),
    };
    return new Promise<ClientType>((resolve, reject) => {
      const client = new ssh2.Client();
      // Every command in flight watches the connection's close: a busy run has more than Node's default 10 at once.
      client.setMaxListeners(0);
      let ready = false;
      client.on('ready', () => {
        ready = true;
        this.live = client;
        resolve(client);
      });
      client.on('error', (error: Error) => {
        if (ready) return; // a live connection's error is followed by 'close', which in-flight commands watch
        reject(new SshError(refused ? `ssh ${this.label}: ${refused}` : `ssh ${this.label}: cannot connect within ${timings.connectTimeoutMs} ms: ${errorMessage(error)}`));
      });
      client.on('close', () => {
        // The next command opens a new connection (unless a newer one is already open).
        if (ready && this.live === client) {
          this.live = undefined;
          this.connecting = undefined;
          this.sftpSession = undefined;
        }
      });
      client.connect(config);
    });
  }
}

/**
 * Opens one session channel for a command. sshd serves at most MaxSessions (10 by default) sessions on a
 * connection, and frees one only once its remote command has exited, a moment after the channel closed:
 * on a busy run (journal followers, samplers, state polls and a run's commands at once) the server may
 * refuse a session for a while. A refusal ("Channel open failure") is retried, backing off from 20 ms to
 * 500 ms, until `signal` aborts (the command's deadline); any other error fails at once.
 */
class SessionOpener {
  private refusals = 0;

  constructor(
    private readonly client: ClientType,
    private readonly line: string,
    private readonly signal: AbortSignal,
  ) {}

  async open(): Promise<ClientChannel> {
    for (let backoffMs = 20; ; backoffMs = Math.min(backoffMs * 2, 500)) {
      const outcome = await this.attempt();
      if (!(outcome instanceof Error)) return outcome;
      if (!sessionRefused(outcome) || this.signal.aborted) throw outcome;
      this.refusals++;
      const waited = await delay(backoffMs, this.signal).then(
        () => true,
        () => false,
      );
      if (!waited) throw outcome;
    }
  }

  /** For an error message: how often the host refused a session, if it did. */
  refusedNote(): string {
    return this.refusals > 0 ? ` (the host refused a new session ${this.refusals} time(s): its sshd's MaxSessions (10 by default) were all in use)` : '';
  }

  private attempt(): Promise<ClientChannel | Error> {
    return new Promise((resolve) =>
      this.client.exec(this.line, (error, channel) => {
        if (error) return resolve(error);
        // The deadline passed while the server was answering: nobody waits for this channel any more.
        if (this.signal.aborted) {
          channel.close();
          return resolve(new Error('the deadline passed while the session opened'));
        }
        resolve(channel);
      }),
    );
  }
}

/** ssh2's error for a channel the server would not open (sshd: "open failed" beyond MaxSessions). */
function sessionRefused(error: Error): boolean {
  return /Channel open failure/i.test(error.message);
}
