import { dirname, join, resolve } from 'node:path';
import { access } from 'node:fs/promises';
import { describeVerification } from '../evidence/manifest.ts';
import { historyFileName } from '../history/history-file.ts';
import { roleLabels } from '../signoff/signature.ts';
import { signRun } from '../signoff/sign-run.ts';
import { processIo, type CommandIo } from './output.ts';

export interface SignCommandOptions {
  runDir: string;
  role: string;
  name: string;
}

/**
 * `drill sign <runDir> --role … --name "…"`: exit 0 signed, 1 refused (the run fails
 * verification, each file named), 3 bad input (unknown role, empty name, not a run folder).
 */
export async function signCommand(options: SignCommandOptions, io: CommandIo = processIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const runDir = resolve(options.runDir);
  const historyFile = join(dirname(runDir), historyFileName);
  const hasHistory = await access(historyFile).then(() => true, () => false);
  const result = await signRun({ runDir, role: options.role, name: options.name, ...(hasHistory ? { historyFile } : {}), env });
  if (!result.signed) {
    for (const line of describeVerification(result.verification)) io.err.write(`${line}\n`);
    io.err.write(`refused: ${runDir} fails verification, so it cannot be signed\n`);
    return 1;
  }
  const { signature } = result;
  io.out.write(`signed: ${roleLabels[signature.role]} — ${signature.name} at ${signature.signedAt}\n`);
  io.out.write(`updated: ${result.rendered.join(', ')}, signoff.json; re-sealed ${result.files} files in manifest.sha256\n`);
  return 0;
}
