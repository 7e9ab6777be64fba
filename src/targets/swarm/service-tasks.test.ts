import { describe, expect, it } from 'vitest';
import { describeTasks, isFailed, isRunning, type EngineTask } from './service-tasks.ts';

const task = (State: string, DesiredState = 'running', Err?: string): EngineTask => ({ ID: State + (Err ?? ''), DesiredState, Status: { State, ...(Err ? { Err } : {}) } });

describe('service tasks', () => {
  it('describes tasks as docker service ps would, errors in brackets', () => {
    expect(describeTasks([])).toBe('no task yet');
    expect(
      describeTasks([
        task('failed', 'shutdown', 'task: non-zero exit (2)'),
        task('failed', 'shutdown', 'task: non-zero exit (2)'),
        task('rejected', 'shutdown', 'No such image: x:latest'),
        task('running'),
      ]),
    ).toBe('2 failed (task: non-zero exit (2)), 1 rejected (No such image: x:latest), 1 running');
  });

  it('counts a task that completed while it should run as failed, one shut down on request as not', () => {
    expect(isFailed(task('complete', 'running'))).toBe(true);
    expect(isFailed(task('shutdown', 'shutdown'))).toBe(false);
    expect(isFailed(task('rejected', 'shutdown'))).toBe(true);
    expect(isRunning(task('running', 'shutdown'))).toBe(false);
  });
});
