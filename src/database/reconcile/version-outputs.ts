import { z } from 'zod';
import { HarnessError } from '../../errors.ts';
import { accountingSchema, type AccountingConfig } from '../record-accounting.ts';
import type { Queryable } from '../pg-session.ts';
import { compareSides, type SideComparison } from './compare-sides.ts';

/** One version's database after it processed the data set: a DSN, or a client used as is. */
export interface VersionDatabase {
  /** `V1`, `V2`: names the side in results and errors. */
  name: string;
  target: string | Queryable;
}

export interface VersionOutputsComparison {
  /** Both versions processed the same keys with the same values and quarantined the same keys. */
  equal: boolean;
  /** Processed records, keys and value columns: left = the first version given. */
  processed: SideComparison;
  /** Quarantined records, by key: a key only one version quarantined is a difference. */
  quarantined: SideComparison;
  durationMs: number;
}

/**
 * Zero data loss between versions: two versions that processed the same data set,
 * each in its own database, must have processed the same records with the same values and
 * quarantined the same ones. Two multiset comparisons (compare-sides.ts), run at the same time:
 * the accounting's processed query on both databases (keys + valueColumns), and its quarantined
 * query on both (keys). Across two databases the mismatched buckets' keys are streamed and merged
 * in Node; each comparison reads one snapshot per database.
 */
export async function compareVersionOutputs(
  a: VersionDatabase,
  b: VersionDatabase,
  accounting: AccountingConfig,
  options: { sampleSize?: number } = {},
): Promise<VersionOutputsComparison> {
  const parsed = accountingSchema.safeParse(accounting);
  if (!parsed.success) throw new HarnessError(`invalid record accounting config: ${z.prettifyError(parsed.error)}`);
  const config = parsed.data;
  const started = performance.now();
  const common = { buckets: config.buckets, multiplicity: config.multiplicity, ...(options.sampleSize !== undefined ? { sampleSize: options.sampleSize } : {}) };
  const side = (v: VersionDatabase, tag: string, sql: string, what: string) => ({ name: v.name, target: v.target, queries: [{ tag, sql, what: `${v.name} ${what}` }] });
  // Two comparisons on one client would interleave their statements on it: run them in turn then.
  const shareClient = typeof a.target !== 'string' || typeof b.target !== 'string';
  const processed = () =>
    compareSides(side(a, 'processed', config.processedKeysQuery, 'processedKeysQuery'), side(b, 'processed', config.processedKeysQuery, 'processedKeysQuery'), {
      ...common,
      valueColumns: config.valueColumns,
      what: `processed records of ${a.name} and ${b.name}`,
    });
  const quarantined = () =>
    compareSides(side(a, 'quarantined', config.quarantinedKeysQuery, 'quarantinedKeysQuery'), side(b, 'quarantined', config.quarantinedKeysQuery, 'quarantinedKeysQuery'), {
      ...common,
      what: `quarantined records of ${a.name} and ${b.name}`,
    });
  const [p, q] = shareClient ? [await processed(), await quarantined()] : await Promise.all([processed(), quarantined()]);
  return { equal: p.equal && q.equal, processed: p, quarantined: q, durationMs: Math.round(performance.now() - started) };
}
