import { randomBytes } from 'node:crypto';
import { posix } from 'node:path';
import ssh2 from 'ssh2';
import type { Client as ClientType, ClientChannel, ConnectConfig, SFTPWrapper } from 'ssh2';
import { errorMessage } from '../../errors.ts';
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
    return new Promise<ExecResult>((resolve, reject) => {
      let stdout = '';
      let stderr = '';
      let channel: ClientChannel | undefined;
      const fail = (why: string) => {
        cleanup();
        channel?.close();
        reject(new SshError(`ssh ${this.label}: ${why} while ${what} (${argv.slice(0, 3).join(' ')}…)`));
      };
      const onClose = () => fail('the connection was lost');
      const timer = setTimeout(() => fail(`no answer within ${timeoutMs} ms`), timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        client.off('close', onClose);
      };
      client.once('close', onClose);
      client.exec(line, (error, stream) => {
        if (error) return fail(`the command could not be started (${error.message})`);
        channel = stream;
        // EOF at once: a command that reads its input ends instead of waiting for input that never comes.
        stream.end();
        stream.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
        stream.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        stream.on('close', (code: number | null | undefined, signal: string | undefined) => {
          cleanup();
          resolve({ code: code ?? null, signal: signal ?? null, stdout, stderr });
        });
      });
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
    const stream = await new Promise<ClientChannel>((resolve, reject) =>
      client.exec(commandLine(argv), (error, channel) => (error ? reject(new SshError(`ssh ${this.label}: cannot start ${argv[0]}: ${error.message}`)) : resolve(channel))),
    );
    stream.on('data', (chunk: Buffer) => onData(chunk.toString()));
    stream.stderr.resume();
    const ended = new Promise<void>((resolve) => {
      stream.on('close', () => resolve());
      client.once('close', () => resolve());
    });
    return {
      ended,
      // OpenSSH delivers the signal to the remote process; closing the channel alone would leave it to die on its next write.
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
