import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Redactor } from '../redaction/redactor.ts';
import { Evidence } from './evidence.ts';

describe('Evidence.lineWriter', () => {
  let runDir: string;
  beforeEach(async () => (runDir = await mkdtemp(join(tmpdir(), 'evidence-'))));
  afterEach(() => rm(runDir, { recursive: true, force: true }));

  it('appends redacted lines and returns the path relative to the run folder', async () => {
    const redactor = new Redactor();
    redactor.add('s3cret-token');
    const log = await new Evidence(runDir, 'dry-run', redactor).lineWriter('v1.log');
    log.writeLine('token s3cret-token');
    log.writeLine('second');
    await log.close();
    expect(log.path).toBe(join('dry-run', 'v1.log'));
    expect(await readFile(join(runDir, 'dry-run', 'v1.log'), 'utf8')).toBe('token ***\nsecond\n');
  });

  it('a file it cannot write never throws into the writer; close() rejects naming the file and the error', async () => {
    await mkdir(join(runDir, 'dry-run', 'v1.log'), { recursive: true }); // a folder where the log should go
    const log = await new Evidence(runDir, 'dry-run', new Redactor()).lineWriter('v1.log');
    expect(() => {
      log.writeLine('a line the service printed');
      log.writeLine('another');
    }).not.toThrow();
    await expect(log.close()).rejects.toThrow(`cannot write ${join(runDir, 'dry-run', 'v1.log')}: EISDIR`);
  });
});
