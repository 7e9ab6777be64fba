import { describe, expect, it } from 'vitest';
import { locateResults } from './results-location.ts';

const options = { base: '/home/me/project', defaultRunDir: '/repo/reports/latest' };

describe('locateResults', () => {
  it('defaults to reports/latest, with the report beside its results', () => {
    expect(locateResults(undefined, options)).toEqual({
      runDir: '/repo/reports/latest',
      resultsDir: '/repo/reports/latest/allure-results',
      outputDir: '/repo/reports/latest/allure-report',
    });
  });

  it('takes a run folder, relative to where the command was typed', () => {
    expect(locateResults('reports/2026-01-02T03-04-05Z-abcd', options)).toEqual({
      runDir: '/home/me/project/reports/2026-01-02T03-04-05Z-abcd',
      resultsDir: '/home/me/project/reports/2026-01-02T03-04-05Z-abcd/allure-results',
      outputDir: '/home/me/project/reports/2026-01-02T03-04-05Z-abcd/allure-report',
    });
  });

  it('takes the allure-results folder itself', () => {
    expect(locateResults('/runs/r1/allure-results/', options)).toEqual({
      runDir: '/runs/r1',
      resultsDir: '/runs/r1/allure-results',
      outputDir: '/runs/r1/allure-report',
    });
  });

  it('writes where --output says', () => {
    expect(locateResults('/runs/r1', { ...options, output: 'out/html' }).outputDir).toBe('/home/me/project/out/html');
  });
});
