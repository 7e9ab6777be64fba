import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Redactor } from '../../src/redaction/redactor.ts';
import { inside } from '../../src/evidence/evidence-list.ts';
import { renderChecklist } from '../../src/report/checklist.ts';
import { sampleJournal } from './sample-journal.ts';
import { writeSignoffArtifacts, type SignoffArtifacts, type SignoffArtifactsOptions } from '../../src/report/signoff-artifacts.ts';

/**
 * A run folder as a run leaves it — journal, checklist, evidence files — sealed by the real
 * end-of-run step, built from the sample journal in a fraction of a second instead of a drill.
 */
export async function sealedRun(
  options: Pick<SignoffArtifactsOptions, 'pdf' | 'env' | 'historyRatio'> = {},
): Promise<{ reportDir: string; runDir: string; artifacts: SignoffArtifacts }> {
  const journal = sampleJournal();
  const reportDir = await mkdtemp(join(tmpdir(), 'drill-signoff-'));
  const runDir = join(reportDir, journal.runId);
  await mkdir(runDir, { recursive: true });
  await writeFile(join(runDir, 'journal.json'), JSON.stringify(journal, null, 2));
  await writeFile(join(runDir, 'checklist.md'), renderChecklist(journal));
  for (const path of journal.tests.flatMap((t) => t.evidence).filter((p) => inside(runDir, p) && !p.includes('missing'))) {
    await mkdir(dirname(join(runDir, path)), { recursive: true });
    await writeFile(join(runDir, path), `evidence ${path}\n`);
  }
  const artifacts = await writeSignoffArtifacts({ runDir, reportDir, journal, redactor: new Redactor(), ...options });
  return { reportDir, runDir, artifacts };
}
