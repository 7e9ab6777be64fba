// node --test .github/scripts/ (run by .ci/run): the job summary the nightly workflow writes from junit.xml.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { junitSummary, parseJunit } from './junit-summary.mjs';

// The shape the harness's junit reporter writes: a failed check with a body, an errored step, a waived
// (skipped) check, steps that passed, entities and a pipe in names and messages.
const report = `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="rollback drill 2026-12-04T22-17-08Z-f499ab" tests="5" failures="1" errors="1" skipped="1" time="21.3">
  <testsuite name="data-validation" tests="3" failures="1" errors="0" skipped="1" time="21.300">
    <properties>
      <property name="run.id" value="2026-12-04T22-17-08Z-f499ab"/>
    </properties>
    <testcase name="deploy-v2: Deploy V2 &amp; wait" classname="data-validation.steps" time="0.521"/>
    <testcase name="kpi-variance: every KPI within 1%" classname="data-validation.checks" time="0">
      <failure message="445 out of tolerance; worst: a|b &lt;1.96%&gt;" type="failure">value 445 vs threshold 0
evidence: data-validation/v1-kpis-same-data.json</failure>
    </testcase>
    <testcase name="contact-tree: reachable" classname="data-validation.checks" time="0">
      <skipped message="waived: no pager in staging"/>
    </testcase>
  </testsuite>
  <testsuite name="rollback-time" tests="2" failures="0" errors="1" skipped="0" time="6.0">
    <testcase name="start-v1: Start V1" classname="rollback-time.steps" time="1.2">
      <error message="V1 not healthy after 30000 ms (GET http://127.0.0.1:41234/health → 503)" type="error">stack</error>
    </testcase>
    <testcase name="stop-v2: Stop V2" classname="rollback-time.steps" time="0.05"></testcase>
  </testsuite>
</testsuites>
`;

test('parses suites, cases and each outcome with its message, entities decoded', () => {
  const { name, suites } = parseJunit(report);
  assert.equal(name, 'rollback drill 2026-12-04T22-17-08Z-f499ab');
  assert.deepEqual(suites.map((s) => [s.name, s.cases.map((c) => c.outcome)]), [
    ['data-validation', ['passed', 'failure', 'skipped']],
    ['rollback-time', ['error', 'passed']],
  ]);
  assert.equal(suites[0].cases[0].name, 'deploy-v2: Deploy V2 & wait');
  assert.equal(suites[0].cases[1].message, '445 out of tolerance; worst: a|b <1.96%>');
});

test('a failing report: the counts per test, then every failed and skipped item with its message', () => {
  const markdown = junitSummary(report);
  assert.match(markdown, /^### ❌ JUnit: rollback drill 2026-12-04T22-17-08Z-f499ab\n/);
  assert.match(markdown, /5 items: 2 passed, 1 failed, 1 errors, 1 skipped/);
  assert.match(markdown, /\| data-validation \| 3 \| 1 \| 1 \| 0 \| 1 \| 21\.3 s \|/);
  assert.match(markdown, /\| rollback-time \| 2 \| 1 \| 0 \| 1 \| 0 \| 6\.0 s \|/);
  assert.match(markdown, /\*\*Failed \(2\)\*\*/);
  // A pipe in a message would end the table cell or break the list: escaped.
  assert.ok(markdown.includes('- `data-validation` › kpi-variance: every KPI within 1% — 445 out of tolerance; worst: a\\|b <1.96%>'));
  assert.ok(markdown.includes('- `rollback-time` › start-v1: Start V1 — V1 not healthy after 30000 ms (GET http://127.0.0.1:41234/health → 503)'));
  assert.ok(markdown.includes('**Skipped or waived (1)**\n\n- `data-validation` › contact-tree: reachable — waived: no pager in staging'));
});

test('a passing report says so and lists nothing', () => {
  const passing = report.replace(/<failure[\s\S]*?<\/failure>|<error[\s\S]*?<\/error>|<skipped[^>]*\/>/g, '');
  const markdown = junitSummary(passing);
  assert.match(markdown, /^### ✅ /);
  assert.match(markdown, /5 items: 5 passed, 0 failed, 0 errors, 0 skipped/);
  assert.doesNotMatch(markdown, /Failed|Skipped/);
});

test('as a command: a missing report is said in the summary, and the step does not fail', () => {
  const script = fileURLToPath(new URL('./junit-summary.mjs', import.meta.url));
  const missing = execFileSync(process.execPath, [script, '/nonexistent/junit.xml'], { encoding: 'utf8' });
  assert.match(missing, /\/nonexistent\/junit\.xml was not written: the drill stopped before its run folder/);
  const file = join(mkdtempSync(join(tmpdir(), 'junit-summary-')), 'junit.xml');
  writeFileSync(file, report);
  assert.equal(execFileSync(process.execPath, [script, file], { encoding: 'utf8' }), junitSummary(report));
});
