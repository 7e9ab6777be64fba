// Turns a drill's junit.xml into Markdown for the job summary (the nightly workflow appends it to
// $GITHUB_STEP_SUMMARY): one row per test, and every failed, errored or skipped item with its message.
// Plain Node, no dependency: it runs after the drill whatever happened, also when npm ci did not.
//   node .github/scripts/junit-summary.mjs reports/latest/junit.xml >> "$GITHUB_STEP_SUMMARY"
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const ENTITIES = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const unescapeXml = (text) =>
  text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, code) =>
    code[0] === '#' ? String.fromCodePoint(code[1] === 'x' || code[1] === 'X' ? parseInt(code.slice(2), 16) : Number(code.slice(1))) : (ENTITIES[code] ?? whole),
  );

function attributes(tag) {
  const out = {};
  for (const [, name, value] of tag.matchAll(/([\w.:-]+)="([^"]*)"/g)) out[name] = unescapeXml(value);
  return out;
}

/** The suites of a JUnit report (as the harness writes it: testsuites > testsuite > testcase > failure|error|skipped). */
export function parseJunit(xml) {
  const root = attributes(/<testsuites\b[^>]*>/.exec(xml)?.[0] ?? '');
  const suites = [];
  for (const [, open, body] of xml.matchAll(/<testsuite\b([^>]*)>([\s\S]*?)<\/testsuite>/g)) {
    const suite = { ...attributes(open), cases: [] };
    for (const [, caseOpen, selfClosed, caseBody = ''] of body.matchAll(/<testcase\b([^>]*?)(\/>|>([\s\S]*?)<\/testcase>)/g)) {
      const outcome = /<(failure|error|skipped)\b([^>]*?)(?:\/>|>)/.exec(selfClosed === '/>' ? '' : caseBody);
      suite.cases.push({ ...attributes(caseOpen), outcome: outcome ? outcome[1] : 'passed', message: outcome ? (attributes(outcome[2]).message ?? '') : '' });
    }
    suites.push(suite);
  }
  return { name: root.name ?? 'JUnit report', suites };
}

const cell = (text) => String(text).replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
const seconds = (time) => `${Number(time ?? 0).toFixed(1)} s`;
const count = (suite, kind) => suite.cases.filter((c) => c.outcome === kind).length;

export function junitSummary(xml) {
  const { name, suites } = parseJunit(xml);
  const all = suites.flatMap((s) => s.cases.map((c) => ({ ...c, suite: s.name })));
  const bad = all.filter((c) => c.outcome === 'failure' || c.outcome === 'error');
  const skipped = all.filter((c) => c.outcome === 'skipped');
  const mark = bad.length > 0 ? '❌' : '✅';
  const lines = [
    `### ${mark} JUnit: ${cell(name)}`,
    '',
    `${all.length} items: ${all.length - bad.length - skipped.length} passed, ${count({ cases: all }, 'failure')} failed, ${count({ cases: all }, 'error')} errors, ${skipped.length} skipped`,
    '',
    '| test | items | passed | failed | errors | skipped | time |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...suites.map((s) => `| ${cell(s.name)} | ${s.cases.length} | ${count(s, 'passed')} | ${count(s, 'failure')} | ${count(s, 'error')} | ${count(s, 'skipped')} | ${seconds(s.time)} |`),
  ];
  if (suites.length === 0) lines.push('| (no test in the report) | 0 | 0 | 0 | 0 | 0 | 0.0 s |');
  const list = (title, items) => [
    '',
    `**${title}**`,
    '',
    ...items.map((c) => `- \`${cell(c.suite)}\` › ${cell(c.name)}${c.message ? ` — ${cell(c.message)}` : ''}`),
  ];
  if (bad.length > 0) lines.push(...list(`Failed (${bad.length})`, bad));
  if (skipped.length > 0) lines.push(...list(`Skipped or waived (${skipped.length})`, skipped));
  return `${lines.join('\n')}\n`;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const file = process.argv[2] ?? 'reports/latest/junit.xml';
  let xml;
  try {
    xml = readFileSync(file, 'utf8');
  } catch {
    process.stdout.write(`### JUnit: no report\n\n${file} was not written: the drill stopped before its run folder (see the step's log).\n`);
    process.exit(0);
  }
  process.stdout.write(junitSummary(xml));
}
