import { describe, expect, it } from 'vitest';
import { renderJunit } from './junit.ts';
import { sampleJournal } from '../../test/helpers/sample-journal.ts';
import { findAll, parseXml, type XmlElement } from '../../test/helpers/tiny-xml.ts';

const xml = renderJunit(sampleJournal());
const root = parseXml(xml);
const suite = (name: string): XmlElement => {
  const found = findAll(root, 'testsuite').find((s) => s.attrs['name'] === name);
  if (!found) throw new Error(`no testsuite ${name} in\n${xml}`);
  return found;
};
const testcase = (suiteName: string, name: string): XmlElement => {
  const found = findAll(suite(suiteName), 'testcase').find((c) => c.attrs['name'] === name);
  if (!found) throw new Error(`no testcase ${name} in suite ${suiteName}`);
  return found;
};
const properties = (s: XmlElement) => Object.fromEntries(findAll(s, 'property').map((p) => [p.attrs['name'], p.attrs['value']]));

describe('renderJunit', () => {
  it('is well-formed XML with one testsuite per journal test', () => {
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n')).toBe(true);
    expect(root.name).toBe('testsuites');
    expect(findAll(root, 'testsuite').map((s) => s.attrs['name'])).toEqual(['rollback-time', 'data-validation', 'roll-forward']);
  });

  it('counts tests, failures, errors and skipped per suite and in total', () => {
    expect(suite('rollback-time').attrs).toMatchObject({ tests: '4', failures: '0', errors: '0', skipped: '0', time: '42.250', timestamp: '2026-01-02T03:04:05' });
    // 3 steps (1 failed, 1 skipped) + 3 checks (1 failed, 1 error, 1 inconclusive → skipped)
    expect(suite('data-validation').attrs).toMatchObject({ tests: '6', failures: '2', errors: '1', skipped: '2', time: '61.000' });
    expect(suite('roll-forward').attrs).toMatchObject({ tests: '1', failures: '0', errors: '1', skipped: '0' });
    expect(root.attrs).toMatchObject({ tests: '11', failures: '2', errors: '2', skipped: '2', time: '300.500' });
  });

  it('names steps and checks by test id and kind', () => {
    expect(testcase('rollback-time', 'stop-v2: Stop V2').attrs).toMatchObject({ classname: 'rollback-time.steps', time: '0.412' });
    expect(testcase('rollback-time', 'rollback-within-budget: Rollback within budget').attrs['classname']).toBe('rollback-time.checks');
    expect(testcase('rollback-time', 'stop-v2: Stop V2').children).toEqual([]);
  });

  it('reports a failed check with its value against the threshold', () => {
    const failure = findAll(testcase('data-validation', 'kpi-variance: KPI variance < 1%'), 'failure')[0]!;
    expect(failure.attrs['message']).toBe(
      '480 KPI points compared, 3 out of tolerance (1.00%, or ±0.000001 near zero); worst: outstanding_principal 2026-01-01 retail: V1 102.75 vs V2 100 (2.75%) (value 3 points out of tolerance vs threshold 0 points out of tolerance)',
    );
    expect(failure.text).toContain('evidence: data-validation/kpi-diff.csv');
  });

  it('maps error to <error> and inconclusive or skipped to <skipped>', () => {
    expect(findAll(testcase('data-validation', 'zero-data-loss: Zero data loss'), 'error')[0]!.attrs['message']).toContain('relation "processed_records" does not exist');
    expect(findAll(testcase('data-validation', 'historical-intact: Historical metrics intact'), 'skipped')[0]!.attrs['message']).toMatch(/^inconclusive: /);
    expect(findAll(testcase('data-validation', 'start-v1: Start V1'), 'skipped')).toHaveLength(1);
    expect(findAll(testcase('roll-forward', 'prepare-database: Prepare database'), 'error')[0]!.attrs['message']).toBe('error: pg_restore missing');
  });

  it('escapes markup and replaces characters XML 1.0 forbids, keeping the message readable', () => {
    const failure = findAll(testcase('data-validation', 'stop-v2: Stop V2'), 'failure')[0]!;
    expect(failure.attrs['message']).toBe('V2 still running after 30000 ms (pid 4242)');
    expect(failure.text).toContain('\\u001b[31mkill -TERM ignored\\u001b[0m \\u0000 "quoted" & <tag> \'apos\' ]]> \uFFFD lone surrogate');
    expect(xml).not.toMatch(/[\u0000\u001b]/);
    expect(suite('data-validation').attrs).toBeDefined();
    expect(properties(suite('data-validation'))['test.title']).toBe('Data validation <V1 & V2>');
  });

  it('keeps newlines inside attribute values', () => {
    const journal = sampleJournal();
    journal.tests[0]!.checks[0] = { ...journal.tests[0]!.checks[0]!, status: 'failed', message: 'line one\nline two\ttabbed' };
    const message = findAll(parseXml(renderJunit(journal)), 'failure')[0]!.attrs['message'];
    expect(message).toBe('line one (value 12400 ms vs threshold 300000 ms)');
    const body = findAll(parseXml(renderJunit(journal)), 'failure')[0]!.text;
    expect(body).toContain('line one\nline two\ttabbed');
  });

  it('records the run id and overall status as properties, and cleanup failures as system-err', () => {
    expect(properties(suite('rollback-time'))).toMatchObject({
      'run.id': '20260102-030405-abcd',
      'run.status': 'failed',
      'test.status': 'passed',
      environment: 'staging',
      'rollback.ms': '12400',
    });
    expect(findAll(suite('data-validation'), 'system-err')[0]!.text).toBe('cleanup "stop V2" failed after 5 ms: kill ESRCH <pid 4242> & gone');
    expect(findAll(suite('rollback-time'), 'system-err')).toEqual([]);
  });

  it('never shows a non-passed test as green, even when every step and check passed', () => {
    const journal = sampleJournal();
    journal.tests[0]!.status = 'error';
    const verdict = findAll(parseXml(renderJunit(journal)), 'testcase').find((c) => c.attrs['name'] === 'verdict')!;
    expect(verdict.attrs['classname']).toBe('rollback-time');
    expect(findAll(verdict, 'error')[0]!.attrs['message']).toBe('test rollback-time ended error');
  });

  it('reports a harness error that left no tests as an error suite, not an empty green report', () => {
    const journal = { ...sampleJournal(), tests: [], status: 'error' as const, error: 'no Postgres: initdb not found\n(tried /usr/lib/postgresql/15/bin)' };
    const doc = parseXml(renderJunit(journal));
    expect(doc.attrs).toMatchObject({ tests: '1', errors: '1' });
    const error = findAll(doc, 'error')[0]!;
    expect(error.attrs['message']).toBe('no Postgres: initdb not found');
    expect(error.text).toContain('(tried /usr/lib/postgresql/15/bin)');
  });
});

describe('parseXml (the well-formedness check the tests rely on)', () => {
  it.each([
    ['unbalanced tags', '<a><b></a>'],
    ['a raw ampersand', '<a>x & y</a>'],
    ['a raw "<" in an attribute', '<a b="<"/>'],
    ['an unquoted attribute', '<a b=1/>'],
    ['a forbidden control character', '<a>\u001b</a>'],
    ['a reference to a forbidden character', '<a>&#27;</a>'],
    ['two roots', '<a/><b/>'],
    ['an unknown entity', '<a>&nbsp;</a>'],
  ])('rejects %s', (_what, bad) => {
    expect(() => parseXml(bad)).toThrow();
  });
});
