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

describe('Evidence.writeLines', () => {
  let runDir: string;
  beforeEach(async () => (runDir = await mkdtemp(join(tmpdir(), 'evidence-'))));
  afterEach(() => rm(runDir, { recursive: true, force: true }));

  it('streams lines from a generator, each redacted, and tracks the file once', async () => {
    const redactor = new Redactor();
    redactor.add('s3cret-token');
    const evidence = new Evidence(runDir, 'data-validation', redactor);
    let made = 0;
    function* lines() {
      for (let i = 0; i < 50_000; i++, made++) yield i === 7 ? 'token s3cret-token' : `line ${i}`;
    }
    expect(await evidence.writeLines('v2-metrics.jsonl', lines())).toBe(join('data-validation', 'v2-metrics.jsonl'));
    expect(made).toBe(50_000);
    const text = await readFile(join(runDir, 'data-validation', 'v2-metrics.jsonl'), 'utf8');
    expect(text.split('\n')).toHaveLength(50_001);
    expect(text.split('\n')[7]).toBe('token ***');
    expect(text.endsWith('line 49999\n')).toBe(true);
    expect(evidence.files).toEqual([join('data-validation', 'v2-metrics.jsonl')]);
  });

  it('names the file when it cannot be written', async () => {
    await mkdir(join(runDir, 'dry-run', 'v2-metrics.jsonl'), { recursive: true });
    const evidence = new Evidence(runDir, 'dry-run', new Redactor());
    await expect(evidence.writeLines('v2-metrics.jsonl', ['a'])).rejects.toThrow(`cannot write ${join(runDir, 'dry-run', 'v2-metrics.jsonl')}: EISDIR`);
    expect(evidence.files).toEqual([]);
  });
});
