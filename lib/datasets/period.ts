// The batch-period rule, once, for the server (lib/ingest: browser upload, SFTP, CLI) and the
// browser (components/upload/upload-form.tsx). No imports: safe in a client bundle.

/** A 6-monthly batch: the year and its half, "2016-H1" or "2016-H2". */
export const BATCH_PERIOD_PATTERN = /^\d{4}-H[12]$/;
/** The same rule as an HTML `pattern` attribute (anchored by the browser). */
export const BATCH_PERIOD_HTML_PATTERN = "\\d{4}-H[12]";

export interface BatchPeriodProblem {
  code: "period-required" | "bad-period" | "period-not-allowed";
  /** The sentence for a refusal of the whole upload. */
  message: string;
  /** The shorter sentence shown next to the form's period field. */
  fieldMessage: string;
}

/** Whether `period` suits a dataset: required and well formed when it is sent in batches, absent otherwise. */
export function checkBatchPeriod(dataset: { title: string; needsPeriod: boolean }, period: string | null): BatchPeriodProblem | null {
  const example = "Enter the batch as YYYY-H1 or YYYY-H2, for example 2016-H1";
  if (dataset.needsPeriod && !period) {
    return {
      code: "period-required",
      message: `${dataset.title} files are sent in 6-monthly batches: say which batch this file is (for example 2016-H1).`,
      fieldMessage: example,
    };
  }
  if (dataset.needsPeriod && period && !BATCH_PERIOD_PATTERN.test(period)) {
    return { code: "bad-period", message: `The batch period "${period.slice(0, 20)}" is not of the form YYYY-H1 or YYYY-H2.`, fieldMessage: example };
  }
  if (!dataset.needsPeriod && period) {
    return {
      code: "period-not-allowed",
      message: `${dataset.title} files are not sent in batches by period; leave the period empty.`,
      fieldMessage: "Leave the batch empty: this dataset is not sent in batches",
    };
  }
  return null;
}
