import { afterEach, describe, expect, it } from 'vitest';
import { smtpReceiver, type SmtpReceiver } from '../../../test/helpers/notification-receivers/smtp-receiver.ts';
import { freePort } from '../../util/free-port.ts';
import { notificationsSchema, type BuiltInChannelInput } from '../notifications-schema.ts';
import { createNotifier } from '../notifier.ts';

/*
 * The email kind against a real SMTP server on loopback: STARTTLS with a self-signed certificate made
 * for the test (trusted through caFile), AUTH only once encrypted.
 */

const USER = 'drill-notifier';
const PASSWORD = 'smtp-pass-3c9f1a';
const details = {
  runId: '2026-01-02T03-04-05Z-abc123',
  environment: 'staging',
  testId: 'dry-run',
  message: 'Rollback verified: V1 operational — 4 phases, KPIs <produced>',
  data: { rollbackMs: 8123 },
};

let server: SmtpReceiver | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function emailChannel(port: number, fields: Partial<Extract<BuiltInChannelInput, { kind: 'email' }>> = {}) {
  return notificationsSchema.parse({
    delivery: { backoffMs: 100 },
    channels: [
      {
        kind: 'email',
        name: 'ops-team',
        host: '127.0.0.1',
        port,
        user: USER,
        passwordEnv: 'SMTP_PASSWORD',
        from: 'Rollback drill <drill@abaco.example>',
        to: ['ops-team@abaco.example', 'on-call@abaco.example'],
        ...fields,
      },
    ],
  });
}

describe('email channel against a real SMTP server', () => {
  it('upgrades with STARTTLS, verifies the certificate against caFile, authenticates and delivers subject, text and HTML', async () => {
    server = await smtpReceiver({ user: USER, password: PASSWORD });
    const notifier = createNotifier(emailChannel(server.port, { caFile: server.caFile }), { env: { SMTP_PASSWORD: PASSWORD } });
    const [result] = await notifier.notify('rollback-verified', details);
    expect(result).toMatchObject({
      webhook: 'ops-team',
      kind: 'email',
      ok: true,
      status: 250,
      attempts: 1,
      detail: expect.stringMatching(/^accepted for 2 recipient\(s\): 250 .*queued as drill-test/),
    });

    expect(server.logins).toEqual([{ user: USER, ok: true, secure: true }]);
    expect(server.mails).toHaveLength(1);
    const mail = server.mails[0]!;
    expect(mail).toMatchObject({ from: 'drill@abaco.example', to: ['ops-team@abaco.example', 'on-call@abaco.example'], secure: true, user: USER });
    expect(mail.subject).toBe('[rollback-drill] staging: Rollback verified (dry-run, run 2026-01-02T03-04-05Z-abc123)');
    expect(mail.headers.get('from')).toBe('Rollback drill <drill@abaco.example>');
    expect(mail.headers.get('to')).toBe('ops-team@abaco.example, on-call@abaco.example');
    expect(mail.headers.get('x-drill-run')).toBe('2026-01-02T03-04-05Z-abc123');
    expect(mail.headers.get('x-drill-event')).toBe('rollback-verified');
    expect(mail.headers.get('content-type')).toMatch(/^multipart\/alternative/);
    expect(mail.text).toContain(
      'Rollback verified — staging\n\nRollback verified: V1 operational — 4 phases, KPIs <produced>\n\nEnvironment: staging\nRun: 2026-01-02T03-04-05Z-abc123\nTest: dry-run\nEvent: rollback-verified\nVerdict: verified',
    );
    expect(mail.text).toContain('"rollbackMs": 8123');
    expect(mail.html).toContain('<h2>Rollback verified — staging</h2>');
    expect(mail.html).toContain('KPIs &lt;produced&gt;');
    expect(mail.raw).not.toContain(PASSWORD);
  });

  it('refuses a certificate it cannot verify, without retrying and without sending the password', async () => {
    server = await smtpReceiver({ user: USER, password: PASSWORD });
    const [result] = await createNotifier(emailChannel(server.port), { env: { SMTP_PASSWORD: PASSWORD } }).notify('rollback-initiated', details);
    expect(result).toMatchObject({
      ok: false,
      attempts: 1,
      error: expect.stringMatching(new RegExp(`^email 'ops-team' \\(smtp 127\\.0\\.0\\.1:${server.port}\\) rollback-initiated: TLS: .*self-signed certificate`)),
    });
    expect(server.logins).toEqual([]);
    expect(server.mails).toEqual([]);
  });

  it('does not retry a wrong password (535), and masks it', async () => {
    server = await smtpReceiver({ user: USER, password: PASSWORD });
    const [result] = await createNotifier(emailChannel(server.port, { caFile: server.caFile }), { env: { SMTP_PASSWORD: 'wrong-pass-77' } }).notify('rollback-initiated', details);
    expect(result).toMatchObject({ ok: false, status: 535, attempts: 1 });
    expect(server.logins).toEqual([{ user: USER, ok: false, secure: true }]);
    expect(JSON.stringify(result)).not.toContain('wrong-pass-77');
  });

  it('retries a transient 451 and delivers on the next attempt', async () => {
    server = await smtpReceiver({ user: USER, password: PASSWORD, failFirstWith: { code: 451, message: 'Temporary local problem, try again' } });
    const [result] = await createNotifier(emailChannel(server.port, { caFile: server.caFile }), { env: { SMTP_PASSWORD: PASSWORD } }).notify('rollback-failed', details);
    expect(result).toMatchObject({ ok: true, status: 250, attempts: 2 });
    expect(server.mails).toHaveLength(1);
    expect(server.mails[0]!.subject).toBe('[rollback-drill] staging: Rollback FAILED (dry-run, run 2026-01-02T03-04-05Z-abc123)');
  });

  it('retries a server that is down, then reports it', async () => {
    const closed = await freePort();
    const [result] = await createNotifier(emailChannel(closed), { env: { SMTP_PASSWORD: PASSWORD } }).notify('rollback-initiated', details);
    expect(result).toMatchObject({ ok: false, attempts: 3, error: expect.stringMatching(/ECONNREFUSED.*; 3 attempts in \d+ ms$/) });
  });
});
