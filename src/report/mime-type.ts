import { extname } from 'node:path';

// Evidence is mostly text (logs, JSON, CSV diffs). Types the Allure report previews inline are
// used where they fit; JSON Lines and Markdown are sent as text/plain because the report has no
// viewer for their own types and would only offer a download.
const BY_EXTENSION: Record<string, string> = {
  txt: 'text/plain',
  log: 'text/plain',
  md: 'text/plain',
  jsonl: 'text/plain',
  ndjson: 'text/plain',
  prom: 'text/plain',
  sql: 'text/plain',
  diff: 'text/plain',
  patch: 'text/plain',
  env: 'text/plain',
  yaml: 'text/plain',
  yml: 'text/plain',
  json: 'application/json',
  csv: 'text/csv',
  tsv: 'text/tab-separated-values',
  xml: 'application/xml',
  html: 'text/html',
  htm: 'text/html',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  svg: 'image/svg+xml',
  zip: 'application/zip',
  gz: 'application/gzip',
  parquet: 'application/vnd.apache.parquet',
};

/** The MIME type for an evidence file, by extension; unknown ones (pg_dump archives) are opaque bytes. */
export function mimeTypeOf(path: string): string {
  return BY_EXTENSION[extensionOf(path)] ?? 'application/octet-stream';
}

/** The lower-case extension without the dot, or '' when there is none. */
export function extensionOf(path: string): string {
  return extname(path).slice(1).toLowerCase();
}
