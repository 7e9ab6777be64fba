import { randomUUID } from 'node:crypto';
import type Docker from 'dockerode';
import { freePort } from '../../util/free-port.ts';
import { inspectImage } from '../engine/images.ts';
import type { Engine } from '../engine/engine.ts';
import type { Deployment, ServiceRole, ServiceSpec, StartedDeployment, Target } from '../target.ts';
import { deploymentOf, engineSpec, replicasOf, roleOf, sameWorkload } from './engine-spec.ts';
import { StartedSwarmService } from './started-service.ts';
import type { SwarmTargetConfig } from './swarm-schema.ts';

export interface SwarmTargetContext {
  engine: Engine;
  config: SwarmTargetConfig;
  /** The run's attachable overlay network, shared with the Postgres container. */
  network: string;
  /** Labels of the services (run id, owner); their tasks' containers carry taskLabels. */
  labels: Record<string, string>;
  taskLabels: Record<string, string>;
  /** The service names of the run: one, or one per version. */
  serviceNames: Record<ServiceRole, string>;
  /** The stop grace when the spec names none. */
  defaultStopGraceMs?: number;
}

type EngineService = {
  ID: string;
  Version?: { Index?: number };
  Spec?: Docker.ServiceSpec;
  PreviousSpec?: Docker.ServiceSpec;
  UpdateStatus?: { State?: string; Message?: string };
};

/**
 * V1 and V2 as versions of one swarm service (or a service each). Starting a version is a service
 * update to its image and configuration (the service is created at the first start), watched until
 * every task runs it; stopping it scales the service to 0 — or, with `rollback: 'service-rollback'`
 * and V1 as the service's previous spec, is `docker service rollback`, and V1's start takes over
 * the tasks that rollback started.
 */
export class SwarmTarget implements Target {
  readonly kind = 'swarm';
  readonly description: string;
  private readonly ports = new Map<string, Promise<number>>();

  constructor(private readonly context: SwarmTargetContext) {
    const { config, engine, serviceNames } = context;
    const services = config.services === 'one' ? `service ${serviceNames.v1}` : `services ${serviceNames.v1}, ${serviceNames.v2}`;
    this.description = `a Docker ${engine.version} swarm, ${services} (${config.rollback}): V1 ${config.v1.image}, V2 ${config.v2.image}`;
  }

  /** One service per version (or one for both): a second deployment updates the service the first runs as. */
  runsBeside(role: ServiceRole, running: ServiceRole): boolean {
    return this.context.serviceNames[role] !== this.context.serviceNames[running];
  }

  async deploy(spec: ServiceSpec): Promise<Deployment> {
    return { name: spec.name, start: () => this.start(spec) };
  }

  async inspectArtifact(role: ServiceRole): Promise<Record<string, unknown>> {
    return inspectImage(this.context.engine.docker, this.context.config[role].image, `${role.toUpperCase()} image`);
  }

  private async start(spec: ServiceSpec): Promise<StartedDeployment> {
    const { config, engine } = this.context;
    const { docker } = engine;
    const serviceName = this.context.serviceNames[spec.role];
    const { port } = config[spec.role];
    const publishedPort = await this.portOf(serviceName);
    const stopGraceMs = spec.stopGraceMs ?? this.context.defaultStopGraceMs ?? 10_000;
    const env = Object.fromEntries(Object.entries(spec.env).map(([key, value]) => [key, value.replaceAll('{{port}}', String(port))]));
    const since = Date.now();
    const wanted = engineSpec({
      config,
      serviceName,
      role: spec.role,
      deploymentId: randomUUID().slice(0, 13),
      env,
      writableDirs: spec.writableDirs,
      publishedPort,
      network: this.context.network,
      labels: this.context.labels,
      taskLabels: this.context.taskLabels,
      stopGraceMs,
      replicas: config.replicas,
      ...(config.runAs === 'harness' && process.getuid && process.getgid ? { user: `${process.getuid()}:${process.getgid()}` } : {}),
    });
    const { service, deploymentId, how } = await this.apply(serviceName, wanted, spec.role);
    spec.onLogLine?.(`[drill] ${spec.name}: ${how}`);
    const started = new StartedSwarmService({
      name: spec.name,
      docker,
      serviceId: service.ID,
      serviceName,
      deploymentId,
      replicas: config.replicas,
      stopGraceMs,
      orchestratorRestarts: config.restart.condition !== 'none',
      baseUrl: `http://${config.publishHost}:${publishedPort}`,
      address: { host: config.publishHost, port: publishedPort },
      scaleDown: () => this.scaleDown(serviceName, deploymentId, spec.role),
      ...(spec.onLogLine ? { onLogLine: spec.onLogLine } : {}),
    });
    await started.begin(since - 1000);
    try {
      await started.converge({
        timeoutMs: config.convergeTimeoutMs,
        maxFailures: config.convergeFailures,
        stableMs: config.monitorMs,
        updateStatus: async () => (await this.inspect(serviceName))?.UpdateStatus?.Message,
      });
    } catch (error) {
      // A start that did not converge leaves nothing running: the caller never got a deployment to stop.
      await started[Symbol.asyncDispose]();
      throw error;
    }
    return started;
  }

  /** Creates the service, updates it to the wanted spec, or takes over V1's tasks started by a `docker service rollback`. */
  private async apply(name: string, wanted: Docker.ServiceSpec, role: ServiceRole): Promise<{ service: EngineService; deploymentId: string; how: string }> {
    const { docker } = this.context.engine;
    const current = await this.inspect(name);
    const deploymentId = deploymentOf(wanted)!;
    if (!current) {
      const created = await docker.createService(wanted);
      return { service: { ID: created.id }, deploymentId, how: `service ${name} created with ${this.imageOf(role)}` };
    }
    const adopt = this.context.config.rollback === 'service-rollback' && roleOf(current.Spec) === role && sameWorkload(current.Spec, wanted);
    if (adopt) {
      const adopted = deploymentOf(current.Spec)!;
      const replicas = replicasOf(wanted);
      if (replicasOf(current.Spec) !== replicas) await this.update(current, { ...current.Spec!, Mode: { Replicated: { Replicas: replicas } } });
      return {
        service: current,
        deploymentId: adopted,
        how: `service ${name} is at ${this.imageOf(role)} by \`docker service rollback\`${replicasOf(current.Spec) !== replicas ? `; scaled to ${replicas}` : ''}`,
      };
    }
    await this.update(current, wanted);
    const previous = roleOf(current.Spec);
    return { service: current, deploymentId, how: `service ${name} updated${previous ? ` from ${previous.toUpperCase()}` : ''} to ${this.imageOf(role)}` };
  }

  /**
   * Takes one start's tasks down, if the service still runs that start's spec (a later update
   * already replaced them otherwise). `service-rollback`: V2 whose previous spec is V1 is rolled back.
   */
  private async scaleDown(name: string, deploymentId: string, role: ServiceRole): Promise<void> {
    const current = await this.inspect(name);
    if (!current?.Spec || deploymentOf(current.Spec) !== deploymentId) return;
    if (this.context.config.rollback === 'service-rollback' && role === 'v2' && roleOf(current.PreviousSpec) === 'v1') {
      await this.update(current, current.Spec, 'previous');
      return;
    }
    await this.update(current, { ...current.Spec, Mode: { Replicated: { Replicas: 0 } } });
  }

  private async update(current: EngineService, spec: Docker.ServiceSpec, rollback?: 'previous'): Promise<void> {
    const query = { version: current.Version?.Index, ...(rollback ? { rollback } : {}) };
    await this.context.engine.docker.getService(current.ID).update({ _query: query, _body: spec });
  }

  private async inspect(name: string): Promise<EngineService | undefined> {
    return (this.context.engine.docker.getService(name).inspect() as Promise<EngineService>).catch((error: unknown) => {
      if ((error as { statusCode?: number }).statusCode === 404) return undefined;
      throw error;
    });
  }

  /** One host port per service for its whole life, asked of the OS: V1 and V2 of one service answer at the same address. */
  private portOf(serviceName: string): Promise<number> {
    let port = this.ports.get(serviceName);
    if (!port) this.ports.set(serviceName, (port = freePort()));
    return port;
  }

  private imageOf(role: ServiceRole): string {
    return `${role.toUpperCase()} (${this.context.config[role].image})`;
  }
}
