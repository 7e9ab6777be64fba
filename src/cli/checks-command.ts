import { checkCatalog } from '../checks/catalog.ts';
import { catalogMarkdown } from '../checks/catalog-markdown.ts';

/** `drill checks`: every check id with what it compares, its threshold's origin and the test that shows it failing. */
export async function checksCommand(options: { json?: boolean; markdown?: boolean }, io = { out: process.stdout }): Promise<number> {
  if (options.json) io.out.write(`${JSON.stringify(checkCatalog, null, 2)}\n`);
  else if (options.markdown) io.out.write(catalogMarkdown());
  else for (const c of checkCatalog) io.out.write(`${c.id.padEnd(28)} ${c.tests.join(',').padEnd(44)} ${c.compares}\n${' '.repeat(29)}fails with: ${c.fault} (${c.provenBy})\n`);
  return 0;
}
