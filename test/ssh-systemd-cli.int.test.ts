import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { drill, repoRoot } from './helpers/cli.ts';
import { latestJournal } from './helpers/journal.ts';
import { testRun } from './helpers/test-config.ts';

/**
 * `drill run --target ssh-systemd` where it cannot run: no engine for the test host, a team host whose
 * known_hosts file is missing, a config naming a unit with shell text. Each is a harness error (exit 3)
 * naming what is missing, before anything starts. (The four drills pass on it: drills/, with an engine.)
 */
describe('ssh-systemd target from the CLI', () => {
  it('without an engine for the test host: exit 3 naming the engine, also with CI=true (no fallback)', async () => {
    const run = await testRun();
    const socket = join(run.dir, 'no-engine.sock');
    const result = await drill(['run', '--config', run.configFile, '--report-dir', run.reportDir, '--target', 'ssh-systemd', '--only', 'rollback-time'], {
      TMPDIR: run.tmp,
      DOCKER_HOST: `unix://${socket}`,
      CI: 'true',
    });
    expect(result.exitCode, result.all).toBe(3);
    expect(result.all).toContain(`target ssh-systemd (test host container drill-systemd-host:latest): no Docker engine answers at unix://${socket} (ENOENT) (CI=true)`);
    expect(await latestJournal(run.reportDir)).toMatchObject({ status: 'error', target: 'ssh-systemd', tests: [] });
  });

  it('a team host whose known_hosts file is missing: exit 3 naming the file, host-key checking stays on', async () => {
    const knownHosts = join(tmpdir(), `drill-no-known-hosts-${randomUUID()}`);
    const run = await testRun((staging) => {
      // Any readable file stands in for the key: the known_hosts file is read, and missing, before any key is used.
      staging['target'] = {
        kind: 'ssh-systemd',
        host: { kind: 'ssh', address: 'etl-staging-01.example.invalid', user: 'drill', identityFile: join(repoRoot, 'package.json'), knownHostsFile: knownHosts },
      };
    });
    const result = await drill(['run', '--config', run.configFile, '--report-dir', run.reportDir, '--only', 'rollback-time'], { TMPDIR: run.tmp });
    expect(result.exitCode, result.all).toBe(3);
    expect(result.all).toContain(`cannot read the known_hosts file ${knownHosts} (target.host.knownHostsFile): ENOENT; host-key checking is on`);
  });

  it('a unit name with shell text is a config error naming its field', async () => {
    const run = await testRun((staging) => {
      staging['target'] = { kind: 'ssh-systemd', v1: { unit: 'abaco; reboot' } };
    });
    const result = await drill(['run', '--config', run.configFile, '--report-dir', run.reportDir], { TMPDIR: run.tmp });
    expect(result.exitCode, result.all).toBe(3);
    expect(result.all).toContain('environments.staging.target.v1.unit');
  });
});
