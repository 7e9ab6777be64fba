import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import nodemailer from 'nodemailer';
import { z } from 'zod';
import { errorMessage } from '../../errors.ts';
import {
  defineNotificationChannel,
  envVar,
  eventTitle,
  literalSecret,
  messageFacts,
  unavailableChannel,
  type AttemptOutcome,
  type NotificationMessage,
} from '../channel-plugin.ts';

/*
 * Email over SMTP through nodemailer (https://nodemailer.com/smtp/): `secure: true` is TLS from the
 * first byte (port 465); otherwise the client upgrades with STARTTLS, and `requireTLS` refuses to go
 * on without it (https://nodemailer.com/smtp/#tls-options). The runbook's quick reference mails
 * ops-team after a rollback; this sends a plain-text body with a short HTML alternative.
 */

// `ops-team@abaco.com` or `Rollback drill <drill@abaco.com>`.
const address = z.string().regex(/^(?:[^<>@\r\n]*<[^\s@<>]+@[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+)$/, 'must be an email address (name@host or Name <name@host>)');

export const emailEvents = ['rollback-initiated', 'rollback-verified', 'rollback-failed'] as const;

export const emailFields = z
  .strictObject({
    host: z.string().min(1).describe('The SMTP server.'),
    port: z.number().int().min(1).max(65535).optional().describe('465 with `secure`, 587 otherwise.'),
    secure: z.boolean().default(false).describe('TLS from the first byte (SMTPS, usually port 465).'),
    requireTLS: z.boolean().default(true).describe('Without `secure`: refuse to send unless the server upgrades with STARTTLS.'),
    rejectUnauthorized: z.boolean().default(true).describe("Verify the server's certificate (against the system CAs, or `caFile`)."),
    caFile: z.string().min(1).optional().describe("PEM file of the CA that signed the server's certificate (a private relay); relative to the config file."),
    user: z.string().min(1).optional().describe('The SMTP user (AUTH only once encrypted).'),
    passwordEnv: envVar().optional().describe('Name of the environment variable holding the SMTP password.'),
    from: address.describe('The sender: name@host or Name <name@host>.'),
    to: z.array(address).min(1, 'list at least one recipient').describe('The recipients.'),
    subjectPrefix: z.string().default('[rollback-drill]').describe('Put before every subject.'),
    password: literalSecret('an SMTP password', 'passwordEnv'),
    pass: literalSecret('an SMTP password', 'passwordEnv'),
  })
  .superRefine((email, ctx) => {
    if ((email.user === undefined) !== (email.passwordEnv === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'give both `user` and `passwordEnv` (SMTP AUTH), or neither', path: [email.user === undefined ? 'user' : 'passwordEnv'] });
    }
    if (email.passwordEnv !== undefined && !email.secure && !email.requireTLS) {
      ctx.addIssue({ code: 'custom', message: 'the SMTP password would cross the network in clear text: set `secure` or `requireTLS`', path: ['requireTLS'] });
    }
  })
  .describe("Mails the runbook's ops-team (or any list) over SMTP with STARTTLS or TLS and AUTH.");

export interface EmailContent {
  subject: string;
  text: string;
  html: string;
}

export function emailContent(message: NotificationMessage, subjectPrefix: string): EmailContent {
  const title = eventTitle(message.event);
  const facts = [...messageFacts(message), ['At', message.at] as [string, string]];
  const details = message.data === null || message.data === undefined ? '' : JSON.stringify(message.data, null, 2);
  const text = [
    `${title} — ${message.environment}`,
    '',
    message.message,
    '',
    ...facts.map(([label, value]) => `${label}: ${value}`),
    ...(details ? ['', 'Details:', details] : []),
    '',
  ].join('\n');
  const html = [
    `<h2>${escapeHtml(title)} — ${escapeHtml(message.environment)}</h2>`,
    `<p>${escapeHtml(message.message)}</p>`,
    `<table>${facts.map(([label, value]) => `<tr><th align="left">${escapeHtml(label)}</th><td>${escapeHtml(value)}</td></tr>`).join('')}</table>`,
    ...(details ? [`<pre>${escapeHtml(details)}</pre>`] : []),
  ].join('\n');
  const subject = `${subjectPrefix ? `${subjectPrefix} ` : ''}${message.environment}: ${title} (${message.testId}, run ${message.runId})`;
  return { subject, text, html };
}

function escapeHtml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
}

// Errors a retry cannot fix: the certificate will not verify next time either.
const certificateCodes = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);
const transientCodes = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'EPROXY', 'EPROTOCOL', 'EABORT']);

/** SMTP's own answer decides (4yz: try again, 5yz: don't — RFC 5321 §4.2.1); without one, the failure's kind. */
export function classifySmtpError(error: unknown): Extract<AttemptOutcome, { ok: false }> {
  const e = error as { code?: string; originalCode?: string; responseCode?: number; permanent?: boolean; response?: string };
  const text = errorMessage(error);
  if (typeof e.responseCode === 'number') {
    const retryable = e.permanent === undefined ? e.responseCode >= 400 && e.responseCode < 500 : !e.permanent;
    return { ok: false, retryable, status: e.responseCode, error: `SMTP ${e.responseCode}: ${e.response ?? text}` };
  }
  const original = e.originalCode ?? '';
  if (certificateCodes.has(original) || certificateCodes.has(e.code ?? '') || /certificate/i.test(text)) {
    return { ok: false, retryable: false, error: `TLS: ${text}${original ? ` (${original})` : ''}` };
  }
  const retryable = transientCodes.has(e.code ?? '');
  return { ok: false, retryable, error: `${e.code ? `${e.code}: ` : ''}${text}${original && original !== e.code ? ` (${original})` : ''}` };
}

export const emailChannel = defineNotificationChannel({
  kind: 'email',
  schema: emailFields,
  defaultEvents: emailEvents,
  create(config, context) {
    const port = config.port ?? (config.secure ? 465 : 587);
    const description = `email '${config.name}' (smtp ${config.host}:${port})`;
    let pass: string | undefined;
    if (config.passwordEnv !== undefined) {
      pass = context.secret(config.passwordEnv);
      if (!pass) return unavailableChannel(description, `environment variable ${config.passwordEnv} (its passwordEnv) is not set; nothing sent`);
    }
    let ca: Buffer | undefined;
    if (config.caFile !== undefined) {
      const path = isAbsolute(config.caFile) ? config.caFile : resolve(context.baseDir, config.caFile);
      try {
        ca = readFileSync(path);
      } catch (error) {
        return unavailableChannel(description, `caFile ${path} cannot be read (${errorMessage(error)}); nothing sent`);
      }
    }
    return {
      description,
      async attempt(message, attempt) {
        // A transport per attempt, so its socket timeouts are this attempt's share of the deadline.
        const transport = nodemailer.createTransport({
          host: config.host,
          port,
          secure: config.secure,
          requireTLS: !config.secure && config.requireTLS,
          ...(config.user && pass ? { auth: { user: config.user, pass } } : {}),
          tls: { rejectUnauthorized: config.rejectUnauthorized, ...(ca ? { ca } : {}) },
          connectionTimeout: attempt.timeoutMs,
          greetingTimeout: attempt.timeoutMs,
          socketTimeout: attempt.timeoutMs,
          // The message is built from the harness's own text: it never needs to read a file or fetch a URL.
          disableFileAccess: true,
          disableUrlAccess: true,
        });
        try {
          const content = emailContent(message, config.subjectPrefix);
          const info = await transport.sendMail({
            from: config.from,
            to: config.to,
            ...content,
            headers: { 'X-Drill-Run': message.runId, 'X-Drill-Event': message.event, 'X-Drill-Delivery': attempt.deliveryId },
            signal: attempt.signal,
          });
          const status = Number.parseInt(String(info.response).slice(0, 3), 10);
          const rejected = (info.rejected ?? []).map(String);
          return {
            ok: true,
            ...(Number.isNaN(status) ? {} : { status }),
            detail: `accepted for ${info.accepted.length} recipient(s)${rejected.length ? `, rejected ${rejected.join(', ')}` : ''}: ${String(info.response)}`,
          };
        } catch (error) {
          return classifySmtpError(error);
        } finally {
          transport.close();
        }
      },
    };
  },
});
