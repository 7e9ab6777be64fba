import { describe, expect, it } from 'vitest';
import { formatIssues } from '../util/zod-issues.ts';
import { decisionSchema } from '../criteria/decision-schema.ts';
import { mappedQueries, prometheusTelemetrySchema, renderQuery } from './prometheus-schema.ts';

const base = { kind: 'prometheus', url: 'http://prometheus:9090', queries: { restarts: { total: 'max(abaco_restarts_total{{selector}})' } } };
const issues = (raw: unknown) => {
  const result = decisionSchema.safeParse({ telemetry: raw });
  return result.success ? '' : formatIssues(result.error.issues);
};

describe('decision.telemetry', () => {
  it('defaults to the scrape, and takes Prometheus with its defaults', () => {
    expect(decisionSchema.parse({}).telemetry).toEqual({ kind: 'scrape' });
    expect(prometheusTelemetrySchema.parse(base)).toMatchObject({ stepMs: 15_000, timeoutMs: 5000, labels: {}, headers: {} });
  });

  it('renders {{interval}} as the window in ms, {{labels}} as matchers and {{selector}} as a selector; Flagger’s spaced form too', () => {
    const labels = { job: 'abaco-v2', env: 'st"aging' };
    expect(renderQuery('sum(increase(x{status="failed",{{labels}}}[{{ interval }}]))', labels, 1500.2)).toBe(
      'sum(increase(x{status="failed",job="abaco-v2",env="st\\"aging"}[1501ms]))',
    );
    expect(renderQuery('max(y{{selector}})', labels, 1000)).toBe('max(y{job="abaco-v2",env="st\\"aging"})');
    expect(renderQuery('max(y{{selector}})', {}, 1000)).toBe('max(y)');
  });

  it('lists the mapped signals, a total apart', () => {
    const config = prometheusTelemetrySchema.parse({ ...base, queries: { rssMb: 'a', restarts: { total: 'b' }, errors: 'c' } });
    expect(mappedQueries(config)).toEqual([
      { signal: 'rssMb', query: 'a', total: false },
      { signal: 'errors', query: 'c', total: false },
      { signal: 'restarts', query: 'b', total: true },
    ]);
  });

  it('refuses, naming the path: an unknown signal or placeholder, a total for a gauge, no query at all, credentials in the URL or headers, a bad URL', () => {
    const text = issues({ ...base, queries: { restart: 'x', latencyMs: { total: 'y' }, rowsIn: 'increase(x[{{range}}])' } });
    expect(text).toContain('telemetry.queries: Unrecognized key: "restart"');
    expect(text).toContain('telemetry.queries.latencyMs');
    expect(text).toContain('telemetry.queries.rowsIn: unknown placeholder {{range}} (known: {{interval}}, {{labels}}, {{selector}})');
    expect(issues({ ...base, queries: {} })).toContain('telemetry.queries: map at least one signal to a query');
    expect(issues({ ...base, url: 'http://admin:secret@prometheus:9090' })).toContain('telemetry.url: no credentials in the URL');
    expect(issues({ ...base, headers: { Authorization: 'Bearer abc' } })).toContain('telemetry.headers: no credentials in the config');
    expect(issues({ ...base, url: 'prometheus:9090' })).toContain('telemetry.url');
    expect(issues({ kind: 'graphite' })).toContain("unknown telemetry kind: use 'scrape' or 'prometheus'");
  });
});
