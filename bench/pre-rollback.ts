/**
 * Issue 17, "the pre-rollback phase at 10M source rows against the runbook's 120 s": the drill's
 * own pre-rollback steps (backup-database, prove-backup-restores, export-v2-metrics,
 * record-system-state, background-settled — the step definitions a drill runs, in a child process:
 * pre-rollback-child.ts)
 * on the drill database as it stands at that size (pre-rollback-data.ts), each part beside the same
 * work done by the tools alone in the same rounds: before (pg_dump -Fc + serial pg_restore, what the
 * drill ran until now) and the floor (pg_dump -Fd -j2 -Z0 + pg_restore -j2). Plus the peak RSS of
 * the Node process running the phase, and the table fingerprints typed vs md5 of each row's text.
 *
 *   npx tsx bench/pre-rollback.ts --sizes 100000,10000000 --rounds 3 [--md5-max 1000000] [--json out.json]
 *
 * (`npm run bench` runs the same measurement as its pre-rollback section.)
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import reference from '../drill.config.ts';
import { clientToolsFor } from '../src/database/client-tools.ts';
import { startEphemeralPostgres, type EphemeralPostgres } from '../src/database/ephemeral-postgres.ts';
import { databaseFingerprints } from '../src/database/fingerprint.ts';
import { renameSnapshot } from '../src/database/key-snapshot.ts';
import { withSession } from '../src/database/pg-session.ts';
import { median, repeat, type Figure } from './figure.ts';
import { sizeLabel } from './generate-cli.ts';
import { bareRound, md5Fingerprints, type BareRound } from './pre-rollback-anchors.ts';
import type { PreRollbackReport } from './pre-rollback-child.ts';
import { drillDatabase, type DrillDatabase } from './pre-rollback-data.ts';
import { runSectionAlone } from './section-alone.ts';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const schemas = reference.environments['staging']!.verification!.schemas!;
/** The runbook: "Pre-rollback (< 2 min)". */
const RUNBOOK_MS = 120_000;
/** The team's aim: about 1.5× the floor measured beside it. */
const FLOOR_AIM = 1.5;
const RSS_GOAL_MB = 300;
const STEPS = ['backup-database', 'prove-backup-restores', 'export-v2-metrics', 'record-system-state', 'background-settled'] as const;

export interface PreRollbackOptions {
  sizes: number[];
  rounds: number;
  /** The md5 fingerprints (before) are timed at sizes up to this many rows only (10M: about 80 s a round). */
  md5Max: number;
  log: (line: string) => void;
}

interface SizeResult {
  size: number;
  db: DrillDatabase;
  project: PreRollbackReport[];
  before: BareRound[];
  floor: BareRound[];
  typedMs: number[];
  md5Ms: number[];
}

export async function preRollbackFigures(options: PreRollbackOptions): Promise<Figure[]> {
  if (options.rounds < 3) throw new Error(`pre-rollback bench: at least 3 rounds, got ${options.rounds}`);
  const server = await startEphemeralPostgres();
  try {
    const figures: Figure[] = [];
    for (const size of [...options.sizes].sort((a, b) => a - b)) figures.push(...figuresOf(await measureSize(server, size, options)));
    return figures;
  } finally {
    await server.stop();
  }
}

async function measureSize(server: EphemeralPostgres, size: number, options: PreRollbackOptions): Promise<SizeResult> {
  const { log } = options;
  const name = `pre_rollback_${size}`;
  const label = sizeLabel(size);
  const dsn = await server.createDatabase(name);
  try {
    const db = await drillDatabase(dsn, size, log);
    const tools = await clientToolsFor(server.dsn);
    const r: SizeResult = { size, db, project: [], before: [], floor: [], typedMs: [], md5Ms: [] };
    const withMd5 = size <= options.md5Max;
    const steps: Array<() => Promise<void>> = [
      async () => void r.project.push(await runChild(server, dsn, db)),
      async () => void r.before.push(await bareRound(server, dsn, tools, 'before')),
      async () => void r.floor.push(await bareRound(server, dsn, tools, 'floor')),
      ...(withMd5
        ? [
            async () => {
              const started = performance.now();
              await databaseFingerprints(dsn, { schemas });
              r.typedMs.push(performance.now() - started);
              r.md5Ms.push(await md5Fingerprints(dsn, schemas));
            },
          ]
        : []),
    ];
    await repeat(options.rounds, async (round) => {
      // Each round starts one step later, so that a slow spell of the machine does not always hit the same one.
      for (let i = 0; i < steps.length; i++) await steps[(i + round - 1) % steps.length]!();
      const p = r.project.at(-1)!;
      const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
      log(
        `pre-rollback ${label} round ${round}: ${p.steps.map((st) => `${st.id} ${s(st.ms)}`).join(', ')}; total ${s(p.totalMs)}, ${Math.round(p.maxRssMb)} MB RSS; ` +
          `before ${s(r.before.at(-1)!.dumpMs)} + ${s(r.before.at(-1)!.restoreMs)}; floor ${s(r.floor.at(-1)!.dumpMs)} + ${s(r.floor.at(-1)!.restoreMs)}` +
          (withMd5 ? `; fingerprints typed ${s(r.typedMs.at(-1)!)}, md5 ${s(r.md5Ms.at(-1)!)}` : ''),
      );
      return p.totalMs;
    });
    return r;
  } finally {
    await server.dropDatabase(name);
  }
}

/** The phase in a Node process of its own, its evidence in a fresh folder removed afterwards; the drill's own facts checked. */
async function runChild(server: EphemeralPostgres, dsn: string, db: DrillDatabase): Promise<PreRollbackReport> {
  const runDir = await mkdtemp(join(tmpdir(), 'bench-pre-rollback-'));
  try {
    const result = await execa(process.execPath, ['--import', 'tsx', 'bench/pre-rollback-child.ts'], {
      cwd: REPO,
      env: { BENCH_DSN: dsn, BENCH_SERVER_DSN: server.dsn, BENCH_RUN_DIR: runDir, BENCH_V2_RUN_KEYS: db.v2RunKeys },
      reject: false,
    });
    const line = result.stdout.trim().split('\n').at(-1) ?? '';
    if (result.exitCode !== 0 || !line.startsWith('{')) throw new Error(`pre-rollback child failed (exit ${result.exitCode}): ${result.stderr.slice(-2000)}`);
    const report = JSON.parse(line) as PreRollbackReport;
    if (!report.restored || report.differences !== 0 || !report.schemaMatches || report.missingKeys !== 0 || report.sourceKeys !== db.sourceRows) {
      throw new Error(`the pre-rollback phase did not prove what it must: ${JSON.stringify({ ...report, steps: undefined })}`);
    }
    return report;
  } finally {
    await rm(runDir, { recursive: true, force: true });
    // record-system-state's key snapshot, as a drill leaves it; the next round makes its own. Where the source
    // was unchanged, that snapshot is V2's run keys renamed (renameSnapshot): renamed back, the next round's.
    const renamed = await withSession(dsn, async (client) => (await client.query<{ gone: boolean }>('select to_regclass($1) is null as gone', [db.v2RunKeys])).rows[0]!.gone);
    if (renamed) await renameSnapshot(dsn, '_drill.pre_rollback_keys', 'v2_run_keys');
    else await withSession(dsn, (client) => client.query('drop table if exists _drill.pre_rollback_keys'));
  }
}

function stepMs(reports: readonly PreRollbackReport[], id: string): number[] {
  return reports.map((r) => r.steps.find((s) => s.id === id)!.ms);
}

function output(reports: readonly PreRollbackReport[], id: string, key: string): number {
  return median(reports.map((r) => Number(r.steps.find((s) => s.id === id)!.output[key])));
}

function figuresOf(r: SizeResult): Figure[] {
  const label = sizeLabel(r.size);
  const sec = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const mib = (bytes: number) => `${Math.round(bytes / 2 ** 20)} MiB`;
  const total = r.project.map((p) => p.totalMs);
  const beforeTotal = r.before.map((b) => b.dumpMs + b.restoreMs);
  const floorTotal = r.floor.map((f) => f.dumpMs + f.restoreMs);
  const floorMedian = median(floorTotal);
  const p = r.project;
  const backupAndProof = p.map((x) => x.steps.filter((st) => st.id === 'backup-database' || st.id === 'prove-backup-restores').reduce((sum, st) => sum + st.ms, 0));
  const data = `${r.db.sourceRows} source rows, database ${mib(r.db.bytes)} (source, V2's outputs and ledger, ${r.db.kpiRows} KPI rows)`;
  const part = (id: (typeof STEPS)[number]) => ({ samples: stepMs(p, id), unit: 'ms' as const });
  const figures: Figure[] = [
    {
      name: `pre-rollback phase ${label}: total of its steps`,
      project: { samples: total, unit: 'ms' },
      anchor: { label: 'before: pg_dump -Fc + serial pg_restore, tools alone', samples: beforeTotal, unit: 'ms' },
      goal: '≤ 120 s (runbook)',
      met: median(total) <= RUNBOOK_MS,
      note:
        `${data}. The drill's own steps, each as the drill runs it: ${STEPS.map((id) => `${id} ${sec(median(stepMs(p, id)))}`).join(', ')}; ` +
        `the anchor is the dump and restore alone (no snapshot fingerprints, no comparison, no exports): ${sec(median(r.before.map((b) => b.dumpMs)))} + ${sec(median(r.before.map((b) => b.restoreMs)))}`,
    },
    {
      name: `pre-rollback phase ${label} vs the floor`,
      project: { samples: total, unit: 'ms' },
      anchor: { label: 'floor: pg_dump -Fd -j2 -Z0 + pg_restore -j2, tools alone', samples: floorTotal, unit: 'ms' },
      goal: `≤ ${FLOOR_AIM}× floor`,
      met: median(total) <= FLOOR_AIM * floorMedian,
      note:
        `floor ${sec(median(r.floor.map((f) => f.dumpMs)))} dump (${mib(median(r.floor.map((f) => f.bytes)))}) + ${sec(median(r.floor.map((f) => f.restoreMs)))} restore; ` +
        `${FLOOR_AIM}× floor = ${sec(FLOOR_AIM * floorMedian)}; the phase also does what the floor does not: fingerprints of the snapshot and of the restored copy, schemas, the exports, and record-system-state's accounting of V2's records and key snapshot`,
    },
    {
      name: `backup + restore proof ${label} vs the floor (the same work, plus its proofs)`,
      project: { samples: backupAndProof, unit: 'ms' },
      anchor: { label: 'floor: pg_dump -Fd -j2 -Z0 + pg_restore -j2, tools alone', samples: floorTotal, unit: 'ms' },
      goal: `≤ ${FLOOR_AIM}× floor`,
      met: median(backupAndProof) <= FLOOR_AIM * floorMedian,
      note: 'the two steps whose work the floor does (a dump, a restore), with what they prove besides: the fingerprints of the snapshot the dump saved and of the restored copy, and both schemas',
    },
    {
      name: `backup-database ${label} (pg_dump -Fd -j${String(output(p, 'backup-database', 'jobs'))} -Z${String(output(p, 'backup-database', 'compress'))} + snapshot fingerprints)`,
      project: part('backup-database'),
      anchor: { label: 'floor: pg_dump -Fd -j2 -Z0', samples: r.floor.map((f) => f.dumpMs), unit: 'ms' },
      goal: '(part)',
      met: true,
      note:
        `${mib(output(p, 'backup-database', 'bytes'))} in ${output(p, 'backup-database', 'files')} files; the fingerprints of the snapshot run beside the dump; ` +
        `before, pg_dump -Fc took ${sec(median(r.before.map((b) => b.dumpMs)))} (${mib(median(r.before.map((b) => b.bytes)))})`,
    },
    {
      name: `prove-backup-restores ${label} (pg_restore -j + fingerprints + schema)`,
      project: part('prove-backup-restores'),
      anchor: { label: 'floor: pg_restore -j2', samples: r.floor.map((f) => f.restoreMs), unit: 'ms' },
      goal: '(part)',
      met: true,
      note:
        `pg_restore ${sec(output(p, 'prove-backup-restores', 'restoreMs'))}, then fingerprints of the restored copy and both schemas ${sec(output(p, 'prove-backup-restores', 'compareMs'))}; ` +
        `before, a serial pg_restore of the -Fc dump took ${sec(median(r.before.map((b) => b.restoreMs)))}`,
    },
    {
      name: `export-v2-metrics ${label} (24 h of /metrics, KPI rows, history)`,
      project: part('export-v2-metrics'),
      goal: '(part)',
      met: true,
      note:
        `${output(p, 'export-v2-metrics', 'metricsSamples')} scraped samples (24 h every 15 s), ${output(p, 'export-v2-metrics', 'kpiPoints')} KPI points, ` +
        `${output(p, 'export-v2-metrics', 'historyPeriods')} history periods; the KPI history does not grow with the source rows`,
    },
    {
      name: `record-system-state ${label} (schema, V2's record accounting, key snapshot)`,
      project: part('record-system-state'),
      goal: '(part)',
      met: true,
      note: `accounting of the ${output(p, 'record-system-state', 'sourceKeys')} source keys V2 was asked to handle (keys and values), then the snapshot of the keys before the rollback`,
    },
    {
      name: `harness peak RSS during the pre-rollback phase ${label}`,
      project: { samples: p.map((x) => x.maxRssMb), unit: 'MB' },
      goal: `≤ ${RSS_GOAL_MB} MB`,
      met: median(p.map((x) => x.maxRssMb)) <= RSS_GOAL_MB,
      note: 'maxRSS of the Node process running the four steps (pg_dump and pg_restore are processes of their own)',
    },
  ];
  if (r.typedMs.length > 0) {
    figures.push({
      name: `table fingerprints of the drill database ${label}, typed`,
      project: { samples: r.typedMs, unit: 'ms' },
      anchor: { label: 'before: md5 of each row’s text (frozen copy)', samples: r.md5Ms, unit: 'ms' },
      goal: '≤ anchor',
      met: median(r.typedMs) <= median(r.md5Ms),
      note: `every table of ${schemas.join(', ')}, one snapshot; the backup takes them once (the snapshot) and the proof once more (the restored copy)`,
    });
  }
  return figures;
}

runSectionAlone(import.meta.url, 'pre-rollback', { sizes: '100000', extra: { 'md5-max': '1000000' } }, ({ sizes, rounds, extra, log }) =>
  preRollbackFigures({ sizes, rounds, md5Max: extra['md5-max']!, log }),
);
