/**
 * Secrets must never reach a terminal, journal, report or evidence file. Everything the harness
 * writes goes through a Redactor that knows every secret registered so far (DSN passwords,
 * tokens from config) and also masks the password part of any URL it sees.
 */
export class Redactor {
  private readonly secrets = new Set<string>();

  add(secret: string | undefined): void {
    if (secret && secret.length >= 3) this.secrets.add(secret);
  }

  addDsn(dsn: string): void {
    try {
      const url = new URL(dsn);
      this.add(decodeURIComponent(url.password));
      this.add(url.password);
    } catch {
      // Not a URL (a key=value DSN): the whole string is too risky to print, hide it.
      this.add(dsn);
    }
  }

  redact(text: string): string {
    let out = text.replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:)([^@\s]+)(@)/gi, '$1***$3').replace(/\b(AccountKey|SharedAccessSignature)=[^;\s"']+/g, '$1=***');
    for (const secret of this.secrets) out = out.split(secret).join('***');
    return out;
  }
}

/** `postgres://user:***@host:port/db` — a DSN safe to print. */
export function redactDsn(dsn: string): string {
  return new Redactor().redact(dsn);
}
