import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import AllureVitestReporter from 'allure-vitest/reporter';
import { defineConfig } from 'vitest/config';
import type { Reporter, TestModule, Vitest } from 'vitest/node';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/**
 * allure-vitest's reporter, for the drills project alone. Given every project, it would add its setup
 * file and its runner (and patch `expect`) in the unit and integration projects as well, and every
 * `npm test` would fill allure-results/ with a thousand unit tests. Its onInit reads only
 * `vitest.projects`, so it is shown the drills project, and then handed the drills' modules only.
 * Results go to allure-results/ of the project, or to ALLURE_RESULTS_DIR.
 */
class DrillsAllureReporter implements Reporter {
  // reportMatchers: off, so a drill's steps are its runbook's, not one step per `expect` (failures still show the assertion).
  private readonly allure = new AllureVitestReporter({ resultsDir: resolve(process.env['ALLURE_RESULTS_DIR'] || here('./allure-results')), reportMatchers: false });

  onInit(vitest: Vitest): void {
    const drillsOnly = new Proxy(vitest, {
      get: (target, key) => (key === 'projects' ? target.projects.filter((p) => p.name === 'drills') : Reflect.get(target, key, target)),
    });
    this.allure.onInit(drillsOnly);
  }

  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    this.allure.onTestRunEnd(modules.filter((m) => m.project.name === 'drills'));
  }
}

// DRILL_CONFIG / DRILL_ENV point the drill suites at a user's own environment (drills/run-one.ts): then
// the drills project runs the runbook's four tests only; the other drill suites prove the harness on
// the reference pipeline and mean nothing for another one.
const ownEnvironment = Boolean(process.env['DRILL_CONFIG'] || process.env['DRILL_ENV']);
const runbookSuites = ['dry-run', 'data-validation', 'rollback-time', 'roll-forward'].map((id) => `drills/${id}.drill.test.ts`);

// Unit tests are pure and run in parallel; integration tests and drills start real processes and
// real PostgreSQL, so they run one file at a time with long timeouts and never retry (a retried
// drill would hide a flaky rollback).
export default defineConfig({
  test: {
    // The CLI the tests run is the compiled one: rebuilt once, before any test, when a source is newer.
    globalSetup: ['./test/global-setup.ts'],
    // JUnit of every test that ran (CI test tabs; `--outputFile.junit=<file>` moves it); Allure results of the drill suites.
    reporters: ['default', 'junit', new DrillsAllureReporter()],
    outputFile: { junit: here('./reports/vitest/junit.xml') },
    projects: [
      {
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts', 'fixtures/**/*.test.ts', 'containers/**/*.test.ts', 'bench/**/*.test.ts'],
          exclude: ['**/*.int.test.ts', '**/node_modules/**'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['src/**/*.int.test.ts', 'fixtures/**/*.int.test.ts', 'test/**/*.int.test.ts'],
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 120_000,
          retry: 0,
        },
      },
      {
        test: {
          name: 'drills',
          include: ownEnvironment ? runbookSuites : ['drills/**/*.drill.test.ts'],
          // Each suite's drill, replayed into its Allure results (allure-vitest adds its own setup before it).
          setupFiles: ['./drills/allure-drill.ts'],
          fileParallelism: false,
          testTimeout: 600_000,
          hookTimeout: 120_000,
          retry: 0,
        },
      },
    ],
  },
});
