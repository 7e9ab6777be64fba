import { describe, expect, it } from 'vitest';
import { DEPLOYMENT_LABEL, deploymentOf, engineSpec, replicasOf, roleOf, sameWorkload } from './engine-spec.ts';
import { swarmTargetSchema } from './swarm-schema.ts';

const input = (overrides: Partial<Parameters<typeof engineSpec>[0]> = {}) => ({
  config: swarmTargetSchema.parse({ kind: 'swarm', v1: { image: 'acme/pipeline:1.4', port: 9000 } }),
  serviceName: 'abaco-pipeline-ad13f5',
  role: 'v1' as const,
  deploymentId: 'd1',
  env: { PORT: '9000', A: 'b' },
  writableDirs: ['/out'],
  publishedPort: 41234,
  network: 'drill-swarm-x',
  labels: { run: 'x' },
  taskLabels: { run: 'x' },
  stopGraceMs: 1500,
  replicas: 1,
  ...overrides,
});

describe('engineSpec', () => {
  it('runs the version image by tag, published in host mode, with stop-first changes, the grace period in ns and the outputs mounted', () => {
    const spec = engineSpec(input({ user: '0:0' }));
    expect(spec).toMatchObject({
      Name: 'abaco-pipeline-ad13f5',
      Labels: { run: 'x', 'org.rollback-drill.role': 'v1' },
      Mode: { Replicated: { Replicas: 1 } },
      UpdateConfig: { Order: 'stop-first', Delay: 0, Monitor: 500_000_000 },
      RollbackConfig: { Order: 'stop-first' },
      EndpointSpec: { Ports: [{ TargetPort: 9000, PublishedPort: 41234, PublishMode: 'host', Protocol: 'tcp' }] },
      TaskTemplate: {
        ContainerSpec: {
          Image: 'acme/pipeline:1.4',
          Env: ['PORT=9000', 'A=b'],
          User: '0:0',
          StopGracePeriod: 1_500_000_000,
          Mounts: [{ Type: 'bind', Source: '/out', Target: '/out' }],
        },
        RestartPolicy: { Condition: 'on-failure', Delay: 500_000_000, MaxAttempts: 0 },
        Networks: [{ Target: 'drill-swarm-x', Aliases: ['v1'] }],
      },
    });
    expect(deploymentOf(spec)).toBe('d1');
    expect(roleOf(spec)).toBe('v1');
    expect(replicasOf(spec)).toBe(1);
  });

  it('tells the same workload apart from another whatever the deployment label and env order', () => {
    const a = engineSpec(input());
    const b = engineSpec(input({ deploymentId: 'd2', env: { A: 'b', PORT: '9000' } }));
    expect(sameWorkload(a, b)).toBe(true);
    expect(sameWorkload(a, engineSpec(input({ env: { PORT: '9000', A: 'c' } })))).toBe(false);
    expect(sameWorkload(undefined, a)).toBe(false);
    expect(a.TaskTemplate && 'ContainerSpec' in a.TaskTemplate ? a.TaskTemplate.ContainerSpec?.Labels?.[DEPLOYMENT_LABEL] : undefined).toBe('d1');
  });
});
