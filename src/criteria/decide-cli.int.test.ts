import { readdirSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import reference from '../../drill.config.ts';

/** The real CLI over the corpus: each file is named for the decision it must produce. */
const root = fileURLToPath(new URL('../../', import.meta.url));
const corpusDir = fileURLToPath(new URL('./corpus/', import.meta.url));
const files = readdirSync(corpusDir)
  .filter((f) => f.endsWith('.json'))
  .sort();

const decide = (args: string[]) => execa(process.execPath, ['bin/drill.js', 'decide', ...args], { cwd: root, env: { FORCE_COLOR: '0' }, reject: false, stdin: 'ignore' });

/** What must have fired (rollback) or been held back (continue), beyond the decision itself. */
const expected: Record<string, { fired?: string[]; heldBack?: string[] }> = {
  'continue-healthy.json': { fired: [], heldBack: [] },
  'continue-isolated-retryable-error.json': { fired: [], heldBack: ['isolated-retryable-error:error-rate'] },
  'continue-short-degradation.json': { fired: [], heldBack: ['temporary-degradation:cpu'] },
  'continue-short-blob-outage.json': { fired: [], heldBack: ['minimum-duration:blob-unavailable'] },
  'continue-sparse-fields.json': { fired: [], heldBack: [] },
  'rollback-crash-loop.json': { fired: ['crash-loop'] },
  'rollback-data-loss.json': { fired: ['data-loss'] },
  'rollback-database-outage.json': { fired: ['database-unavailable'] },
  'rollback-kpi-variance.json': { fired: ['kpi-variance'] },
  'rollback-sustained-memory.json': { fired: ['memory'] },
};

describe('drill decide --telemetry <file> --json over the corpus', () => {
  it('covers every corpus file', () => {
    expect(files.filter((f) => !f.startsWith('bad-input-'))).toEqual(Object.keys(expected).sort());
  });

  for (const file of files.filter((f) => !f.startsWith('bad-input-'))) {
    const decision = file.startsWith('rollback-') ? 'rollback' : 'continue';
    it(`${file} → ${decision}`, async () => {
      const result = await decide(['--telemetry', `src/criteria/corpus/${file}`, '--json']);
      expect(result.exitCode, result.stderr).toBe(decision === 'rollback' ? 1 : 0);
      const output = JSON.parse(result.stdout) as { decision: string; fired: { id: string; firstHeldAt: string }[]; heldBack: { rule: string; criterion: string }[] };
      expect(output.decision).toBe(decision);
      expect(output.fired.map((f) => f.id)).toEqual(expected[file]!.fired ?? output.fired.map((f) => f.id));
      if (expected[file]!.heldBack) expect(output.heldBack.map((h) => `${h.rule}:${h.criterion}`)).toEqual(expected[file]!.heldBack);
      for (const f of output.fired) expect(Number.isNaN(Date.parse(f.firstHeldAt))).toBe(false);
    });
  }

  it('exits 3 naming the sample out of time order', async () => {
    const result = await decide(['--telemetry', 'src/criteria/corpus/bad-input-out-of-order.json', '--json']);
    expect(result.exitCode).toBe(3);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('samples.2.t: 2026-03-02T10:01:00Z is not after samples.1.t 2026-03-02T10:02:00Z');
  });

  it('exits 3 for a missing file, neither --telemetry nor --prometheus, and invalid JSON', async () => {
    const missing = await decide(['--telemetry', 'src/criteria/corpus/no-such-file.json']);
    expect(missing.exitCode).toBe(3);
    expect(missing.stderr).toContain('no-such-file.json cannot be read');
    const noOption = await decide([]);
    expect(noOption.exitCode).toBe(3);
    expect(noOption.stderr).toContain('drill decide needs --telemetry <file>, or --prometheus [url] --env <name>');
    const notJson = await decide(['--telemetry', 'README.md']);
    expect(notJson.exitCode).toBe(3);
    expect(notJson.stderr).toContain('is not valid JSON');
  });

  it('--env <name> --config <file> applies that environment’s overrides: a 1 m 40 s CPU degradation fires once 1 min is enough', async () => {
    const staging = structuredClone(reference.environments['staging']) as Record<string, any>;
    staging['decision'] = { ...staging['decision'], notTrigger: { 'temporary-degradation': { ms: 60_000 } } };
    const config = join(await mkdtemp(join(tmpdir(), 'decide-cli-')), 'drill.config.json');
    await writeFile(config, JSON.stringify({ environments: { staging } }));
    const file = 'src/criteria/corpus/continue-short-degradation.json';
    const result = await decide(['--telemetry', file, '--env', 'staging', '--config', config, '--json']);
    expect(result.exitCode, result.stderr).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({
      decision: 'rollback',
      environment: 'staging',
      fired: [expect.objectContaining({ id: 'cpu', title: 'CPU > 90%, sustained ≥ 1 min' })],
    });
  });
});
