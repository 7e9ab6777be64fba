/**
 * The subset of the Allure 2 results format this harness writes. Field names checked against
 * allure-js-commons `src/model.ts` (the writer allure-vitest uses) and Allure 3's reader
 * (`packages/reader/src/allure2/index.ts`), which maps `testCaseId` → testId, `statusDetails.message`
 * → message, and reads steps, attachments (`source` = file name in the results folder), labels and
 * parameters exactly as named here.
 */
export type AllureStatus = 'passed' | 'failed' | 'broken' | 'skipped';

export interface AllureStatusDetails {
  message?: string;
  trace?: string;
  actual?: string;
  expected?: string;
}

export interface AllureAttachment {
  name: string;
  /** MIME type: decides whether the report previews the file or offers it for download. */
  type: string;
  /** File name inside allure-results; Allure 3 only treats names matching `*-attachment.*` as attachments. */
  source: string;
}

export interface AllureParameter {
  name: string;
  value: string;
  /** Shown, but left out of the history key (Allure 3 and allure-js both honour it). */
  excluded?: boolean;
}

export interface AllureLabel {
  name: string;
  value: string;
}

export interface AllureStep {
  name: string;
  status: AllureStatus;
  statusDetails: AllureStatusDetails;
  stage: 'finished';
  start: number;
  stop: number;
  steps: AllureStep[];
  attachments: AllureAttachment[];
  parameters: AllureParameter[];
}

export interface AllureTestResult extends AllureStep {
  uuid: string;
  historyId: string;
  testCaseId: string;
  fullName: string;
  description?: string;
  labels: AllureLabel[];
  links: Array<{ name?: string; url: string; type?: string }>;
}

/** executor.json: who produced the results (shown in the report's Executors widget). */
export interface AllureExecutor {
  name: string;
  type: string;
  buildName?: string;
  reportName?: string;
  url?: string;
  buildUrl?: string;
}
