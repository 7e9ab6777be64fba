import type { EvidenceFile } from '../../evidence/evidence-list.ts';
import type { Trend } from '../../history/trend.ts';
import type { Signature } from '../../signoff/signature.ts';

/** What the report shows beyond the journal; gathered from the run folder and history by the caller. */
export interface ReportContext {
  evidence: EvidenceFile[];
  signatures: Signature[];
  /** Undefined when no history was available (e.g. a run folder moved away from its reports/). */
  trend?: Trend;
  /** Line numbers of history.jsonl that could not be read. */
  historySkipped?: number[];
}
