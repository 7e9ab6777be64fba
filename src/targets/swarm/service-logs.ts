import { PassThrough } from 'node:stream';
import type Docker from 'dockerode';
import { LineBuffer } from '../../util/line-buffer.ts';
import { waitFor } from '../../util/wait-for.ts';

const TASK_ID = /(?:^|,)com\.docker\.swarm\.task\.id=([a-z0-9]+)/;

/** Splits a `details` log line, `com.docker.swarm.node.id=…,com.docker.swarm.task.id=… message`, into task id and message. */
export function parseDetailedLine(line: string): { taskId?: string; message: string } {
  const space = line.indexOf(' ');
  const head = space < 0 ? line : line.slice(0, space);
  const taskId = TASK_ID.exec(head)?.[1];
  if (!taskId) return { message: line };
  return { taskId, message: space < 0 ? '' : line.slice(space + 1) };
}

/**
 * `docker service logs --follow --details --since <start>` of one service, keeping only the lines of
 * the tasks of one start (an earlier version's last lines are the earlier deployment's). Lines are
 * handled in order; `belongs` is asked once per task.
 */
export class ServiceLogs {
  private readonly buffer = new LineBuffer(2000);
  private readonly split = new LineBuffer(1);
  private readonly verdicts = new Map<string, Promise<boolean>>();
  private chain: Promise<void> = Promise.resolve();
  private stream: NodeJS.ReadableStream | undefined;
  private lastLineAt = 0;

  constructor(
    private readonly docker: Docker,
    private readonly serviceId: string,
    private readonly belongs: (taskId: string) => Promise<boolean>,
    private readonly onLine?: (line: string) => void,
  ) {}

  /** Attaches to the stream; resolves once it is open. `since` in ms since the epoch. */
  async follow(since: number): Promise<void> {
    const stream = (await this.docker
      .getService(this.serviceId)
      .logs({ follow: true, stdout: true, stderr: true, details: true, since: Math.floor(since / 1000) })) as unknown as NodeJS.ReadableStream;
    this.stream = stream;
    const out = new PassThrough();
    this.docker.modem.demuxStream(stream, out, out);
    out.on('data', (chunk: Buffer) => {
      for (const line of this.split.push(chunk.toString('utf8'))) this.chain = this.chain.then(() => this.handle(line));
    });
    stream.on('error', () => undefined);
  }

  last(lines: number): string[] {
    return this.buffer.last(lines);
  }

  /** Waits until no line has arrived for quietMs (the engine delivers a stopped task's last lines late), at most timeoutMs. */
  async settle(quietMs = 250, timeoutMs = 1500): Promise<void> {
    await waitFor(async () => ((await this.chain, Date.now() - this.lastLineAt >= quietMs) ? true : undefined), {
      what: 'log lines still arriving',
      timeoutMs,
      intervalMs: 50,
    }).catch(() => undefined);
  }

  close(): void {
    (this.stream as unknown as { destroy?: () => void } | undefined)?.destroy?.();
  }

  private async handle(line: string): Promise<void> {
    this.lastLineAt = Date.now();
    const { taskId, message } = parseDetailedLine(line.replace(/\r$/, ''));
    if (taskId) {
      let verdict = this.verdicts.get(taskId);
      if (!verdict) this.verdicts.set(taskId, (verdict = this.belongs(taskId).catch(() => false)));
      if (!(await verdict)) return;
    }
    this.buffer.push(`${message}\n`);
    this.onLine?.(message);
  }
}
