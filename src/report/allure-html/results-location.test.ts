import { describe, expect, it } from 'vitest';
import { locateResults, reportFolder } from './results-location.ts';

const options = { base: '/home/me/project', defaultRunDir: '/repo/reports/latest' };

describe('locateResults', () => {
  it('defaults to reports/latest', () => {
    expect(locateResults(undefined, options)).toEqual({ runDir: '/repo/reports/latest', resultsDir: '/repo/reports/latest/allure-results' });
  });

  it('takes a run folder, relative to where the command was typed', () => {
    expect(locateResults('reports/2026-01-02T03-04-05Z-abcd', options)).toEqual({
      runDir: '/home/me/project/reports/2026-01-02T03-04-05Z-abcd',
      resultsDir: '/home/me/project/reports/2026-01-02T03-04-05Z-abcd/allure-results',
    });
  });

  it('takes the allure-results folder itself', () => {
    expect(locateResults('/runs/r1/allure-results/', options)).toEqual({ runDir: '/runs/r1', resultsDir: '/runs/r1/allure-results' });
  });
});

describe('reportFolder', () => {
  it("puts a run's report beside the run folder, named by the run id, from latest/ as from the run itself", () => {
    const runId = '2026-01-02T03-04-05Z-abcd';
    expect(reportFolder(locateResults(undefined, options), { base: options.base, runId })).toBe(`/repo/reports/${runId}-allure`);
    expect(reportFolder(locateResults(`/repo/reports/${runId}`, options), { base: options.base, runId })).toBe(`/repo/reports/${runId}-allure`);
  });

  it("puts the report of results that are no run's (the drill suites' allure-results/) beside them", () => {
    expect(reportFolder(locateResults('allure-results', options), { base: options.base })).toBe('/home/me/project/allure-report');
  });

  it('writes where --output says, relative to where the command was typed', () => {
    expect(reportFolder(locateResults('/runs/r1', options), { base: options.base, output: 'out/html', runId: 'r1' })).toBe('/home/me/project/out/html');
  });
});
