import { describe, expect, it } from 'vitest';
import { Redactor, redactDsn } from './redactor.ts';

describe('Redactor', () => {
  it('masks the password of any URL-shaped DSN', () => {
    expect(redactDsn('postgres://drill:s3cr3t@127.0.0.1:5432/db')).toBe('postgres://drill:***@127.0.0.1:5432/db');
  });

  it('masks a registered secret wherever it appears, including URL-encoded forms', () => {
    const r = new Redactor();
    r.addDsn('postgres://u:p%40ss%2Fword@h/db');
    expect(r.redact('failed with p@ss/word in it')).toBe('failed with *** in it');
    expect(r.redact('dsn=postgres://u:p%40ss%2Fword@h/db')).toBe('dsn=postgres://u:***@h/db');
  });

  it('hides a non-URL DSN entirely', () => {
    const r = new Redactor();
    r.addDsn('host=db password=hunter2');
    expect(r.redact('connect host=db password=hunter2 failed')).toBe('connect *** failed');
  });

  it('masks the key and SAS token of any storage connection string, registered or not', () => {
    const text = 'BLOB_CONNECTION_STRING=DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=c2VjcmV0a2V5PT0=;SharedAccessSignature=sv=1&sig=abc';
    expect(new Redactor().redact(text)).toBe('BLOB_CONNECTION_STRING=DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=***;SharedAccessSignature=***');
  });

  it('leaves text without secrets alone', () => {
    expect(new Redactor().redact('V1 healthy after 812 ms')).toBe('V1 healthy after 812 ms');
  });
});
