import { describe, expect, it } from 'vitest';
import { parseDetailedLine } from './service-logs.ts';

describe('parseDetailedLine', () => {
  it('takes the task id from the details the engine puts before each line', () => {
    const line = 'com.docker.swarm.node.id=lufh,com.docker.swarm.service.id=x4e2,com.docker.swarm.task.id=y2gev85 {"msg":"ready 1 2"}';
    expect(parseDetailedLine(line)).toEqual({ taskId: 'y2gev85', message: '{"msg":"ready 1 2"}' });
  });
  it('keeps a line without details whole', () => {
    expect(parseDetailedLine('plain line')).toEqual({ message: 'plain line' });
  });
});
