import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readKpis } from './read-kpis.ts';

// Small hand-written files in a temporary folder: the mapping, the newest-file rule and the errors,
// without a pipeline. The integration test reads the reference pipeline's real outputs.
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kpi-parquet-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Row {
  day: string;
  seg: string;
  name: string;
  v: number | null;
  run: string;
}

async function write(relative: string, rows: Row[], mtimeSeconds: number, drop?: string): Promise<string> {
  const path = join(dir, relative);
  // DATE through an explicit schema, as the reference pipeline writes it (hyparquet-writer has no DATE shorthand).
  const columns = [
    { data: rows.map((r) => new Date(`${r.day}T00:00:00Z`)), element: { name: 'day', type: 'INT32', converted_type: 'DATE' } },
    { data: rows.map((r) => r.seg), element: { name: 'seg', type: 'BYTE_ARRAY', converted_type: 'UTF8' } },
    { data: rows.map((r) => r.name), element: { name: 'name', type: 'BYTE_ARRAY', converted_type: 'UTF8' } },
    { data: rows.map((r) => r.v), element: { name: 'v', type: 'DOUBLE' } },
    { data: rows.map((r) => r.run), element: { name: 'run', type: 'BYTE_ARRAY', converted_type: 'UTF8' } },
  ].filter((c) => c.element.name !== drop);
  const buffer = parquetWriteBuffer({
    columnData: columns.map((c) => ({ name: c.element.name, data: c.data })),
    schema: [{ name: 'root', num_children: columns.length }, ...columns.map((c) => ({ ...c.element, repetition_type: 'OPTIONAL' }))],
  } as Parameters<typeof parquetWriteBuffer>[0]);
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, new Uint8Array(buffer));
  await utimes(path, mtimeSeconds, mtimeSeconds);
  return path;
}

const source = { kind: 'parquet' as const, dir: '{{out}}/metrics', columns: { asOf: 'day', segment: 'seg', kpi: 'name', value: 'v' } };
const fill = (text: string) => text.replaceAll('{{out}}', dir);
const sorted = <T extends { asOf: string; segment: string; kpi: string }>(points: T[]) =>
  [...points].sort((a, b) => `${a.asOf} ${a.segment} ${a.kpi}`.localeCompare(`${b.asOf} ${b.segment} ${b.kpi}`));

describe('readKpis from parquet', () => {
  it('maps the configured columns of every file under the folder, the newest file winning per point', async () => {
    await write('metrics/2024-11-30/r1.parquet', [{ day: '2024-11-30', seg: 'sme', name: 'par30', v: 0.1, run: 'r1' }], 1_000);
    await write(
      'metrics/2024-12-31/r1.parquet',
      [
        { day: '2024-12-31', seg: 'sme', name: 'par30', v: 0.2, run: 'r1' },
        { day: '2024-12-31', seg: 'sme', name: 'active_loans', v: 7, run: 'r1' },
      ],
      1_000,
    );
    // A later run recomputed one point of the latest as-of; an older-named file that is newer on disk.
    await write('metrics/2024-12-31/r0.parquet', [{ day: '2024-12-31', seg: 'sme', name: 'par30', v: 0.25, run: 'r0' }], 2_000);
    await writeFile(join(dir, 'metrics', '2024-12-31', 'r2.parquet.tmp-123'), 'half written');

    expect(sorted(await readKpis(source, { fill }))).toEqual([
      { asOf: '2024-11-30', segment: 'sme', kpi: 'par30', value: 0.1 },
      { asOf: '2024-12-31', segment: 'sme', kpi: 'active_loans', value: 7 },
      { asOf: '2024-12-31', segment: 'sme', kpi: 'par30', value: 0.25 },
    ]);
    // Filtering first: run r1's own view, as it wrote it.
    expect(sorted(await readKpis(source, { fill, where: { run: 'r1' } })).map((p) => p.value)).toEqual([0.1, 7, 0.2]);
  });

  it('keeps a null value as null', async () => {
    await write('metrics/a.parquet', [{ day: '2024-12-31', seg: 'all', name: 'collection_rate', v: null, run: 'r' }], 1_000);
    expect(await readKpis(source, { fill })).toEqual([{ asOf: '2024-12-31', segment: 'all', kpi: 'collection_rate', value: null }]);
  });

  it('names the file that is not parquet', async () => {
    await write('metrics/good.parquet', [{ day: '2024-12-31', seg: 'all', name: 'k', v: 1, run: 'r' }], 1_000);
    const bad = join(dir, 'metrics', 'sub', 'bad.parquet');
    await mkdir(join(dir, 'metrics', 'sub'));
    await writeFile(bad, 'this is not parquet at all');
    await expect(readKpis(source, { fill })).rejects.toThrow(`KPI file ${bad} is not readable parquet`);
  });

  it('names the missing column and the file', async () => {
    const path = await write('metrics/x.parquet', [{ day: '2024-12-31', seg: 'all', name: 'k', v: 1, run: 'r' }], 1_000, 'v');
    await expect(readKpis(source, { fill })).rejects.toThrow(`KPI file ${path} has no column 'v' (mapped to value); its columns: day, seg, name, run`);
    await expect(readKpis({ ...source, columns: { ...source.columns, value: 'run' } }, { fill, where: { run_id: 'x' } })).rejects.toThrow(
      `KPI file ${path} has no column 'run_id' (used by the filter)`,
    );
  });

  it('names a value that is not a number with its file and row', async () => {
    const path = await write('metrics/x.parquet', [{ day: '2024-12-31', seg: 'all', name: 'k', v: 1, run: 'abc' }], 1_000);
    await expect(readKpis({ ...source, columns: { ...source.columns, value: 'run' } }, { fill })).rejects.toThrow(`KPI file ${path} row 1: value "abc" is not a number`);
  });

  it('says when the folder does not exist', async () => {
    await expect(readKpis(source, { fill })).rejects.toThrow(`KPI parquet folder ${dir}/metrics does not exist or is not a folder`);
  });

  it('an SQL source without a DSN is a configuration error', async () => {
    await expect(readKpis({ kind: 'sql', query: 'select 1' })).rejects.toThrow('an SQL KPI source needs a DSN');
  });
});
