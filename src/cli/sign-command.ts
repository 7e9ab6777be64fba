import { dirname, join, resolve } from 'node:path';
import { access } from 'node:fs/promises';
import { describeVerification } from '../evidence/manifest.ts';
import { historyFileName } from '../history/history-file.ts';
import { roleLabels, signatureKind } from '../signoff/signature.ts';
import { signRun } from '../signoff/sign-run.ts';
import { processIo, type CommandIo } from './output.ts';

export interface SignCommandOptions {
  runDir: string;
  role: string;
  /** An ssh private key: signs manifest.sha256 (verifiable). */
  key?: string;
  /** The signer's name; alone, an unverified typed sign-off. */
  name?: string;
  json?: boolean;
}

/**
 * `drill sign <runDir> --role … (--key <ssh key> | --name "…")`: exit 0 signed, 1 refused (the run
 * fails verification, each file named), 3 bad input (unknown role, empty name, not a key, not a run folder).
 */
export async function signCommand(options: SignCommandOptions, io: CommandIo = processIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const runDir = resolve(options.runDir);
  const historyFile = join(dirname(runDir), historyFileName);
  const hasHistory = await access(historyFile).then(
    () => true,
    () => false,
  );
  const result = await signRun({
    runDir,
    role: options.role,
    ...(options.name !== undefined ? { name: options.name } : {}),
    ...(options.key !== undefined ? { key: resolve(options.key) } : {}),
    ...(hasHistory ? { historyFile } : {}),
    env,
  });
  if (!result.signed) {
    if (options.json) io.out.write(`${JSON.stringify({ signed: false, runDir, problems: describeVerification(result.verification) }, null, 2)}\n`);
    for (const line of describeVerification(result.verification)) io.err.write(`${line}\n`);
    io.err.write(`refused: ${runDir} fails verification, so it cannot be signed\n`);
    return 1;
  }
  const { signature } = result;
  if (options.json) {
    io.out.write(
      `${JSON.stringify({ signed: true, runDir, ...signature, kind: signatureKind(signature), signatureFile: result.signatureFile ?? null, sealedFiles: result.files }, null, 2)}\n`,
    );
    return 0;
  }
  io.out.write(`signed: ${roleLabels[signature.role]} — ${signature.name} at ${signature.signedAt}, ${signatureKind(signature)}\n`);
  if (result.signatureFile) io.out.write(`signature: ${result.signatureFile} (check it with \`drill verify ${options.runDir} --allowed-signers <file>\`)\n`);
  io.out.write(`updated: ${result.rendered.join(', ')}, signoff.json; re-sealed ${result.files} files in manifest.sha256\n`);
  return 0;
}
