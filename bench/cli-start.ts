/**
 * Start-up of the CLI (issue: "drill --help takes 2.1 s and 320 MB"): the compiled CLI beside the
 * start it replaced — tsx compiling src/ and every command module loaded before the first line of
 * output — each run `rounds` times, alternating, as separate processes under /usr/bin/time for the
 * peak RSS. Also runnable alone: `npx tsx bench/cli-start.ts [rounds]`.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { execa } from 'execa';
import { repoRoot } from '../test/helpers/cli.ts';
import { ensureBuilt } from '../test/helpers/build.ts';
import { sealedRun } from '../test/helpers/sealed-run.ts';
import { median, type Figure } from './figure.ts';
import { renderTable } from './table.ts';

const commandModules = ['run', 'validate', 'decide', 'report', 'verify', 'sign'].map((c) => `./src/cli/${c}-command.ts`);

/** The CLI as it started before: through tsx, with every command's module imported up front. */
const eagerTsx = (args: string[]) => ['--import', 'tsx', ...commandModules.flatMap((m) => ['--import', m]), 'src/cli/main.ts', ...args];
const compiled = (args: string[]) => ['bin/drill.js', ...args];
/** Today's source under tsx (lazy commands, still compiled on the fly): where tsx alone stands. */
const lazyTsx = (args: string[]) => ['--import', 'tsx', 'src/cli/main.ts', ...args];

interface Sample {
  ms: number;
  /** user + system CPU time: what the start costs, less swayed than wall time by a machine shared with others. */
  cpuMs: number;
  rssMb: number;
}

/** One process: wall time around it; peak RSS and CPU time from /usr/bin/time (the child's rusage). */
async function once(nodeArgs: string[], work: string): Promise<Sample> {
  const rssFile = join(work, 'rss');
  const started = performance.now();
  const result = await execa('/usr/bin/time', ['-f', '%M %U %S', '-o', rssFile, process.execPath, ...nodeArgs], { cwd: repoRoot, reject: false, env: { FORCE_COLOR: '0' } });
  const ms = performance.now() - started;
  if (result.exitCode !== 0) throw new Error(`node ${nodeArgs.join(' ')} exited ${result.exitCode}: ${result.stderr.slice(-500)}`);
  const [kb, user, system] = (await readFile(rssFile, 'utf8')).trim().split('\n').at(-1)!.split(' ').map(Number) as [number, number, number];
  return { ms, cpuMs: (user + system) * 1000, rssMb: kb / 1024 };
}

async function series(variants: Record<string, string[]>, rounds: number, work: string): Promise<Record<string, Sample[]>> {
  const samples: Record<string, Sample[]> = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
  for (const args of Object.values(variants)) await once(args, work); // warm the page cache: every variant alike
  for (let round = 0; round < rounds; round++) for (const [name, args] of Object.entries(variants)) samples[name]!.push(await once(args, work));
  return samples;
}

/** `lazy`: also time tsx with the lazy command table (informative, in the note; --quick leaves it out for time). */
export async function cliStartFigures(options: { rounds?: number; lazy?: boolean; log?: (line: string) => void } = {}): Promise<Figure[]> {
  const { rounds = 10, lazy: withLazy = true, log = () => undefined } = options;
  ensureBuilt();
  const work = await mkdtemp(join(tmpdir(), 'drill-cli-bench-'));
  const { reportDir, runDir } = await sealedRun();
  try {
    log(`drill --help ×${rounds}: compiled, tsx with every command loaded${withLazy ? ', tsx lazy' : ''}`);
    const help = await series({ compiled: compiled(['--help']), eager: eagerTsx(['--help']), ...(withLazy ? { lazy: lazyTsx(['--help']) } : {}) }, rounds, work);
    log(`drill verify <run> ×${rounds}: compiled, tsx with every command loaded`);
    const verify = await series({ compiled: compiled(['verify', runDir]), eager: eagerTsx(['verify', runDir]) }, rounds, work);
    log(`drill verify <run> --allowed-signers, two ssh sign-offs ×${rounds}`);
    const allowed = await signTwice(runDir, work);
    const signed = await series(
      { compiled: compiled(['verify', runDir, '--allowed-signers', allowed]), eager: eagerTsx(['verify', runDir, '--allowed-signers', allowed]) },
      rounds,
      work,
    );
    const anchorLabel = 'tsx, all commands loaded (before)';
    type Key = 'ms' | 'cpuMs' | 'rssMb';
    const of = (s: Sample[], key: Key) => s.map((x) => x[key]);
    const figure = (name: string, project: Sample[], anchor: Sample[], key: Key, goal?: number, note?: string): Figure => {
      const unit = key === 'rssMb' ? 'MB' : 'ms';
      const samples = of(project, key);
      return {
        name,
        project: { samples, unit },
        anchor: { label: anchorLabel, samples: of(anchor, key), unit },
        goal: goal === undefined ? '(informative)' : `≤ ${goal} ${unit}`,
        met: goal === undefined || median(samples) <= goal,
        ...(note ? { note } : {}),
      };
    };
    const lazy = help['lazy'];
    const lazyPart = lazy
      ? `tsx alone with lazy commands (\`node --import tsx src/cli/main.ts --help\`): ${Math.round(median(of(lazy, 'ms')))} ms wall, ${Math.round(median(of(lazy, 'cpuMs')))} ms CPU, ${median(of(lazy, 'rssMb')).toFixed(1)} MB; `
      : '';
    const lazyNote = `${lazyPart}wall time includes spawning node under /usr/bin/time, load average at the end ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores`;
    const run = 'a sealed sample run folder (journal, checklist, report.html, evidence), no ssh signatures';
    return [
      figure('drill --help, time', help['compiled']!, help['eager']!, 'ms', 300, lazyNote),
      figure('drill --help, CPU time', help['compiled']!, help['eager']!, 'cpuMs'),
      figure('drill --help, peak RSS', help['compiled']!, help['eager']!, 'rssMb', 100),
      figure('drill verify <run>, time', verify['compiled']!, verify['eager']!, 'ms', 300, run),
      figure('drill verify <run>, CPU time', verify['compiled']!, verify['eager']!, 'cpuMs'),
      figure('drill verify <run>, peak RSS', verify['compiled']!, verify['eager']!, 'rssMb', 100),
      figure(
        'drill verify, 2 ssh sign-offs, time',
        signed['compiled']!,
        signed['eager']!,
        'ms',
        300,
        'the same run signed by engineering and operations with throwaway ed25519 keys; 4 ssh-keygen runs per verify',
      ),
      figure('drill verify, 2 ssh sign-offs, peak RSS', signed['compiled']!, signed['eager']!, 'rssMb', 100),
    ];
  } finally {
    await rm(work, { recursive: true, force: true });
    await rm(reportDir, { recursive: true, force: true });
  }
}

/** Engineering and operations sign `runDir` with fresh keys; returns the allowed_signers that lists both. */
async function signTwice(runDir: string, work: string): Promise<string> {
  const lines: string[] = [];
  for (const role of ['engineering', 'operations']) {
    const key = join(work, role);
    await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', role, '-f', key]);
    await execa(process.execPath, compiled(['sign', runDir, '--role', role, '--key', key]), { cwd: repoRoot, env: { SSH_AUTH_SOCK: '' } });
    lines.push(`${role} ${(await readFile(`${key}.pub`, 'utf8')).split(' ').slice(0, 2).join(' ')}`);
  }
  const allowed = join(work, 'allowed_signers');
  await writeFile(allowed, `${lines.join('\n')}\n`);
  return allowed;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const figures = await cliStartFigures({ rounds: Number(process.argv[2] ?? 10), log: (line) => console.log(line) });
  console.log(`\n${renderTable(figures)}`);
}
