import { checkCatalog, type CheckInfo } from './catalog.ts';

/** docs/checks.md, generated from the catalog (`npm run docs` writes it; a unit test keeps it current). */
export function catalogMarkdown(catalog: readonly CheckInfo[] = checkCatalog): string {
  const cell = (text: string) => text.replaceAll('|', '\\|');
  return [
    '# Checks',
    '',
    'Every check a drill can emit: what it compares, where its threshold comes from, the configuration it needs, and',
    'the test in which a named fault makes it fail in a real drill (`npx drill checks --json` prints the same list).',
    'A check this environment cannot prove is configured or waived (`waive: { <id>: <reason> }`): never silently',
    'skipped. _Generated from `src/checks/catalog.ts` by `npm run docs`; do not edit by hand._',
    '',
    '| check | tests | compares | threshold | needs | fault that fails it | proven by |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...catalog.map((c) => `| \`${c.id}\` | ${c.tests.join(', ')} | ${cell(c.compares)} | ${cell(c.threshold)} | ${c.needs ? `\`${c.needs}\`` : '—'} | ${cell(c.fault)} | \`${cell(c.provenBy)}\` |`),
    '',
  ].join('\n');
}
