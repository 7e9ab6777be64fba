import type Docker from 'dockerode';

export interface StopEvents {
  /** Signals the engine sent to the deployment's containers, in order ('15', '9'). */
  signals: string[];
  /** Exit status of the last container that died. */
  exitCode: number | undefined;
  close(): void;
}

/**
 * Follows the engine's `kill` and `die` events of one deployment's containers while it is being
 * stopped: a SIGKILL after the SIGTERM is the grace period running out. Events are the local
 * node's; on other nodes the caller falls back to the task's exit status and the time the stop took.
 */
export async function followStopEvents(docker: Docker, label: string, since: number): Promise<StopEvents> {
  const stream = await docker.getEvents({ since: Math.floor(since / 1000), filters: { type: ['container'], event: ['kill', 'die'], label: [label] } });
  const events: StopEvents = { signals: [], exitCode: undefined, close: () => (stream as unknown as { destroy(): void }).destroy() };
  let rest = '';
  stream.on('data', (chunk: Buffer) => {
    const lines = (rest + chunk.toString('utf8')).split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines.filter(Boolean)) {
      const event = JSON.parse(line) as { Action?: string; Actor?: { Attributes?: Record<string, string> } };
      const attributes = event.Actor?.Attributes ?? {};
      if (event.Action === 'kill' && attributes['signal']) events.signals.push(attributes['signal']);
      if (event.Action === 'die' && attributes['exitCode'] !== undefined) events.exitCode = Number(attributes['exitCode']);
    }
  });
  stream.on('error', () => undefined);
  return events;
}
