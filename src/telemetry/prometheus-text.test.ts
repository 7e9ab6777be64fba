import { describe, expect, it } from 'vitest';
import { parsePrometheusText, parseValue, PrometheusParseError, seriesKey } from './prometheus-text.ts';

const exposition = [
  '# HELP abaco_run_latency_seconds Latency of the last run, per phase.',
  '# TYPE abaco_run_latency_seconds gauge',
  'abaco_run_latency_seconds{phase="extract"} 1.25',
  'abaco_run_latency_seconds{phase="load"} 3e-1 1767323045000',
  '# a free comment with {braces} and "quotes"',
  '',
  '   # indented comment',
  'process_resident_memory_bytes 1.2345e+08',
  'abaco_errors_total{kind="db \\"timeout\\"",path="C:\\\\data\\\\in",msg="two\\nlines"} 3',
  'weird_values{v="nan"} NaN',
  'weird_values{v="pinf"} +Inf',
  'weird_values{v="ninf"} -Inf',
  'trailing_comma{a="1",} 7',
  'spaced { a = "1" , b="2" }   8   -5',
  'http_requests_total{code="200",method="GET"} 1027\r',
  'help_escapes_ignored 1',
  '{"abaco.rows.per_second", "table.name"="loans"} 512',
].join('\n');

describe('parsePrometheusText', () => {
  const samples = parsePrometheusText(exposition);

  it('skips HELP, TYPE, comments and blank lines', () => {
    expect(samples).toHaveLength(12);
    expect(samples.map((s) => s.name)).not.toContain('#');
  });

  it('reads names, labels, values and optional timestamps', () => {
    expect(samples[0]).toEqual({ name: 'abaco_run_latency_seconds', labels: { phase: 'extract' }, value: 1.25 });
    expect(samples[1]).toEqual({ name: 'abaco_run_latency_seconds', labels: { phase: 'load' }, value: 0.3, timestampMs: 1767323045000 });
    expect(samples[2]).toEqual({ name: 'process_resident_memory_bytes', labels: {}, value: 123_450_000 });
    expect(samples[8]).toEqual({ name: 'spaced', labels: { a: '1', b: '2' }, value: 8, timestampMs: -5 });
    expect(samples[9]).toEqual({ name: 'http_requests_total', labels: { code: '200', method: 'GET' }, value: 1027 });
  });

  it('unescapes quotes, backslashes and newlines in label values', () => {
    expect(samples[3]!.labels).toEqual({ kind: 'db "timeout"', path: 'C:\\data\\in', msg: 'two\nlines' });
  });

  it('reads NaN and infinities', () => {
    expect(samples[4]!.value).toBeNaN();
    expect(samples[5]!.value).toBe(Infinity);
    expect(samples[6]!.value).toBe(-Infinity);
  });

  it('accepts a trailing comma in the label set and the quoted-name form', () => {
    expect(samples[7]).toEqual({ name: 'trailing_comma', labels: { a: '1' }, value: 7 });
    expect(samples[11]).toEqual({ name: 'abaco.rows.per_second', labels: { 'table.name': 'loans' }, value: 512 });
  });

  it.each([
    ['no value', 'metric_without_value'],
    ['bad value', 'm{a="1"} twelve'],
    ['unterminated quoted string', 'm{a="1} 2'],
    ['has no quoted value', 'm{a=1} 2'],
    ['bad timestamp', 'm 1 12.5'],
    ['unexpected text', 'm 1 2 3'],
    ['repeated', 'm{a="1",a="2"} 1'],
    ['no metric name', '{a="1"} 1'],
  ])('names the line when it finds %s', (reason, line) => {
    const text = `ok_metric 1\n${line}\n`;
    expect(() => parsePrometheusText(text)).toThrow(PrometheusParseError);
    expect(() => parsePrometheusText(text)).toThrow(new RegExp(`^line 2: .*${reason}`));
  });
});

describe('parseValue', () => {
  it('follows the spellings Go exporters write', () => {
    expect(parseValue('Nan')).toBeNaN();
    expect(parseValue('+inf')).toBe(Infinity);
    expect(parseValue('.5')).toBe(0.5);
    expect(parseValue('-1E3')).toBe(-1000);
    expect(parseValue('')).toBeUndefined();
    expect(parseValue('0x10')).toBeUndefined();
  });
});

describe('seriesKey', () => {
  it('sorts labels and escapes values so a series always has the same key', () => {
    expect(seriesKey('up', {})).toBe('up');
    expect(seriesKey('m', { z: '1', a: 'say "hi"\\\n' })).toBe('m{a="say \\"hi\\"\\\\\\n",z="1"}');
  });
});
