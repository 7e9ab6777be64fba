import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import reference from '../../drill.config.ts';
import { HarnessError } from '../errors.ts';
import { decideCommand, parseDuration } from './decide-command.ts';

const corpus = (name: string) => fileURLToPath(new URL(`../criteria/corpus/${name}`, import.meta.url));

/** The reference config as JSON, its staging environment's `decision` changed. */
async function configWith(decision: Record<string, unknown>): Promise<string> {
  const staging = structuredClone(reference.environments['staging']) as Record<string, any>;
  staging['decision'] = { ...staging['decision'], ...decision };
  const file = join(await mkdtemp(join(tmpdir(), 'decide-')), 'drill.config.json');
  await writeFile(file, JSON.stringify({ environments: { staging } }));
  return file;
}

function capture() {
  let text = '';
  return { io: { out: { write: (chunk: string) => (text += chunk) } }, text: () => text };
}

describe('decideCommand', () => {
  it('returns 1 and prints what fired and since when', async () => {
    const out = capture();
    expect(await decideCommand({ telemetry: corpus('rollback-database-outage.json') }, out.io)).toBe(1);
    expect(out.text()).toContain('decision: ROLLBACK');
    expect(out.text()).toContain('database-unavailable: Database unavailable > 5 min — unavailable at 2026-03-02T10:07:01Z, held 5 m 1 s since 2026-03-02T10:02:00Z');
  });

  it('returns 0 and prints the held-back reason', async () => {
    const out = capture();
    expect(await decideCommand({ telemetry: corpus('continue-short-degradation.json') }, out.io)).toBe(0);
    expect(out.text()).toContain('temporary-degradation (cpu): CPU > 90%: degradation lasted 1 m 40 s < 2 min');
  });

  it('prints JSON with --json', async () => {
    const out = capture();
    await decideCommand({ telemetry: corpus('continue-isolated-retryable-error.json'), json: true }, out.io);
    expect(JSON.parse(out.text())).toMatchObject({ decision: 'continue', fired: [], heldBack: [{ rule: 'isolated-retryable-error', criterion: 'error-rate' }] });
  });

  it('throws a HarnessError (exit 3) for bad input', async () => {
    await expect(decideCommand({ telemetry: corpus('bad-input-out-of-order.json') }, capture().io)).rejects.toThrow(HarnessError);
  });

  it('--env applies the environment’s criteria and notTrigger overrides to a telemetry file (they were ignored)', async () => {
    const file = corpus('continue-short-degradation.json'); // CPU > 90% for 1 m 40 s
    expect(await decideCommand({ telemetry: file }, capture().io)).toBe(0);
    const shorter = await configWith({ notTrigger: { 'temporary-degradation': { ms: 60_000 } } });
    const out = capture();
    expect(await decideCommand({ telemetry: file, env: 'staging', config: shorter }, out.io)).toBe(1);
    expect(out.text()).toMatch(/^environment: staging \(its decision\.criteria and decision\.notTrigger applied\)\ndecision: ROLLBACK/);
    expect(out.text()).toContain('cpu: CPU > 90%, sustained ≥ 1 min');
    const disabled = await configWith({ notTrigger: { 'temporary-degradation': { ms: 60_000 } }, criteria: { cpu: { enabled: false } } });
    const json = capture();
    expect(await decideCommand({ telemetry: file, env: 'staging', config: disabled, json: true }, json.io)).toBe(0);
    expect(JSON.parse(json.text())).toMatchObject({
      decision: 'continue',
      environment: 'staging',
      evaluated: expect.arrayContaining([expect.objectContaining({ id: 'cpu', status: 'disabled' })]),
    });
  });

  it('refuses inconsistent options as bad input (exit 3), naming them', async () => {
    const file = corpus('continue-healthy.json');
    const scrapeConfig = await configWith({});
    const cases: Array<[Parameters<typeof decideCommand>[0], RegExp]> = [
      [{}, /needs --telemetry <file>, or --prometheus \[url\] --env <name>/],
      [{ telemetry: file, prometheus: true }, /not both/],
      [{ telemetry: file, config: scrapeConfig }, /--config goes with --env/],
      [{ telemetry: file, last: '5m' }, /--range, --last and --step go with --prometheus/],
      [{ prometheus: true }, /--prometheus needs --env <name>/],
      [{ prometheus: true, env: 'staging', config: scrapeConfig }, /environment 'staging' has no Prometheus queries \(its decision\.telemetry\.kind is 'scrape'\)/],
      [{ telemetry: file, env: 'prod', config: scrapeConfig }, /no environment 'prod' in config \(known: staging\)/],
    ];
    for (const [options, message] of cases) await expect(decideCommand(options, capture().io), JSON.stringify(options)).rejects.toThrow(message);
    const prometheusConfig = await configWith({ telemetry: { kind: 'prometheus', url: 'http://127.0.0.1:1', tokenEnv: 'PROM_TOKEN', queries: { restarts: 'x' } } });
    const withPrometheus = { prometheus: true, env: 'staging', config: prometheusConfig };
    await expect(decideCommand(withPrometheus, { ...capture().io, env: {} })).rejects.toThrow(/tokenEnv names PROM_TOKEN, which is not set/);
    await expect(decideCommand({ ...withPrometheus, prometheus: 'http://u:p@h:9090' }, capture().io)).rejects.toThrow(/no credentials in the URL/);
    await expect(decideCommand({ ...withPrometheus, range: '2026-03-02T10:00:00..now' }, { ...capture().io, env: { PROM_TOKEN: 't' } })).rejects.toThrow(/is not a time/);
    await expect(decideCommand({ ...withPrometheus, range: 'now..1700000000' }, { ...capture().io, env: { PROM_TOKEN: 't' } })).rejects.toThrow(/the end must be after the start/);
  });

  it('sends the bearer token from the environment, and a Prometheus that is down is bad input naming it', async () => {
    const config = await configWith({ telemetry: { kind: 'prometheus', url: 'http://prometheus.invalid:9090', tokenEnv: 'PROM_TOKEN', queries: { restarts: 'x' } } });
    const seen: Array<{ url: string; authorization: string | undefined; body: string }> = [];
    const fetchImpl = async (url: string, init: RequestInit) => {
      seen.push({ url, authorization: (init.headers as Record<string, string>)['authorization'], body: String(init.body) });
      throw new TypeError('fetch failed', { cause: new Error('getaddrinfo ENOTFOUND prometheus.invalid') });
    };
    const io = { ...capture().io, env: { PROM_TOKEN: 's3cr3t-token' }, fetchImpl, now: () => Date.parse('2026-03-02T10:15:00Z') };
    const failure = decideCommand({ prometheus: true, env: 'staging', config, last: '15m', step: '30s' }, io);
    await expect(failure).rejects.toThrow(HarnessError);
    await expect(failure).rejects.toThrow(
      'restarts: Prometheus http://prometheus.invalid:9090 (POST /api/v1/query_range): unreachable: fetch failed (getaddrinfo ENOTFOUND prometheus.invalid) (query x)',
    );
    await expect(failure).rejects.not.toThrow(/s3cr3t/);
    expect(seen).toEqual([
      { url: 'http://prometheus.invalid:9090/api/v1/query_range', authorization: 'Bearer s3cr3t-token', body: 'query=x&start=1772445600&end=1772446500&step=30' },
    ]);
  });

  it('reads durations as Prometheus writes them', () => {
    expect(parseDuration('15s', '--step')).toBe(15_000);
    expect(parseDuration('1h30m', '--last')).toBe(5_400_000);
    expect(parseDuration('500ms', '--step')).toBe(500);
    for (const bad of ['15', '5 m', 'm', '0s', '1w']) expect(() => parseDuration(bad, '--last')).toThrow(/--last/);
  });
});
