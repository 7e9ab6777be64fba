import { execa } from 'execa';
import { HarnessError } from '../../src/errors.ts';

export type Progress = (line: string) => void;

export interface StreamedCommand {
  readonly command: string;
  readonly args: readonly string[];
  /** What the command does, for the error message: `docker build of drill-postgres`. */
  readonly what: string;
  /** Which output lines are worth showing as progress; every line is kept for the error message. */
  readonly shown: (line: string) => boolean;
  readonly progress: Progress;
  readonly env?: Record<string, string>;
  /** Ctrl-C of a drill: the command is killed and the build stops. */
  readonly signal?: AbortSignal;
}

/** Runs a long command, showing selected output lines as they come; a failure throws with the last 30 lines. */
export async function runStreamed(cmd: StreamedCommand, run = execa): Promise<void> {
  const subprocess = run(cmd.command, cmd.args, { reject: false, all: true, buffer: false, env: cmd.env ?? {}, ...(cmd.signal ? { cancelSignal: cmd.signal } : {}) });
  const tail: string[] = [];
  for await (const line of subprocess.iterable({ from: 'all' })) {
    tail.push(line);
    if (tail.length > 30) tail.shift();
    if (cmd.shown(line)) cmd.progress(line.length > 140 ? `${line.slice(0, 137)}...` : line);
  }
  const result = await subprocess;
  if (result.isCanceled) throw cmd.signal?.reason ?? new Error(`${cmd.what} was cancelled`);
  if (result.failed) {
    const why = (result.cause as NodeJS.ErrnoException | undefined)?.code === 'ENOENT' ? `'${cmd.command}' is not installed` : `exit ${result.exitCode}`;
    throw new HarnessError(`${cmd.what} failed (${why})${tail.length ? `:\n${tail.join('\n')}` : ''}`);
  }
}
