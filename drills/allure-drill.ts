/**
 * The drill suites' Allure results, through allure-vitest (the drills project's setup file; the
 * reporter registers allure-vitest's own setup before it).
 *
 * A suite runs its drill once, in beforeAll, where Vitest has no test to attach anything to. So the
 * helper that ran it (runOne) hands the run over with `reportToAllure`, and the first test that runs
 * afterwards carries the drill: every runbook step, check and cleanup as an Allure step with the
 * journal's own start, stop, status and parameters, the evidence attached (size-capped), the run's
 * checklist.md. Every test of that suite gets the drill's labels (epic: environment, feature: the
 * runbook test, story: the target), parameters and a link to the run's report.
 */
import { readFile, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as allure from 'allure-js-commons';
import type { RuntimeMessage } from 'allure-js-commons/sdk';
import { getGlobalTestRuntime, type TestRuntime } from 'allure-js-commons/sdk/runtime';
import { beforeEach } from 'vitest';
import type { Journal } from '../src/journal/journal-types.ts';
import { selectEvidence, type EvidenceAttachment } from '../src/report/allure-attachments.ts';
import { allureTestModel, type AllureStepModel, type AllureTestModel } from '../src/report/allure-model.ts';
import { mimeTypeOf } from '../src/report/mime-type.ts';

/**
 * Attachments travel base64-encoded in the test's metadata from the worker to the reporter, which
 * holds them until the run ends: the cap `drill run` uses for its own allure-results. Larger
 * evidence (the database backup) is listed in the description, not attached.
 */
const maxAttachmentBytes = 1024 * 1024;

/** A finished run (RunDrillsResult is one): its folder holds the redacted journal.json the report is made from. */
export interface DrilledRun {
  runDir: string;
}

interface ReadRun {
  journal: Journal;
  runDir: string;
}

// Module state is shared by this setup file and the suites' helpers: Vitest evaluates a setup file
// in the same module graph as the test file it runs before.
const pending: DrilledRun[] = [];
const bySuite = new WeakMap<object, { runs: ReadRun[]; reportedBy: string }>();

/** Called where a suite ran its drill (beforeAll): the next test to run reports it. */
export function reportToAllure(run: DrilledRun): void {
  pending.push({ runDir: run.runDir });
}

beforeEach(async ({ task }) => {
  const runtime = messageRuntime();
  if (!runtime) return; // allure-vitest is not a reporter of this run: nothing would read what is sent
  const suite: object = task.suite ?? task.file;
  if (pending.length > 0) {
    // The journal as written (redacted), not the run's in-memory one, which may still hold a secret.
    const runs = await Promise.all(pending.splice(0).map(async ({ runDir }) => ({ runDir, journal: JSON.parse(await readFile(join(runDir, 'journal.json'), 'utf8')) as Journal })));
    bySuite.set(suite, { runs, reportedBy: task.name });
    for (const run of runs) await replay(runtime, run);
  } else {
    const drilled = bySuite.get(suite);
    if (drilled) await allure.description(`The drill's steps, checks and evidence are reported with the test "${drilled.reportedBy}".`);
  }
  for (const run of bySuite.get(suite)?.runs ?? []) await describeDrill(run);
});

/** Labels, parameters and a link: what tells this test's drill apart in the report's trees and filters. */
async function describeDrill({ journal, runDir }: ReadRun): Promise<void> {
  await allure.epic(`Rollback drill: ${journal.environment}`);
  for (const test of journal.tests) await allure.feature(test.title);
  await allure.story(`target ${journal.target}`);
  await allure.parameter('environment', journal.environment);
  await allure.parameter('target', journal.target);
  await allure.parameter('run', journal.runId, { excluded: true });
  const report = join(runDir, 'report.html');
  if (await isFile(report)) await allure.link(pathToFileURL(report).href, `report.html of run ${journal.runId}`);
}

async function replay(runtime: MessageRuntime, { journal, runDir }: ReadRun): Promise<void> {
  const models: AllureTestModel[] = [];
  for (const test of journal.tests) models.push(allureTestModel(journal, test, hostname(), await selectEvidence(test, runDir, maxAttachmentBytes)));
  await allure.description(models.map((m) => m.description).join('\n\n'));
  // One runbook test: its steps are this test's steps. Several (a whole run): one step each.
  for (const model of models) {
    if (models.length === 1) await stepsAndAttachments(runtime, model);
    else
      await timedStep(runtime, { ...model, name: `${model.name} (${model.fullName.replace('rollback-drill.', '')})`, parameters: [], attachments: [] }, () =>
        stepsAndAttachments(runtime, model),
      );
  }
  const checklist = join(runDir, 'checklist.md');
  if (await isFile(checklist)) await allure.attachment('checklist.md', await readFile(checklist), { contentType: mimeTypeOf(checklist), fileExtension: 'md' });
}

async function stepsAndAttachments(runtime: MessageRuntime, model: AllureTestModel): Promise<void> {
  for (const step of model.steps) await timedStep(runtime, step, () => attachAll(step.attachments));
  await attachAll(model.attachments);
}

async function attachAll(files: EvidenceAttachment[]): Promise<void> {
  for (const file of files) await allure.attachment(file.name, await readFile(file.path), { contentType: file.contentType, fileExtension: file.fileExtension });
}

/**
 * `allure.step` times a step by the clock while its body runs; these steps ran minutes ago, in
 * beforeAll, so their start, stop and status are sent as the messages `allure.step` itself sends.
 */
async function timedStep(runtime: MessageRuntime, step: AllureStepModel, body: () => Promise<void>): Promise<void> {
  await runtime.sendMessage({ type: 'step_start', data: { name: step.name, start: step.start } });
  for (const parameter of step.parameters) await runtime.stepParameter(parameter.name, parameter.value);
  await body();
  await runtime.sendMessage({ type: 'step_stop', data: { stop: step.stop, status: step.status, statusDetails: step.statusDetails } });
}

type MessageRuntime = TestRuntime & { sendMessage(message: RuntimeMessage): Promise<void> };

function messageRuntime(): MessageRuntime | undefined {
  const runtime = getGlobalTestRuntime() as Partial<MessageRuntime>;
  return typeof runtime.sendMessage === 'function' ? (runtime as MessageRuntime) : undefined;
}

async function isFile(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isFile() ?? false;
}
