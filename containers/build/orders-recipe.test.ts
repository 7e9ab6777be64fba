import { describe, expect, it } from 'vitest';
import { ordersRecipe } from './orders-recipe.ts';
import { REPOSITORY_ROOT } from './recipes.ts';

describe('ordersRecipe', () => {
  it('ships each version with its programs, assets and pg only: nothing of the harness, the other pair or tsx', async () => {
    const targets = async (version: 'v1' | 'v2') => (await ordersRecipe(version, REPOSITORY_ROOT).inputs()).files.map((file) => file.target);
    const v1 = await targets('v1');
    const v2 = await targets('v2');
    expect(v1).toEqual(
      expect.arrayContaining([
        'Dockerfile',
        'app/fixtures/orders/v1/worker.mjs',
        'app/fixtures/orders/v1/rollup.mjs',
        'app/fixtures/orders/v1/migration.sql',
        'app/fixtures/orders/rollback/v1.env',
        'modules/node_modules/pg/package.json',
      ]),
    );
    expect(v2).toEqual(
      expect.arrayContaining([
        'app/fixtures/orders/v2/healthcheck.mjs',
        'app/fixtures/orders/v2/migrations/001-base.sql',
        'app/fixtures/orders/v2/migrations/002-run-details.sql',
        'modules/node_modules/pg-pool/package.json',
      ]),
    );
    for (const [version, files] of [
      ['v1', v1],
      ['v2', v2],
    ] as const) {
      const app = files.filter((target) => target.startsWith('app/'));
      expect(
        app.every((target) => target.startsWith(`app/fixtures/orders/${version}/`) || target === 'app/fixtures/orders/rollback/v1.env'),
        version,
      ).toBe(true);
      expect(
        app.filter((target) => /\.test\.ts$|\.d\.mts$/.test(target)),
        version,
      ).toEqual([]);
      expect(
        files.some((target) => /node_modules\/(tsx|esbuild)\//.test(target)),
        version,
      ).toBe(false);
    }
    expect(v2.some((target) => target.includes('/v1/') || target.includes('rollback'))).toBe(false);
  });
});
