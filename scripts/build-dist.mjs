// `npm run build` (and `prepare`, so `npm ci` on a clean clone builds it): src/ → dist/ with tsc,
// then what tsc does not emit — the .mjs helpers src/ loads by path — and dist/config.schema.json.
// Plain JavaScript: it runs before anything is compiled, with no TypeScript loader.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const src = join(root, 'src');
const dist = join(root, 'dist');

// A module removed from src/ must not linger in dist/ and still be importable.
rmSync(dist, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });

for (const file of walk(src).filter((f) => f.endsWith('.mjs'))) {
  const target = join(dist, relative(root, file));
  mkdirSync(dirname(target), { recursive: true });
  copyFileSync(file, target);
}

const { configJsonSchema } = await import(new URL('../dist/src/config/json-schema.js', import.meta.url).href);
writeFileSync(join(dist, 'config.schema.json'), `${JSON.stringify(configJsonSchema(), null, 2)}\n`);
console.log(`built ${relative(process.cwd(), dist) || 'dist'}/ (and config.schema.json)`);

function walk(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
}
