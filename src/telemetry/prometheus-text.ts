/**
 * Parser for the Prometheus text exposition format (0.0.4), as served on `/metrics`:
 *   metric_name{label="value",…} value [timestamp_ms]
 * plus `# HELP` / `# TYPE` lines and comments, which carry no samples and are skipped. Also takes
 * the quoted-name form of Prometheus 3 (`{"http.requests", code="200"} 1`) so a UTF-8 metric name
 * does not make a whole scrape unreadable.
 */
export interface PrometheusSample {
  name: string;
  labels: Record<string, string>;
  value: number;
  /** Milliseconds since the epoch, when the exporter states one. */
  timestampMs?: number;
}

export class PrometheusParseError extends Error {
  override readonly name = 'PrometheusParseError';
  constructor(
    readonly line: number,
    reason: string,
    text: string,
  ) {
    super(`line ${line}: ${reason}: ${JSON.stringify(text.length > 120 ? `${text.slice(0, 120)}…` : text)}`);
  }
}

const METRIC_NAME = /[a-zA-Z_:][a-zA-Z0-9_:]*/y;
const LABEL_NAME = /[a-zA-Z_][a-zA-Z0-9_]*/y;
const BLANKS = /[ \t]*/y;
const FLOAT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const INTEGER = /^-?\d+$/;

/** Every sample in the text, in order; throws PrometheusParseError naming the first bad line. */
export function parsePrometheusText(text: string): PrometheusSample[] {
  const samples: PrometheusSample[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.replace(/\r$/, '');
    const trimmed = line.trimStart();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    samples.push(parseLine(trimmed, i + 1));
  }
  return samples;
}

function parseLine(line: string, lineNo: number): PrometheusSample {
  let pos = 0;
  const fail = (reason: string): never => {
    throw new PrometheusParseError(lineNo, reason, line);
  };
  const match = (re: RegExp): string | undefined => {
    re.lastIndex = pos;
    const found = re.exec(line);
    if (!found) return undefined;
    pos = re.lastIndex;
    return found[0];
  };
  const blanks = () => match(BLANKS);
  const quoted = (): string => {
    // pos is on the opening quote. Escapes per the format: \\, \" and \n; anything else is kept
    // as written, as Prometheus itself does.
    let out = '';
    for (pos++; pos < line.length; pos++) {
      const ch = line[pos]!;
      if (ch === '"') {
        pos++;
        return out;
      }
      if (ch === '\\' && pos + 1 < line.length) {
        const next = line[++pos]!;
        out += next === 'n' ? '\n' : next === '\\' || next === '"' ? next : `\\${next}`;
      } else {
        out += ch;
      }
    }
    return fail('unterminated quoted string');
  };

  let name = match(METRIC_NAME) ?? '';
  const labels: Record<string, string> = {};
  blanks();
  if (line[pos] === '{') {
    pos++;
    for (;;) {
      blanks();
      if (line[pos] === '}') {
        pos++;
        break;
      }
      const isQuoted = line[pos] === '"';
      const key = isQuoted ? quoted() : (match(LABEL_NAME) ?? fail(`bad label name at column ${pos + 1}`));
      blanks();
      if (line[pos] === '=') {
        pos++;
        blanks();
        if (line[pos] !== '"') fail(`label ${key} has no quoted value`);
        if (key in labels) fail(`label ${key} repeated`);
        labels[key] = quoted();
      } else if (name === '' && isQuoted) {
        name = key; // the quoted metric name of the UTF-8 form
      } else {
        fail(`expected "=" after label ${key}`);
      }
      blanks();
      if (line[pos] === ',') pos++;
      else if (line[pos] !== '}') fail(`expected "," or "}" at column ${pos + 1}`);
    }
  }
  if (name === '') fail('no metric name');

  const rest = line
    .slice(pos)
    .trim()
    .split(/[ \t]+/);
  if (rest[0] === '' || rest.length > 2) fail(rest[0] === '' ? 'no value' : 'unexpected text after the value');
  const value = parseValue(rest[0]!) ?? fail(`bad value ${JSON.stringify(rest[0])}`);
  const sample: PrometheusSample = { name, labels, value };
  if (rest[1] !== undefined) {
    if (!INTEGER.test(rest[1])) fail(`bad timestamp ${JSON.stringify(rest[1])}`);
    sample.timestampMs = Number(rest[1]);
  }
  return sample;
}

/** Go's ParseFloat spellings that exporters emit: NaN, +Inf, -Inf (any case), decimals, exponents. */
export function parseValue(token: string): number | undefined {
  const lower = token.toLowerCase();
  if (lower === 'nan') return NaN;
  if (lower === '+inf' || lower === 'inf' || lower === '+infinity' || lower === 'infinity') return Infinity;
  if (lower === '-inf' || lower === '-infinity') return -Infinity;
  return FLOAT.test(token) ? Number(token) : undefined;
}

/**
 * One series as a stable key: `name{a="b",c="d"}` with labels sorted by name and values escaped
 * as in the exposition format, so the same series always flattens to the same key.
 */
export function seriesKey(name: string, labels: Record<string, string>): string {
  const names = Object.keys(labels).sort();
  if (names.length === 0) return name;
  const escaped = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
  return `${name}{${names.map((n) => `${n}="${escaped(labels[n]!)}"`).join(',')}}`;
}
