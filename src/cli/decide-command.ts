import { evaluate } from '../criteria/evaluate.ts';
import { describeDecision } from '../criteria/describe-decision.ts';
import { readTelemetry } from '../criteria/read-telemetry.ts';

export interface DecideCommandOptions {
  telemetry: string;
  json?: boolean;
}

/** Exit codes of `drill decide`; bad input (exit 3) is thrown as a HarnessError and mapped by main. */
export const decideExitCodes = { continue: 0, rollback: 1 } as const;

/** `drill decide`: evaluates the seed's rollback criteria over a telemetry file. */
export async function decideCommand(options: DecideCommandOptions, io: { out: { write(text: string): unknown } } = { out: process.stdout }): Promise<number> {
  const telemetry = await readTelemetry(options.telemetry);
  const decision = evaluate(telemetry);
  io.out.write(options.json ? `${JSON.stringify(decision, null, 2)}\n` : `${describeDecision(decision)}\n`);
  return decideExitCodes[decision.decision];
}
