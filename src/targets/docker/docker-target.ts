import type { WaitStrategy } from 'testcontainers';
import { GenericContainer, type StartedTestContainer } from 'testcontainers';
import { errorMessage } from '../../errors.ts';
import type { Deployment, ServiceRole, ServiceSpec, StartedDeployment, Target } from '../target.ts';
import type { DockerTargetConfig } from './docker-schema.ts';
import type { Engine } from '../engine/engine.ts';
import { inspectImage } from '../engine/images.ts';
import { removeOnExit } from '../engine/run-labels.ts';
import { StartedContainer } from './started-container.ts';

export interface DockerTargetContext {
  engine: Engine;
  config: DockerTargetConfig;
  /** The run's network, shared with the Postgres container. */
  network: string;
  labels: Record<string, string>;
}

/**
 * V1 and V2 as containers of their images on the run's network. The service's command and args
 * are for local processes; a container runs its image's entrypoint with the service's environment.
 */
export class DockerTarget implements Target {
  readonly kind = 'docker';
  readonly description: string;
  private started = 0;

  constructor(private readonly context: DockerTargetContext) {
    const { config, engine } = context;
    this.description = `containers on Docker ${engine.version}: V1 ${config.v1.image}, V2 ${config.v2.image}`;
  }

  /** Every deployment is its own container, named after the run, the role and a counter. */
  runsBeside(): boolean {
    return true;
  }

  async deploy(spec: ServiceSpec): Promise<Deployment> {
    const { image, port } = this.context.config[spec.role];
    const fill = (value: string) => value.replaceAll('{{port}}', String(port));
    const env = Object.fromEntries(Object.entries(spec.env).map(([key, value]) => [key, fill(value)]));
    const containerName = `${this.context.network}-${spec.role}-${++this.started}`;
    return { name: spec.name, start: () => this.start(spec, { image, port, env, containerName }) };
  }

  async inspectArtifact(role: ServiceRole): Promise<Record<string, unknown>> {
    return inspectImage(this.context.engine.docker, this.context.config[role].image, `${role.toUpperCase()} image`);
  }

  private async start(spec: ServiceSpec, run: { image: string; port: number; env: Record<string, string>; containerName: string }): Promise<StartedDeployment> {
    // Checked first: testcontainers would otherwise try to pull a missing image from a registry.
    await inspectImage(this.context.engine.docker, run.image, `${spec.name} image`);
    let container = new GenericContainer(run.image)
      .withName(run.containerName)
      .withNetworkMode(this.context.network)
      .withNetworkAliases(spec.role)
      .withEnvironment(run.env)
      .withExposedPorts(run.port)
      .withLabels(this.context.labels)
      .withBindMounts(spec.writableDirs.map((dir) => ({ source: dir, target: dir, mode: 'rw' as const })))
      .withWaitStrategy(new NoWaitStrategy());
    if (this.context.config.runAs === 'harness' && process.getuid && process.getgid) container = container.withUser(`${process.getuid()}:${process.getgid()}`);
    const forget = removeOnExit(run.containerName);
    let started: StartedTestContainer;
    try {
      started = await container.start();
    } catch (error) {
      throw new Error(`${spec.name} container ${run.containerName} (${run.image}) cannot start: ${errorMessage(error)}`);
    }
    // A TCP client goes to the container's own address on the run network, not the published port: the
    // engine's proxy accepts connections there before anything listens inside (measured), which would make
    // a tcp health check pass too early. HTTP goes through the published port, where a service that does not
    // listen yet fails the request.
    const address = { host: started.getIpAddress(this.context.network), port: run.port };
    const service = new StartedContainer({
      name: spec.name,
      docker: this.context.engine.docker,
      started,
      baseUrl: `http://${started.getHost()}:${started.getMappedPort(run.port)}`,
      address,
      forget,
      ...(spec.onLogLine ? { onLogLine: spec.onLogLine } : {}),
    });
    await service.followLogs();
    return service;
  }
}

/**
 * testcontainers waits for listening ports by default, with shell commands run inside the
 * container; the pipeline images have no shell. The drill measures start and health as separate
 * steps, so start() returns once the engine has started the container and the harness polls HTTP.
 */
class NoWaitStrategy implements WaitStrategy {
  private timeoutMs = 0;

  async waitUntilReady(): Promise<void> {}

  withStartupTimeout(startupTimeoutMs: number): this {
    this.timeoutMs = startupTimeoutMs;
    return this;
  }

  isStartupTimeoutSet(): boolean {
    return this.timeoutMs > 0;
  }

  getStartupTimeout(): number {
    return this.timeoutMs;
  }
}
