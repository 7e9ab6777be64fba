import { z } from 'zod';

/**
 * The ssh-systemd target's configuration. Everything that ends up in a remote command line is validated
 * here by a strict pattern (unit names, paths, user, host) and is single-quoted again when sent, so no
 * config text is ever interpreted by the remote shell.
 */

/** A systemd unit name: letters, digits and `:_.@-` (systemd's own set), optionally with its `.service` suffix. */
export const UNIT_NAME = /^[A-Za-z0-9][A-Za-z0-9:_.@-]{0,200}$/;
/** An absolute path of plain segments: no `..`, no spaces, no shell metacharacters. */
export const REMOTE_PATH = /^(?:\/[A-Za-z0-9_@+-][A-Za-z0-9._@+-]*)+\/?$/;
/** A host name, IPv4 or IPv6 address. */
export const HOST_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9.:-]{0,252}[A-Za-z0-9])?$/;
export const USER_NAME = /^[a-z_][a-z0-9_.-]{0,31}$/;

const noDotDot = (path: string) => !path.split('/').includes('..') && !path.split('/').includes('.');
const remotePath = z.string().regex(REMOTE_PATH, 'an absolute path of letters, digits and ._@+- segments').refine(noDotDot, 'no . or .. segments');

const unitSchema = (unit: string, port: number) =>
  z
    .strictObject({
      unit: z.string().regex(UNIT_NAME, 'a systemd unit name (letters, digits, :_.@-)').default(unit).describe('The systemd unit of this version.'),
      port: z.number().int().positive().max(65_535).default(port).describe("The port the unit listens on; {{port}} in the service's env is filled with it."),
      envFile: remotePath.optional().describe("The unit's EnvironmentFile the deployment's environment is written to; absent: the one `systemctl show` names."),
    })
    .prefault({});

export const sshHostSchema = z
  .strictObject({
    kind: z.literal('ssh'),
    address: z.string().regex(HOST_NAME, 'a host name or IP address').describe('The remote host, as the harness reaches it over SSH.'),
    port: z.number().int().positive().max(65_535).default(22).describe("The host's SSH port."),
    user: z.string().regex(USER_NAME, 'a POSIX user name').describe('A user allowed to run systemctl and journalctl for the two units.'),
    identityFile: z.string().min(1).optional().describe('Private key file (OpenSSH or PEM). Absent: the SSH agent at $SSH_AUTH_SOCK.'),
    passphraseEnv: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/)
      .optional()
      .describe("Environment variable holding the key's passphrase (never the passphrase itself)."),
    knownHostsFile: z.string().min(1).default('~/.ssh/known_hosts').describe("The host's key must be listed here (plain or hashed entries); `~` is your home."),
    hostKeyChecking: z.boolean().default(true).describe('Verify the host key against knownHostsFile. Turn off only for a throwaway host: it allows a man in the middle.'),
    serviceAddress: z.string().regex(HOST_NAME).optional().describe("Where the harness reaches the units' HTTP ports; default: `address`."),
    harnessAddress: z
      .string()
      .regex(HOST_NAME)
      .optional()
      .describe("Where the remote host reaches servers the harness starts (the blob emulator); needed only with `blob: { kind: 'azurite' }`."),
  })
  .describe('A host of yours, reached over SSH.');

export const testHostSchema = z
  .strictObject({
    kind: z.literal('test-container'),
    image: z.string().min(1).default('drill-systemd-host:latest').describe('The test host image: systemd as PID 1, sshd and the units of both reference pairs.'),
    postgresImage: z.string().min(1).default('drill-postgres:latest').describe("The ephemeral database's image, a container on the run's network beside the test host."),
    buildImages: z.boolean().default(true).describe('Build the test host and Postgres images (containers/) when missing or out of date.'),
    engineTimeoutMs: z.number().int().positive().default(5000).describe('How long the engine may take to answer the first ping.'),
    bootTimeoutMs: z.number().int().positive().default(60_000).describe('How long systemd and sshd may take to come up.'),
  })
  .describe('The harness starts a container of the test host image (containers/systemd-host) for the run and removes it after.');

export const sshSystemdTargetSchema = z
  .strictObject({
    kind: z.literal('ssh-systemd'),
    host: z
      .discriminatedUnion('kind', [sshHostSchema, testHostSchema])
      .prefault({ kind: 'test-container' })
      .describe('The remote host, or the test host container the harness starts itself (the default).'),
    v1: unitSchema('abaco-pipeline-v1', 8081).describe("V1's unit and port."),
    v2: unitSchema('abaco-pipeline-v2', 8082).describe("V2's unit and port."),
    sudo: z.boolean().default(false).describe('Prefix systemctl/journalctl/install/systemd-run with `sudo -n` (a non-root SSH user with a sudoers rule for them).'),
    connectTimeoutMs: z.number().int().positive().default(10_000).describe('How long opening the SSH connection may take.'),
    keepaliveIntervalMs: z.number().int().positive().default(2000).describe('A keepalive every interval; the connection counts as lost after keepaliveCountMax unanswered ones.'),
    keepaliveCountMax: z.number().int().positive().default(3).describe('Unanswered keepalives before the connection counts as lost.'),
    commandTimeoutMs: z.number().int().positive().default(30_000).describe('Deadline of one remote command (systemctl, journalctl, …).'),
    pollIntervalMs: z.number().int().positive().default(200).describe("How often the unit's state is read while it runs (exit detection) and while waiting for it."),
    startTimeoutMs: z.number().int().positive().default(30_000).describe('How long `systemctl start` may take to report the unit active.'),
  })
  .describe('V1 and V2 as systemd units on a host reached over SSH (docs/targets/ssh-systemd.md).');

export type SshSystemdTargetConfig = z.output<typeof sshSystemdTargetSchema>;
export type SshHostConfig = z.output<typeof sshHostSchema>;
export type TestHostConfig = z.output<typeof testHostSchema>;
export type UnitConfig = SshSystemdTargetConfig['v1'];
