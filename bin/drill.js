#!/usr/bin/env node
// The compiled CLI (dist/, built by `npm run build`, which `npm ci` runs as `prepare`): starting it
// loads no TypeScript compiler. A drill.config.ts is still read: load-config registers tsx then.
import { existsSync } from 'node:fs';

const entry = new URL('../dist/src/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('drill: dist/ is missing: run `npm run build` in the rollback-drill folder (`npm ci` builds it)\n');
  process.exit(3);
}
await import(entry.href);
