import { kpiId, type KpiPoint } from './kpi-compare.ts';

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
  // A point can only be superseded by a file holding its as-of: the points of an as-of found in one file
  // only are kept as they are, without building a key for each (most files, when one is written per as-of).
  const filesOfAsOf = new Map<string, number>();
  for (const file of ordered) {
    for (const asOf of asOfsOf(file.points)) filesOfAsOf.set(asOf, (filesOfAsOf.get(asOf) ?? 0) + 1);
  }
  const alone: KpiPoint[] = [];
  const kept = new Map<string, { file: number; points: KpiPoint[] }>();
  ordered.forEach((file, index) => {
    for (const point of file.points) {
      if (filesOfAsOf.get(point.asOf) === 1) {
        alone.push(point);
        continue;
      }
      const id = kpiId(point);
      const current = kept.get(id);
      if (current && current.file === index) current.points.push(point);
      else kept.set(id, { file: index, points: [point] });
    }
  });
  return [...alone, ...[...kept.values()].flatMap((entry) => entry.points)];
}

/** The as-ofs of one file's points (a file usually holds one, in runs: only changes are looked up). */
function asOfsOf(points: readonly KpiPoint[]): Set<string> {
  const asOfs = new Set<string>();
  let last: string | undefined;
  for (const { asOf } of points) {
    if (asOf !== last) asOfs.add((last = asOf));
  }
  return asOfs;
}
