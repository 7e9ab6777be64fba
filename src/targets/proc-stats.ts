import { readFile } from 'node:fs/promises';
import type { ResourceSample } from './target.ts';

// Linux reports CPU time in clock ticks; USER_HZ is 100 on every mainstream kernel build.
const ticksPerSecond = 100;

/** RSS and cumulative CPU time of one process, read from /proc; undefined once it is gone. */
export async function sampleProcess(pid: number): Promise<ResourceSample | undefined> {
  try {
    const [status, stat] = await Promise.all([readFile(`/proc/${pid}/status`, 'utf8'), readFile(`/proc/${pid}/stat`, 'utf8')]);
    return parseProcSample(status, stat);
  } catch {
    return undefined;
  }
}

export function parseProcSample(status: string, stat: string): ResourceSample | undefined {
  const rssKb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
  // Fields after the parenthesised command name (which may itself contain spaces and parens).
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (rssKb === undefined || Number.isNaN(utime) || Number.isNaN(stime)) return undefined;
  return { rssBytes: Number(rssKb) * 1024, cpuSeconds: (utime + stime) / ticksPerSecond };
}
