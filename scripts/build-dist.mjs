// `npm run build` (and `prepare`, so `npm ci` on a clean clone builds it): src/ → dist/ with tsc,
// then what tsc does not emit — the .mjs helpers src/ loads by path — and dist/config.schema.json.
// Plain JavaScript: it runs before anything is compiled, with no TypeScript loader.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const src = join(root, 'src');
const dist = join(root, 'dist');
// Built beside dist/ and swapped in at the end: a drill running from dist/ (or a second build)
// never sees a half-written tree, and a module removed from src/ does not linger in dist/.
const next = join(root, `dist.building-${process.pid}`);

rmSync(next, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json'), '--outDir', next], { stdio: 'inherit' });

for (const file of walk(src).filter((f) => f.endsWith('.mjs'))) {
  const target = join(next, relative(root, file));
  mkdirSync(dirname(target), { recursive: true });
  copyFileSync(file, target);
}

const { configJsonSchema } = await import(pathToFileURL(join(next, 'src/config/json-schema.js')).href);
writeFileSync(join(next, 'config.schema.json'), `${JSON.stringify(configJsonSchema(), null, 2)}\n`);

const old = join(root, `dist.old-${process.pid}`);
if (existsSync(dist)) renameSync(dist, old);
renameSync(next, dist);
rmSync(old, { recursive: true, force: true });
console.log(`built ${relative(process.cwd(), dist) || 'dist'}/ (and config.schema.json)`);

function walk(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
}
