import type { Deployment, ServiceRole, ServiceSpec, StartedDeployment, Target } from '../target.ts';
import { renderEnvFile } from './env-file.ts';
import type { SshConnection } from './ssh-connection.ts';
import type { SshSystemdTargetConfig } from './ssh-systemd-schema.ts';
import { StartedUnit } from './started-unit.ts';
import { ARTIFACT_PROPERTIES, SystemdCommands } from './systemd-commands.ts';
import { execStartPath, firstEnvironmentFile, hasExited, parseShow, restartsItself, unitState, type UnitState } from './unit-state.ts';
import { waitFor } from '../../util/wait-for.ts';

/** The remote host once it answers: the connection, and where the harness reaches the units' HTTP ports. */
export interface RemoteHost {
  ssh: SshConnection;
  serviceAddress: string;
}

export interface SshSystemdContext {
  config: SshSystemdTargetConfig;
  /** The host in the run's first line: "root@10.0.0.5:22", "the test host container …". */
  hostLabel: string;
  /** Connects on first use (the test host container is started then); rejects naming why the host does not answer. */
  host: () => Promise<RemoteHost>;
}

interface UnitFacts {
  fragmentPath: string;
  execStart: string | undefined;
  workingDirectory: string;
  envFile: string | undefined;
  user: string;
  group: string;
  /** The unit's Restart= setting: anything but `no` means systemd restarts a crashed invocation itself. */
  restart: string;
}

/**
 * V1 and V2 as systemd units on a host reached over SSH: the runbook's own commands (systemctl start /
 * stop / is-active, journalctl), each sent as a fixed argument list over one reused connection.
 */
export class SshSystemdTarget implements Target {
  readonly kind = 'ssh-systemd';
  readonly description: string;
  private readonly commands: SystemdCommands;

  constructor(private readonly context: SshSystemdContext) {
    const { config } = context;
    this.commands = new SystemdCommands(config.sudo);
    this.description = `systemd units on ${context.hostLabel} over SSH: V1 ${config.v1.unit}, V2 ${config.v2.unit}`;
  }

  /** A unit runs once per host: two versions run side by side only as two units on two ports. */
  runsBeside(role: ServiceRole, running: ServiceRole): boolean {
    const { config } = this.context;
    return config[role].unit !== config[running].unit && config[role].port !== config[running].port;
  }

  async deploy(spec: ServiceSpec): Promise<Deployment> {
    return { name: spec.name, start: () => this.start(spec) };
  }

  /** The runbook's "verify V1 binaries": the unit is loaded from its file, whose hash is recorded, and its program is executable. */
  async inspectArtifact(role: ServiceRole): Promise<Record<string, unknown>> {
    const { ssh } = await this.context.host();
    const { unit } = this.context.config[role];
    const facts = await this.unitFacts(ssh, unit, `${role.toUpperCase()}`);
    const binary = execStartPath(facts.execStart);
    if (!binary) throw new Error(`${role.toUpperCase()} unit ${unit} on ${ssh.label} has no ExecStart program (${facts.fragmentPath})`);
    const executable = await ssh.exec(this.commands.isExecutable(binary), `checking ${unit}'s ExecStart program`);
    if (executable.code !== 0) throw new Error(`${role.toUpperCase()} unit ${unit} on ${ssh.label}: its ExecStart program ${binary} is missing or not executable`);
    const sha = (await ssh.run(this.commands.sha256(facts.fragmentPath), `hashing ${unit}'s unit file`)).split(/\s/)[0];
    return { host: ssh.label, unit, unitFile: facts.fragmentPath, unitFileSha256: sha?.slice(0, 16), binary, workingDirectory: facts.workingDirectory, user: facts.user || 'root' };
  }

  private async start(spec: ServiceSpec): Promise<StartedDeployment> {
    const { ssh, serviceAddress } = await this.context.host();
    const { config } = this.context;
    const { unit, port } = config[spec.role];
    const where = `${spec.name} unit ${unit} on ${ssh.label}`;
    const facts = await this.unitFacts(ssh, unit, spec.name);
    const envFile = config[spec.role].envFile ?? facts.envFile;
    if (!envFile) throw new Error(`${where} has no EnvironmentFile= and the config names none (target.${spec.role}.envFile): the deployment's environment has nowhere to go`);
    const env = Object.fromEntries(Object.entries(spec.env).map(([key, value]) => [key, value.replaceAll('{{port}}', String(port))]));
    await ssh.writeFileAtomic(envFile, renderEnvFile(env, `written by rollback-drill for ${spec.name} at ${new Date().toISOString()}`), 0o600, `writing ${where}'s environment`);
    const owner = facts.user ? { user: facts.user, group: facts.group || facts.user } : undefined;
    for (const dir of spec.writableDirs) await ssh.run(this.commands.makeDir(dir, owner), `preparing ${where}'s output folder ${dir}`);
    const cursor = /^-- cursor: (\S+)$/m.exec(await ssh.run(this.commands.journalCursor(), `reading the journal position before starting ${where}`))?.[1];
    // A unit runs once per host: a second deployment of a version (Test 2's run of V1 on a second database)
    // replaces the running one, with `systemctl restart` after its new environment is written.
    const before = unitState(parseShow(await ssh.run(this.commands.show(unit), `reading ${where}'s state`)));
    const replace = before.activeState === 'active' || before.activeState === 'activating' || before.activeState === 'reloading';
    // A unit left failed by an earlier run (or its start limit) must not refuse this start.
    if (!replace) await ssh.exec(this.commands.resetFailed(unit), `resetting ${where}`);
    const verb = replace ? 'restart' : 'start';
    const started = await ssh.exec(replace ? this.commands.restart(unit) : this.commands.start(unit), `${verb}ing ${where}`);
    if (started.code !== 0) {
      throw new Error(
        `${where}: \`systemctl ${verb} ${unit}\` failed (exit ${started.code}: ${started.stderr.trim().split('\n')[0] ?? ''}); journal:\n${await this.journal(ssh, unit, cursor)}`,
      );
    }
    const active = await this.waitActive(ssh, unit, where, cursor, replace ? before.invocationId : undefined);
    const service = new StartedUnit({
      name: spec.name,
      unit,
      ssh,
      commands: this.commands,
      baseUrl: `http://${serviceAddress}:${port}`,
      address: { host: serviceAddress, port },
      runAs: { unit, envFile, user: facts.user, group: facts.group, workingDirectory: facts.workingDirectory },
      invocationId: active.invocationId,
      // systemd keeps NRestarts across a `systemctl restart` of a unit waiting to restart, and zeroes it on
      // other starts: its restarts of this deployment are counted from what it says now.
      ...(restartsItself(facts.restart) ? { systemdRestarts: { since: active.nRestarts } } : {}),
      cursor,
      pollIntervalMs: config.pollIntervalMs,
      ...(spec.onLogLine ? { onLogLine: spec.onLogLine } : {}),
    });
    await service.watch();
    return service;
  }

  /** Polls `systemctl show` until the unit is active; its state then. */
  private async waitActive(ssh: SshConnection, unit: string, where: string, cursor: string | undefined, previous?: string): Promise<UnitState> {
    const { config } = this.context;
    let seen = 'no state read yet';
    const state = await waitFor(
      async () => {
        const current = unitState(parseShow(await ssh.run(this.commands.show(unit), `waiting for ${where} to be active`)));
        seen = `ActiveState=${current.activeState} SubState=${current.subState} Result=${current.result}`;
        if (current.activeState === 'active' && current.invocationId && current.invocationId !== previous) return current;
        if (current.invocationId && hasExited(current, current.invocationId)) {
          throw new Error(`${where} did not stay up after \`systemctl start\` (${seen}); journal:\n${await this.journal(ssh, unit, cursor)}`);
        }
        return undefined;
      },
      { what: `${where} not active`, timeoutMs: config.startTimeoutMs, intervalMs: config.pollIntervalMs, lastSeen: () => seen },
    );
    return state;
  }

  private async journal(ssh: SshConnection, unit: string, cursor: string | undefined): Promise<string> {
    const tail = await ssh.exec(this.commands.journalTail(unit, 20, cursor), `reading ${unit}'s journal`).catch(() => undefined);
    return tail?.code === 0 && tail.stdout.trim() ? tail.stdout.trimEnd() : '(no journal lines)';
  }

  private async unitFacts(ssh: SshConnection, unit: string, name: string): Promise<UnitFacts> {
    const show = parseShow(await ssh.run(this.commands.show(unit, ARTIFACT_PROPERTIES), `reading ${name} unit ${unit}`));
    if (show['LoadState'] !== 'loaded') {
      throw new Error(`${name} unit ${unit} is not installed on ${ssh.label} (LoadState=${show['LoadState'] ?? '?'}): no unit file for it`);
    }
    return {
      fragmentPath: show['FragmentPath'] ?? '',
      execStart: show['ExecStart'],
      workingDirectory: show['WorkingDirectory'] ?? '',
      envFile: firstEnvironmentFile(show['EnvironmentFiles']),
      user: show['User'] ?? '',
      group: show['Group'] ?? '',
      restart: show['Restart'] ?? 'no',
    };
  }
}
