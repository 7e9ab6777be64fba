import { kpiId, type KpiPoint } from '../checks/kpi-compare.ts';

export interface KpiFile {
  path: string;
  mtimeMs: number;
  points: readonly KpiPoint[];
}

/**
 * Pipelines write one file per run and as-of, and a later run recomputes the latest as-of into a
 * new file without deleting the old one; what the pipeline "currently says" about a point is its
 * newest file's value (as an upsert into a table would be). So when several files hold the same
 * (asOf, segment, kpi), only the points of the newest file (by mtime; the larger path on a tie, so
 * the answer never depends on directory order) are kept. Duplicates inside one file are all kept:
 * they are that output's defect, and compareKpis reports them.
 */
export function newestFileWins(files: readonly KpiFile[]): KpiPoint[] {
  const ordered = [...files].sort((a, b) => a.mtimeMs - b.mtimeMs || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const kept = new Map<string, { file: number; points: KpiPoint[] }>();
  ordered.forEach((file, index) => {
    for (const point of file.points) {
      const id = kpiId(point);
      const current = kept.get(id);
      if (current && current.file === index) current.points.push(point);
      else kept.set(id, { file: index, points: [point] });
    }
  });
  return [...kept.values()].flatMap((entry) => entry.points);
}
