import { mkdir, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { Stage, type Globals, type TestResult, type TestResultContainer } from 'allure-js-commons';
import type { Category, EnvironmentInfo } from 'allure-js-commons/sdk';
import { FileSystemWriter, ReporterRuntime, type Writer } from 'allure-js-commons/sdk/reporter';
import { Redactor } from '../redaction/redactor.ts';
import type { Journal } from '../journal/journal-types.ts';
import { selectEvidence, type EvidenceAttachment } from './allure-attachments.ts';
import { allureTestModel, type AllureTestModel } from './allure-model.ts';

export interface AllureOptions {
  /** Share the run's Redactor so secrets known elsewhere are masked in the results too. */
  redactor?: Redactor;
  /** The `host` label; defaults to this machine's name. */
  host?: string;
  /** Evidence above this size is listed in the description instead of copied (a DB backup can be gigabytes). */
  maxAttachmentBytes?: number;
}

const DEFAULT_MAX_ATTACHMENT_BYTES = 64 * 1024 * 1024;

/**
 * Writes `<runDir>/allure-results/` from the journal with allure-js-commons' own writer (the one
 * allure-vitest uses): one `<uuid>-result.json` per drill test, its evidence copied in as
 * `<uuid>-attachment.<ext>`, environment.properties, plus executor.json (which that writer has no
 * call for) — the files `allure generate` reads. Returns every path written.
 */
export async function writeAllureResults(journal: Journal, runDir: string, options: AllureOptions = {}): Promise<string[]> {
  const { redactor = new Redactor(), host = hostname(), maxAttachmentBytes = DEFAULT_MAX_ATTACHMENT_BYTES } = options;
  const dir = join(runDir, 'allure-results');
  // The folder belongs to this run; re-rendering it (`drill report`) must not leave the previous
  // rendering's results beside the new ones, or Allure would count every test twice.
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const writer = new RedactingWriter(new FileSystemWriter({ resultsDir: dir }), dir, redactor);
  const runtime = new ReporterRuntime({
    writer,
    environmentInfo: {
      environment: journal.environment,
      target: journal.target,
      database: journal.database,
      'run.id': journal.runId,
      'run.status': journal.status,
      'run.startedAt': journal.startedAt,
      'run.finishedAt': journal.finishedAt,
      'run.error': journal.error,
    },
  });

  for (const test of journal.tests) {
    const evidence = await selectEvidence(test, runDir, maxAttachmentBytes);
    writeTest(runtime, allureTestModel(journal, test, host, evidence));
  }
  runtime.writeEnvironmentInfo();

  const executor = { name: 'rollback-drill', type: 'rollback-drill', buildName: journal.runId, reportName: `Rollback drill ${journal.runId} (${journal.environment})` };
  const executorPath = join(dir, 'executor.json');
  await writeFile(executorPath, redactor.redact(JSON.stringify(executor)));
  return [...writer.written, executorPath];
}

function writeTest(runtime: ReporterRuntime, model: AllureTestModel): void {
  const { steps, attachments, stop, ...fields } = model;
  const uuid = runtime.startTest({ ...fields, stage: Stage.FINISHED, links: [] });
  for (const step of steps) {
    const { attachments: stepAttachments, stop: stepStop, ...stepFields } = step;
    const stepUuid = runtime.startStep(uuid, null, { ...stepFields, stage: Stage.FINISHED });
    if (stepUuid === undefined) throw new Error(`allure: could not start step "${step.name}" of ${model.fullName}`);
    for (const attachment of stepAttachments) attach(runtime, uuid, stepUuid, attachment);
    runtime.stopStep(stepUuid, { stop: stepStop });
  }
  for (const attachment of attachments) attach(runtime, uuid, null, attachment);
  runtime.stopTest(uuid, { stop });
  runtime.writeTest(uuid);
}

// Given a path, the writer copies the file in under a fresh `<uuid>-attachment.<ext>` name, one per reference.
function attach(runtime: ReporterRuntime, testUuid: string, stepUuid: string | null, file: EvidenceAttachment): void {
  runtime.writeAttachment(testUuid, stepUuid, file.name, file.path, { contentType: file.contentType, fileExtension: file.fileExtension });
}

/**
 * FileSystemWriter, with every string of a result and of environment.properties redacted, and each
 * file written recorded. Evidence files are copied as they are: Evidence.write redacted them, and a
 * binary pg_dump archive cannot be.
 */
class RedactingWriter implements Writer {
  readonly written: string[] = [];

  constructor(
    private readonly inner: FileSystemWriter,
    private readonly dir: string,
    private readonly redactor: Redactor,
  ) {}

  writeResult(result: TestResult): void {
    this.inner.writeResult(redactStrings(result, this.redactor));
    this.record(`${result.uuid}-result.json`);
  }

  writeGroup(group: TestResultContainer): void {
    this.inner.writeGroup(redactStrings(group, this.redactor));
    this.record(`${group.uuid}-container.json`);
  }

  writeAttachment(name: string, content: Buffer): void {
    this.inner.writeAttachment(name, content);
    this.record(name);
  }

  writeAttachmentFromPath(name: string, from: string): void {
    this.inner.writeAttachmentFromPath(name, from);
    this.record(name);
  }

  writeEnvironmentInfo(info: EnvironmentInfo): void {
    this.inner.writeEnvironmentInfo(redactStrings(info, this.redactor));
    this.record('environment.properties');
  }

  writeCategoriesDefinitions(categories: Category[]): void {
    this.inner.writeCategoriesDefinitions(categories);
    this.record('categories.json');
  }

  writeGlobals(name: string, globals: Globals): void {
    this.inner.writeGlobals(name, redactStrings(globals, this.redactor));
    this.record(name);
  }

  private record(name: string): void {
    this.written.push(join(this.dir, name));
  }
}

function redactStrings<T>(value: T, redactor: Redactor): T {
  if (typeof value === 'string') return redactor.redact(value) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => redactStrings(item, redactor)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, redactStrings(item, redactor)])) as T;
  }
  return value;
}
