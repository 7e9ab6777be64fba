import type Docker from 'dockerode';
import { DEPLOYMENT_LABEL } from './engine-spec.ts';

/** The part of the engine's task object the target reads. */
export interface EngineTask {
  ID: string;
  Slot?: number;
  CreatedAt?: string;
  DesiredState?: string;
  Status?: { State?: string; Message?: string; Err?: string; ContainerStatus?: { ContainerID?: string; ExitCode?: number } };
  Spec?: { ContainerSpec?: { Labels?: Record<string, string> } };
}

/** A task that has ended: it will not run again (the orchestrator starts a new task instead). */
export const ENDED = new Set(['complete', 'shutdown', 'failed', 'rejected', 'orphaned', 'remove']);
/** Ended on its own, not because it was told to. */
export const FAILED = new Set(['failed', 'rejected']);

export const stateOf = (task: EngineTask) => task.Status?.State ?? 'unknown';
export const isRunning = (task: EngineTask) => stateOf(task) === 'running' && task.DesiredState === 'running';
export const isFailed = (task: EngineTask) => FAILED.has(stateOf(task)) || (stateOf(task) === 'complete' && task.DesiredState === 'running');

/** The tasks of one start of a service: those whose container spec carries its deployment label. */
export async function deploymentTasks(docker: Docker, serviceId: string, deploymentId: string): Promise<EngineTask[]> {
  const tasks = (await docker.listTasks({ filters: { service: [serviceId] } })) as EngineTask[];
  return tasks.filter((task) => task.Spec?.ContainerSpec?.Labels?.[DEPLOYMENT_LABEL] === deploymentId);
}

/**
 * `1 running, 2 failed (task: non-zero exit (2)), 1 rejected (No such image: x:latest)`: what
 * `docker service ps` would show, for error messages. Oldest first.
 */
export function describeTasks(tasks: readonly EngineTask[]): string {
  if (tasks.length === 0) return 'no task yet';
  const groups = new Map<string, { count: number; errors: Set<string> }>();
  for (const task of tasks) {
    const state = stateOf(task);
    const group = groups.get(state) ?? { count: 0, errors: new Set<string>() };
    group.count++;
    const error = task.Status?.Err;
    if (error) group.errors.add(error);
    groups.set(state, group);
  }
  return [...groups].map(([state, g]) => `${g.count} ${state}${g.errors.size ? ` (${[...g.errors].join('; ')})` : ''}`).join(', ');
}
