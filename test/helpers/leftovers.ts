import { readdir, readFile } from 'node:fs/promises';

/**
 * Processes still running whose command line or environment mentions `needle` (a marker put in
 * V1/V2's environment, or the temporary folder holding the ephemeral Postgres).
 */
export async function processesMentioning(...needles: string[]): Promise<string[]> {
  const found: string[] = [];
  for (const pid of (await readdir('/proc')).filter((p) => /^\d+$/.test(p))) {
    if (Number(pid) === process.pid) continue;
    const [cmdline, environ] = await Promise.all([readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => ''), readFile(`/proc/${pid}/environ`, 'utf8').catch(() => '')]);
    if (needles.some((n) => cmdline.includes(n) || environ.includes(n))) found.push(`${pid}: ${cmdline.replaceAll('\0', ' ').trim()}`);
  }
  return found;
}
