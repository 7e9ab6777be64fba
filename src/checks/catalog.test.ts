import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import reference from '../../drill.config.ts';
import orders from '../../fixtures/orders/drill.config.ts';
import { parseConfig } from '../config/load-config.ts';
import { Redactor } from '../redaction/redactor.ts';
import { Evidence } from '../runner/evidence.ts';
import { builtInDrills } from '../drills/registry.ts';
import type { DrillWorld } from '../runner/world.ts';
import { catalogMarkdown, checkCatalog, isKnownCheck } from './catalog.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** Every check id the four plans emit for an environment (with a step budget, so that family shows too). */
function emitted(config: { environments: Record<string, unknown> }): string[] {
  const raw = structuredClone(config.environments['staging']) as Record<string, any>;
  raw['budgets'] = { ...raw['budgets'], steps: { 'stop-v2': 60_000 } };
  const env = parseConfig({ environments: { staging: raw } }, 'catalog').environments['staging']!;
  const world = { env, runId: 'catalog', runDir: '/nonexistent', environmentName: 'staging', baseDir: root, processEnv: {} } as unknown as DrillWorld;
  return builtInDrills.flatMap((drill) => drill.plan(world, new Evidence('/nonexistent', drill.id, new Redactor())).checks.map((c) => c.id));
}

describe('the check catalog: every check can fail, and is shown failing', () => {
  it('knows every check id the plans emit, for both reference pairs', () => {
    const ids = [...new Set([...emitted(reference), ...emitted(orders)])];
    expect(ids.length).toBeGreaterThan(20);
    expect(ids.filter((id) => !isKnownCheck(id))).toEqual([]);
  });

  it('names, for every check, a test that exists in a file `npm test` runs', () => {
    const missing: string[] = [];
    for (const check of checkCatalog) {
      const [file, name] = check.provenBy.split(' › ');
      const included = /^(test|drills|src|fixtures)\/.*\.(int|drill)\.test\.ts$/.test(file ?? '');
      const path = `${root}${file}`;
      if (!file || !name || !included || !existsSync(path) || !readFileSync(path, 'utf8').includes(name)) missing.push(`${check.id}: ${check.provenBy}`);
    }
    expect(missing).toEqual([]);
  });

  it('has one entry per id, each saying what it compares, its threshold and its fault', () => {
    const ids = checkCatalog.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const c of checkCatalog)
      expect(
        [c.compares, c.threshold, c.fault].every((t) => t.trim().length > 2),
        c.id,
      ).toBe(true);
  });

  it('docs/checks.md is the catalog as it is (npm run docs writes it)', () => {
    expect(readFileSync(`${root}docs/checks.md`, 'utf8')).toBe(catalogMarkdown());
  });
});
