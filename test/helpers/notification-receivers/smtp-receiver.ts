import { mkdtemp, readFile, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { SMTPServer } from 'smtp-server';

/*
 * A real SMTP server (smtp-server, from the npm registry) on loopback: plain on connect, STARTTLS
 * with a throwaway self-signed certificate made for the test, AUTH PLAIN/LOGIN allowed only once
 * the session is encrypted. It keeps every message it accepts, parsed enough to assert on.
 */

export interface ReceivedMail {
  from: string;
  to: string[];
  /** The session was TLS when DATA was sent. */
  secure: boolean;
  user: string | undefined;
  headers: Map<string, string>;
  subject: string;
  text: string;
  html: string;
  raw: string;
}

export interface SmtpReceiver {
  port: number;
  /** PEM of the self-signed certificate: the CA a client must trust. */
  caFile: string;
  mails: ReceivedMail[];
  /** AUTH attempts, with whether they passed. */
  logins: Array<{ user: string; ok: boolean; secure: boolean }>;
  close(): Promise<void>;
}

/** A self-signed certificate for 127.0.0.1 and localhost, made with the machine's openssl. */
export async function selfSignedCertificate(dir: string): Promise<{ keyFile: string; certFile: string }> {
  const keyFile = join(dir, 'key.pem');
  const certFile = join(dir, 'cert.pem');
  await execa('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    keyFile,
    '-out',
    certFile,
    '-days',
    '1',
    '-subj',
    '/CN=localhost',
    '-addext',
    'subjectAltName=IP:127.0.0.1,DNS:localhost',
  ]);
  return { keyFile, certFile };
}

export async function smtpReceiver(options: { user: string; password: string; failFirstWith?: { code: number; message: string } }): Promise<SmtpReceiver> {
  const dir = await mkdtemp(join(tmpdir(), 'drill-smtp-'));
  const { keyFile, certFile } = await selfSignedCertificate(dir);
  const mails: ReceivedMail[] = [];
  const logins: SmtpReceiver['logins'] = [];
  let failures = options.failFirstWith ? 1 : 0;
  const server = new SMTPServer({
    secure: false,
    key: await readFile(keyFile),
    cert: await readFile(certFile),
    authMethods: ['PLAIN', 'LOGIN'],
    // AUTH before STARTTLS is refused: a client that would send the password in clear fails.
    allowInsecureAuth: false,
    logger: false,
    onAuth(auth, session, callback) {
      const ok = auth.username === options.user && auth.password === options.password;
      logins.push({ user: auth.username ?? '', ok, secure: session.secure });
      if (!ok) return callback(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
      return callback(null, { user: auth.username });
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        if (failures > 0 && options.failFirstWith) {
          failures--;
          return callback(Object.assign(new Error(options.failFirstWith.message), { responseCode: options.failFirstWith.code }));
        }
        const raw = Buffer.concat(chunks).toString('utf8');
        const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
        mails.push({ ...parseMail(raw), raw, from, to: session.envelope.rcptTo.map((r) => r.address), secure: session.secure, user: session.user as string | undefined });
        return callback(null, 'queued as drill-test');
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    port: (server.server.address() as AddressInfo).port,
    caFile: certFile,
    mails,
    logins,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Enough MIME for the assertions: unfolded headers, encoded words, multipart/alternative, QP and base64. */
export function parseMail(raw: string): Pick<ReceivedMail, 'headers' | 'subject' | 'text' | 'html'> {
  const { headers, body } = splitEntity(raw);
  const subject = decodeWords(headers.get('subject') ?? '');
  const type = headers.get('content-type') ?? 'text/plain';
  const parts: Array<{ headers: Map<string, string>; body: string }> = [];
  const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
  if (type.toLowerCase().startsWith('multipart/') && boundary) {
    for (const chunk of body.split(`--${boundary}`).slice(1)) {
      if (chunk.startsWith('--')) break;
      parts.push(splitEntity(chunk.replace(/^\r?\n/, '')));
    }
  } else {
    parts.push({ headers, body });
  }
  const decoded = (mime: string) => {
    const part = parts.find((p) => (p.headers.get('content-type') ?? 'text/plain').toLowerCase().startsWith(mime));
    return part ? decodeBody(part.body, part.headers.get('content-transfer-encoding') ?? '7bit') : '';
  };
  return { headers, subject, text: decoded('text/plain'), html: decoded('text/html') };
}

function splitEntity(raw: string): { headers: Map<string, string>; body: string } {
  const end = raw.indexOf('\r\n\r\n');
  const head = end === -1 ? raw : raw.slice(0, end);
  const body = end === -1 ? '' : raw.slice(end + 4);
  const headers = new Map<string, string>();
  for (const line of head.replace(/\r\n[ \t]+/g, ' ').split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return { headers, body };
}

function decodeBody(body: string, encoding: string): string {
  const text = body.replace(/\r\n$/, '');
  if (/quoted-printable/i.test(encoding)) {
    const bytes = text.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/gi, (_m, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
    return Buffer.from(bytes, 'latin1').toString('utf8').replace(/\r\n/g, '\n');
  }
  if (/base64/i.test(encoding)) return Buffer.from(text.replace(/\s+/g, ''), 'base64').toString('utf8').replace(/\r\n/g, '\n');
  return text.replace(/\r\n/g, '\n');
}

function decodeWords(value: string): string {
  return value.replace(/=\?utf-8\?([QB])\?([^?]*)\?=\s*/gi, (_m, kind: string, text: string) =>
    kind.toUpperCase() === 'B'
      ? Buffer.from(text, 'base64').toString('utf8')
      : Buffer.from(
          text.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (_x, hex: string) => String.fromCharCode(Number.parseInt(hex, 16))),
          'latin1',
        ).toString('utf8'),
  );
}
