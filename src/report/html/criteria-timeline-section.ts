import type { Journal, StepRecord, TestRecord } from '../../journal/journal-types.ts';
import { formatMs } from '../../util/format.ts';
import { html, type SafeHtml } from './html.ts';
import { statusBadge } from './status.ts';
import { decisionOf, type RecordedDecision } from './recorded-decision.ts';

interface Event {
  at: number;
  label: string;
  step?: StepRecord;
  kind: 'step' | 'criterion';
}

/** The dry-run's milestones, by step id (src/drills/dry-run.ts and phases.ts), and which edge of the step marks them. */
const milestones: Array<{ stepId: string; edge: 'start' | 'end'; label: (step: StepRecord, decision?: RecordedDecision) => string }> = [
  { stepId: 'restart-v2-with-fault', edge: 'start', label: (s) => `Fault injected: ${s.title.replace(/^Restart V2 with the fault /, 'V2 restarted with ')}` },
  {
    stepId: 'observe-failure',
    edge: 'start',
    label: (_, d) => (d ? 'V2 kept at work; the decision criteria evaluated over its telemetry' : 'Faulty V2 run triggered; watching the process, /health and /metrics'),
  },
  { stepId: 'observe-failure', edge: 'end', label: (s, d) => (d ? `Decision: ${d.decision.toUpperCase()}` : `Failure detected: ${observedHow(s) ?? 'not recorded'}`) },
  { stepId: 'initiate-rollback', edge: 'start', label: (s) => `Rollback initiated (${notified(s)})` },
  { stepId: 'prove-backup-restores', edge: 'end', label: () => 'Database backup taken and proven to restore' },
  { stepId: 'record-system-state', edge: 'end', label: () => 'Pre-rollback checklist complete (metrics exported, state recorded)' },
  { stepId: 'stop-v2', edge: 'start', label: () => 'Stop V2 issued: the rollback window opens' },
  { stepId: 'v1-healthy', edge: 'end', label: () => 'V1 answers its health check' },
  { stepId: 'validate-v1', edge: 'end', label: () => 'V1’s first KPI run validated: the rollback window closes' },
  { stepId: 'verify-v1', edge: 'end', label: () => 'Post-rollback verification done' },
  { stepId: 'account-records', edge: 'end', label: () => 'Every source record accounted for (processed or quarantined)' },
];

/**
 * The dry-run from the fault being injected to V1 verified, with the decision criteria that
 * called for the rollback when the journal holds them (step `observe-failure`). A journal from
 * before the criteria were evaluated in the drill says so instead of inventing them.
 */
export function criteriaTimelineSection(journal: Journal): SafeHtml {
  const dryRun = journal.tests.find((t) => t.id === 'dry-run');
  return html`<section id="criteria-timeline">
  <h2>Decision criteria timeline (dry-run)</h2>
  ${dryRun ? timeline(dryRun) : html`<p class="note">The dry-run was not part of this run.</p>`}
</section>`;
}

function timeline(test: TestRecord): SafeHtml {
  const observe = test.steps.find((s) => s.id === 'observe-failure');
  const decision = observe ? decisionOf(observe) : undefined;
  const events: Event[] = milestones.flatMap(({ stepId, edge, label }) => {
    const step = test.steps.find((s) => s.id === stepId);
    if (!step) return [];
    return [{ step, at: Date.parse(step.startedAt) + (edge === 'end' ? step.durationMs : 0), label: label(step, decision), kind: 'step' as const }];
  });
  for (const f of decision?.fired ?? []) {
    events.push({ at: Date.parse(f.firstHeldAt), label: `${f.title}: condition starts to hold`, kind: 'criterion' });
    events.push({ at: Date.parse(f.firedAt), label: `${f.title}: FIRED (${String(f.value)}, threshold ${String(f.threshold)})`, kind: 'criterion' });
  }
  // Stable: a criterion firing at the same millisecond as a step edge stays after it.
  const ordered = events
    .map((e, i) => ({ e, i }))
    .sort((a, b) => a.e.at - b.e.at || a.i - b.i)
    .map(({ e }) => e);
  const injected = test.steps.find((s) => s.id === 'restart-v2-with-fault');
  const t0 = injected ? Date.parse(injected.startedAt) : observe ? Date.parse(observe.startedAt) : (ordered[0]?.at ?? 0);
  return html`${decision ? criteria(decision) : notRecorded(test)}
  <table id="timeline">
    <thead><tr><th class="num">T+</th><th>what happened</th><th>at (UTC)</th><th>step</th></tr></thead>
    <tbody>${ordered.map((e) => {
      const skipped = e.step?.status === 'skipped';
      return html`<tr class="timeline-${e.kind}"${e.step ? html` data-step-id="${e.step.id}"` : ''}><td class="num">${skipped ? '—' : offset(e.at - t0)}</td><td>${e.label}</td><td class="mono">${skipped ? 'never' : new Date(e.at).toISOString().slice(11, 23)}</td><td>${e.step ? statusBadge(e.step.status) : html`<span class="muted">criterion</span>`}</td></tr>`;
    })}</tbody>
  </table>
  ${ordered.length === 0 ? html`<p class="note">No milestone of the dry-run was recorded.</p>` : ''}`;
}

function criteria(d: RecordedDecision): SafeHtml {
  return html`<p id="criteria-summary">The runbook's decision criteria, evaluated over V2's telemetry${d.telemetrySamples === undefined ? '' : ` (${d.telemetrySamples} samples)`}, called for a <strong>${d.decision}</strong>${
    d.timeToDetectMs === undefined ? '' : ` ${formatMs(d.timeToDetectMs)} after the fault was injected`
  }${d.evidence ? html` — the whole decision is in <code>${d.evidence}</code>` : ''}.</p>
  <table id="criteria-fired">
    <thead><tr><th>criterion that fired</th><th class="num">value</th><th class="num">threshold</th><th>held since</th><th>fired at</th></tr></thead>
    <tbody>${d.fired.map((f) => html`<tr data-criterion-id="${f.id}"><td>${f.title} <code class="muted">${f.id}</code></td><td class="num">${String(f.value)}</td><td class="num">${String(f.threshold)}</td><td class="mono">${f.firstHeldAt}</td><td class="mono">${f.firedAt}</td></tr>`)}</tbody>
  </table>
  ${d.heldBack.length ? html`<p class="muted">Held back by the NOT-trigger rules: ${d.heldBack.join('; ')}</p>` : ''}`;
}

function notRecorded(test: TestRecord): SafeHtml {
  const metrics = test.steps.find((s) => s.id === 'export-v2-metrics')?.output?.['metricsEvidence'];
  return html`<p class="note" id="criteria-not-recorded">Decision criteria evaluation: not recorded in this run. This dry-run detected its simulated failure directly (process exit, /health, /metrics) and did not evaluate the runbook's decision criteria over telemetry, so no criterion's firing time is in the journal. <code>drill decide --telemetry &lt;file&gt;</code> evaluates them${
    typeof metrics === 'string' ? html`; the V2 metrics scraped before the rollback are in <code>${metrics}</code>` : ''
  }.</p>`;
}

function observedHow(step: StepRecord): string | undefined {
  const observed = step.output?.['observed'];
  const how = observed && typeof observed === 'object' ? (observed as { how?: unknown }).how : undefined;
  const after = step.output?.['detectedAfterMs'];
  if (typeof how !== 'string') return undefined;
  return typeof after === 'number' ? `${how}, ${formatMs(after)} after the run was triggered` : how;
}

function notified(step: StepRecord): string {
  const hooks = step.output?.['webhooks'];
  const names = Array.isArray(hooks) ? hooks.filter((h): h is string => typeof h === 'string') : [];
  return names.length ? `notified through ${names.join(', ')}` : 'no notification webhook configured';
}

function offset(ms: number): string {
  return `${ms < 0 ? '−' : '+'}${formatMs(Math.abs(ms))}`;
}
