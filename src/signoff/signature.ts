/** The runbook's three signers, in the order its Sign-Off block lists them. */
export const signOffRoles = ['engineering', 'operations', 'management'] as const;
export type SignOffRole = (typeof signOffRoles)[number];

export const roleLabels: Record<SignOffRole, string> = { engineering: 'Engineering', operations: 'Operations', management: 'Management' };

export interface Signature {
  role: SignOffRole;
  name: string;
  /** ISO-8601, UTC. */
  signedAt: string;
}

export function isSignOffRole(value: string): value is SignOffRole {
  return (signOffRoles as readonly string[]).includes(value);
}

/**
 * The signature in force per role: the latest one. Earlier ones stay in signoff.json as the
 * audit trail of who signed what and when; only the report shows just the latest.
 */
export function currentSignatures(all: readonly Signature[]): Partial<Record<SignOffRole, Signature>> {
  const current: Partial<Record<SignOffRole, Signature>> = {};
  for (const signature of all) {
    const seen = current[signature.role];
    if (!seen || seen.signedAt <= signature.signedAt) current[signature.role] = signature;
  }
  return current;
}
