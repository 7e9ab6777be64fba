import { describe, expect, it } from 'vitest';
import type { Journal } from '../../journal/journal-types.ts';
import type { HistoryEntry } from '../../history/history-entry.ts';
import { summariseRun } from '../../history/history-entry.ts';
import { buildTrend } from '../../history/trend.ts';
import { sampleJournal } from '../../../test/helpers/sample-journal.ts';
import { renderReportHtml } from './render-report.ts';
import type { ReportContext } from './report-context.ts';

const context = (extra: Partial<ReportContext> = {}): ReportContext => ({
  evidence: [
    { path: 'journal.json', bytes: 1234, sha256: 'a'.repeat(64) },
    { testId: 'rollback-time', path: 'rollback-time/missing.txt', problem: 'missing' },
    { testId: 'rollback-time', path: '../outside-run.txt', problem: 'outside the run folder' },
  ],
  signatures: [],
  ...extra,
});

const count = (html: string, pattern: RegExp) => html.match(pattern)?.length ?? 0;

describe('renderReportHtml', () => {
  it('puts the verdict first and one summary row per test', () => {
    const html = renderReportHtml(sampleJournal(), context());
    expect(html.indexOf('id="verdict"')).toBeLessThan(html.indexOf('id="checklist"'));
    expect(html).toMatch(/<div class="verdict status-failed" id="verdict" data-status="failed">\s*<div class="word">FAILED<\/div>/);
    expect(count(html, /<tr class="test-row"/g)).toBe(3);
  });

  it("names the target as the run described it, and the run's own warnings", () => {
    const journal = {
      ...sampleJournal(),
      targetDescription: 'local processes',
      targetNotice: 'no Docker engine: fell back to local processes',
      warnings: ['removing network <x> failed'],
    };
    const html = renderReportHtml(journal, context());
    expect(html).toContain('<dt>Target</dt><dd>process — local processes<br><span class="muted">no Docker engine: fell back to local processes</span></dd>');
    expect(html).toContain('<p class="note run-warning">Warning: removing network &lt;x&gt; failed</p>');
  });

  it('escapes what came from logs and error messages, and runs no script', () => {
    const html = renderReportHtml(sampleJournal(), context({ signatures: [{ role: 'operations', name: '<img src=x onerror=alert(1)>', signedAt: '2026-01-03T00:00:00.000Z' }] }));
    expect(html).not.toMatch(/<script|<img|onerror=alert\(1\)>/i);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('Data validation &lt;V1 &amp; V2&gt;');
    expect(html).toContain('kill ESRCH &lt;pid 4242&gt; &amp; gone');
    expect(html).toContain('\\u001b[31m');
    expect(html).not.toContain('\u0000');
  });

  it('forbids every fetch with a Content-Security-Policy and references nothing outside the file', () => {
    const html = renderReportHtml(sampleJournal(), context());
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`);
    expect(html).not.toMatch(/\s(src|href|srcset)=|url\(|@import/i);
  });

  it('draws one bar per rollback step, skipped ones included', () => {
    const journal = sampleJournal();
    const html = renderReportHtml(journal, context());
    const rollbackSteps = journal.tests.flatMap((t) => t.steps.filter((s) => s.phase === 'rollback'));
    expect(count(html, /<rect class="step-bar /g)).toBe(rollbackSteps.length);
    expect(html).toMatch(/<rect class="step-bar status-skipped"[^>]*data-step-id="start-v1"/);
  });

  it('says what this run did not record instead of inventing it', () => {
    const html = renderReportHtml(sampleJournal(), context());
    expect(html).toContain('The dry-run was not part of this run.');
    expect(html).toContain('Not available: no history.jsonl was found');
    expect(html).toMatch(/data-path="rollback-time\/missing.txt"[\s\S]*?>missing<\/span>/);
    expect(html).toMatch(/data-path="..\/outside-run.txt"[\s\S]*?>outside the run folder<\/span>/);
  });

  it('states the decision criteria as not recorded, next to the dry-run timeline it did record', () => {
    const journal = withDryRun();
    const html = renderReportHtml(journal, context());
    expect(html).toContain('Decision criteria evaluation: not recorded in this run.');
    expect(html).toMatch(/<tr class="timeline-step" data-step-id="observe-failure"><td class="num">\+400 ms<\/td><td>Faulty V2 run triggered/);
    expect(html).toContain('Failure detected: V2 process exited, 174 ms after the run was triggered');
  });

  it('shows the decision criteria that fired, on the timeline from the fault injection', () => {
    const journal = withDryRun();
    const observe = journal.tests[0]!.steps.find((s) => s.id === 'observe-failure')!;
    observe.output = {
      observed: { how: 'decision criteria fired: Restarts ≥ 3 within 10 min' },
      detectedAfterMs: 560,
      decision: 'rollback',
      fired: [{ id: 'crash-loop', title: 'Restarts ≥ 3 within 10 min', value: 3, threshold: 3, firstHeldAt: '2026-01-02T03:04:05.500Z', firedAt: '2026-01-02T03:04:05.560Z' }],
      heldBack: ['Throughput of baseline < 50%: degradation lasted 2.005 s < 2 min'],
      timeToDetectMs: 560,
      telemetrySamples: 12,
      evidence: 'dry-run/decision.json',
    };
    const html = renderReportHtml(journal, context());
    expect(html).not.toContain('not recorded in this run');
    expect(html).toContain('called for a <strong>rollback</strong> 560 ms after the fault was injected');
    expect(html).toMatch(/<tr data-criterion-id="crash-loop"><td>Restarts ≥ 3 within 10 min/);
    expect(html).toContain('Held back by the NOT-trigger rules: Throughput of baseline &lt; 50%: degradation lasted 2.005 s &lt; 2 min');
    const rows = [...html.matchAll(/<tr class="timeline-\w+"[^>]*><td class="num">([^<]*)<\/td><td>([^<]*)</g)].map((m) => `${m[1]} ${m[2]}`);
    expect(rows.slice(0, 5)).toEqual([
      '+0 ms Fault injected: V2 restarted with ABACO_V2_FAULTS=crash-after:1',
      '+400 ms V2 kept at work; the decision criteria evaluated over its telemetry',
      '+500 ms Restarts ≥ 3 within 10 min: condition starts to hold',
      '+560 ms Restarts ≥ 3 within 10 min: FIRED (3, threshold 3)',
      '+574 ms Decision: ROLLBACK',
    ]);
  });

  it('lists the worst KPI variance with its worst point', () => {
    const html = renderReportHtml(sampleJournal(), context());
    expect(html).toMatch(
      /<tr class="variance-row" data-check-id="kpi-variance"[\s\S]*?3 points out of tolerance[\s\S]*?outstanding_principal 2026-01-01 retail: V1 102.75 vs V2 100 \(2.75%\)/,
    );
  });

  it('shows the signer and the regression flag', () => {
    const journal = sampleJournal();
    const earlier: HistoryEntry[] = [1, 2, 3].map((i) => ({
      ...summariseRun(journal),
      runId: `old-${i}`,
      startedAt: `2025-12-0${i}T00:00:00.000Z`,
      tests: [{ id: 'rollback-time', status: 'passed', rollbackMs: 1000 }],
    }));
    const trend = buildTrend(earlier, summariseRun(journal));
    const html = renderReportHtml(journal, context({ trend, signatures: [{ role: 'engineering', name: 'Ada', signedAt: '2026-01-03T00:00:00.000Z' }] }));
    expect(html).toContain(
      'data-regression="rollback-time">Regression: rollback-time rolled back in 12.40 s, 1140% slower than the median of its last 3 runs (1.00 s; flagged above ×1.2)',
    );
    expect(html).toMatch(/<div class="signer" data-role="engineering" data-signed="yes">[\s\S]*?<div class="name">Ada<\/div>/);
    expect(html).toMatch(/<div class="signer" data-role="management" data-signed="no">/);
    expect(html).toContain('sign-off: 1 of 3 signed');
  });

  it('shows the emergency path when the rollback itself failed', () => {
    const journal = sampleJournal();
    journal.tests[1]!.incident = {
      trigger: { id: 'v1-healthy', error: 'V1 not healthy after 30000 ms' },
      timeline: [{ at: '2026-01-02T03:05:50.000Z', event: 'Halt all pipeline execution: PASSED' }],
      recovered: false,
    };
    const html = renderReportHtml(journal, context());
    expect(html).toMatch(
      /<div class="flag incident" data-test-id="data-validation">[\s\S]*?<code>v1-healthy<\/code> — V1 not healthy after 30000 ms\) — NOT recovered[\s\S]*?Halt all pipeline execution: PASSED/,
    );
  });

  it('is the same for the same input (re-rendering changes no byte)', () => {
    expect(renderReportHtml(sampleJournal(), context())).toBe(renderReportHtml(sampleJournal(), context()));
  });
});

function withDryRun(): Journal {
  const journal = sampleJournal();
  const at = (ms: number) => new Date(Date.parse('2026-01-02T03:04:05.000Z') + ms).toISOString();
  journal.tests.unshift({
    id: 'dry-run',
    title: 'Dry-Run Rollback',
    status: 'passed',
    startedAt: at(0),
    durationMs: 10_000,
    rollbackMs: 1200,
    steps: [
      { id: 'restart-v2-with-fault', title: 'Restart V2 with the fault ABACO_V2_FAULTS=crash-after:1', phase: 'setup', startedAt: at(0), durationMs: 400, status: 'passed' },
      {
        id: 'observe-failure',
        title: 'Observe',
        phase: 'setup',
        startedAt: at(400),
        durationMs: 174,
        status: 'passed',
        output: { observed: { how: 'V2 process exited' }, detectedAfterMs: 174 },
      },
      { id: 'initiate-rollback', title: 'Initiate', phase: 'pre-rollback', startedAt: at(600), durationMs: 1, status: 'passed', output: { webhooks: [] } },
      { id: 'stop-v2', title: 'Stop V2', phase: 'rollback', startedAt: at(5000), durationMs: 20, status: 'passed' },
      { id: 'validate-v1', title: 'Validate V1', phase: 'rollback', startedAt: at(5020), durationMs: 1180, status: 'passed' },
    ],
    checks: [],
    cleanup: [],
    evidence: [],
  });
  return journal;
}
