import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { errorMessage } from '../errors.ts';
import type { Redactor } from '../redaction/redactor.ts';
import { writeNamed } from '../util/write-named.ts';

/**
 * Files a test keeps next to the journal (logs, exports, diffs), under <runDir>/<testId>/.
 * Everything written is redacted first; paths returned are relative to the run folder, as the
 * journal's `evidence` fields are.
 */
export class Evidence {
  readonly files: string[] = [];
  readonly dir: string;

  constructor(
    private readonly runDir: string,
    testId: string,
    private readonly redactor: Redactor,
  ) {
    this.dir = join(runDir, testId);
  }

  async write(name: string, content: string): Promise<string> {
    const path = join(this.dir, name);
    await mkdir(dirname(path), { recursive: true });
    await writeNamed(path, this.redactor.redact(content));
    return this.track(path);
  }

  /**
   * A file written from lines as they come, each redacted, the disk's pace honoured: an export of any
   * length (a day of scraped metrics) never sits in memory as one string, nor as its redacted copy.
   */
  async writeLines(name: string, lines: Iterable<string> | AsyncIterable<string>): Promise<string> {
    const path = join(this.dir, name);
    await mkdir(dirname(path), { recursive: true });
    const redactor = this.redactor;
    async function* redacted() {
      for await (const line of lines) yield `${redactor.redact(line)}\n`;
    }
    await pipeline(Readable.from(redacted()), createWriteStream(path)).catch((error: unknown) => {
      throw new Error(`cannot write ${path}: ${errorMessage(error)}`);
    });
    return this.track(path);
  }

  /**
   * A file written line by line as a service logs; close() flushes it. A write that fails (a full
   * disk) never throws into the service's log callback: writing stops, the service goes on, and
   * close() rejects naming the file and the error.
   */
  async lineWriter(name: string): Promise<{ path: string; writeLine(line: string): void; close(): Promise<void> }> {
    const path = join(this.dir, name);
    await mkdir(dirname(path), { recursive: true });
    // Appending: a version restarted in the same test keeps one log.
    const stream: WriteStream = createWriteStream(path, { flags: 'a' });
    // Without a listener, a failed write would be an uncaught 'error' event: the harness itself would die.
    stream.on('error', () => undefined);
    const failure = () => (stream.errored ? new Error(`cannot write ${path}: ${stream.errored.message}`) : undefined);
    const rel = this.track(path);
    return {
      path: rel,
      writeLine: (line) => {
        if (!stream.errored && !stream.writableEnded) stream.write(`${this.redactor.redact(line)}\n`);
      },
      close: () =>
        new Promise<void>((resolve, reject) => {
          const settle = () => {
            const error = failure();
            if (error) reject(error);
            else resolve();
          };
          if (stream.destroyed || stream.writableEnded) settle();
          else stream.end(settle);
        }),
    };
  }

  /** The absolute path of a folder inside this test's evidence, created on demand. */
  async folder(name: string): Promise<string> {
    const path = join(this.dir, name);
    await mkdir(path, { recursive: true });
    return path;
  }

  relative(path: string): string {
    return relative(this.runDir, path);
  }

  /** Lists a file written by someone else (pg_dump) as evidence of this test. */
  track(path: string): string {
    const rel = relative(this.runDir, path);
    if (!this.files.includes(rel)) this.files.push(rel);
    return rel;
  }
}
