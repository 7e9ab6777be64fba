import { hostname } from 'node:os';
import Docker from 'dockerode';
import { describe, expect, it } from 'vitest';
import { dockerTestsRun } from '../../../test/helpers/docker.ts';
import { OWNER_LABEL, RUN_ID_LABEL, removeLabelled, removeOrphans } from './run-labels.ts';

describe.runIf(dockerTestsRun)('run labels', () => {
  const docker = new Docker();
  const create = (runId: string, ownerPid: number) =>
    docker.createContainer({
      Image: 'drill-node-base:latest',
      name: `drill-label-test-${runId}`,
      Labels: { [RUN_ID_LABEL]: runId, [OWNER_LABEL]: `${hostname()}:${ownerPid}` },
    });

  it('removeOrphans removes what a dead harness left and keeps what a live one owns', async () => {
    const suffix = Date.now();
    // A pid that cannot be alive (above the kernel's pid_max), and our own, very much alive.
    await create(`dead-${suffix}`, 2 ** 22 + 1);
    await create(`alive-${suffix}`, process.pid);
    const removed = await removeOrphans(docker);
    expect(removed.containers).toContain(`drill-label-test-dead-${suffix}`);
    expect(removed.containers).not.toContain(`drill-label-test-alive-${suffix}`);
    const alive = await removeLabelled(docker, RUN_ID_LABEL, `alive-${suffix}`);
    expect(alive).toEqual({ containers: [`drill-label-test-alive-${suffix}`], networks: [], errors: [] });
  });
});
