// `npm run docs`: writes the generated reference pages from their one source, so they never drift
// (unit tests fail when a committed page differs from what these functions render now).
//   docs/configuration.md  ← the config schema (src/config/config-reference.ts)
//   docs/checks.md         ← the check catalog (src/checks/catalog.ts)
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { catalogMarkdown } from '../src/checks/catalog.ts';
import { configReferenceMarkdown } from '../src/config/config-reference.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const pages: Array<[string, string]> = [
  ['docs/configuration.md', configReferenceMarkdown()],
  ['docs/checks.md', catalogMarkdown()],
];
for (const [file, text] of pages) {
  writeFileSync(`${root}${file}`, text);
  console.log(`wrote ${file} (${text.split('\n').length} lines)`);
}
