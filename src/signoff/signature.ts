/** The runbook's three signers, in the order its Sign-Off block lists them. */
export const signOffRoles = ['engineering', 'operations', 'management'] as const;
export type SignOffRole = (typeof signOffRoles)[number];

export const roleLabels: Record<SignOffRole, string> = { engineering: 'Engineering', operations: 'Operations', management: 'Management' };

/** Fixed: a signature made for rollback-drill can never be replayed as, say, a git commit signature. */
export const signatureNamespace = 'rollback-drill';

export interface Signature {
  role: SignOffRole;
  name: string;
  /** ISO-8601, UTC. */
  signedAt: string;
  /**
   * `ssh`: manifest.sha256 signed with the signer's ssh key (signoff/<role>.sig over
   * signoff/<role>.manifest.sha256), checked by `drill verify --allowed-signers`. Absent: a typed
   * name anyone could have typed, shown as unverified (and every sign-off made before keys).
   */
  method?: 'ssh';
  /** The ssh key's fingerprint (`SHA256:…`), for `ssh`. */
  fingerprint?: string;
}

export function isSignOffRole(value: string): value is SignOffRole {
  return (signOffRoles as readonly string[]).includes(value);
}

/** How the Sign-Off block qualifies a signature: the difference a reader must not miss. */
export function signatureKind(signature: Signature): string {
  return signature.method === 'ssh' && signature.fingerprint ? `verified (ssh key ${signature.fingerprint})` : 'unverified (typed name)';
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
