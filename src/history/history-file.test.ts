import { appendFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sampleJournal } from '../../test/helpers/sample-journal.ts';
import { summariseRun } from './history-entry.ts';
import { appendHistory, historyPath, readHistory } from './history-file.ts';

let dir: string;
beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'history-test-'))));
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('history.jsonl', () => {
  it('appends one JSON line per run with per-test status and rollback time', async () => {
    const file = historyPath(join(dir, 'reports'));
    await appendHistory(file, summariseRun(sampleJournal()));
    await appendHistory(file, { ...summariseRun(sampleJournal()), runId: 'second' });
    const lines = (await readFile(file, 'utf8')).trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(JSON.parse(lines[0]!)).toEqual({
      runId: '20260102-030405-abcd',
      startedAt: '2026-01-02T03:04:05.000Z',
      finishedAt: '2026-01-02T03:09:05.500Z',
      environment: 'staging',
      target: 'process',
      status: 'failed',
      tests: [
        { id: 'rollback-time', status: 'passed', rollbackMs: 12_400 },
        { id: 'data-validation', status: 'failed' },
        { id: 'roll-forward', status: 'inconclusive' },
      ],
    });
  });

  it('reads the entries back and names the lines it could not read', async () => {
    const file = historyPath(dir);
    await appendHistory(file, summariseRun(sampleJournal()));
    await appendFile(file, '{"truncated": \n\n[1,2]\n');
    await appendHistory(file, { ...summariseRun(sampleJournal()), runId: 'after' });
    const read = await readHistory(file);
    expect(read.entries.map((e) => e.runId)).toEqual(['20260102-030405-abcd', 'after']);
    expect(read.skipped).toEqual([2, 4]);
  });

  it('is empty when there is no history yet', async () => {
    expect(await readHistory(join(dir, 'none.jsonl'))).toEqual({ entries: [], skipped: [] });
  });
});
