import type Dockerode from 'dockerode';
import type { ServiceRole } from '../target.ts';
import type { SwarmTargetConfig } from './swarm-schema.ts';

/** Labels of a task's container spec: which deployment (one start) and version a task belongs to. */
export const DEPLOYMENT_LABEL = 'org.rollback-drill.deployment';
export const ROLE_LABEL = 'org.rollback-drill.role';

export interface EngineSpecInput {
  config: SwarmTargetConfig;
  serviceName: string;
  role: ServiceRole;
  /** Identifies the tasks of this start among the service's history. */
  deploymentId: string;
  env: Record<string, string>;
  writableDirs: string[];
  /** The host port the service is published on (host mode): chosen once per service. */
  publishedPort: number;
  network: string;
  /** Labels of the service itself (run id, owner). */
  labels: Record<string, string>;
  /** Labels of the tasks' containers: the run id only — a sweep of dead owners' containers must not fight the orchestrator. */
  taskLabels: Record<string, string>;
  stopGraceMs: number;
  replicas: number;
  /** `harness`: uid:gid of the harness. */
  user?: string;
}

const ns = (ms: number) => ms * 1_000_000;

/**
 * The engine's service spec for one version: its image by tag (the daemon resolves nothing with
 * API ≥ 1.30, the CLI's --no-resolve-image), published in host mode (the ingress mesh needs IPVS,
 * which these kernels lack), stop-first updates and rollbacks with no delay, the grace period the
 * drill stops with, and the outputs bind-mounted at the same path.
 */
export function engineSpec(input: EngineSpecInput): Dockerode.ServiceSpec {
  const { config, role } = input;
  const { image, port } = config[role];
  const change = { Parallelism: 0, Delay: 0, FailureAction: 'pause', Monitor: ns(config.monitorMs), Order: 'stop-first' };
  return {
    Name: input.serviceName,
    Labels: { ...input.labels, [ROLE_LABEL]: role },
    TaskTemplate: {
      ContainerSpec: {
        Image: image,
        Env: Object.entries(input.env).map(([key, value]) => `${key}=${value}`),
        Labels: { ...input.taskLabels, [ROLE_LABEL]: role, [DEPLOYMENT_LABEL]: input.deploymentId },
        Mounts: input.writableDirs.map((dir) => ({ Type: 'bind', Source: dir, Target: dir })),
        StopGracePeriod: ns(input.stopGraceMs),
        ...(input.user ? { User: input.user } : {}),
      },
      RestartPolicy: { Condition: config.restart.condition, Delay: ns(config.restart.delayMs), MaxAttempts: config.restart.maxAttempts },
      Networks: [{ Target: input.network, Aliases: [role] }],
    },
    Mode: { Replicated: { Replicas: input.replicas } },
    UpdateConfig: change,
    RollbackConfig: change,
    EndpointSpec: { Mode: 'vip', Ports: [{ Protocol: 'tcp', TargetPort: port, PublishedPort: input.publishedPort, PublishMode: 'host' }] },
  };
}

/** What makes two specs run the same thing (image, environment, mounts, user), whatever their deployment label. */
export function sameWorkload(a: Dockerode.ServiceSpec | undefined, b: Dockerode.ServiceSpec): boolean {
  const essence = (spec: Dockerode.ServiceSpec | undefined) => {
    const container = spec?.TaskTemplate && 'ContainerSpec' in spec.TaskTemplate ? spec.TaskTemplate.ContainerSpec : undefined;
    return JSON.stringify([container?.Image, [...(container?.Env ?? [])].sort(), container?.Mounts?.map((m) => m.Target), container?.User ?? '', container?.StopGracePeriod]);
  };
  return essence(a) === essence(b);
}

export function roleOf(spec: Dockerode.ServiceSpec | undefined): ServiceRole | undefined {
  const role = spec?.Labels?.[ROLE_LABEL];
  return role === 'v1' || role === 'v2' ? role : undefined;
}

export function deploymentOf(spec: Dockerode.ServiceSpec | undefined): string | undefined {
  return spec?.TaskTemplate && 'ContainerSpec' in spec.TaskTemplate ? spec.TaskTemplate.ContainerSpec?.Labels?.[DEPLOYMENT_LABEL] : undefined;
}

export function replicasOf(spec: Dockerode.ServiceSpec | undefined): number {
  return spec?.Mode?.Replicated?.Replicas ?? 0;
}
