// `npm run report:allure [-- <run folder | allure-results folder>] [--output <dir>]`: builds Allure 3's
// single-file HTML report of a drill run, offline (default: reports/latest), beside the run folder as
// reports/<runId>-allure/ — never inside it: the run is sealed and `drill verify` must still pass.
// Exit 0 and the report's path; 3 when there is nothing to report, the output folder is inside a sealed
// run or is not ours to overwrite, or Allure failed.
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { errorMessage, HarnessError } from '../src/errors.ts';
import { buildAllureReport } from '../src/report/allure-html/build-allure-report.ts';
import { runIdentity } from '../src/report/allure-html/report-name.ts';
import { countResults, locateResults, reportFolder } from '../src/report/allure-html/results-location.ts';

const projectDir = fileURLToPath(new URL('..', import.meta.url));

try {
  const { values, positionals } = parseArgs({ options: { output: { type: 'string', short: 'o' } }, allowPositionals: true });
  if (positionals.length > 1) throw new HarnessError(`one results folder at a time, got ${positionals.length}: ${positionals.join(' ')}`);
  // npm runs scripts in the project root; INIT_CWD is where the user typed the command.
  const base = process.env['INIT_CWD'] ?? process.cwd();
  const where = locateResults(positionals[0], { base, defaultRunDir: fileURLToPath(new URL('../reports/latest', import.meta.url)) });
  const results = await countResults(where.resultsDir);
  const run = await runIdentity(where.runDir);
  const built = await buildAllureReport({
    resultsDir: where.resultsDir,
    outputDir: reportFolder(where, { base, output: values.output, runId: run.runId }),
    reportName: run.reportName,
    configFile: fileURLToPath(new URL('../allurerc.json', import.meta.url)),
    projectDir,
  });
  for (const warning of built.warnings) console.error(`warning: ${warning}`);
  console.log(`allure report: ${built.indexHtml} (${results} test result${results === 1 ? '' : 's'}, ${(built.durationMs / 1000).toFixed(1)} s; one file, opens from disk)`);
} catch (error) {
  console.error(`report:allure: ${errorMessage(error)}`);
  process.exitCode = error instanceof HarnessError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS') ? 3 : 1;
}
