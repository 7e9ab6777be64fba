import { resolve } from 'node:path';
import { describeVerification, manifestName, verifyManifest } from '../evidence/manifest.ts';
import { processIo, type CommandIo } from './output.ts';

/** Exit codes of `drill verify`; a run folder that does not exist is bad input (3), thrown and mapped by main. */
export const verifyExitCodes = { verified: 0, failed: 1 } as const;

/** `drill verify <runDir>`: recomputes manifest.sha256 and names every file changed, added or removed. */
export async function verifyCommand(options: { runDir: string }, io: CommandIo = processIo): Promise<number> {
  const runDir = resolve(options.runDir);
  const verification = await verifyManifest(runDir);
  if (verification.ok) {
    io.out.write(`verified: ${verification.files} files of ${runDir} match ${manifestName}\n`);
    return verifyExitCodes.verified;
  }
  for (const line of describeVerification(verification)) io.err.write(`${line}\n`);
  io.err.write(`verification FAILED: ${runDir} ${verification.sealed ? 'is not as it was sealed' : 'has nothing to verify against'}\n`);
  return verifyExitCodes.failed;
}
