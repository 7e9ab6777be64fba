/**
 * The house's rooms and which way their doors open (docs/architecture.md). A lower layer never imports a
 * higher one, and a target never imports another target: `npm run lint:imports` (in .ci/run) fails when
 * one does. Type-only imports are allowed across layers (a plug-in interface names the types it works with).
 */
const layers = {
  // the domain: talks to PostgreSQL, processes, containers, HTTP; knows nothing of drills, reports or the CLI
  domain: '^src/(util|redaction|database|targets|pipeline|telemetry|criteria|kpis|blob|notifications|journal|evidence|history)/',
  config: '^src/config/',
  runner: '^src/runner/',
  checks: '^src/checks/',
  drills: '^src/drills/',
  // the reporters and the sign-off that re-renders their report
  report: '^src/(report|signoff)/',
  run: '^src/run/',
  cli: '^src/(cli|init)/',
};
const above = {
  domain: ['config', 'runner', 'checks', 'drills', 'report', 'run', 'cli'],
  config: ['runner', 'checks', 'drills', 'report', 'run', 'cli'],
  runner: ['drills', 'report', 'run', 'cli'],
  checks: ['drills', 'report', 'run', 'cli'],
  drills: ['report', 'run', 'cli'],
  report: ['drills', 'runner', 'run', 'cli'],
  run: ['cli'],
  cli: [],
};

module.exports = {
  forbidden: [
    ...Object.entries(above)
      .filter(([, higher]) => higher.length > 0)
      .map(([layer, higher]) => ({
        name: `${layer}-imports-a-higher-layer`,
        comment: `${layer} must not depend on ${higher.join(', ')} (docs/architecture.md)`,
        severity: 'error',
        // Tests may reach across layers: a test of the domain may load a config to build its input.
        from: { path: layers[layer], pathNot: '\\.(test|int\\.test)\\.ts$' },
        to: { path: higher.map((h) => layers[h]), dependencyTypesNot: ['type-only'] },
      })),
    {
      name: 'target-imports-another-target',
      comment:
        'each target lives in its own folder and knows no other target; what several share lives in src/targets/*.ts or src/targets/engine/ (the container engine). The one exception: docker falls back to the process target when no engine answers.',
      severity: 'error',
      from: { path: '^src/targets/(process|docker|swarm|ssh-systemd)/' },
      to: { path: '^src/targets/(process|docker|swarm|ssh-systemd)/', pathNot: ['^src/targets/$1/', '^src/targets/process/process-target\\.ts$'], dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'no-circular',
      comment: 'two files that import each other (types too) read as one: put what both need where both can import it',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'src-imports-tests-or-fixtures',
      comment: 'the harness ships without its tests and without the reference pipelines',
      severity: 'error',
      from: { path: '^src/', pathNot: '\\.(test|int\\.test|test-support)\\.ts$' },
      to: { path: '^(test|fixtures|drills|bench)/' },
    },
    {
      name: 'fixtures-import-the-harness',
      comment: 'the reference pipelines know nothing of the harness (their tests may use its helpers)',
      severity: 'error',
      from: { path: '^fixtures/', pathNot: '\\.(test|int\\.test)\\.ts$|/testing/|/integration/|drill\\.config\\.ts$' },
      to: { path: '^src/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '^(dist|node_modules)/' },
  },
};
