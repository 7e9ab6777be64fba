import { SYSTEMD_HOST_COPIES_FROM } from '../../../containers/build/systemd-host-recipe.ts';
import { startContainerPostgres } from '../../database/container-postgres.ts';
import { postgresByAddress } from './postgres-by-address.ts';
import { HarnessError, errorMessage } from '../../errors.ts';
import { waitFor } from '../../util/wait-for.ts';
import { ENGINE_HINT, probeEngine } from '../engine/engine.ts';
import { inspectImage } from '../engine/images.ts';
import { networkGateway } from '../engine/network-gateway.ts';
import { prepareImages } from '../engine/prepare-images.ts';
import { RUN_ID_LABEL, removeLabelled, removeOrphans, runLabels } from '../engine/run-labels.ts';
import type { TargetOpenOptions } from '../target-plugin.ts';
import type { TargetSession } from '../target-session.ts';
import { sshEndpoint } from './ssh-endpoint.ts';
import { SshConnection } from './ssh-connection.ts';
import type { SshSystemdTargetConfig, TestHostConfig } from './ssh-systemd-schema.ts';
import { SshSystemdTarget, type RemoteHost } from './ssh-systemd-target.ts';
import { sshTimings } from './ssh-timings.ts';
import { startTestHost, type TestHost } from './test-host-container.ts';

/**
 * A run against the test host: a container of drill-systemd-host on the run's own network, beside the
 * Postgres container, reached over SSH like a real host (its host key verified, a throwaway key of this
 * run). Started at first use, removed at close with everything else labelled with the run id.
 */
export async function openTestHostSession(config: SshSystemdTargetConfig, testHost: TestHostConfig, options: TargetOpenOptions): Promise<TargetSession> {
  const probe = await probeEngine(options.env, testHost.engineTimeoutMs);
  if (!probe.ok) {
    throw new HarnessError(`target ssh-systemd (test host container ${testHost.image}): ${probe.why}${options.env['CI'] === 'true' ? ' (CI=true)' : ''}; ${ENGINE_HINT}`);
  }
  const { docker } = probe.engine;
  const orphans = await removeOrphans(docker);
  const labels = runLabels(options.runId);
  const network = `drill-${options.runId.toLowerCase()}`;
  await docker.createNetwork({ Name: network, Labels: labels, CheckDuplicate: true });
  const name = `${network}-systemd-host`;
  let container: TestHost | undefined;
  let ssh: SshConnection | undefined;
  let remote: Promise<RemoteHost> | undefined;

  const boot = async (): Promise<RemoteHost> => {
    await inspectImage(docker, testHost.image, 'the ssh-systemd test host image');
    container = await startTestHost({
      docker,
      image: testHost.image,
      name,
      network,
      labels,
      sharedDirs: options.runDir ? [options.runDir] : [],
      bootTimeoutMs: testHost.bootTimeoutMs,
    });
    const host = {
      kind: 'ssh' as const,
      address: container.address,
      port: 22,
      user: 'root',
      identityFile: container.identityFile,
      knownHostsFile: container.knownHostsFile,
      hostKeyChecking: true,
    };
    const connection = new SshConnection(await sshEndpoint(host, {}), sshTimings(config));
    ssh = connection;
    // sshd comes up shortly after its host key: a refused connection is retried until the boot deadline.
    let lastError = '';
    await waitFor(
      () =>
        connection.connect().then(
          () => true,
          (error: unknown) => void (lastError = errorMessage(error)),
        ),
      {
        what: `the test host ${name} does not accept SSH`,
        timeoutMs: testHost.bootTimeoutMs,
        intervalMs: 100,
        lastSeen: () => lastError,
      },
    );
    return { ssh: connection, serviceAddress: container.address };
  };
  const host = () => (remote ??= boot());
  const orphanNotice =
    orphans.containers.length + orphans.networks.length > 0 ? `removed what a killed harness left: ${[...orphans.containers, ...orphans.networks].join(', ')}` : undefined;

  return {
    target: new SshSystemdTarget({ config, hostLabel: `the test host container ${name} (${testHost.image})`, host }),
    ...(orphanNotice ? { notice: orphanNotice } : {}),
    async prepare({ progress, signal }) {
      if (testHost.buildImages) await prepareImages([testHost.image, testHost.postgresImage, ...SYSTEMD_HOST_COPIES_FROM], { progress, signal });
      const started = performance.now();
      const { ssh: connection } = await host();
      progress(`ssh: test host ${name} booted, connected to ${connection.label} in ${Math.round(performance.now() - started)} ms (host key verified)`);
    },
    async startEphemeralPostgres() {
      const server = await startContainerPostgres({ image: testHost.postgresImage, network, alias: 'postgres', labels });
      return postgresByAddress(server, docker, network, name);
    },
    // The network's gateway is this machine as the test host sees it (the blob emulator binds there).
    serviceHost: () => networkGateway(docker, network, 'the test host'),
    async close() {
      const errors: string[] = [];
      await ssh?.close().catch((error: unknown) => errors.push(`closing SSH: ${errorMessage(error)}`));
      await remote?.catch(() => undefined);
      await container?.remove().catch((error: unknown) => errors.push(`removing the test host ${name}: ${errorMessage(error)}`));
      const removed = await removeLabelled(docker, RUN_ID_LABEL, options.runId);
      return { leftovers: removed.containers, errors: [...errors, ...removed.errors] };
    },
  };
}
